import Simulation

/// Renders a `ForecastResult` as a table with a compact text fan per period.
public enum ForecastTable {
  /// One row per period (and per group when `--by` was used): quantiles, won deals, the split
  /// between today's pipeline and deals yet to be created, the chance of reaching the target, and
  /// a fan (P5–P95 as `·`, P25–P75 as `=`, P50 as `|`) on a shared scale.
  public static func render(_ result: ForecastResult) -> String {
    var out = tableFor(
      title: "Bookings forecast as of \(result.asOf) (\(result.trials) trials, seed \(result.seed), scope \(result.scope.rawValue))",
      rows: result.periods.map { ("all", $0) }, showGroup: false
    ).render()
    if let groups = result.groups {
      let rows = groups.flatMap { g in g.periods.map { (g.group, $0) } }
      let sorted = rows.sorted { ($0.1.period, -$0.1.bookings.mean, $0.0) < ($1.1.period, -$1.1.bookings.mean, $1.0) }
      out += "\n" + tableFor(title: "By \(result.by?.rawValue ?? "group")", rows: sorted, showGroup: true).render()
    }
    for note in result.notes { out += "note: \(note)\n" }
    return out
  }

  static func tableFor(title: String, rows: [(String, PeriodForecast)], showGroup: Bool) -> TextTable {
    let scaleMax = rows.map { $0.1.bookings.p95 }.max() ?? 0
    var headers = ["period", "P10", "P50", "P90", "mean", "won P50", "open pipe", "new deals", "P(target)", "fan (0 … \(NumberFormatting.amount(scaleMax)))"]
    if showGroup { headers.insert("group", at: 1) }
    var table = TextTable(title: title, headers: headers)
    table.alignments[headers.count - 1] = .left
    if showGroup { table.alignments[1] = .left }
    for (group, p) in rows {
      var row = [
        p.period, NumberFormatting.amount(p.bookings.p10), NumberFormatting.amount(p.bookings.p50),
        NumberFormatting.amount(p.bookings.p90), NumberFormatting.amount(p.bookings.mean),
        NumberFormatting.fixed(p.wonDeals.p50), NumberFormatting.amount(p.fromOpenPipeline.mean),
        NumberFormatting.amount(p.fromNewDeals.mean), NumberFormatting.percent(p.probabilityOfTarget, digits: 0),
        fan(p.bookings, max: scaleMax),
      ]
      if showGroup { row.insert(group, at: 1) }
      table.append(row)
    }
    return table
  }

  /// A 30-character fan: `·` from P5 to P95, `=` from P25 to P75, `|` at P50.
  static func fan(_ d: DistributionSummary, max: Double, width: Int = 30) -> String {
    guard max > 0 else { return "" }
    func position(_ v: Double) -> Int { Swift.min(width - 1, Swift.max(0, Int((v / max * Double(width - 1)).rounded()))) }
    var chars = [Character](repeating: " ", count: width)
    for i in position(d.p5)...position(d.p95) { chars[i] = "·" }
    for i in position(d.p25)...position(d.p75) { chars[i] = "=" }
    chars[position(d.p50)] = "|"
    return String(chars).trimmingTrailingSpaces()
  }
}

extension ForecastTable {
  /// Long-format CSV: one row per period (and group), every quantile of bookings.
  public static func csv(_ result: ForecastResult) -> String {
    var table = TextTable(headers: [
      "period", "group", "bookings_mean", "bookings_p5", "bookings_p10", "bookings_p25", "bookings_p50",
      "bookings_p75", "bookings_p90", "bookings_p95", "won_deals_p50", "from_open_pipeline_mean",
      "from_new_deals_mean", "target", "probability_of_target",
    ])
    func add(_ group: String, _ p: PeriodForecast) {
      let b = p.bookings
      table.append(
        [p.period, group] + [b.mean, b.p5, b.p10, b.p25, b.p50, b.p75, b.p90, b.p95].map { String($0) }
          + [String(p.wonDeals.p50), String(p.fromOpenPipeline.mean), String(p.fromNewDeals.mean),
             p.target.map { String($0) } ?? "", p.probabilityOfTarget.map { String($0) } ?? ""])
    }
    for p in result.periods { add("(all)", p) }
    for g in result.groups ?? [] { for p in g.periods { add(g.group, p) } }
    return table.renderCSV()
  }
}
