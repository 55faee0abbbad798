extension HTMLReport {
  /// The page: header, contents, KPI overview, forecast, funnel, then backtest and scenarios
  /// when computed, and a footer with everything needed to reproduce the numbers.
  public static func render(_ content: HTMLReportContent) -> String {
    let o = content.options
    let title = "Pipecast report as of \(content.asOf)"
    var sections: [(id: String, title: String, html: String)] = [
      ("kpis", "KPIs", KPISection.render(content.kpis)),
      ("forecast", "Forecast", ForecastSection.render(content)),
      ("funnel", "Funnel", FunnelSection.render(content)),
    ]
    if let backtest = content.backtest {
      sections.append(("backtest", "Backtest", BacktestSection.render(backtest)))
    }
    if let scenarios = content.scenarios {
      sections.append(
        ("scenarios", "Scenarios", ScenarioSection.render(scenarios, quotas: content.quotas)))
    }
    var body = "<header>\n<h1>\(Markup.escape(title))</h1>\n"
    body +=
      "<p class=\"subtitle\">\(Markup.escape(o.dataFolder)) · forecast "
      + "\(Markup.escape(o.forecastPeriods.map(\.label).joined(separator: ", "))) · "
      + "\(o.trials) trials</p>\n"
    body +=
      "<nav class=\"toc\">"
      + sections.map { "<a href=\"#\($0.id)\">\(Markup.escape($0.title))</a>" }.joined()
      + "</nav>\n"
    body += "</header>\n"
    body += sections.map(\.html).joined()
    body += footer(content)
    return HTMLPage.document(title: title, body: body)
  }

  /// A command line that wraps only between an option and the next (never inside `--as-of`).
  static func commandHTML(_ command: String) -> String {
    var groups: [String] = []
    for token in command.split(separator: " ", omittingEmptySubsequences: false) {
      if token.hasPrefix("--") || groups.isEmpty {
        groups.append(String(token))
      } else {
        groups[groups.count - 1] += " " + token
      }
    }
    return "<code>"
      + groups.map { "<span class=\"arg\">\(Markup.escape($0))</span>" }
      .joined(separator: " ") + "</code>"
  }

  static func footer(_ content: HTMLReportContent) -> String {
    let o = content.options
    var rows: [(String, String)] = [
      ("Data folder", o.dataFolder),
      ("As of", content.asOf.description),
      ("Forecast periods", o.forecastPeriods.map(\.label).joined(separator: ", ")),
      ("Trials", String(o.trials)),
      ("Seed", String(o.seed)),
    ]
    if let b = o.backtest {
      rows.append(
        (
          "Backtest",
          "\(b.from.label) … \(b.to.label), \(b.schedule.rawValue) origins, lead \(b.lead), \(b.trials) trials per origin"
        ))
    }
    if !o.scenarios.isEmpty {
      rows.append(
        (
          "Scenarios",
          o.scenarios.map { s in s.file.map { "\(s.name) (\($0))" } ?? s.name }.joined(
            separator: ", ")
        ))
    }
    rows.append(("Pipecast version", o.version))
    if let command = o.command { rows.append(("Reproduce with", command)) }
    var html = "<footer>\n<dl>\n"
    for (key, value) in rows {
      let shown = key == "Reproduce with" ? commandHTML(value) : Markup.escape(value)
      html += "<dt>\(Markup.escape(key))</dt><dd>\(shown)</dd>\n"
    }
    html += "</dl>\n"
    html +=
      "<p>The same data, as-of date, seed and trials give the same numbers on any machine, "
      + "whatever the number of threads.</p>\n</footer>\n"
    return html
  }
}
