import Foundation
import Testing
@testable import Statistics

@Suite struct SummaryTests {
  /// numpy.quantile([1, 2, 3, 4, 10], [0.25, 0.9]) = [2.0, 7.6] (type 7: h = (n−1)p).
  @Test func type7Quantiles() {
    #expect(abs(Quantiles.type7(sorted: [1, 2, 3, 4, 10], 0.9) - 7.6) < 1e-12)
    #expect(Quantiles.type7([10, 3, 1, 4, 2], levels: [0, 0.25, 1]) == [1, 2, 10])
    #expect(Quantiles.type7(sorted: [5], 0.3) == 5)
  }

  /// Weights (1, 1, 2) on (1, 2, 3): cumulative 1, 2, 4 of 4; p = 0.5 → 2, p = 0.6 → 3.
  @Test func weightedQuantiles() {
    #expect(Quantiles.weighted([3, 1, 2], weights: [2, 1, 1], 0.5) == 2)
    #expect(Quantiles.weighted([3, 1, 2], weights: [2, 1, 1], 0.6) == 3)
    #expect(Quantiles.weighted([3, 1, 2], weights: [0, 1, 1], 1) == 2)
  }

  /// (2, 4, 4, 4, 5, 5, 7, 9): mean 5, Σ(x − 5)² = 32, sample variance 32/7; the same with
  /// 1e9 added (no cancellation).
  @Test func welfordIsStable() {
    let values: [Double] = [2, 4, 4, 4, 5, 5, 7, 9]
    for offset in [0.0, 1e9] {
      let m = RunningMoments(values.map { $0 + offset })
      #expect(abs(m.mean - (5 + offset)) < 1e-6)
      #expect(abs(m.variance - 32.0 / 7) < 1e-6)
      #expect(abs(m.populationVariance - 4) < 1e-6)
    }
    #expect(abs(RunningMoments(values).coefficientOfVariation! - (32.0 / 7).squareRoot() / 5) < 1e-12)
    #expect(RunningMoments([-1, 1]).coefficientOfVariation == nil)
  }
}

@Suite struct ForecastScoreTests {
  /// Samples (1, 2, 4), y = 3: E|X − y| = 4/3; ordered pairs Σ|x − x′| = 12, /9 = 4/3;
  /// CRPS = 4/3 − 2/3 = 2/3.
  @Test func crpsEnsembleHandWorked() {
    #expect(abs(ForecastScores.crps(samples: [4, 1, 2], outcome: 3) - 2.0 / 3) < 1e-12)
    #expect(ForecastScores.crps(samples: [5], outcome: 5) == 0)
  }

  /// Closed form at z = 0: σ(2φ(0) − 1/√π) = 0.2336949772... for σ = 1; the ensemble CRPS of
  /// 40,000 normal draws converges to the closed form (tolerance 0.04 ≈ 4 sd of the estimate).
  @Test func crpsNormalClosedFormAndEnsembleConvergence() {
    let closed = ForecastScores.crpsNormal(mean: 0, sd: 1, outcome: 0)
    #expect(abs(closed - (2 / (2 * Double.pi).squareRoot() - 1 / Double.pi.squareRoot())) < 1e-15)
    var g = RandomStream(seed: 21)
    let samples = (0..<40_000).map { _ in Sampling.normal(mean: 10, sd: 3, using: &g) }.sorted()
    for y in [10.0, 12.5, 3.0] {
      let exact = ForecastScores.crpsNormal(mean: 10, sd: 3, outcome: y)
      #expect(abs(ForecastScores.crps(samples: samples, outcome: y, samplesAreSorted: true) - exact) < 0.04)
    }
  }

  @Test func pinballPitAndCoverage() {
    #expect(abs(ForecastScores.pinball(quantile: 10, level: 0.9, outcome: 12) - 1.8) < 1e-12)
    #expect(abs(ForecastScores.pinball(quantile: 10, level: 0.9, outcome: 7) - 0.3) < 1e-12)
    #expect(ForecastScores.pit(samples: [1, 2, 3, 4], outcome: 3) == 0.625)
    let c = ForecastScores.intervalCoverage(lower: [0, 0, 0], upper: [10, 10, 10], outcomes: [5, 11, 10])
    #expect(abs(c.coverage - 2.0 / 3) < 1e-12 && c.meanWidth == 10)
  }

  /// Brier: ((0.8 − 1)² + (0.3 − 0)²)/2 = 0.065.
  @Test func brierAndReliability() {
    #expect(abs(ForecastScores.brier(probabilities: [0.8, 0.3], outcomes: [true, false]) - 0.065) < 1e-15)
    let table = ForecastScores.reliability(
      probabilities: [0.05, 0.15, 0.12, 0.95, 1.0], outcomes: [false, true, false, true, true])
    #expect(table.count == 10)
    #expect(table[0].count == 1 && table[0].observedFrequency == 0)
    #expect(table[1].count == 2 && abs(table[1].meanForecast! - 0.135) < 1e-12 && table[1].observedFrequency == 0.5)
    #expect(table[9].count == 2 && table[9].observedFrequency == 1)
    #expect(table[5].count == 0 && table[5].meanForecast == nil)
  }

  /// Forecasts (90, 110, 5), actuals (100, 100, 0): MAPE skips the zero actual: (0.1 + 0.1)/2;
  /// WAPE (10 + 10 + 5)/200; MPE (−0.1 + 0.1)/2 = 0; bias share (205 − 200)/200; RMSE √75.
  @Test func pointForecastErrors() {
    let f: [Double] = [90, 110, 5]
    let a: [Double] = [100, 100, 0]
    #expect(abs(ForecastScores.mape(forecasts: f, actuals: a)! - 0.1) < 1e-12)
    #expect(abs(ForecastScores.wape(forecasts: f, actuals: a)! - 0.125) < 1e-12)
    #expect(abs(ForecastScores.meanPercentageError(forecasts: f, actuals: a)!) < 1e-12)
    #expect(abs(ForecastScores.biasShare(forecasts: f, actuals: a)! - 0.025) < 1e-12)
    #expect(abs(ForecastScores.rmse(forecasts: f, actuals: a) - 75.0.squareRoot()) < 1e-12)
    #expect(ForecastScores.mape(forecasts: [1], actuals: [0]) == nil)
  }
}
