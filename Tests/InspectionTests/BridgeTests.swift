import _TestSupport
import CRMData
import Foundation
import Statistics
import Testing

@testable import Inspection
@testable import PipelineModel

/// The bridge on a hand-made export (as-of 2026-02-10) between 2026-01-24 and 2026-01-31,
/// period 2026-Q1, with the hand model before and a refitted one (Closing median 25 d) after.
@Suite struct BridgeTests {
  //  deal  at 01-24                       between                        category
  //  B1    Closing, 80k                   won 01-28                      won
  //  B2    Closing, 60k                   lost 01-27                     lost
  //  B3    Closing, 90k, close 03-15      close → 04-20 on 01-29         slipped (not lost)
  //  B4    Discovery, 30k, close 05-01    close → 03-20 on 01-30         pulled in
  //  B5    Discovery, 40k                 → Closing 01-28                stage move
  //  B6    Closing, 10k                   amount 15k on 01-26            amount change
  //  B7    Closing, 25k                   nothing                        time passing
  //  B8    -                              created 01-27 in Discovery     new deal
  //  B9    won 01-10 (40k)                -                              booked, unchanged
  static var export: CRMFolder {
    func deal(
      _ id: String, _ created: String, _ amount: Double, _ status: DealStatus = .open,
      closed: String? = nil, owner: String = "r1"
    ) -> Deal {
      Deal(
        id: id, createdOn: m(created), ownerID: owner, amount: amount, status: status,
        closedOn: closed.map(m))
    }
    func row(
      _ id: String, _ on: String, _ stage: String, amount: Double? = nil, close: String? = nil
    ) -> DealHistoryRow {
      DealHistoryRow(
        dealID: id, changedOn: m(on), stage: stage, amount: amount, expectedCloseOn: close.map(m))
    }
    let deals = [
      deal("B1", "2026-01-02", 80_000, .won, closed: "2026-01-28"),
      deal("B2", "2026-01-02", 60_000, .lost, closed: "2026-01-27"),
      deal("B3", "2026-01-05", 90_000),
      deal("B4", "2026-01-10", 30_000),
      deal("B5", "2026-01-12", 40_000),
      deal("B6", "2026-01-03", 15_000),
      deal("B7", "2026-01-04", 25_000),
      deal("B8", "2026-01-27", 20_000),
      deal("B9", "2025-12-01", 40_000, .won, closed: "2026-01-10"),
    ]
    let history = [
      row("B1", "2026-01-02", "Closing", amount: 80_000), row("B1", "2026-01-28", "Won"),
      row("B2", "2026-01-02", "Closing", amount: 60_000), row("B2", "2026-01-27", "Lost"),
      row("B3", "2026-01-05", "Closing", amount: 90_000, close: "2026-03-15"),
      row("B3", "2026-01-29", "Closing", close: "2026-04-20"),
      row("B4", "2026-01-10", "Discovery", amount: 30_000, close: "2026-05-01"),
      row("B4", "2026-01-30", "Discovery", close: "2026-03-20"),
      row("B5", "2026-01-12", "Discovery", amount: 40_000),
      row("B5", "2026-01-28", "Closing"),
      row("B6", "2026-01-03", "Closing", amount: 10_000),
      row("B6", "2026-01-26", "Closing", amount: 15_000),
      row("B7", "2026-01-04", "Closing", amount: 25_000),
      row("B8", "2026-01-27", "Discovery", amount: 20_000),
      row("B9", "2025-12-01", "Closing"), row("B9", "2026-01-10", "Won"),
    ]
    return makeFolder(deals: deals, history: history, stages: HandModel.stages, asOf: "2026-02-10")
  }

  static var refitted: FittedPipeline {
    var model = HandModel.model
    let d = DurationDistribution.exponential(rate: log(2.0) / 25)
    model.stages[1].timeInStage = HandModel.estimate(d)
    return model
  }

  static func report(top: Int = 5) throws -> BridgeReport {
    try ForecastBridge.compute(
      before: export.asOf(day("2026-01-24")), modelBefore: HandModel.model,
      after: export.asOf(day("2026-01-31")), modelAfter: refitted, period: period("2026-Q1"),
      top: top)
  }

