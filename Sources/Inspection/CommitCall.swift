import CRMData
import Foundation

/// The reps' own forecast call, scored: at an origin, what they committed for a period against
/// what closed in it, per rep, team and company. For `pipecast backtest` to print next to
/// Pipecast's own score on the same origins.
public enum CommitCall {
  /// One rep, team or the company.
  public struct Row: Codable, Sendable, Equatable {
    public enum Level: String, Codable, Sendable { case rep, team, company }
    public var level: Level
    /// Rep id, team name ("(none)" for owners without a team), or "(all)".
    public var key: String
    /// Won in the period by the origin (already booked).
    public var bookedToDate: Double
    /// Open deals the rep marked `commit` at the origin that count for the period, and their sum.
    public var commitDeals: Int
    public var commitAmount: Double
    /// The call: booked to date + commit amount.
    public var call: Double
    /// Won in the period, as far as the data knows (all of it once the period is over).
    public var actual: Double
    /// Commit deals that were won within the period, and their amounts at the close.
    public var commitDealsWon: Int
    public var commitAmountWon: Double
    /// call − actual (positive: the call was too high).
    public var error: Double
    /// call / actual − 1; nil when nothing closed.
    public var relativeError: Double?

    enum CodingKeys: String, CodingKey {
      case level, key, call, actual, error
      case bookedToDate = "booked_to_date"
      case commitDeals = "commit_deals"
      case commitAmount = "commit_amount"
      case commitDealsWon = "commit_deals_won"
      case commitAmountWon = "commit_amount_won"
      case relativeError = "relative_error"
    }
  }

  public struct Score: Codable, Sendable, Equatable {
    public var origin: Day
    public var period: Period
    /// False when the export ends before the period does (actuals are to date).
    public var periodComplete: Bool
    /// Reps sorted by id, then teams sorted by name, then the company.
    public var rows: [Row]
    /// Open deals at the origin that had any forecast category (0: the CRM records none).
    public var categorisedDeals: Int

    enum CodingKeys: String, CodingKey {
      case origin, period, rows
      case periodComplete = "period_complete"
      case categorisedDeals = "categorised_deals"
    }
  }

  /// Scores the commit call made at `origin` for `period`.
  ///
  /// - A deal counts in the call when it is open at the origin (point in time), its forecast
  ///   category then is `commit`, and its expected close date then falls in the period — or is
  ///   missing or already past while the origin lies in the period (a committed deal still open
  ///   in the current period is a call on it). Its amount is the one known at the origin.
  /// - Booked to date: deals won in the period on or before the origin, by their owner.
  /// - Actual: deals won in the period (closed_on in it), by their owner at the export.
  /// - Teams from reps.csv (the export's), "(none)" for owners without one; the company row is
  ///   the sum of all (calls add; they are sums, not quantiles).
  /// - Parameter folder: the whole export (not a point-in-time view).
  public static func score(folder: CRMFolder, origin: Day, period: Period) -> Score {
    let atOrigin = folder.asOf(origin)
    let current = period.contains(origin.advanced(by: 1)) || period.contains(origin)
    var team: [String: String] = [:]
    for r in folder.reps ?? [] { if let t = r.team { team[r.id] = t } }

    var rows: [String: Row] = [:]
    func add(_ owner: String, _ update: (inout Row) -> Void) {
      var row =
        rows[owner]
        ?? Row(
          level: .rep, key: owner, bookedToDate: 0, commitDeals: 0, commitAmount: 0, call: 0,
          actual: 0, commitDealsWon: 0, commitAmountWon: 0, error: 0, relativeError: nil)
      update(&row)
      rows[owner] = row
    }
    var finalByID: [String: Deal] = [:]
    for d in folder.deals { finalByID[d.id] = d }
    var categorised = 0
    for d in atOrigin.deals {
      switch d.status {
      case .won:
        if let c = d.closedOn?.day, period.contains(c) {
          add(d.ownerID) { $0.bookedToDate += d.amount }
        }
      case .lost: break
      case .open:
        if d.forecastCategory != nil { categorised += 1 }
        guard d.forecastCategory == .commit else { continue }
        let close = d.expectedCloseOn?.day
        let counts = close.map { period.contains($0) || (current && $0 <= origin) } ?? current
        guard counts else { continue }
        let final = finalByID[d.id]
        let wonInPeriod =
          final?.status == .won && final?.closedOn.map { period.contains($0.day) } == true
        add(d.ownerID) {
          $0.commitDeals += 1
          $0.commitAmount += d.amount
          if wonInPeriod {
            $0.commitDealsWon += 1
            $0.commitAmountWon += final!.amount
          }
        }
      }
    }
    for d in folder.deals where d.status == .won {
      guard let c = d.closedOn?.day, period.contains(c) else { continue }
      add(d.ownerID) { $0.actual += d.amount }
    }
    func finish(_ r: inout Row) {
      r.call = r.bookedToDate + r.commitAmount
      r.error = r.call - r.actual
      r.relativeError = r.actual > 0 ? r.call / r.actual - 1 : nil
    }
    var repRows = rows.values.sorted { $0.key < $1.key }
    var teamRows: [String: Row] = [:]
    var company = Row(
      level: .company, key: "(all)", bookedToDate: 0, commitDeals: 0, commitAmount: 0, call: 0,
      actual: 0, commitDealsWon: 0, commitAmountWon: 0, error: 0, relativeError: nil)
    func accumulate(_ into: inout Row, _ r: Row) {
      into.bookedToDate += r.bookedToDate
      into.commitDeals += r.commitDeals
      into.commitAmount += r.commitAmount
      into.actual += r.actual
      into.commitDealsWon += r.commitDealsWon
      into.commitAmountWon += r.commitAmountWon
    }
    for i in repRows.indices {
      finish(&repRows[i])
      let name = team[repRows[i].key] ?? "(none)"
      var t =
        teamRows[name]
        ?? Row(
          level: .team, key: name, bookedToDate: 0, commitDeals: 0, commitAmount: 0, call: 0,
          actual: 0, commitDealsWon: 0, commitAmountWon: 0, error: 0, relativeError: nil)
      accumulate(&t, repRows[i])
      teamRows[name] = t
      accumulate(&company, repRows[i])
    }
    var teams = teamRows.values.sorted { $0.key < $1.key }
    for i in teams.indices { finish(&teams[i]) }
    finish(&company)
    return Score(
      origin: origin, period: period, periodComplete: period.end <= folder.asOf.advanced(by: 1),
      rows: repRows + teams + [company], categorisedDeals: categorised)
  }
}
