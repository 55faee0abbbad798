import Foundation
import Testing
@testable import Statistics

/// The piecewise-exponential family: its closed-form censored MLE, its never-ending share, the
/// ending-part distribution functions, and how it competes on AIC.
@Suite struct PiecewiseExponentialTests {
  /// Stays drawn from `truth` by inverting Λ with one exponential draw (∞: never ends), then
  /// right-censored at an independent Uniform(0, `censorMax`) time.
  static func sample(
    _ truth: PiecewiseHazard, count: Int, censorMax: Double, seed: UInt64
  ) -> (durations: [Double], observed: [Bool]) {
    var rng = RandomStream(seed: seed)
    var durations: [Double] = []
    var observed: [Bool] = []
    for _ in 0..<count {
      let t = truth.time(atCumulativeHazard: Sampling.exponential(rate: 1, using: &rng))
      let c = censorMax * Sampling.uniform(using: &rng)
      durations.append(min(t, c))
      observed.append(t <= c)
    }
    return (durations, observed)
  }

  /// Worked by hand. Cuts 2, 5; exits at 1, 3, 4, 6; open at 2.5 and 7.
  /// [0, 2]: 1 exit, exposure 1 + 2·5 = 11 → h = 1/11.
  /// (2, 5]: exits at 3, 4; exposure 1 + 2 + 3 + 0.5 + 3 = 9.5 → h = 2/9.5.
  /// (5, ∞): exit at 6; exposure 1 + 2 = 3 → h = 1/3.
  /// ℓ = Σ D log h − D; AIC counts 3 hazards and 2 cuts; var(log ĥ) = 1/D.
  @Test func handComputedCase() throws {
    let fit = try PiecewiseExponentialFitter().fit(
      cuts: [2, 5], durations: [1, 3, 4, 6, 2.5, 7], observed: [true, true, true, true, false, false])
    guard case .piecewiseExponential(let p) = fit.distribution else {
      Issue.record("family \(fit.family)")
      return
    }
    let expected = [1.0 / 11, 2 / 9.5, 1.0 / 3]
    for (h, e) in zip(p.hazards, expected) { #expect(abs(h - e) < 1e-14) }
    let logLikelihood = log(1.0 / 11) - 1 + 2 * (log(2 / 9.5) - 1) + log(1.0 / 3) - 1
    #expect(abs(fit.logLikelihood - logLikelihood) < 1e-12)
    #expect(abs(fit.aic - (-2 * logLikelihood + 10)) < 1e-12)
    #expect(fit.covariance == [[1, 0, 0], [0, 0.5, 0], [0, 0, 1]])
    #expect(abs(fit.distribution.survival(4) - exp(-(2.0 / 11 + 2 * 2 / 9.5))) < 1e-14)
    #expect(p.neverEndingProbability == 0)
  }

  /// Recovery on 20 000 censored stays from hazards 0.08, 0.02, 0.05 (cuts 10, 30): each ĥ within
  /// 4 standard errors (h/√D). With cuts chosen from the data the survival is within 0.02: the
  /// quantile cuts do not fall on the true ones, so the intervals straddling 10 and 30 average
  /// two hazards (an approximation error of about 0.013 here, not sampling noise).
  @Test func recoversHazardsUnderCensoring() throws {
    let truth = PiecewiseHazard(cuts: [10, 30], hazards: [0.08, 0.02, 0.05])!
    let data = Self.sample(truth, count: 20_000, censorMax: 120, seed: 3)
    let fit = try PiecewiseExponentialFitter().fit(
      cuts: [10, 30], durations: data.durations, observed: data.observed)
    guard case .piecewiseExponential(let p) = fit.distribution else { Issue.record(); return }
    for j in 0..<3 {
      let se = p.hazards[j] * fit.covariance[j][j].squareRoot()
      #expect(abs(p.hazards[j] - truth.hazards[j]) < 4 * se, "interval \(j): \(p.hazards[j]) vs \(truth.hazards[j]) (se \(se))")
    }
    let free = try PiecewiseExponentialFitter().fit(durations: data.durations, observed: data.observed)
    for t in [5.0, 10, 20, 40, 80] {
      let exact = exp(-truth.cumulativeHazard(t))
      #expect(abs(free.distribution.survival(t) - exact) < 0.02, "S(\(t))")
    }
    #expect(free.distribution.neverEndingProbability == 0)
  }

  /// Exits stop at 60 days (hazard 0 beyond) and every stay is watched to 200 days: the hazard
  /// after the last exit is fitted as 0 and the never-ending share matches exp(−Λ(60)) = e^{−1.8}
  /// (binomial standard error ≈ 0.005 with 5 000 stays; tolerance 0.02).
  @Test func zeroHazardAfterLastExitGivesNeverEndingShare() throws {
    let truth = PiecewiseHazard(cuts: [20, 60], hazards: [0.05, 0.02, 0])!
    var rng = RandomStream(seed: 5)
    var durations: [Double] = []
    var observed: [Bool] = []
    for _ in 0..<5_000 {
      let t = truth.time(atCumulativeHazard: Sampling.exponential(rate: 1, using: &rng))
      durations.append(min(t, 200))
      observed.append(t <= 200)
    }
    let fit = try PiecewiseExponentialFitter().fit(durations: durations, observed: observed)
    guard case .piecewiseExponential(let p) = fit.distribution else { Issue.record(); return }
    #expect(p.hazards.last == 0)
    #expect(abs(p.neverEndingProbability - exp(-1.8)) < 0.02, "S∞ = \(p.neverEndingProbability)")
    // The distribution describes the stays that end: all of them end by the last cut.
    #expect(fit.distribution.survival(p.cuts.last!) == 0)
    #expect(abs(fit.distribution.quantile(1) - p.cuts.last!) < 1e-9)
  }

  /// Every stay observed to its end: nobody is watched past the last exit, so the last interval's
  /// hazard goes on and every stay ends.
  @Test func fullyObservedDataEndEveryStay() throws {
    let data = Self.sample(PiecewiseHazard(cuts: [], hazards: [0.1])!, count: 500, censorMax: 1e9, seed: 8)
    let fit = try PiecewiseExponentialFitter().fit(durations: data.durations, observed: data.observed)
    guard case .piecewiseExponential(let p) = fit.distribution else { Issue.record(); return }
    #expect(p.hazards.last! > 0)
    #expect(fit.distribution.neverEndingProbability == 0)
  }

  /// A few open stays just past the last exit are weak evidence: the likelihood-ratio test keeps
  /// the last hazard going (LR = 2·D_K·log(1 + E_tail/E_K) is small).
  @Test func weakEvidenceDoesNotStopTheHazard() throws {
    var data = Self.sample(PiecewiseHazard(cuts: [], hazards: [0.1])!, count: 300, censorMax: 1e9, seed: 9)
    let last = data.durations.max()!
    data.durations += [last + 0.5, last + 1]
    data.observed += [false, false]
    let fit = try PiecewiseExponentialFitter().fit(durations: data.durations, observed: data.observed)
    #expect(fit.distribution.neverEndingProbability == 0)
  }

  static let degenerate: [(String, [Double], [Bool])] = [
    ("one exit time, ties", [4, 4, 4, 4, 9], [true, true, true, true, false]),
    ("zero-length stays", [0, 0, 0, 1, 2, 5, 8], [true, true, true, true, true, false, true]),
    ("a single exit", [3, 10, 12], [true, false, false]),
    ("all stays in one interval", [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], Array(repeating: true, count: 12)),
  ]

  /// Degenerate samples give a valid, finite fit whose ending part is a proper distribution.
  @Test(arguments: degenerate)
  func degenerateSamplesFit(name: String, durations: [Double], observed: [Bool]) throws {
    let fit = try PiecewiseExponentialFitter().fit(durations: durations, observed: observed)
    #expect(fit.logLikelihood.isFinite && fit.aic.isFinite, "\(name)")
    let d = fit.distribution
    #expect(d.median.isFinite && d.median > 0, "\(name)")
    #expect(d.mean.isFinite && d.mean > 0, "\(name)")
    #expect(d.survival(0) == 1 && d.cdf(1e6) > 0.999_999, "\(name)")
  }

  @Test func allCensoredIsAnError() {
    #expect(throws: StatisticsError.noEvents(observations: 3)) {
      try PiecewiseExponentialFitter().fit(durations: [1, 2, 3], observed: [false, false, false])
    }
  }