  func step(_ c: BridgeCategory) throws -> BridgeStep {
    try #require(try Self.report().steps.first { $0.category == c })
  }

  @Test func partsSumToTheTotal() throws {
    let r = try Self.report()
    let sum = r.steps.reduce(0) { $0 + $1.change }
    #expect(abs(sum - r.change) < 1e-6)
    #expect(abs(r.change - (r.end.expected - r.start.expected)) < 1e-9)
    #expect(r.steps.map(\.category) == BridgeCategory.allCases)
    // Movers of one line add up to the line when every deal is listed.
    for s in try Self.report(top: 100).steps {
      #expect(abs(s.movers.reduce(0) { $0 + $1.change } - s.change) < 1e-6)
      #expect(s.movers.count == s.count)
    }
  }

  @Test func endsAreTheModelsExpectedBookings() throws {
    let r = try Self.report()
    #expect(r.start.booked == 40_000)  // B9
    #expect(r.end.booked == 120_000)  // B9 + B1
    #expect(r.start.openDeals == 7)
    #expect(r.end.openDeals == 6)
    // B7 alone, by hand: Closing since 01-04, 21 days in stage at the end of 01-24 (28 at the
    // end of 01-31); window 01-25…03-31 = 66 days (then 59); closed form of the Closing stage.
    let b7 = try #require(
      try Self.report(top: 100).steps.first { $0.category == .timePassing }?.movers.first {
        $0.dealID == "B7"
      })
    let before = 25_000 * Exact.closingWin(age: 21, within: 66)
    let after = 25_000 * Exact.closingWin(age: 28, within: 59)
    #expect(abs(b7.change - (after - before)) < 5)
  }

  @Test func eachDealLandsInItsLine() throws {
    let r = try Self.report(top: 100)
    func ids(_ c: BridgeCategory) -> [String] {
      r.steps.first { $0.category == c }!.movers.map(\.dealID).sorted()
    }
    #expect(ids(.won) == ["B1"])
    #expect(ids(.lost) == ["B2"])
    #expect(ids(.slipped) == ["B3"])
    #expect(ids(.pulledIn) == ["B4"])
    #expect(ids(.stageMoves) == ["B5"])
    #expect(ids(.amountChanges) == ["B6"])
    #expect(ids(.timePassing) == ["B5", "B6", "B7"])
    #expect(ids(.ownerChanges) == [])
    #expect(ids(.newDeals) == ["B8"])
    #expect(ids(.modelRefit) == ["B3", "B4", "B5", "B6", "B7", "B8"])
    let won = r.steps.first { $0.category == .won }!
    #expect(won.change > 0)
    #expect(r.steps.first { $0.category == .lost }!.change < 0)
  }

  /// A deal still open when the period ends slipped; it is never counted as lost.
  @Test func openAtThePeriodEndIsSlippedNotLost() throws {
    let e = Self.export
    var full = e
    full.asOf = day("2026-04-10")
    let r = try ForecastBridge.compute(
      before: full.asOf(day("2026-03-25")), modelBefore: HandModel.model,
      after: full.asOf(day("2026-04-05")), modelAfter: HandModel.model, period: period("2026-Q1"),
      top: 100)
    let slipped = r.steps.first { $0.category == .slipped }!
    #expect(slipped.movers.map(\.dealID).sorted() == ["B3", "B4", "B5", "B6", "B7", "B8"])
    #expect(slipped.movers.allSatisfy { $0.detail == "still open when 2026-Q1 ended" })
    #expect(r.steps.first { $0.category == .lost }!.count == 0)
    #expect(abs(r.end.openPipeline) < 1e-12)
    #expect(abs(r.steps.reduce(0) { $0 + $1.change } - r.change) < 1e-6)
  }

  @Test func datesMustBeInOrder() {
    #expect(throws: InspectionError.datesOutOfOrder(from: day("2026-01-31"), to: day("2026-01-24")))
    {
      try ForecastBridge.compute(
        before: Self.export.asOf(day("2026-01-31")), modelBefore: HandModel.model,
        after: Self.export.asOf(day("2026-01-24")), modelAfter: HandModel.model,
        period: period("2026-Q1"))
    }
  }
}
