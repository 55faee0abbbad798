import CRMData
import Foundation
import Testing

@testable import Backtest

@Suite struct BaselineTests {
  /// Every baseline of `HandFolder` at 2025-03-31 for 2025-Q2, worked by hand:
  /// - CRM weighted: E 1 000 × 0.5 + F 600 × 0.8 = 980 (G expected in Q3, H not yet created).
  /// - Fitted weighted: 1 000 × 0.4 + 600 × 0.1 + 50 × 0.05 = 462.5 (all open deals).
  /// - Commit: F only (last open stage, no forecast category) = 600.
  /// - Run rate: 2025-Q1 = D 400.
  /// - Seasonal naive: 2024-Q2 = B 200 × growth; trailing year 2024-04-01…2025-03-31 = 200 + 300 +
  ///   400 = 900 over the year before 2023-04-01…2024-03-31 = Z 150 + A 100 = 250: 3.6 → 720.
  /// Without any expected close date (the deals' nor the history's) the expected-close baselines
  /// are undefined, not 0: an export that lacks the column must not score the CRM as a 100% miss.
  @Test func noExpectedCloseDatesNoCRMWeightedOrCommit() throws {
    func dropExpectedClose(_ csv: String) -> String {
      csv.split(separator: "\n", omittingEmptySubsequences: false).map { line in
        line.split(separator: ",", omittingEmptySubsequences: false).dropLast().joined(separator: ",")
      }.joined(separator: "\n")
    }
    let folder = try HandFolder.load(
      deals: dropExpectedClose(HandFolder.fullDeals), history: dropExpectedClose(HandFolder.fullHistory))
    let f = try Backtest.forecast(
      origin: HandFolder.origin, folder: folder, forecaster: StubForecaster(), trials: 10, seed: 1)
    #expect(f.baselines.crmWeighted == nil)
    #expect(f.baselines.commit == nil)
    #expect(f.baselines.fittedWeighted!.isApproximatelyEqual(to: 462.5))
    #expect(f.baselines.runRate == 400)
    #expect(f.baselines.notes.contains("no expected close dates on the open deals: CRM weighted and commit not computed"))
  }

  @Test func handFolderBaselines() throws {
    let f = try Backtest.forecast(
      origin: HandFolder.origin, folder: HandFolder.full(), forecaster: StubForecaster(),
      trials: 10, seed: 1)
    let b = f.baselines
    #expect(b.crmWeighted!.isApproximatelyEqual(to: 980))
    #expect(b.fittedWeighted!.isApproximatelyEqual(to: 462.5))
    #expect(b.commit == 600)
    #expect(b.runRate == 400)
    #expect(b.seasonalNaive.isApproximatelyEqual(to: 720))
    #expect(b.notes.isEmpty)
    #expect(f.bookedBeforeAsOf == 0)
    // The point-in-time amount of E (1 000), not the final 1 500.
    #expect(f.pipeline.openDeals.map(\.amount) == [1000, 600, 50])
    #expect(f.pipeline.openDeals.map(\.stage) == ["Proposal", "Commit", "Qualification"])
  }

  /// Without the year before last, the growth is not estimated (×1) and said so; without last
  /// year, seasonal naive falls back to the run rate and says so.
  @Test func seasonalFallbacks() throws {
    let folder = try HandFolder.full()
    let calendar = FiscalCalendar.standard
    // Origin 2024-06-30 for 2024-Q3: 2023-Q3 exists (Z created 2023-03-15), growth needs data from
    // 2022-07-01: not there.
    let mid = PointInTimePipeline(folder: folder.asOf(Day(year: 2024, month: 6, day: 30)!))
    let b1 = mid.baselines(
      target: calendar.period("2024-Q3")!, calendar: calendar, fittedWinProbabilities: [:])
    #expect(b1.seasonalNaive == 0)  // nothing won in 2023-Q3, × 1
    #expect(b1.runRate == 200)
    #expect(b1.fittedWeighted == nil)
    #expect(b1.notes.contains { $0.contains("growth not estimated") })
    // Origin 2023-06-30 for 2023-Q3: no 2022-Q3 at all → run rate (2023-Q2 = Z 150).
    let early = PointInTimePipeline(folder: folder.asOf(Day(year: 2023, month: 6, day: 30)!))
    let b2 = early.baselines(
      target: calendar.period("2023-Q3")!, calendar: calendar, fittedWinProbabilities: [:])
    #expect(b2.seasonalNaive == 150)
    #expect(b2.runRate == 150)
    #expect(b2.notes.contains { $0.contains("fell back to the run rate") })
  }

  /// Inside the target period (monthly origin 2025-04-30), bookings already won stay in the
  /// expected-close baselines; run rate stays the last whole quarter.
  @Test func originInsideThePeriod() throws {
    let origin = BacktestOrigin(
      index: 1, asOf: Day(year: 2025, month: 5, day: 31)!,
      target: FiscalCalendar.standard.period("2025-Q2")!)
    let f = try Backtest.forecast(
      origin: origin, folder: HandFolder.full(), forecaster: StubForecaster(), trials: 4, seed: 1)
    // E won 2025-05-20 (1 500): booked. Open: F (Commit, 600, expected 06-10), G, H (Qual, 700,
    // expected 06-01).
    #expect(f.bookedBeforeAsOf == 1500)
    #expect(f.baselines.commit == 2100)
    #expect(f.baselines.crmWeighted!.isApproximatelyEqual(to: 1500 + 480 + 140))
    #expect(f.baselines.runRate == 400)
    #expect(origin.horizon.map(\.label) == ["2025-Q2"])
  }

  /// forecast_category, when a deal has one, decides commit instead of the last open stage.
  @Test func forecastCategoryDecidesCommit() throws {
    /// Adds a forecast_category column: `categories[id]` for that deal's rows, empty otherwise.
    func withCategory(_ csv: String, _ categories: [String: String]) -> String {
      csv.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
        guard !line.isEmpty else { return String(line) }
        if line.hasPrefix("deal_id") { return line + ",forecast_category" }
        let id = String(line.prefix { $0 != "," })
        return line + "," + (categories[id] ?? "")
      }.joined(separator: "\n")
    }
    let categories = ["E": "commit", "F": "pipeline"]
    let deals = withCategory(HandFolder.fullDeals, categories)
    let history = withCategory(HandFolder.fullHistory, categories)
    let folder = try HandFolder.load(deals: deals, history: history)
    let f = try Backtest.forecast(
      origin: HandFolder.origin, folder: folder, forecaster: StubForecaster(), trials: 4, seed: 1)
    #expect(f.baselines.commit == 1000)  // E (commit, 1 000 as of the origin); F is "pipeline"
  }
}

extension Double {
  func isApproximatelyEqual(to other: Double, tolerance: Double = 1e-9) -> Bool {
    abs(self - other) <= tolerance * Swift.max(1, abs(other))
  }
}
