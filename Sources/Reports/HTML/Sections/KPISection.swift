import KPI

/// The KPI overview: headline tiles with the change from the period before, and the whole
/// catalogue in a folded table.
enum KPISection {
  /// A headline tile: which KPI, its name for people, and which direction is good (nil: neither).
  struct Headline {
    let id: String
    let name: String
    let higherIsBetter: Bool?
  }

  static let headlines: [Headline] = [
    Headline(id: "bookings", name: "Bookings", higherIsBetter: true),
    Headline(id: "quota_attainment", name: "Quota attainment", higherIsBetter: true),
    Headline(id: "win_rate", name: "Win rate", higherIsBetter: true),
    Headline(id: "average_deal_size", name: "Average deal size", higherIsBetter: true),
    Headline(id: "sales_cycle_length", name: "Sales cycle (median)", higherIsBetter: false),
    Headline(id: "weighted_pipeline", name: "Weighted pipeline", higherIsBetter: true),
    Headline(id: "pipeline_coverage", name: "Pipeline coverage", higherIsBetter: true),
    Headline(id: "sales_velocity", name: "Sales velocity", higherIsBetter: true),
    Headline(id: "lead_response_time", name: "Lead response time", higherIsBetter: false),
    Headline(id: "contact_rate", name: "Contact rate", higherIsBetter: true),
    Headline(id: "new_accounts", name: "New accounts", higherIsBetter: true),
    Headline(id: "churn_rate", name: "Churn rate", higherIsBetter: false),
  ]

  /// The change from `previous` to `current`: percentage points for shares, relative change for
  /// everything else; nil when either is missing or the relative change divides by zero.
  static func change(current: Double?, previous: Double?, unit: KPIUnit) -> (
    value: Double, text: String
  )? {
    guard let c = current, let p = previous, c.isFinite, p.isFinite else { return nil }
    if unit == .ratio {
      let points = (c - p) * 100
      return (c - p, String(format: "%+.1f pp", points))
    }
    guard p != 0 else { return nil }
    let relative = c / p - 1
    return (relative, String(format: "%+.1f%%", relative * 100))
  }

  static func render(_ kpis: KPIComparison) -> String {
    let current = kpis.current
    let previous = kpis.previous
    var tiles = "<div class=\"tiles\">\n"
    // The north star first (its id depends on the request), then the fixed headlines.
    var shown: [Headline] = []
    if let star = current.kpis.first(where: { $0.group == .northStar }),
      !headlines.contains(where: { $0.id == star.id })
    {
      shown.append(
        Headline(id: star.id, name: title(star.id) + " (north star)", higherIsBetter: true))
    }
    shown += headlines
    for h in shown.prefix(12) {
      guard let k = current[h.id] else { continue }
      let value = k.value.map { KPITable.format($0, unit: k.unit) } ?? "n/a"
      var changeHTML = "<div class=\"change neutral\">no earlier value</div>"
      if let d = change(current: k.value, previous: previous[h.id]?.value, unit: k.unit) {
        let arrow = d.value > 0 ? "▲" : (d.value < 0 ? "▼" : "■")
        let verdict: String
        if let better = h.higherIsBetter, d.value != 0 {
          verdict = (d.value > 0) == better ? "better" : "worse"
        } else {
          verdict = "neutral"
        }
        let word = verdict == "neutral" ? "" : " (\(verdict))"
        changeHTML =
          "<div class=\"change \(verdict)\">\(arrow) \(Markup.escape(d.text)) vs "
          + "\(Markup.escape(previous.period))\(word)</div>"
      } else if k.value == nil, let missing = k.missing {
        changeHTML = "<div class=\"change neutral\">\(Markup.escape(missing))</div>"
      }
      tiles +=
        "<div class=\"tile\"><div class=\"name\">\(Markup.escape(h.name))</div>"
        + "<div class=\"value\">\(Markup.escape(value))</div>\(changeHTML)</div>\n"
    }
    tiles += "</div>\n"

    var table = TextTable(
      title: "Every KPI, \(current.period) against \(previous.period)",
      headers: ["group", "KPI", current.period, previous.period, "change", "n", "note"],
      alignments: [.left, .left, .right, .right, .right, .right, .left])
    for k in current.kpis {
      let p = previous[k.id]
      table.append([
        KPITable.groupTitle(k.group), k.id,
        k.value.map { KPITable.format($0, unit: k.unit) } ?? "n/a",
        p?.value.map { KPITable.format($0, unit: k.unit) } ?? "n/a",
        change(current: k.value, previous: p?.value, unit: k.unit)?.text ?? "–", String(k.n),
        k.missing ?? "",
      ])
    }
    let lede =
      "\(current.period) (the last complete period as of \(current.asOf)) against \(previous.period). "
      + "Shares change in percentage points (pp), everything else in per cent. "
      + "Better and worse say which way is good for the business, not whether the change is "
      + "larger than chance."
    return HTMLPage.section(
      id: "kpis", title: "KPI overview", lede: lede,
      tiles + "<details>\n<summary>All \(current.kpis.count) KPIs of the catalogue</summary>\n"
        + HTMLPage.table(table) + "</details>\n")
  }

  /// `win_rate` → "Win rate".
  static func title(_ id: String) -> String {
    let words = id.split(separator: "_").joined(separator: " ")
    return words.prefix(1).uppercased() + words.dropFirst()
  }
}