  /// Ending-part functions agree with one another: quantile inverts survival, cdf + survival = 1,
  /// the mean is ∫ S₀ (trapezoid, 1e-4 relative), the variance E[T²] − E[T]² likewise.
  @Test(arguments: [
    PiecewiseHazard(cuts: [5, 30], hazards: [0.1, 0.01, 0.06])!,
    PiecewiseHazard(cuts: [15, 45, 138], hazards: [0.04, 0.002, 0.02, 0])!,
    PiecewiseHazard(cuts: [10, 20], hazards: [0.05, 0, 0.1])!,
  ])
  func endingPartIsConsistent(hazard: PiecewiseHazard) {
    let d = DurationDistribution.piecewiseExponential(hazard)
    for p in [0.01, 0.1, 0.5, 0.9, 0.99] {
      let t = d.quantile(p)
      #expect(abs(d.cdf(t) - p) < 1e-12 && abs(d.survival(t) - (1 - p)) < 1e-12, "p = \(p)")
    }
    let end = hazard.neverEndingProbability > 0 ? hazard.cuts.last! : 2_000.0
    let n = 200_000
    let step = end / Double(n)
    var first = 0.0
    var second = 0.0
    for i in 0..<n {
      let t = (Double(i) + 0.5) * step
      first += d.survival(t) * step
      second += 2 * t * d.survival(t) * step
    }
    #expect(abs(d.mean - first) < 1e-4 * first)
    #expect(abs(d.variance - (second - first * first)) < 1e-3 * d.variance)
  }

