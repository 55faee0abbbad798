import CRMData
import Foundation
@testable import PipelineModel
import Testing

/// Customers read from deals' account_id when there is no accounts.csv, worked by hand.
@Suite struct DerivedAccountsTests {
  static let asOf = Day("2025-06-30")!

  /// - A: won 2024-03-01 (new, SMB), won again 2025-01-10 (renewal): customer since 2024-03-01.
  /// - B: lost only: not a customer.
  /// - C: won 2025-06-30, the as-of day itself: a customer since then.
  /// - D: its only win closes after as-of (a loaded export never has that; the guard still
  ///   holds): not a customer.
  /// - a won deal without account id: ignored.
  static func folder(accounts: [Account]? = nil) -> CRMFolder {
    func m(_ s: String) -> Moment { Moment(Day(s)!) }
    let deals = [
      Deal(id: "1", createdOn: m("2024-01-10"), ownerID: "r", amount: 100, status: .won, closedOn: m("2024-03-01"),
        accountID: "A", segment: "SMB"),
      Deal(id: "2", createdOn: m("2024-12-01"), ownerID: "r", amount: 100, status: .won, closedOn: m("2025-01-10"),
        accountID: "A", segment: "MM", type: .renewal),
      Deal(id: "3", createdOn: m("2024-05-01"), ownerID: "r", amount: 100, status: .lost, closedOn: m("2024-06-01"),
        accountID: "B"),
      Deal(id: "4", createdOn: m("2025-05-01"), ownerID: "r", amount: 100, status: .won, closedOn: m("2025-06-30"),
        accountID: "C"),
      Deal(id: "5", createdOn: m("2025-05-01"), ownerID: "r", amount: 100, status: .won, closedOn: m("2025-07-02"),
        accountID: "D"),
      Deal(id: "6", createdOn: m("2025-02-01"), ownerID: "r", amount: 100, status: .won, closedOn: m("2025-03-01")),
      Deal(id: "7", createdOn: m("2025-06-01"), ownerID: "r", amount: 100, status: .open, accountID: "A",
        type: .expansion),
    ]
    return Fixtures.folder(deals: deals, history: nil, stages: [], asOf: asOf, accounts: accounts)
  }

  @Test func customersFromFirstWins() throws {
    let customers = try #require(DerivedAccounts.customers(of: Self.folder()))
    #expect(customers.map(\.id) == ["A", "C"])
    #expect(customers.map { $0.becameCustomerOn?.day } == [Day("2024-03-01")!, Day("2025-06-30")!])
    #expect(customers.map(\.segment) == ["SMB", nil])
    #expect(customers.allSatisfy { $0.churnedOn == nil })
  }

  @Test func noAccountIDsNoCustomers() {
    var folder = Self.folder()
    for i in folder.deals.indices { folder.deals[i].accountID = nil }
    #expect(DerivedAccounts.customers(of: folder) == nil)
  }

  /// The fitted account model: 2 active customers; customer-months over the last 52 weeks
  /// (2024-07-01 … 2025-06-30 end of day): A the whole 365 days, C 1 day; one renewal (deal 2)
  /// and one expansion (deal 7) created in the window.
  @Test func fittedAccountModel() throws {
    let model = try PipelineFitter().fit(folder: Self.folder())
    let accounts = try #require(model.accounts)
    #expect(accounts.derivedFromDeals == true)
    #expect(accounts.activeCustomers == 2)
    #expect(accounts.churnEvents == 0 && accounts.monthlyChurnHazard == 0)
    let months = (365.0 + 1) / 30.4375
    #expect(abs(accounts.customerMonths - months) < 1e-9)
    #expect(abs(accounts.renewalDealsPerCustomerMonth - 1 / months) < 1e-12)
    #expect(abs(accounts.expansionDealsPerCustomerMonth - 1 / months) < 1e-12)
    #expect(model.notes.contains { $0.hasPrefix("no accounts.csv: 2 customers taken from deals' account_id") })
  }

  /// With accounts.csv the file is used as it is, nothing derived.
  @Test func accountsFileWins() throws {
    let file = [Account(id: "Z", becameCustomerOn: Moment(Day("2024-01-01")!))]
    let model = try PipelineFitter().fit(folder: Self.folder(accounts: file))
    #expect(model.accounts?.derivedFromDeals == nil)
    #expect(model.accounts?.activeCustomers == 1)
  }
}
