/// Building blocks of the report page: the frame with its style sheet, sections, figures,
/// tables and notes. Every string that comes from data is escaped here or by `SVGChart`.
enum HTMLPage {
  /// A complete HTML document: inline CSS, no scripts, nothing fetched.
  static func document(title: String, body: String) -> String {
    """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="generator" content="Pipecast">
    <title>\(Markup.escape(title))</title>
    <style>
    \(stylesheet)
    </style>
    </head>
    <body>
    <main>
    \(body)
    </main>
    </body>
    </html>

    """
  }

  /// System fonts only (no web fonts), print-friendly, charts scale down with the page.
  static let stylesheet = """
    :root { color-scheme: light; }
    body { margin: 0; background: #F7F7F5; color: #1E1E1E;
      font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", "Liberation Sans", Arial, sans-serif;
      font-size: 15px; line-height: 1.45; }
    main { max-width: 1080px; margin: 0 auto; padding: 24px 28px 48px; }
    header h1 { font-size: 26px; margin: 8px 0 2px; }
    header p.subtitle { margin: 0 0 8px; color: #555; }
    nav.toc { font-size: 14px; margin: 8px 0 4px; }
    nav.toc a { color: #0072B2; margin-right: 14px; text-decoration: none; }
    section { background: #FFFFFF; border: 1px solid #E2E2DE; border-radius: 6px;
      padding: 18px 22px 14px; margin: 18px 0; }
    section h2 { font-size: 20px; margin: 0 0 6px; }
    section h3 { font-size: 16px; margin: 18px 0 6px; }
    p.lede { margin: 2px 0 10px; color: #333; max-width: 78ch; }
    figure { margin: 10px 0 6px; }
    figure svg.chart { width: 100%; height: auto; max-width: 100%; display: block; }
    figcaption { font-size: 13px; color: #555; margin-top: 2px; max-width: 90ch; }
    .tiles { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 10px; margin: 8px 0; }
    .tile { border: 1px solid #E2E2DE; border-radius: 6px; padding: 8px 12px; background: #FCFCFB; }
    .tile .name { font-size: 13px; color: #555; }
    .tile .value { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
    .tile .change { font-size: 13px; font-variant-numeric: tabular-nums; }
    .better { color: #0072B2; }
    .worse { color: #B34700; }
    .neutral { color: #555; }
    table { border-collapse: collapse; font-size: 13px; margin: 8px 0; font-variant-numeric: tabular-nums; }
    caption { text-align: left; font-weight: 600; padding: 4px 0; }
    .table-wrap { overflow-x: auto; max-width: 100%; }
    th, td { padding: 3px 8px; border-bottom: 1px solid #ECECEA; vertical-align: top; }
    td:first-child { white-space: nowrap; }
    span.arg { white-space: nowrap; }
    th { background: #F2F2EF; text-align: left; font-weight: 600; }
    td.num, th.num { text-align: right; white-space: nowrap; }
    ul.notes { font-size: 13px; color: #555; margin: 6px 0; padding-left: 20px; }
    details summary { cursor: pointer; color: #0072B2; font-size: 14px; margin: 6px 0; }
    .two { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
    footer { font-size: 13px; color: #444; border-top: 1px solid #D8D8D4; margin-top: 24px; padding-top: 10px; }
    footer dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 6px 0; }
    footer dt { font-weight: 600; }
    footer dd { margin: 0; }
    code { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 12px; }
    @media (max-width: 800px) { .tiles { grid-template-columns: repeat(2, minmax(0, 1fr)); } .two { grid-template-columns: 1fr; } }
    @media print { body { background: #FFFFFF; } section { break-inside: avoid; border: none; } }
    """

  /// A titled section with an anchor.
  static func section(id: String, title: String, lede: String? = nil, _ body: String) -> String {
    "<section id=\"\(Markup.escape(id))\">\n<h2>\(Markup.escape(title))</h2>\n"
      + (lede.map { "<p class=\"lede\">\(Markup.escape($0))</p>\n" } ?? "") + body
      + "\n</section>\n"
  }

  /// A sub-heading inside a section.
  static func heading(_ text: String) -> String {
    "<h3>\(Markup.escape(text))</h3>\n"
  }

  /// A chart with a caption that says how to read it.
  static func figure(_ chart: SVGChart, caption: String) -> String {
    "<figure>\n" + chart.render()
      + "\n<figcaption>\(Markup.escape(caption))</figcaption>\n</figure>\n"
  }

  /// A paragraph of plain text.
  static func paragraph(_ text: String) -> String {
    "<p class=\"lede\">\(Markup.escape(text))</p>\n"
  }

  /// A bulleted list of notes (nothing when empty).
  static func notes(_ items: [String]) -> String {
    guard !items.isEmpty else { return "" }
    return "<ul class=\"notes\">\n"
      + items.map { "<li>\(Markup.escape($0))</li>" }.joined(separator: "\n")
      + "\n</ul>\n"
  }

  /// Notes, folded under a summary line when there are more than `visible` of them (a backtest
  /// repeats the model's notes for every origin).
  static func foldedNotes(_ items: [String], visible: Int = 4, what: String = "notes") -> String {
    guard items.count > visible else { return notes(items) }
    return "<details>\n<summary>\(items.count) \(Markup.escape(what))</summary>\n" + notes(items)
      + "</details>\n"
  }

  /// A `TextTable` as an HTML table: its title as the caption, right-aligned columns marked
  /// numeric, footnotes as notes below.
  static func table(_ table: TextTable) -> String {
    var out = "<div class=\"table-wrap\">\n<table>\n"
    if let title = table.title { out += "<caption>\(Markup.escape(title))</caption>\n" }
    func cellClass(_ i: Int) -> String {
      i < table.alignments.count && table.alignments[i] == .right ? " class=\"num\"" : ""
    }
    out +=
      "<thead><tr>"
      + table.headers.enumerated().map { "<th\(cellClass($0))>\(Markup.escape($1))</th>" }.joined()
      + "</tr></thead>\n<tbody>\n"
    for row in table.rows {
      out +=
        "<tr>" + row.enumerated().map { "<td\(cellClass($0))>\(Markup.escape($1))</td>" }.joined()
        + "</tr>\n"
    }
    out += "</tbody>\n</table>\n</div>\n"
    return out + notes(table.footnotes)
  }
}
