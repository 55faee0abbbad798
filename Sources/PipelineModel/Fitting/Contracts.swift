import CRMData
import Foundation

/// Each customer's contract, read from its won deals, so that a renewal is priced from the
/// contract it renews (docs/MODEL.md §8, renewal schedule).
///
/// A customer's contract is its last won new or renewal deal plus the expansions it won after
/// it (expansions add to what the customer pays). A renewal's amount over the contract before it
/// is nearly constant: on the sample world log(renewal / contract) has sd 0.09, against 1.03 for
/// log(renewal amount) across customers, so the pooled won-renewal amounts the schedule used
/// before priced next quarter's renewals as an average customer's, not as the customers whose
/// anniversaries fall in it.
struct Contracts {
  private struct Win {
    var closed: Moment
    var type: DealType
    var amount: Double
    var segment: String?
  }
  /// Per account, its won deals closed by the end of as-of, by close date (file order on ties).
  private var wins: [String: [Win]] = [:]

  init(folder: CRMFolder) {
    let asOfEnd = Moment(folder.asOf.advanced(by: 1))
    for deal in folder.deals where deal.status == .won && deal.amount > 0 {
      guard let account = deal.accountID, let closed = deal.closedOn, closed < asOfEnd else { continue }
      wins[account, default: []].append(
        Win(closed: closed, type: deal.type, amount: deal.amount, segment: deal.segment))
    }
    for key in wins.keys {
      wins[key] = wins[key]!.enumerated().sorted { a, b in
        a.element.closed != b.element.closed ? a.element.closed < b.element.closed : a.offset < b.offset
      }.map(\.element)
    }
  }

  /// The contract in force after the first `count` wins of `list` (0 without a new or renewal).
  private static func contract(_ list: [Win], upTo count: Int) -> Double {
    var value = 0.0
    for win in list.prefix(count) {
      switch win.type {
      case .new, .renewal: value = win.amount
      case .expansion: if value > 0 { value += win.amount }
      }
    }
    return value
  }

  /// The account's contract at as-of; 0 when it has no won new or renewal deal.
  func value(of account: String) -> Double {
    guard let list = wins[account] else { return 0 }
    return Self.contract(list, upTo: list.count)
  }

  /// The segment of the deal that set the account's contract (its last won new or renewal).
  func segment(of account: String) -> String? {
    wins[account]?.last { $0.type != .expansion }?.segment
  }

  /// Mean and sample sd of log(renewal / contract before it) over won renewals that had a
  /// contract; nil with fewer than 3.
  func renewalRatio() -> NewDealModel.ContractRatio? {
    var logs: [Double] = []
    for account in wins.keys.sorted() {  // a fixed order: the sums must not vary run to run
      let list = wins[account]!
      for (i, win) in list.enumerated() where win.type == .renewal {
        let before = Self.contract(list, upTo: i)
        if before > 0 { logs.append(log(win.amount / before)) }
      }
    }
    guard logs.count >= 3 else { return nil }
    let n = Double(logs.count)
    let mean = logs.reduce(0, +) / n
    let variance = logs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
    guard mean.isFinite, variance.isFinite else { return nil }
    return NewDealModel.ContractRatio(logMean: mean, logSD: variance.squareRoot(), renewals: logs.count)
  }
}
