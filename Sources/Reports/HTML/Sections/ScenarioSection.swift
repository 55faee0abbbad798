import Scenarios
import Simulation

/// Scenarios against the baseline: bookings distributions side by side per period, the
/// differences (common random numbers), and the tornado of standard lever steps.
enum ScenarioSection {
  static func render(_ comparison: ScenarioComparison, quotas: [String: Double]) -> String {
    let whatIf = comparison.whatIf
    var body = HTMLPage.figure(
      distributionChart(whatIf, quotas: quotas),
      caption:
        "Per period, the baseline and each scenario: box from P25 to P75, whiskers from P10 to "
        + "P90, white tick at the median. All runs share their random numbers trial by trial, so "
        + "differences come from the levers, not from noise.")
    var table = TextTable(
      title: "Scenario against baseline, bookings over all forecast periods",
      headers: ["scenario", "description", "mean change", "P10 change", "P90 change", "P(better)"],
      alignments: [.left, .left, .right, .right, .right, .right])
    for s in whatIf.scenarios {
      table.append([
        s.name, s.description ?? "", signedAmount(s.differenceTotal.mean),
        signedAmount(s.differenceTotal.p10), signedAmount(s.differenceTotal.p90),
        NumberFormatting.percent(s.probabilityBetter, digits: 0),
      ])
    }
    body += HTMLPage.table(table)
    if let sensitivity = comparison.sensitivity, !sensitivity.rows.isEmpty {
      body += HTMLPage.heading("Which lever moves bookings most (tornado)")
      body += HTMLPage.figure(
        tornadoChart(sensitivity),
        caption:
          "Each lever moved by one standard step from the forecast start; bars show the mean "
          + "change in bookings over the forecast periods, whiskers its P10–P90 across trials. "
          + "Longest bar first.")
    }
    let lede =
      "What-if scenarios run through the fitted model's own structure (hires ramp up, leads flow "
      + "through the funnel), so their effects arrive when the model says they would."
    return HTMLPage.section(id: "scenarios", title: "Scenarios", lede: lede, body)
  }

  static func signedAmount(_ value: Double) -> String {
    (value > 0 ? "+" : "") + NumberFormatting.amount(value)
  }

  static func distributionChart(_ whatIf: WhatIfResult, quotas: [String: Double]) -> SVGChart {
    var chart = SVGChart(
      width: 960, height: 400, title: "Bookings by scenario and period",
      insets: ChartInsets(top: 50, right: 24, bottom: 48, left: 76))
    let runs: [(String, ForecastResult)] =
      [("Baseline", whatIf.baseline)] + whatIf.scenarios.map { ($0.name, $0.forecast) }
    let periods = whatIf.baseline.periods.map(\.period)
    let x = BandScale(categories: periods, range: chart.xRange, padding: 0.2)
    let values =
      runs.flatMap { $0.1.periods.flatMap { [$0.bookings.p10, $0.bookings.p90] } }
      + periods.compactMap { quotas[$0] }
    // Boxes, not bars: the axis need not start at zero, and the differences stay visible.
    let y = LinearScale.nice(covering: values, range: chart.yRange)
    chart.yAxis(y, title: "Bookings (currency units)") {
      AxisFormat.compactAmount($0, step: y.tickStep)
    }
    chart.xAxis(x, title: "Forecast period")
    let slot = x.bandwidth / Double(runs.count)
    for (p, period) in periods.enumerated() {
      for (r, run) in runs.enumerated() {
        guard let f = run.1.periods.first(where: { $0.period == period })?.bookings else {
          continue
        }
        let left = x.start(p) + slot * Double(r) + slot * 0.12
        let right = left + slot * 0.76
        let mid = (left + right) / 2
        let color = Palette.color(r)
        chart.segment(
          from: ChartPoint(mid, y(f.p10)), to: ChartPoint(mid, y(f.p90)), color: color, width: 1.5)
        for v in [f.p10, f.p90] {
          chart.segment(
            from: ChartPoint(mid - slot * 0.18, y(v)), to: ChartPoint(mid + slot * 0.18, y(v)),
            color: color, width: 1.5)
        }
        chart.rect(
          x0: left, y0: y(f.p25), x1: right, y1: y(f.p75), fill: color, opacity: 0.85,
          label:
            "\(run.0), \(period): P25–P75 \(NumberFormatting.amount(f.p25)) – \(NumberFormatting.amount(f.p75)), "
            + "median \(NumberFormatting.amount(f.p50))")
        chart.segment(
          from: ChartPoint(left, y(f.p50)), to: ChartPoint(right, y(f.p50)), color: "#FFFFFF",
          width: 2)
      }
      if let q = quotas[period] {
        chart.segment(
          from: ChartPoint(x.start(p) - 4, y(q)),
          to: ChartPoint(x.start(p) + x.bandwidth + 4, y(q)),
          color: Palette.vermillion, width: 2, dash: "7 4")
      }
    }
    var legend = runs.enumerated().map {
      LegendItem($0.element.0, color: Palette.color($0.offset), mark: .band(opacity: 0.85))
    }
    if periods.contains(where: { quotas[$0] != nil }) {
      legend.append(LegendItem("Quota", color: Palette.vermillion, mark: .line(dash: "7 4")))
    }
    chart.legend(legend)
    return chart
  }

