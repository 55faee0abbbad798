import CRMData
import Inspection

/// The reps' own commit call scored over the backtest's origins, per rep, team and company, to
/// print next to Pipecast's score on the same origins (docs/BACKTEST.md).
///
/// At each origin a rep's call is what they had won in the period by then plus the open deals
/// they marked `commit` (CommitCall in Inspection). Over the origins, per rep or team:
/// WAPE = Σ|call − actual| / Σ actual and bias = Σ(call − actual) / Σ actual. Computed only when
/// the CRM records forecast categories (deals.csv or deal_history.csv).
public struct CommitCallScores: Encodable, Sendable, Equatable {
  public struct Row: Encodable, Sendable, Equatable {
    public var level: String
    public var key: String
    public var origins: Int
    public var call: Double
    public var actual: Double
    public var wape: Double?
    public var bias: Double?
  }

  /// Company row first, then teams, then reps, each sorted by key.
  public var rows: [Row]

  /// Scores the commit call at each origin; nil when no forecast category is recorded.
  public init?(folder: CRMFolder, origins: [BacktestOrigin]) {
    let hasCategories =
      folder.deals.contains { $0.forecastCategory != nil }
      || (folder.history ?? []).contains { $0.forecastCategory != nil }
    guard hasCategories, !origins.isEmpty else { return nil }
    struct Sum { var origins = 0, call = 0.0, actual = 0.0, absolute = 0.0 }
    var sums: [String: Sum] = [:]
    var levels: [String: String] = [:]
    for origin in origins {
      let score = CommitCall.score(folder: folder, origin: origin.asOf, period: origin.target)
      for row in score.rows {
        let id = "\(row.level.rawValue)\u{1F}\(row.key)"
        levels[id] = row.level.rawValue
        var s = sums[id, default: Sum()]
        s.origins += 1
        s.call += row.call
        s.actual += row.actual
        s.absolute += abs(row.call - row.actual)
        sums[id] = s
      }
    }
    let order = ["company": 0, "team": 1, "rep": 2]
    rows = sums.keys.sorted { a, b in
      let (la, lb) = (order[levels[a]!] ?? 3, order[levels[b]!] ?? 3)
      return la != lb ? la < lb : a < b
    }.map { id in
      let s = sums[id]!
      let key = String(id.split(separator: "\u{1F}", maxSplits: 1).last ?? "")
      return Row(
        level: levels[id]!, key: key, origins: s.origins, call: s.call, actual: s.actual,
        wape: s.actual > 0 ? s.absolute / s.actual : nil,
        bias: s.actual > 0 ? (s.call - s.actual) / s.actual : nil)
    }
  }
}
