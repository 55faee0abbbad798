import CRMData
import Foundation
import Statistics
import Testing

@testable import Backtest

/// Scores on small cases worked by hand. `ForecastScores` has its own tests for each formula;
/// these check the backtest's aggregation (missing values, nil for undefined, interval choice).
@Suite struct ScoreTests {
  /// f = [90, 120, –], a = [100, 100, 50]: the third origin has no value and is left out.
  /// MAPE (10% + 20%)/2 = 15%; WAPE 30/200 = 15%; bias (−10% + 20%)/2 = 5%;
  /// bias share (210 − 200)/200 = 5%; RMSE √((100 + 400)/2) = √250.
  @Test func pointScores() {
    let s = PointScores(forecasts: [90, 120, nil], actuals: [100, 100, 50])
    #expect(s.origins == 2)
    #expect(s.mape!.isApproximatelyEqual(to: 0.15))
    #expect(s.wape!.isApproximatelyEqual(to: 0.15))
    #expect(s.bias!.isApproximatelyEqual(to: 0.05))
    #expect(s.biasShare!.isApproximatelyEqual(to: 0.05))
    #expect(s.rmse!.isApproximatelyEqual(to: 250.0.squareRoot()))
  }

  /// All-zero actuals: percentage scores are undefined, so nil (JSON null), never NaN.
  @Test func undefinedScoresAreNil() throws {
    let s = PointScores(forecasts: [5, 0], actuals: [0, 0])
    #expect(s.mape == nil && s.wape == nil && s.bias == nil && s.biasShare == nil)
    #expect(s.rmse!.isApproximatelyEqual(to: 12.5.squareRoot()))
    let empty = PointScores(forecasts: [nil], actuals: [3])
    #expect(empty.origins == 0 && empty.rmse == nil)
    let json = String(decoding: try JSONEncoder().encode(s), as: UTF8.self)
    #expect(json.contains("\"mape\":null"))
  }

  /// Trials [1, 2, 3, 4], actual 2.5: mean 2.5; type-7 P10 = 1 + 0.3 = 1.3, P50 = 2.5;
  /// E|X − y| = (1.5 + 0.5 + 0.5 + 1.5)/4 = 1, E|X − X′| = (2/16)(−3·1 − 2 + 3 + 3·4) = 1.25,
  /// CRPS = 1 − 0.625 = 0.375; PIT = 2/4.
  @Test func originDistribution() {
    let d = OriginDistribution(trials: [4, 1, 3, 2], actual: 2.5)
    #expect(d.mean == 2.5)
    #expect(d.p10.isApproximatelyEqual(to: 1.3))
    #expect(d.p50.isApproximatelyEqual(to: 2.5))
    #expect(d.p90.isApproximatelyEqual(to: 3.7))
    #expect(d.crps.isApproximatelyEqual(to: 0.375))
    #expect(d.pit == 0.5)
  }

  /// CRPS from trials against the closed form for a Normal(100, 20²): the trials are the
  /// n = 20 000 mid-point quantiles, whose CRPS converges to the closed form as O(1/n).
  @Test func crpsMatchesNormalClosedForm() {
    let n = 20_000
    let trials = (0..<n).map { 100 + 20 * Special.normalQuantile((Double($0) + 0.5) / Double(n)) }
    for y in [100.0, 80, 150] {
      let fromTrials = OriginDistribution(trials: trials, actual: y).crps
      let exact = ForecastScores.crpsNormal(mean: 100, sd: 20, outcome: y)
      #expect(abs(fromTrials - exact) < 1e-3 * exact, "y = \(y): \(fromTrials) vs \(exact)")
    }
  }

