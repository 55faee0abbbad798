import Foundation
import Testing
@testable import Statistics

/// A small right-censored sample and its lifelines 0.30 fits, produced by:
///
///     import numpy as np
///     from lifelines import WeibullFitter, LogNormalFitter, ExponentialFitter
///     rng = np.random.default_rng(20260101)
///     T = rng.weibull(1.5, 40) * 20; C = rng.uniform(5, 40, 40)
///     d = np.minimum(T, C).round(3); e = (T <= C)
///     wf = WeibullFitter().fit(d, e)     # lambda_, rho_, log_likelihood_, summary['se(coef)']
///     lf = LogNormalFitter().fit(d, e)   # mu_, sigma_, ...
///     ef = ExponentialFitter().fit(d, e) # lambda_ is the MEAN (1/rate)
///
/// Gamma (no lifelines fitter) by SciPy Nelder–Mead on the censored log-likelihood
/// (`st.gamma.logpdf` for events + `st.gamma.logsf` for censored, xatol=1e-12).
enum LifelinesReference {
  static let durations: [Double] = [
    4.483, 20.651, 10.317, 24.984, 10.203, 15.715, 19.023, 11.627, 4.644, 4.236, 39.588, 18.713,
    7.694, 6.335, 16.347, 3.41, 16.282, 9.46, 15.827, 18.552, 35.846, 24.529, 6.321, 18.243,
    12.915, 20.235, 6.62, 29.475, 28.751, 12.688, 15.092, 12.939, 7.279, 15.022, 6.499, 10.147,
    5.994, 0.456, 34.624, 12.307,
  ]
  static let observed: [Bool] = [
    true, false, false, false, true, false, true, false, true, true, false, true, true, false,
    true, true, true, true, false, false, false, false, true, false, true, true, false, false,
    false, true, true, true, true, false, false, true, true, true, false, false,
  ]
}

@Suite struct DurationDistributionTests {
  static let examples: [DurationDistribution] = [
    .exponential(rate: 0.05), .logNormal(mu: 3, sigma: 0.8), .gamma(shape: 2.5, scale: 8),
    .weibull(shape: 1.4, scale: 30), .gamma(shape: 0.4, scale: 50),
  ]

  @Test(arguments: examples)
  func quantileInvertsCDFAndSurvivalNeverRises(_ d: DurationDistribution) {
    for p in [0.01, 0.1, 0.5, 0.9, 0.999] {
      #expect(abs(d.cdf(d.quantile(p)) - p) < 1e-10)
    }
    var previous = 1.0
    for t in stride(from: 0.0, through: 500, by: 2.5) {
      let s = d.survival(t)
      #expect(s <= previous && s >= 0)
      #expect(abs(s + d.cdf(t) - 1) < 1e-12)
      previous = s
    }
    #expect(abs(d.median - d.quantile(0.5)) < 1e-12)
  }

  @Test(arguments: examples)
  func sampleMeanMatches(_ d: DurationDistribution) {
    var g = RandomStream(seed: 11)
    let n = 100_000
    let mean = (0..<n).map { _ in d.sample(using: &g) }.reduce(0, +) / Double(n)
    // 5 standard errors.
    #expect(abs(mean - d.mean) < 5 * (d.variance / Double(n)).squareRoot())
  }

  /// Closed forms: exponential mean 1/λ; lognormal median e^μ; Weibull mean λΓ(1+1/k).
  @Test func closedFormMoments() {
    #expect(abs(DurationDistribution.exponential(rate: 0.25).mean - 4) < 1e-12)
    #expect(abs(DurationDistribution.logNormal(mu: 2, sigma: 0.7).median - exp(2)) < 1e-12)
    #expect(abs(DurationDistribution.weibull(shape: 2, scale: 10).mean - 10 * Double.pi.squareRoot() / 2) < 1e-12)
    #expect(abs(DurationDistribution.gamma(shape: 3, scale: 2).variance - 12) < 1e-12)
  }

  /// The residual time given survival to `age`: compare its empirical CDF at one point with
  /// 1 − S(age + r)/S(age).
  @Test(arguments: examples)
  func remainingTimeFollowsConditionalSurvival(_ d: DurationDistribution) {
    let age = d.quantile(0.8)
    let r = d.quantile(0.9) - age
    var g = RandomStream(seed: 4)
    let n = 40_000
    let below = (0..<n).filter { _ in d.sampleRemaining(givenSurvived: age, using: &g) <= r }.count
    let expected = 1 - d.survival(age + r) / d.survival(age)
    #expect(abs(Double(below) / Double(n) - expected) < 0.01)
  }