  @Test func jsonRoundTripAndValidation() throws {
    let d = DurationDistribution.piecewiseExponential(PiecewiseHazard(cuts: [3, 9], hazards: [0.2, 0.05, 0])!)
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let data = try encoder.encode(d)
    #expect(String(decoding: data, as: UTF8.self) == #"{"cuts":[3,9],"family":"piecewise_exponential","hazards":[0.2,0.05,0]}"#)
    #expect(try JSONDecoder().decode(DurationDistribution.self, from: data) == d)
    for bad in [
      #"{"cuts":[9,3],"family":"piecewise_exponential","hazards":[0.2,0.05,0]}"#,
      #"{"cuts":[3],"family":"piecewise_exponential","hazards":[0.2,0.05,0]}"#,
      #"{"cuts":[3],"family":"piecewise_exponential","hazards":[0,0]}"#,
      #"{"cuts":[3],"family":"piecewise_exponential","hazards":[-1,0.1]}"#,
    ] {
      #expect(throws: DecodingError.self) { try JSONDecoder().decode(DurationDistribution.self, from: Data(bad.utf8)) }
    }
  }

  /// AIC picks the piecewise hazard for bimodal exits (1–15 or 45–138 days, as in the Maven
  /// export) and a two-parameter family for lognormal data, where the piecewise fit's extra
  /// hazards and cuts are not worth their cost.
  @Test func aicChoosesPiecewiseOnlyWhereNoFamilyFits() throws {
    var rng = RandomStream(seed: 21)
    var bimodal: [Double] = []
    var logNormal: [Double] = []
    for _ in 0..<3_000 {
      let u = Sampling.uniform(using: &rng)
      bimodal.append(u < 0.6 ? 1 + 14 * Sampling.uniform(using: &rng) : 45 + 93 * Sampling.uniform(using: &rng))
      logNormal.append(exp(log(20) + 0.8 * Sampling.standardNormal(using: &rng)))
    }
    let all = Array(repeating: true, count: 3_000)
    let fitter = DurationFitter()
    #expect(try fitter.fitBest(durations: bimodal, observed: all).family == .piecewiseExponential)
    #expect(try fitter.fitBest(durations: logNormal, observed: all).family == .logNormal)
  }
}
