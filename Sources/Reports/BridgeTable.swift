import Inspection

/// Renders a `BridgeReport` (`pipecast bridge`) as a waterfall table or CSV.
public enum BridgeTable {
  /// The waterfall, then the top movers of each line. Printed changes are differences of the
  /// rounded running totals, so the printed lines add up exactly to the printed total.
  public static func render(_ report: BridgeReport) -> String {
    var table = TextTable(
      title:
        "Expected bookings in \(report.period.label): \(report.start.asOf) → \(report.end.asOf)",
      headers: ["line", "deals", "change", "running total"])
    var running = report.start.expected
    var printed = report.start.expected.rounded()
    table.append([
      "expected at \(report.start.asOf)", String(report.start.openDeals) + " open", "",
      NumberFormatting.amount(report.start.expected),
    ])
    for s in report.steps {
      running += s.change
      let next = running.rounded()
      table.append([
        s.label, String(s.count), signed(next - printed), NumberFormatting.amount(next),
      ])
      printed = next
    }
    table.append([
      "expected at \(report.end.asOf)", String(report.end.openDeals) + " open",
      signed(printed - report.start.expected.rounded()),
      NumberFormatting.amount(report.end.expected),
    ])
    table.footnotes =
      [
        "booked \(NumberFormatting.amount(report.start.booked)) + open pipeline \(NumberFormatting.amount(report.start.openPipeline)) at \(report.start.asOf); "
          + "booked \(NumberFormatting.amount(report.end.booked)) + open pipeline \(NumberFormatting.amount(report.end.openPipeline)) at \(report.end.asOf)."
      ] + report.notes.map { "note: \($0)" }
    var out = table.render()
    var movers = TextTable(
      title: "\nTop movers", headers: ["line", "deal", "change", "what happened"])
    movers.alignments = [.left, .left, .right, .left]
    for s in report.steps {
      for m in s.movers {
        movers.append([s.label, m.dealID, signed(m.change.rounded()), m.detail])
      }
    }
    if !movers.rows.isEmpty { out += movers.render() }
    return out
  }

  /// One row per line: category, count, change (full precision).
  public static func csv(_ report: BridgeReport) -> String {
    var table = TextTable(headers: ["category", "label", "count", "change"])
    table.append([
      "start", "expected at \(report.start.asOf)", String(report.start.openDeals),
      String(report.start.expected),
    ])
    for s in report.steps {
      table.append([s.category.rawValue, s.label, String(s.count), String(s.change)])
    }
    table.append([
      "end", "expected at \(report.end.asOf)", String(report.end.openDeals),
      String(report.end.expected),
    ])
    return table.renderCSV()
  }

  static func signed(_ x: Double) -> String {
    let text = NumberFormatting.amount(x)
    return x > 0.5 ? "+" + text : text
  }
}