  /// Deep in the tail (S(age) ≪ machine epsilon) the draw must stay finite and non-negative.
  @Test(arguments: examples)
  func remainingTimeIsFiniteDeepInTheTail(_ d: DurationDistribution) {
    var g = RandomStream(seed: 9)
    for age in [d.quantile(0.5) * 50, d.quantile(0.5) * 1e4, 1e12] {
      for _ in 0..<200 {
        let r = d.sampleRemaining(givenSurvived: age, using: &g)
        #expect(r.isFinite && r >= 0)
      }
    }
  }

  @Test func codableRoundTripIsFlatJSON() throws {
    let d = DurationDistribution.weibull(shape: 1.5, scale: 30)
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let json = String(decoding: try encoder.encode(d), as: UTF8.self)
    #expect(json == #"{"family":"weibull","scale":30,"shape":1.5}"#)
    for example in Self.examples {
      let back = try JSONDecoder().decode(DurationDistribution.self, from: try encoder.encode(example))
      #expect(back == example)
    }
  }
}

@Suite struct DurationFitTests {
  let fitter = DurationFitter()
  let d = LifelinesReference.durations
  let e = LifelinesReference.observed

  @Test func weibullMatchesLifelines() throws {
    let fit = try fitter.fit(.weibull, durations: d, observed: e)
    guard case .weibull(let shape, let scale) = fit.distribution else { Issue.record(); return }
    #expect(relativeError(scale, 26.40482151734978) < 1e-6)
    #expect(relativeError(shape, 1.1941004977664966) < 1e-6)
    #expect(abs(fit.logLikelihood - -90.76238059910457) < 1e-6)
    // lifelines reports se of λ and ρ; ours are of log λ, log ρ (delta method: se/value).
    #expect(relativeError(fit.standardErrors[0], 5.077732332140702 / 26.40482151734978) < 1e-3)
    #expect(relativeError(fit.standardErrors[1], 0.2191525128254552 / 1.1941004977664966) < 1e-3)
  }

  @Test func logNormalMatchesLifelines() throws {
    let fit = try fitter.fit(.logNormal, durations: d, observed: e)
    guard case .logNormal(let mu, let sigma) = fit.distribution else { Issue.record(); return }
    // lifelines stops its optimiser at ~1e-5 relative; SciPy Nelder–Mead on the same censored
    // likelihood (norm.logpdf(log t) − log t for events, norm.logsf for censored; xatol=1e-13)
    // gives mu=2.9519545771093547, sigma=1.216954477959684, log-lik −90.73957312865666.
    #expect(relativeError(mu, 2.9519730098577015) < 2e-5)
    #expect(relativeError(sigma, 1.2169679113529968) < 2e-5)
    #expect(relativeError(mu, 2.9519545771093547) < 1e-7)
    #expect(relativeError(sigma, 1.216954477959684) < 1e-7)
    #expect(abs(fit.logLikelihood - -90.73957312865666) < 1e-9)
    #expect(relativeError(fit.standardErrors[0], 0.23199335026036902) < 1e-3)
    #expect(relativeError(fit.standardErrors[1], 0.20135241425037884 / 1.2169679113529968) < 1e-3)
  }

  @Test func gammaMatchesSciPy() throws {
    let fit = try fitter.fit(.gamma, durations: d, observed: e)
    guard case .gamma(let shape, let scale) = fit.distribution else { Issue.record(); return }
    #expect(relativeError(shape, 1.3426521478529132) < 1e-5)
    #expect(relativeError(scale, 18.716669008590074) < 1e-5)
    #expect(abs(fit.logLikelihood - -90.60246876647184) < 1e-7)
  }

