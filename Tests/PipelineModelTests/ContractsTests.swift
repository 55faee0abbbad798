import CRMData
import Foundation
@testable import PipelineModel
import Testing

/// Customers' contracts from their won deals, and the renewal-to-contract ratio, by hand.
@Suite struct ContractsTests {
  static func folder() -> CRMFolder {
    func m(_ s: String) -> Moment { Moment(Day(s)!) }
    var n = 0
    func deal(
      _ account: String, _ type: DealType, _ amount: Double, _ closed: String, status: DealStatus = .won,
      segment: String? = nil
    ) -> Deal {
      n += 1
      return Deal(
        id: "\(n)", createdOn: Moment(Day(closed)!.advanced(by: -10)), ownerID: "r", amount: amount, status: status,
        closedOn: m(closed), accountID: account, segment: segment, type: type)
    }
    let deals = [
      // A: contract 1 000, + expansion 200 = 1 200, renewed at 1 260 (×1.05), + expansion 100.
      deal("A", .new, 1000, "2024-01-10", segment: "SMB"),
      deal("A", .expansion, 200, "2024-06-01"),
      deal("A", .renewal, 1260, "2025-01-05", segment: "MM"),
      deal("A", .expansion, 100, "2025-03-01"),
      // B: 500 renewed at 550 (×1.1).
      deal("B", .new, 500, "2024-02-01"),
      deal("B", .renewal, 550, "2025-02-01"),
      // C: 2 000 renewed at 2 000 (×1); a later renewal lost, which changes nothing.
      deal("C", .new, 2000, "2024-03-01"),
      deal("C", .renewal, 2000, "2025-03-01"),
      deal("C", .renewal, 9999, "2025-03-20", status: .lost),
      // D: an expansion without a contract before it.
      deal("D", .expansion, 300, "2024-05-01"),
      // E: a renewal won after as-of is not known yet.
      deal("E", .new, 700, "2024-04-01"),
      deal("E", .renewal, 7000, "2025-04-15"),
    ]
    return Fixtures.folder(deals: deals, history: nil, stages: [], asOf: Day("2025-03-31")!)
  }

  @Test func contractValuesAtAsOf() {
    let contracts = Contracts(folder: Self.folder())
    #expect(contracts.value(of: "A") == 1360)
    #expect(contracts.value(of: "B") == 550)
    #expect(contracts.value(of: "C") == 2000)
    #expect(contracts.value(of: "D") == 0)
    #expect(contracts.value(of: "E") == 700)
    #expect(contracts.value(of: "nobody") == 0)
    // The segment of the deal that set the contract (A's renewal), not of the first deal.
    #expect(contracts.segment(of: "A") == "MM")
  }

  @Test func renewalRatio() throws {
    let ratio = try #require(Contracts(folder: Self.folder()).renewalRatio())
    let logs = [log(1.05), log(1.1), 0]
    let mean = logs.reduce(0, +) / 3
    let sd = (logs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 2).squareRoot()
    #expect(ratio.renewals == 3)
    #expect(abs(ratio.logMean - mean) < 1e-12)
    #expect(abs(ratio.logSD - sd) < 1e-12)
  }

  @Test func fewerThanThreeRenewalsNoRatio() {
    var folder = Self.folder()
    folder.deals.removeAll { $0.accountID == "C" }
    #expect(Contracts(folder: folder).renewalRatio() == nil)
  }
}