  /// Two origins: a = 10 inside every interval; a = 100 above all. Coverage 50% each; widths by
  /// hand; pinball at P10 = (0.1·(10 − 8) + 0.1·(100 − 58))/2 = 2.2; at P90 (0.1·(12 − 10) +
  /// 0.9·(100 − 62))/2 = 17.2; at P50 (0.5·0 + 0.5·40)/2 = 10; PIT 0.5 → bin 5, 1.0 → bin 9.
  @Test func distributionScores() {
    let d1 = OriginDistribution(
      mean: 10, p5: 6, p10: 8, p25: 9, p50: 10, p75: 11, p90: 12, p95: 14, crps: 1, pit: 0.5)
    let d2 = OriginDistribution(
      mean: 60, p5: 56, p10: 58, p25: 59, p50: 60, p75: 61, p90: 62, p95: 64, crps: 39, pit: 1)
    let s = DistributionScores(distributions: [d1, d2], actuals: [10, 100])
    #expect(s.coverage50 == 0.5 && s.coverage80 == 0.5 && s.coverage90 == 0.5)
    #expect(s.width50 == 2 && s.width80 == 4 && s.width90 == 8)
    #expect(s.crps == 20)
    #expect(s.pinballP10!.isApproximatelyEqual(to: 4.4 / 2))
    #expect(s.pinballP50!.isApproximatelyEqual(to: 10))
    #expect(s.pinballP90!.isApproximatelyEqual(to: 17.2))
    #expect(s.wapeP50!.isApproximatelyEqual(to: 40.0 / 110))
    #expect(s.pitHistogram == [0, 0, 0, 0, 0, 1, 0, 0, 0, 1])
  }

  /// Over, over, exact, over, over, over, under: the longest over-run is 3 (the exact hit breaks
  /// the first); two overs are not flagged.
  @Test func persistentBias() {
    let a = [Double](repeating: 10, count: 7)
    let f: [Double?] = [11, 12, 10, 11, 13, 12, 9]
    let labels = (1...7).map { "o\($0)" }
    let run = PersistentBias.longestRun(forecasts: f, actuals: a, asOf: labels)
    #expect(run == PersistentBias(direction: "over", length: 3, firstAsOf: "o4", lastAsOf: "o6"))
    #expect(
      PersistentBias.longestRun(
        forecasts: [11, 12, 9], actuals: [10, 10, 10], asOf: ["a", "b", "c"]) == nil)
  }

  /// Deal-level: CRM p = [0.5, 0.8, 0], won = [yes, no, no]: Brier (0.25 + 0.64 + 0)/3;
  /// stage table counts distinct deals for the eventual rate.
  @Test func calibrationReport() {
    func obs(
      _ origin: Int, _ id: String, _ stage: String, crm: Double, pip: Double, won: Bool,
      eventual: Bool?
    )
      -> DealObservation
    {
      DealObservation(
        origin: origin, dealID: id, stage: stage, amount: 1, crmProbability: crm,
        crmStageProbability: crm, pipecastProbability: pip, wonInPeriod: won,
        wonEventually: eventual)
    }
    let observations = [
      obs(0, "E", "Proposal", crm: 0.5, pip: 0.4, won: true, eventual: true),
      obs(0, "F", "Commit", crm: 0.8, pip: 0.1, won: false, eventual: false),
      obs(0, "G", "Qualification", crm: 0, pip: 0.05, won: false, eventual: nil),
      obs(1, "F", "Commit", crm: 0.8, pip: 0.2, won: false, eventual: false),
    ]
    let report = CalibrationReport(
      observations: observations, stageOrder: ["Qualification", "Proposal", "Commit"],
      stageProbabilities: ["Qualification": 0.2, "Proposal": 0.5, "Commit": 0.8],
      crmForecasts: [20, 30, 40], actuals: [10, 10, 10], asOf: ["a", "b", "c"])
    #expect(report.crm!.brier.isApproximatelyEqual(to: (0.25 + 0.64 + 0 + 0.64) / 4))
    #expect(report.pipecast!.brier.isApproximatelyEqual(to: (0.36 + 0.01 + 0.0025 + 0.04) / 4))
    #expect(report.pipecast!.reliability[0].count == 1)  // 0.05; 0.1 opens bin 1
    let commit = report.stages[2]
    #expect(commit.observations == 2 && commit.resolvedDeals == 1 && commit.wonEventually == 0)
    #expect(commit.observedEventualWinRate == 0)
    #expect(commit.pipecastMeanWinInPeriod!.isApproximatelyEqual(to: 0.15))
    let qualification = report.stages[0]
    #expect(qualification.resolvedDeals == 0 && qualification.observedEventualWinRate == nil)
    #expect(report.crmPersistentBias?.length == 3)
    #expect(report.messages.contains { $0.contains("over-forecast 3 origins running") })
    #expect(report.messages.contains { $0.contains("Recalibrated stage probabilities") })
  }
}