  /// Exponential MLE in closed form: rate = events / total time; var(log rate) = 1/events.
  @Test func exponentialIsClosedForm() throws {
    let fit = try fitter.fit(.exponential, durations: d, observed: e)
    let events = Double(e.filter { $0 }.count)
    let total = d.reduce(0, +)
    guard case .exponential(let rate) = fit.distribution else { Issue.record(); return }
    #expect(relativeError(rate, events / total) < 1e-12)
    // lifelines' lambda_ (a mean), from an optimiser stopped at ~1e-6 relative.
    #expect(relativeError(1 / rate, 28.289160184539284) < 1e-5)
    #expect(abs(fit.logLikelihood - -91.19207516394448) < 1e-8)
    #expect(relativeError(fit.standardErrors[0], 1 / events.squareRoot()) < 1e-12)
  }

  @Test func fitBestPicksLowestAICAndWeightsActAsFrequencies() throws {
    let best = try fitter.fitBest(durations: d, observed: e)
    let all = fitter.fitAll(durations: d, observed: e).compactMap { try? $0.result.get() }
    #expect(all.count == DurationFamily.allCases.count)  // the piecewise family fits too
    #expect(best.aic == all.map(\.aic).min())
    // Doubling every row equals weight 2.
    let doubled = try fitter.fit(.weibull, durations: d + d, observed: e + e)
    let weighted = try fitter.fit(.weibull, durations: d, observed: e, weights: Array(repeating: 2, count: d.count))
    #expect(relativeError(doubled.estimates[0], weighted.estimates[0]) < 1e-9)
    #expect(relativeError(doubled.logLikelihood, weighted.logLikelihood) < 1e-9)
  }

  /// Parameter recovery: 20,000 censored Weibull and lognormal draws.
  @Test(arguments: [
    DurationDistribution.weibull(shape: 1.7, scale: 40), .logNormal(mu: 3.2, sigma: 0.6),
    .gamma(shape: 2.2, scale: 11),
  ])
  func recoversTruthUnderCensoring(_ truth: DurationDistribution) throws {
    var g = RandomStream(seed: 77)
    var durations: [Double] = []
    var observed: [Bool] = []
    for _ in 0..<20_000 {
      let t = truth.sample(using: &g)
      let c = Sampling.uniform(using: &g) * 3 * truth.median
      durations.append(min(t, c))
      observed.append(t <= c)
    }
    let fit = try fitter.fit(truth.family, durations: durations, observed: observed)
    #expect(abs(fit.distribution.median / truth.median - 1) < 0.03)
    #expect(abs(fit.distribution.quantile(0.9) / truth.quantile(0.9) - 1) < 0.05)
    // Goodness of fit against Kaplan–Meier: the right family is close everywhere.
    let gap = fit.maxSurvivalGap(to: KaplanMeier(durations: durations, observed: observed))
    #expect(gap < 0.02)
  }

  @Test func wrongFamilyShowsAGapAgainstKaplanMeier() throws {
    var g = RandomStream(seed: 5)
    let truth = DurationDistribution.logNormal(mu: 3, sigma: 0.3)
    let durations = (0..<5000).map { _ in truth.sample(using: &g) }
    let observed = Array(repeating: true, count: durations.count)
    let km = KaplanMeier(durations: durations, observed: observed)
    let right = try fitter.fit(.logNormal, durations: durations, observed: observed)
    let wrong = try fitter.fit(.exponential, durations: durations, observed: observed)
    #expect(right.maxSurvivalGap(to: km) < 0.03)
    #expect(wrong.maxSurvivalGap(to: km) > 0.2)
  }

  @Test func zerosAreFlooredAtHalfTheSmallestPositiveDuration() throws {
    let fit = try fitter.fit(.logNormal, durations: [0, 2, 3, 5, 8, 0], observed: Array(repeating: true, count: 6))
    #expect(fit.durationFloor == 1)
    #expect(fit.logLikelihood.isFinite)
  }

