import CRMData
import Foundation
import Testing

@Suite("Point in time")
struct PointInTimeTests {
  let folder: CRMFolder

  init() throws { folder = try loadFolder(Sample.all).folder }

  func at(_ text: String) -> CRMFolder { folder.asOf(Day(text)!) }

  @Test func dealsCreatedLaterAreInvisibleAndLaterClosesAreOpen() {
    let f = at("2025-02-05")
    #expect(f.asOf == Day("2025-02-05"))
    #expect(f.deals.map(\.id) == ["D1", "D2", "D3"])
    #expect(f.deals.map(\.status) == [.open, .open, .open])
    #expect(f.deals.allSatisfy { $0.closedOn == nil })
    #expect(at("2025-02-10").deals[0].status == .won)
  }

  @Test func openDealsTakeTheLatestNonEmptyValueOfEachHistoryColumn() {
    let f = at("2025-02-05")
    let d1 = f.deals[0]
    #expect(d1.amount == 900)
    #expect(d1.expectedCloseOn == Moment(Day("2025-03-01")!))
    #expect(d1.ownerID == "R2")
    #expect(d1.forecastCategory == .pipeline)
    let d2 = f.deals[1]
    #expect(d2.amount == 300)  // the 2025-02-01 row leaves amount empty: carried from 2025-01-10
    #expect(d2.expectedCloseOn == Moment(Day("2025-03-31")!))
    #expect(d2.ownerID == "R1")
    #expect(d2.forecastCategory == .bestCase)
    // D3's history never sets amount: deals.csv's value is the documented fallback.
    #expect(f.deals[2].amount == 0)
    #expect(f.currentStage(ofDeal: 0) == "Propose")
  }

  @Test func historyRowsAfterTheDateAreInvisible() {
    let f = at("2025-02-05")
    #expect(f.history?.count == 5)
    #expect(f.historyRanges == [0..<2, 2..<4, 4..<5])
    #expect(f.history!.allSatisfy { $0.changedOn.day <= Day("2025-02-05")! })
  }

  @Test func leadsDatesAndDealLinks() {
    let f = at("2025-03-05")
    #expect(f.leads?.map(\.id) == ["L1", "L2"])
    #expect(f.leads?[1].disqualifiedOn == nil)
    #expect(f.leads?[1].firstContactOn == Moment(Day("2025-03-02")!))
    #expect(f.leads?[0].dealID == "D1")
    let g = at("2025-03-19")
    let l3 = g.leads!.first { $0.id == "L3" }!
    #expect(l3.dealID == nil)  // D4 was created on 2025-03-20
    #expect(l3.firstContactOn == Moment(Day("2025-03-19")!))
    #expect(l3.qualifiedOn == nil)
  }

  @Test func theUTCDayDecides() throws {
    let leads = "lead_id,created_on,source\nL1,2025-01-02T00:30:00+02:00,web\n"
    let f = try loadFolder(Sample.with("leads.csv", leads)).folder
    #expect(f.asOf(Day("2025-01-01")!).leads?.count == 1)  // 2025-01-01T22:30Z
    #expect(f.asOf(Day("2024-12-31")!).leads?.count == 0)
  }

  @Test func activitiesDoneLaterInvisiblePlannedOnlyAtTheExportDate() {
    #expect(at("2025-02-05").activities?.map(\.id) == ["A1"])
    #expect(at("2025-03-20").activities?.map(\.id) == ["A1"])
    #expect(folder.asOf(folder.asOf).activities?.map(\.id) == ["A1", "A2", "A3"])
  }

  @Test func repsHiredLaterInvisibleLeftOnLaterEmptied() {
    #expect(at("2025-01-15").reps?.map(\.id) == ["R1"])
    let f = at("2025-03-10")
    #expect(f.reps?.map(\.id) == ["R1", "R2"])
    #expect(f.reps?[1].leftOn == nil)
    #expect(at("2025-03-20").reps?[1].leftOn == Moment(Day("2025-03-15")!))
  }

  @Test func accountsKeepTheirRowsWithLaterDatesEmptied() {
    let f = at("2025-03-01")
    #expect(f.accounts?[0].becameCustomerOn == Moment(Day("2025-02-10")!))
    #expect(f.accounts?[0].churnedOn == nil)
    let g = at("2025-01-01")
    #expect(g.accounts?.count == 1)
    #expect(g.accounts?[0].becameCustomerOn == nil)
  }

  @Test func quotasAllVisibleCostsOnlyWhenTheirPeriodHasEnded() {
    #expect(at("2024-06-01").quotas?.count == 2)
    #expect(at("2025-03-05").costs?.map(\.period.label) == ["2025-01"])
    #expect(at("2025-01-31").costs?.count == 1)
    #expect(at("2025-01-30").costs?.count == 0)
  }

  @Test func theExportDateOrLaterIsTheFolderItself() {
    let f = folder.asOf(Day("2026-01-01")!)
    #expect(f.deals == folder.deals)
    #expect(f.asOf == folder.asOf)
    #expect(folder.asOf(folder.asOf).deals == folder.deals)
  }
}
