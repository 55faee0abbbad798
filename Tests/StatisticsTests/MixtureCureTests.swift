import Foundation
import Testing

@testable import Statistics

/// Synthetic right-censored stays with a known share that never ends: π of the units never
/// end, the rest last T ~ S₀; every unit is observed from a uniform entry over `window` days to
/// the as-of date (administrative censoring, as for stays still open at as-of).
enum CureData {
  static func sample(
    pi: Double, _ s0: DurationDistribution, n: Int, window: Double, seed: UInt64
  ) -> (durations: [Double], observed: [Bool]) {
    var g = RandomStream(seed: seed)
    var durations: [Double] = []
    var observed: [Bool] = []
    for _ in 0..<n {
      let followUp = window * Sampling.uniform(using: &g)
      let never = Sampling.uniform(using: &g) < pi
      let t = never ? Double.infinity : s0.sample(using: &g)
      if t <= followUp {
        durations.append(t)
        observed.append(true)
      } else {
        durations.append(followUp)
        observed.append(false)
      }
    }
    return (durations, observed)
  }
}

@Suite struct MixtureCureTests {
  /// π = 0.3 over a lognormal with median 20 days, 4 000 stays entered over 400 days: π̂ and S₀'s
  /// parameters within 4 standard errors (from the fit's own covariance) and the test rejects π = 0.
  @Test(arguments: [
    DurationDistribution.logNormal(mu: log(20), sigma: 0.7), .gamma(shape: 2, scale: 12),
    .weibull(shape: 1.3, scale: 25),
  ])
  func recoversCureFractionAndDistribution(_ s0: DurationDistribution) throws {
    let pi = 0.3
    let data = CureData.sample(pi: pi, s0, n: 4_000, window: 400, seed: 2026)
    let fit = try MixtureCureFitter().fit(s0.family, durations: data.durations, observed: data.observed)
    #expect(fit.covariance.count == 9)
    let truth = [log(pi / (1 - pi))] + MixtureCureFit.unconstrained(s0)
    for i in 0..<3 {
      let se = fit.covariance[i * 3 + i].squareRoot()
      #expect(se > 0 && se < 0.2)
      #expect(abs(fit.estimates[i] - truth[i]) < 4 * se, "parameter \(i): \(fit.estimates[i]) vs \(truth[i]) (se \(se))")
    }
    #expect(abs(fit.cureFraction - pi) < 0.03)
    #expect(abs(fit.distribution.median - s0.median) / s0.median < 0.1)
    #expect(fit.likelihoodRatio > 100)
    #expect(fit.pValue < 1e-10)
  }

  /// Without a never-ending share the boundary test does not reject (π̂ near 0, p > 1%).
  @Test(arguments: [UInt64(1), 2, 3])
  func noCureFractionWhenThereIsNone(seed: UInt64) throws {
    let s0 = DurationDistribution.logNormal(mu: log(20), sigma: 0.8)
    let data = CureData.sample(pi: 0, s0, n: 3_000, window: 300, seed: seed)
    let fit = try MixtureCureFitter().fit(.logNormal, durations: data.durations, observed: data.observed)
    #expect(fit.cureFraction < 0.01)
    #expect(fit.pValue > 0.01, "LR \(fit.likelihoodRatio)")
    let plain = try DurationFitter().fit(.logNormal, durations: data.durations, observed: data.observed)
    #expect(abs(fit.noCureLogLikelihood - plain.logLikelihood) < 1e-6 * abs(plain.logLikelihood))
  }

  /// π / (π + (1 − π) S₀(a)): π at age 0, ½ where (1 − π) S₀(a) = π, → 1 far beyond S₀'s range.
  @Test func ageConditionedCureProbability() {
    let s0 = DurationDistribution.gamma(shape: 2, scale: 15)
    let pi = 0.2
    #expect(abs(MixtureCureFit.cureProbability(pi, s0, givenSurvived: 0) - pi) < 1e-12)
    let half = s0.inverseLogSurvival(log(pi / (1 - pi)))
    #expect(abs(MixtureCureFit.cureProbability(pi, s0, givenSurvived: half) - 0.5) < 1e-9)
    for a in [5.0, 30, 90] {
      let s = s0.survival(a)
      let want = pi / (pi + (1 - pi) * s)
      #expect(abs(MixtureCureFit.cureProbability(pi, s0, givenSurvived: a) - want) < 1e-12)
    }
    #expect(MixtureCureFit.cureProbability(pi, s0, givenSurvived: 2_000) > 1 - 1e-12)
    #expect(MixtureCureFit.cureProbability(0, s0, givenSurvived: 2_000) == 0)
  }
}