  @Test func degenerateDataGiveTypedErrors() {
    #expect(throws: StatisticsError.noEvents(observations: 3)) {
      try fitter.fit(.weibull, durations: [1, 2, 3], observed: [false, false, false])
    }
    #expect(throws: StatisticsError.insufficientData(what: "distinct event times for a lognormal fit", observed: 1, required: 2)) {
      try fitter.fit(.logNormal, durations: [4, 4, 4, 9], observed: [true, true, true, false])
    }
    #expect(throws: StatisticsError.insufficientData(what: "distinct event times for a weibull fit", observed: 1, required: 2)) {
      try fitter.fit(.weibull, durations: [4, 7], observed: [true, false])
    }
    #expect(throws: StatisticsError.emptyData(what: "durations")) {
      try fitter.fit(.gamma, durations: [], observed: [])
    }
    #expect(throws: StatisticsError.invalidValue(name: "duration", index: 1, value: -1)) {
      try fitter.fit(.gamma, durations: [1, -1], observed: [true, true])
    }
    // One event is enough for the exponential: rate = 1 / total time.
    let one = try? fitter.fit(.exponential, durations: [4, 6], observed: [true, false])
    #expect(one.map { relativeError($0.distribution.mean, 10) < 1e-12 } == true)
  }

  @Test func convergenceErrorListsLikelyCauses() {
    let text = StatisticsError.didNotConverge(iterations: 100, lastChange: 0.3).description
    #expect(text.contains("1.") && text.contains("2.") && text.contains("100 iterations"))
  }

  @Test func fitIsCodable() throws {
    let fit = try fitter.fit(.weibull, durations: d, observed: e)
    let back = try JSONDecoder().decode(DurationFit.self, from: try JSONEncoder().encode(fit))
    #expect(back == fit)
    #expect(fit.summary.contains("log_shape"))
  }
}

@Suite struct CompetingRisksTests {
  /// Hand-worked: times 1(a) 2(b) 2(censored) 3(a) 4(b) 5(censored), causes a = 0, b = 1.
  /// t=1: n=6, F_a = 1/6, S = 5/6. t=2: n=5, F_b = 5/6·1/5 = 1/6, S = 2/3.
  /// t=3: n=3, F_a = 1/6 + 2/3·1/3 = 7/18, S = 4/9. t=4: n=2, F_b = 1/6 + 4/9·1/2 = 7/18, S = 2/9.
  @Test func handWorkedCumulativeIncidence() {
    let aj = AalenJohansen(durations: [1, 2, 2, 3, 4, 5], causes: [0, 1, nil, 0, 1, nil])
    #expect(aj.times == [1, 2, 3, 4])
    #expect(aj.atRisk == [6, 5, 3, 2])
    #expect(abs(aj.cumulativeIncidence(cause: 0, at: 1.5) - 1.0 / 6) < 1e-12)
    #expect(abs(aj.cumulativeIncidence(cause: 0, at: 10) - 7.0 / 18) < 1e-12)
    #expect(abs(aj.cumulativeIncidence(cause: 1, at: 4) - 7.0 / 18) < 1e-12)
    #expect(abs(aj.survival(at: 4) - 2.0 / 9) < 1e-12)
    #expect(aj.cumulativeIncidence(cause: 1, at: 0.5) == 0)
    // 1 − KM with the competing cause censored overstates: 4/9 > 7/18 at t = 3.
    let naive = KaplanMeier(
      durations: [1, 2, 2, 3, 4, 5],
      observed: CompetingRisks.causeSpecificObserved([0, 1, nil, 0, 1, nil], cause: 0))
    #expect(abs((1 - naive.survival(at: 3)) - 4.0 / 9) < 1e-12)
  }

  @Test func incidencesAndSurvivalSumToOneAndNeverFall() {
    var g = RandomStream(seed: 3)
    var durations: [Double] = []
    var causes: [Int?] = []
    for _ in 0..<2000 {
      durations.append((Sampling.uniform(using: &g) * 50).rounded())
      let u = Sampling.uniform(using: &g)
      causes.append(u < 0.3 ? 0 : u < 0.8 ? 1 : u < 0.9 ? 2 : nil)
    }
    let aj = AalenJohansen(durations: durations, causes: causes, causeCount: 3)
    for j in aj.times.indices {
      let total = (0..<3).map { aj.incidence[$0][j] }.reduce(0, +) + aj.survival[j]
      #expect(abs(total - 1) < 1e-12)
      if j > 0 { for c in 0..<3 { #expect(aj.incidence[c][j] >= aj.incidence[c][j - 1]) } }
    }
  }

  @Test func causeSpecificFitCensorsOtherCauses() throws {
    let fit = try DurationFitter().fitCauseSpecific(
      .exponential, durations: [1, 2, 3, 4], causes: [0, 1, 0, nil], cause: 0)
    // Two cause-0 events over total time 10.
    #expect(relativeError(fit.distribution.mean, 5) < 1e-12)
  }
}
