import CRMData
import Foundation
import Testing

@testable import Inspection

/// The commit call on the hand-made folder (Fixtures.swift) at origin 2026-01-31, 2026-Q1:
/// r1 has D5 won 01-10 (40k, booked to date) and D1 in commit closing 02-20 (100k): call 140k.
/// r2's D2 is best_case: no call. The export ends 01-31, so the actual is to date: 40k.
@Suite struct CommitCallTests {
  @Test func callPerRepTeamAndCompany() {
    let s = CommitCall.score(
      folder: HandModel.folder, origin: day("2026-01-31"), period: period("2026-Q1"))
    #expect(s.periodComplete == false)
    #expect(s.categorisedDeals == 3)
    #expect(s.rows.map(\.key) == ["r1", "(none)", "(all)"])
    let r1 = s.rows[0]
    #expect(r1.level == .rep)
    #expect(r1.bookedToDate == 40_000)
    #expect(r1.commitDeals == 1)
    #expect(r1.commitAmount == 100_000)
    #expect(r1.call == 140_000)
    #expect(r1.actual == 40_000)
    #expect(r1.commitDealsWon == 0)
    #expect(r1.error == 100_000)
    #expect(abs(r1.relativeError! - 2.5) < 1e-12)
    #expect(s.rows[2].call == 140_000 && s.rows[2].level == .company)
  }

  /// At an earlier origin D5 is still open (not commit) and nothing is booked yet.
  @Test func earlierOriginSeesOnlyWhatWasKnown() {
    let s = CommitCall.score(
      folder: HandModel.folder, origin: day("2026-01-08"), period: period("2026-Q1"))
    // D1 existed (created 01-05) in Discovery with no category then (deals.csv's category is
    // the fallback without history categories: commit), closing 02-15 at the time.
    let r1 = s.rows.first { $0.key == "r1" }!
    #expect(r1.bookedToDate == 0)
    #expect(r1.actual == 40_000)
    #expect(r1.call == r1.commitAmount)
  }
}
