import CRMData
import Foundation
import Synthetic
import Testing
import _TestSupport

@testable import Backtest

@Suite struct OriginScheduleTests {
  let calendar = FiscalCalendar.standard

  @Test func periodStartLead0And1() {
    let q1 = calendar.period("2024-Q1")!
    let q2 = calendar.period("2024-Q2")!
    let lead0 = BacktestOrigin.schedule(from: q1, through: q2, schedule: .periodStart, lead: 0)
    #expect(lead0.map(\.asOf.description) == ["2023-12-31", "2024-03-31"])
    #expect(lead0.map(\.target.label) == ["2024-Q1", "2024-Q2"])
    #expect(lead0.map { $0.horizon.map(\.label) } == [["2024-Q1"], ["2024-Q2"]])
    let lead1 = BacktestOrigin.schedule(from: q1, through: q2, schedule: .periodStart, lead: 1)
    #expect(lead1.map(\.asOf.description) == ["2023-09-30", "2023-12-31"])
    #expect(lead1[0].horizon.map(\.label) == ["2023-Q4", "2024-Q1"])
  }

  @Test func monthlyAndWeekly() {
    let q = calendar.period("2024-Q2")!
    let monthly = BacktestOrigin.schedule(from: q, through: q, schedule: .monthly, lead: 0)
    #expect(monthly.map(\.asOf.description) == ["2024-03-31", "2024-04-30", "2024-05-31"])
    #expect(monthly.map(\.index) == [0, 1, 2])
    #expect(monthly[1].isInsideTarget && !monthly[0].isInsideTarget)
    #expect(monthly[2].horizon.map(\.label) == ["2024-Q2"])
    // 2024-04-01 is a Monday: origins the day before each Monday of the quarter (13 weeks).
    let weekly = BacktestOrigin.schedule(from: q, through: q, schedule: .weekly, lead: 0)
    #expect(weekly.count == 13)
    #expect(weekly[1].asOf.description == "2024-04-07")
    let monthlyLead1 = BacktestOrigin.schedule(from: q, through: q, schedule: .monthly, lead: 1)
    #expect(monthlyLead1.map(\.asOf.description) == ["2023-12-31", "2024-01-31", "2024-02-29"])
  }
}

@Suite struct BacktestRunTests {
  /// The origin's forecast, deal probabilities and baselines are identical whether the folder
  /// holds the full history or only what was known at the origin (written by hand, its export
  /// date is 2025-03-20, before the origin).
  @Test func noLeakageHandFolder() throws {
    let full = try HandFolder.full()
    let cut = try HandFolder.cut()
    #expect(cut.asOf < HandFolder.origin.asOf)
    let a = try Backtest.forecast(
      origin: HandFolder.origin, folder: full, forecaster: StubForecaster(), trials: 50, seed: 9)
    let b = try Backtest.forecast(
      origin: HandFolder.origin, folder: cut, forecaster: StubForecaster(), trials: 50, seed: 9)
    #expect(a.trials == b.trials)
    #expect(a.baselines == b.baselines)
    #expect(a.dealWinProbabilities == b.dealWinProbabilities)
    #expect(a.pipeline.openDeals == b.pipeline.openDeals)
  }

  /// The same with Pipecast itself on a generated world: the world generated with its as-of at
  /// the origin (it writes only what was known then) against the same world exported at the end.
  @Test func noLeakagePipecastSampleWorld() throws {
    let end = Day(year: 2025, month: 12, day: 31)!
    let origin = BacktestOrigin(
      index: 0, asOf: Day(year: 2025, month: 6, day: 30)!,
      target: FiscalCalendar.standard.period("2025-Q3")!)
    func folder(asOf: Day) throws -> CRMFolder {
      let url = TestSupport.temporaryDirectory("backtest-world")
      defer { try? FileManager.default.removeItem(at: url) }
      let config = WorldConfiguration(scale: 0.15, asOf: asOf, horizonEnd: end)
      try SampleWorld.write(configuration: config, seed: 11, to: url)
      return try CRMFolderLoader.load(at: url).folder
    }
    let full = try folder(asOf: end)
    let cut = try folder(asOf: origin.asOf)
    let forecaster = PipecastForecaster()
    let a = try Backtest.forecast(
      origin: origin, folder: full, forecaster: forecaster, trials: 128, seed: 3)
    let b = try Backtest.forecast(
      origin: origin, folder: cut, forecaster: forecaster, trials: 128, seed: 3)
    #expect(a.pipeline.openDeals == b.pipeline.openDeals)
    #expect(a.baselines == b.baselines)
    #expect(a.dealWinProbabilities == b.dealWinProbabilities)
    #expect(a.trials == b.trials)
    #expect(a.trials.contains { $0 > 0 })
  }

