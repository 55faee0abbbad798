import CRMData
import FunnelAnalysis

/// The `--format table` (and `csv`) output of `pipecast funnel`: per lead source (or cohort
/// month), leads, wins, the naive conversion and the censoring-aware probability of a win by
/// each horizon, and the days to win.
public enum FunnelTable {
  public static func table(_ result: LeadFunnelResult) -> TextTable {
    let o = result.options
    let groupTitle = o.grouping == .source ? "source" : "first contact"
    var window = ""
    switch (o.contactedFrom, o.contactedThrough) {
    case (let from?, let through?): window = " first contacted \(from) to \(through)"
    case (let from?, nil): window = " first contacted from \(from)"
    case (nil, let through?): window = " first contacted through \(through)"
    case (nil, nil): break
    }
    var headers = [groupTitle, "leads", "wins", "wins/leads"]
    headers += o.horizons.map { "win by \($0) d (95% CI)" }
    headers += ["median d to win", "P90 d to win", "observed median"]
    var table = TextTable(
      title:
        "Lead funnel: \(result.total.leads) leads\(window) by \(o.grouping == .source ? "source" : "month of first contact"), "
        + "censored at the export date \(result.exportDate) (\(result.estimator))",
      headers: headers, alignments: [.left] + Array(repeating: .right, count: headers.count - 1))
    for row in result.rows + [result.total] { table.append(cells(row, digits: 1)) }
    table.footnotes.append(
      "wins/leads counts every lead without a win as lost; \"win by N d\" is the cumulative incidence "
        + "F(N): leads without a win are censored at the export date, not lost (– = no lead followed that long)."
    )
    table.footnotes.append(
      "Days to win: median and P90 among leads that win within \(o.horizons.last!) days, from F (censoring-aware); "
        + "\"observed median\" is the plain median over the wins seen.")
    let t = result.total
    table.footnotes.append(
      "All leads: \(t.wins) won, \(t.losses) lost, \(t.censored) censored; follow-up "
        + "\(NumberFormatting.fixed(t.minFollowUpDays)) to \(NumberFormatting.fixed(t.maxFollowUpDays)) days; "
        + "F at the end of follow-up \(NumberFormatting.percent(t.incidenceAtEnd, digits: 2)).")
    table.footnotes += result.notes.map { "note: \($0)" }
    return table
  }

  static func cells(_ row: LeadFunnelRow, digits: Int) -> [String] {
    var c = [
      row.group, String(row.leads), String(row.wins),
      NumberFormatting.percent(row.naiveConversion, digits: digits),
    ]
    for h in row.incidence {
      var s = NumberFormatting.percent(h.value, digits: digits)
      // No win yet (F = 0): Greenwood's variance is 0, so no interval is shown.
      if let lo = h.lower, let hi = h.upper, hi > lo {
        s +=
          " (\(NumberFormatting.fixed(lo * 100, digits: digits))–\(NumberFormatting.fixed(hi * 100, digits: digits)))"
      }
      c.append(s)
    }
    c += [
      NumberFormatting.fixed(row.medianDaysToWin, digits: 1),
      NumberFormatting.fixed(row.p90DaysToWin, digits: 1),
      NumberFormatting.fixed(row.observedMedianDaysToWin, digits: 1),
    ]
    return c
  }

  /// The table as text (the funnel table with its footnotes).
  public static func render(_ result: LeadFunnelResult) -> String { table(result).render() }

  /// Markdown (for the README): the same rows, without footnotes.
  public static func markdown(_ result: LeadFunnelResult) -> String {
    let t = table(result)
    var out = "| " + t.headers.joined(separator: " | ") + " |\n"
    out += "|" + t.alignments.map { $0 == .left ? " --- |" : " ---: |" }.joined() + "\n"
    for r in t.rows { out += "| " + r.joined(separator: " | ") + " |\n" }
    return out
  }
}
