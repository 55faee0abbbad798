import CRMData
import Testing
@testable import Backtest

@Suite struct CommitCallScoresTests {
  /// One rep in team North, target 2025-Q2, origin 2025-03-31 (nothing booked yet).
  /// Commit deals open at the origin: D1 (100, won in May) and D3 (40, lost in June); D2 (60,
  /// category pipeline) also wins in June. Call = 100 + 40 = 140, actual = 100 + 60 = 160:
  /// WAPE = |140 − 160| / 160 = 0.125, bias = −0.125.
  @Test func handWorkedCommitCall() throws {
    let m = { (s: String) in Moment(s)! }
    let deals = [
      Deal(id: "D1", createdOn: m("2025-03-01"), ownerID: "R1", amount: 100, status: .won,
           closedOn: m("2025-05-10"), expectedCloseOn: m("2025-05-01"), forecastCategory: .commit),
      Deal(id: "D2", createdOn: m("2025-03-15"), ownerID: "R1", amount: 60, status: .won,
           closedOn: m("2025-06-01"), expectedCloseOn: m("2025-06-01"), forecastCategory: .pipeline),
      Deal(id: "D3", createdOn: m("2025-03-20"), ownerID: "R1", amount: 40, status: .lost,
           closedOn: m("2025-06-20"), expectedCloseOn: m("2025-06-15"), forecastCategory: .commit),
    ]
    let folder = CRMFolder(
      deals: deals, history: nil, stages: [], stagesFromFile: false, leads: nil, activities: nil,
      reps: [Rep(id: "R1", team: "North")], quotas: nil, accounts: nil, costs: nil,
      asOf: Day("2025-07-31")!, calendar: .standard, historyRanges: [])
    let origin = BacktestOrigin(index: 0, asOf: Day("2025-03-31")!, target: FiscalCalendar.standard.period("2025-Q2")!)
    let scores = try #require(CommitCallScores(folder: folder, origins: [origin]))
    let company = try #require(scores.rows.first { $0.level == "company" })
    #expect(company.call == 140)
    #expect(company.actual == 160)
    #expect(abs(company.wape! - 0.125) < 1e-12)
    #expect(abs(company.bias! + 0.125) < 1e-12)
    #expect(scores.rows.map(\.level) == ["company", "team", "rep"])
  }

  @Test func noForecastCategoriesMeansNoScores() {
    let folder = CRMFolder(
      deals: [Deal(id: "D1", createdOn: Moment("2025-01-01")!, ownerID: "R1", amount: 1, status: .open)],
      history: nil, stages: [], stagesFromFile: false, leads: nil, activities: nil, reps: nil,
      quotas: nil, accounts: nil, costs: nil, asOf: Day("2025-02-01")!, calendar: .standard,
      historyRanges: [])
    let origin = BacktestOrigin(index: 0, asOf: Day("2025-01-31")!, target: FiscalCalendar.standard.period("2025-Q1")!)
    #expect(CommitCallScores(folder: folder, origins: [origin]) == nil)
  }
}
