import CRMData
import Foundation
@testable import PipelineModel
@testable import Simulation
import Testing
import _TestSupport

/// Scheduled renewals are priced from the renewing customer's contract.
///
/// The world: 12 customers won on 2023-07-01 at 1 000 (stage A), each renewed a year later at
/// exactly 1 050 (a renewal opened 30 days before the anniversary at stage B, won 14 days later).
/// As of 2025-03-31 every contract is 1 050 and the next renewals open on 2025-06-01, so every
/// renewal won in the horizon books exactly 1 050 × 1.05 = 1 102.5 (the ratio's sd is 0). The
/// pooled won-renewal amounts would book 1 050.
@Suite struct ContractRenewalTests {
  static func folder() -> CRMFolder {
    func m(_ s: String) -> Moment { Moment(Day(s)!) }
    var deals: [Deal] = []
    var history: [DealHistoryRow] = []
    for k in 0..<12 {
      let account = "A\(k)"
      deals.append(
        Deal(id: "N\(k)", createdOn: m("2023-06-01"), ownerID: "r\(k % 3)", amount: 1000, status: .won,
          closedOn: m("2023-07-01"), accountID: account))
      history.append(DealHistoryRow(dealID: "N\(k)", changedOn: m("2023-06-01"), stage: "A"))
      history.append(DealHistoryRow(dealID: "N\(k)", changedOn: m("2023-06-15"), stage: "B"))
      deals.append(
        Deal(id: "R\(k)", createdOn: m("2024-06-01"), ownerID: "r\(k % 3)", amount: 1050, status: .won,
          closedOn: m("2024-06-15"), accountID: account, type: .renewal))
      history.append(DealHistoryRow(dealID: "R\(k)", changedOn: m("2024-06-01"), stage: "B"))
    }
    // A few lost new deals so that the stages have losses to fit.
    for k in 0..<6 {
      deals.append(
        Deal(id: "L\(k)", createdOn: m("2024-01-10"), ownerID: "r0", amount: 900, status: .lost,
          closedOn: m("2024-02-\(10 + k)")))
      history.append(DealHistoryRow(dealID: "L\(k)", changedOn: m("2024-01-10"), stage: "A"))
    }
    let accounts = (0..<12).map { Account(id: "A\($0)", becameCustomerOn: m("2023-07-01")) }
    return makeFolder(
      deals: deals, history: history,
      stages: [.init(name: "A", order: 1), .init(name: "B", order: 2)], accounts: accounts,
      asOf: "2025-03-31")
  }

  @Test func renewalsBookTheirContractTimesTheRatio() throws {
    let folder = Self.folder()
    let model = try PipelineFitter().fit(folder: folder)
    let schedule = try #require(model.newDeals?.renewalSchedule)
    #expect(schedule.upcomingContracts == [Double](repeating: 1050, count: 12))
    let ratio = try #require(schedule.contractRatio)
    #expect(ratio.renewals == 12 && abs(ratio.logMean - log(1.05)) < 1e-12 && ratio.logSD < 1e-12)

    let periods = [FiscalCalendar.standard.period("2025-Q2")!, FiscalCalendar.standard.period("2025-Q3")!]
    let options = SimulationOptions(
      periods: periods, trials: 200, seed: 4, groupBy: .source, parameterUncertainty: false)
    let trials = try PipelineSimulator(model: model, folder: folder, options: options).run()
    let renewal = try #require(trials.groupNames.firstIndex(of: "renewal"))
    let groups = trials.groupNames.count
    var won = 0.0
    for i in 0..<trials.trials {
      for p in 0..<periods.count {
        let cell = (i * groups + renewal) * periods.count + p
        let (amount, count) = (trials.groupBookings[cell], trials.groupWonDeals[cell])
        won += count
        #expect(abs(amount - 1102.5 * count) < 1e-6 * max(1, amount), "trial \(i): \(amount) for \(count)")
      }
    }
    #expect(won > 0)
  }
}