  /// Whole run on the hand folder: actual from final amounts, scores, deal outcomes.
  @Test func handFolderRun() throws {
    let q2 = FiscalCalendar.standard.period("2025-Q2")!
    let result = try Backtest(options: BacktestOptions(from: q2, to: q2, trials: 20, seed: 5))
      .run(folder: HandFolder.full(), forecaster: StubForecaster())
    #expect(result.origins.count == 1)
    let o = result.origins[0]
    #expect(o.actual == 2200)  // E's final 1 500 + H 700
    #expect(o.baselines.crmWeighted == 980)
    #expect(result.summary[.crmWeighted]!.point.wape!.isApproximatelyEqual(to: 1220.0 / 2200))
    #expect(result.summary[.commit]!.point.bias!.isApproximatelyEqual(to: (600.0 - 2200) / 2200))
    let wapes = result.ranking.compactMap { result.summary[$0]!.point.wape }
    #expect(wapes == wapes.sorted())
    // Deal level: E won in the period, F lost, G still open. CRM implied p = 0.5, 0.8, 0.
    #expect(result.calibration.crm!.brier.isApproximatelyEqual(to: (0.25 + 0.64) / 3))
    #expect(result.calibration.pipecast!.brier.isApproximatelyEqual(to: (0.36 + 0.01 + 0.0025) / 3))
  }

  /// Same seed, same result, whatever the thread count; a different seed changes Pipecast only.
  @Test func determinism() throws {
    let q2 = FiscalCalendar.standard.period("2025-Q2")!
    let folder = try HandFolder.full()
    func run(threads: Int, seed: UInt64 = 5) throws -> BacktestResult {
      try Backtest(
        options: BacktestOptions(
          from: q2, to: q2, schedule: .weekly, trials: 30, seed: seed, threads: threads)
      ).run(folder: folder, forecaster: StubForecaster())
    }
    let one = try run(threads: 1)
    let three = try run(threads: 3)
    // 2025-04-01 is a Tuesday: the day before the quarter, then the day before each of its 13
    // Mondays.
    #expect(one.origins.count == 14)
    #expect(one == three)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    #expect(try encoder.encode(one) == encoder.encode(three))
    let other = try run(threads: 2, seed: 6)
    #expect(other.origins.map(\.baselines) == one.origins.map(\.baselines))
    #expect(other.origins.map(\.forecast) != one.origins.map(\.forecast))
  }

  /// The JSON has the keys, every method in the summary, Pipecast's extra keys, and
  /// null rather than NaN.
  @Test func jsonShape() throws {
    let q2 = FiscalCalendar.standard.period("2025-Q2")!
    let result = try Backtest(options: BacktestOptions(from: q2, to: q2, trials: 20))
      .run(folder: HandFolder.full(), forecaster: StubForecaster())
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .throw
    let object = try JSONSerialization.jsonObject(with: encoder.encode(result)) as! [String: Any]
    #expect(Set(object.keys).isSuperset(of: ["origins", "summary", "calibration"]))
    let origin = (object["origins"] as! [[String: Any]])[0]
    #expect(
      Set(origin.keys).isSuperset(of: ["as_of", "period", "actual", "forecast", "baselines"]))
    #expect(origin["as_of"] as? String == "2025-03-31")
    #expect(Set((origin["forecast"] as! [String: Any]).keys) == ["mean", "p10", "p50", "p90"])
    #expect(
      Set((origin["baselines"] as! [String: Any]).keys)
        == ["crm_weighted", "fitted_weighted", "commit", "run_rate", "seasonal_naive"])
    let summary = object["summary"] as! [String: [String: Any]]
    #expect(Set(summary.keys) == Set(BacktestMethod.allCases.map(\.rawValue)))
    for (_, s) in summary {
      #expect(Set(s.keys).isSuperset(of: ["mape", "wape", "bias", "rmse"]))
    }
    #expect(
      Set(summary["pipecast"]!.keys).isSuperset(of: [
        "coverage_50", "coverage_80", "coverage_90", "crps",
      ]))
    // Where Q2's 2 200 came from: E (open at the origin, final 1 500) and H (created later, 700).
    let split = origin["split"] as! [String: Any]
    #expect(split["actual_from_open_pipeline"] as? Double == 1500)
    #expect(split["actual_from_new_deals"] as? Double == 700)
    #expect(origin["actual"] as? Double == 2200)
    #expect(summary["commit"]!["crps"] == nil)
  }

  @Test func errors() throws {
    let q2 = FiscalCalendar.standard.period("2025-Q2")!
    let q3 = FiscalCalendar.standard.period("2025-Q3")!
    let folder = try HandFolder.full()
    #expect(throws: BacktestError.invalidLead(2)) {
      try Backtest(options: BacktestOptions(from: q2, to: q2, lead: 2)).run(
        folder: folder, forecaster: StubForecaster())
    }
    #expect(throws: BacktestError.periodsOutOfOrder(from: "2025-Q3", to: "2025-Q2")) {
      try Backtest(options: BacktestOptions(from: q3, to: q2)).run(
        folder: folder, forecaster: StubForecaster())
    }
    // 2025-Q3 ends after the export date (2025-06-20): nothing to score.
    #expect(throws: BacktestError.self) {
      try Backtest(options: BacktestOptions(from: q3, to: q3)).run(
        folder: folder, forecaster: StubForecaster())
    }
  }
}