  static func tornadoChart(_ sensitivity: SensitivityResult) -> SVGChart {
    let rows = sensitivity.rows
    let rowHeight = 30.0
    // Room for the longest lever label (about 7 px per character at 12 px).
    let longest = rows.map { "\(leverTitle($0.lever)) \($0.step)".count }.max() ?? 10
    var chart = SVGChart(
      width: 960, height: 100 + rowHeight * Double(rows.count),
      title: "Tornado: bookings change per lever",
      insets: ChartInsets(top: 40, right: 70, bottom: 48, left: max(120, 7 * Double(longest) + 20)))
    let values = rows.flatMap { [$0.difference.p10, $0.difference.p90, $0.difference.mean] }
    let x = LinearScale.nice(covering: values, including: [0], range: chart.xRange, tickCount: 6)
    let band = BandScale(
      categories: rows.map(\.lever), range: (chart.plotTop, chart.plotBottom), padding: 0.3)
    chart.xAxis(
      x, title: "Change in bookings over the forecast periods (currency units)", grid: true
    ) {
      AxisFormat.compactAmount($0, step: x.tickStep)
    }
    chart.segment(
      from: ChartPoint(x(0), chart.plotTop), to: ChartPoint(x(0), chart.plotBottom),
      color: Palette.axis,
      width: 1)
    for (i, row) in rows.enumerated() {
      let top = band.start(i)
      let bottom = top + band.bandwidth
      let mid = (top + bottom) / 2
      let d = row.difference
      let color = d.mean >= 0 ? Palette.blue : Palette.vermillion
      chart.rect(
        x0: x(0), y0: top, x1: x(d.mean), y1: bottom, fill: color, opacity: 0.85,
        label:
          "\(row.lever) \(row.step): mean \(signedAmount(d.mean)), P10 \(signedAmount(d.p10)), "
          + "P90 \(signedAmount(d.p90)), P(better) \(NumberFormatting.percent(row.probabilityBetter, digits: 0))"
      )
      chart.segment(
        from: ChartPoint(x(d.p10), mid), to: ChartPoint(x(d.p90), mid), color: Palette.black,
        width: 1.2)
      for v in [d.p10, d.p90] {
        chart.segment(
          from: ChartPoint(x(v), mid - 5), to: ChartPoint(x(v), mid + 5), color: Palette.black,
          width: 1.2)
      }
      chart.label(
        x: chart.plotLeft - 8, y: mid + 4, "\(leverTitle(row.lever)) \(row.step)", anchor: "end",
        size: 12, color: "#1E1E1E")
      chart.label(
        x: chart.plotRight + 6, y: mid + 4, NumberFormatting.percent(row.relativeEffect, digits: 1),
        size: 12, color: color, bold: true)
    }
    chart.legend([
      LegendItem("Raises bookings", color: Palette.blue, mark: .band(opacity: 0.85)),
      LegendItem("Lowers bookings", color: Palette.vermillion, mark: .band(opacity: 0.85)),
      LegendItem(
        "P10–P90 of the change; right: mean change in %", color: Palette.black,
        mark: .line(dash: nil)),
    ])
    return chart
  }

  /// `lead_response_time` → "Lead response time".
  static func leverTitle(_ lever: String) -> String { KPISection.title(lever) }
}
