import CRMData

/// Customers read from deals.csv when there is no accounts.csv (docs/MODEL.md §7).
///
/// Many exports carry `account_id` on every opportunity but no account table. An account became
/// a customer on the close date of its first won deal (on or before as-of), with that deal's
/// segment; churn is not recorded in deals, so no account has churned. That is enough for the
/// account model's expansion and renewal rates and for the renewal anniversary schedule, whose
/// open share already counts the anniversaries that opened no renewal (customers who left).
/// Without it those deals could only be drawn at flat recent rates, which lag a growing base:
/// on the sample folder reduced to deals, history, stages and reps, the backtest's WAPE was 10.2%
/// with derived customers against 14.2% with flat rates (10.5% with the real accounts.csv;
/// docs/MODEL.md §7 has the figures since renewals are priced from contracts).
enum DerivedAccounts {
  /// The derived customers, by account id; nil when no won deal has an account id.
  static func customers(of folder: CRMFolder) -> [Account]? {
    let asOfEnd = Moment(folder.asOf.advanced(by: 1))
    var first: [String: (closed: Moment, segment: String?)] = [:]
    for deal in folder.deals where deal.status == .won {
      guard let account = deal.accountID, let closed = deal.closedOn, closed < asOfEnd else { continue }
      if let known = first[account], known.closed <= closed { continue }
      first[account] = (closed, deal.segment)
    }
    guard !first.isEmpty else { return nil }
    return first.keys.sorted().map { id in
      Account(id: id, segment: first[id]!.segment, becameCustomerOn: first[id]!.closed)
    }
  }
}
