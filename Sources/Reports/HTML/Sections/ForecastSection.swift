import Simulation

/// The bookings forecast: a fan chart continuing the actual bookings of past periods, with the
/// quota line and the chance of reaching it, and the numbers in a table.
enum ForecastSection {
  static func render(_ content: HTMLReportContent) -> String {
    let forecast = content.forecast
    let history = content.history
    let quotas = content.quotas
    var chart = SVGChart(
      width: 960, height: 420, title: "Bookings per period: actual, then forecast fan",
      insets: ChartInsets(top: 58, right: 24, bottom: 48, left: 76))
    let labels = history.map(\.period) + forecast.periods.map(\.period)
    let x = BandScale(categories: labels, range: chart.xRange, padding: 0.3)
    let values =
      history.map(\.bookings) + forecast.periods.flatMap { [$0.bookings.p5, $0.bookings.p95] }
      + labels.compactMap { quotas[$0] }
    // Headroom above the highest mark for the P(≥ quota) labels.
    let y = LinearScale.nice(
      covering: values, including: [0, (values.max() ?? 0) * 1.1], range: chart.yRange)
    chart.yAxis(y, title: "Bookings (currency units)") {
      AxisFormat.compactAmount($0, step: y.tickStep)
    }
    chart.xAxis(x, title: "Period (actual to the left of the line, forecast to the right)")

    // A divider between what happened and what is forecast.
    let firstForecast = history.count
    if firstForecast > 0 {
      let divider = x.center(firstForecast) - x.step / 2
      chart.segment(
        from: ChartPoint(divider, chart.plotTop), to: ChartPoint(divider, chart.plotBottom),
        color: Palette.neutral, width: 1, dash: "3 3")
      chart.label(
        x: divider - 4, y: chart.plotBottom - 8, "forecast as of \(forecast.asOf)", anchor: "end",
        size: 11)
    }

    // Bands as boxes per period (P5–P95, P10–P90, P25–P75) joined across periods.
    let fanColor = Palette.blue
    let centers = forecast.periods.indices.map { x.center(firstForecast + $0) }
    let half = x.bandwidth / 2
    func band(
      _ low: (DistributionSummary) -> Double, _ high: (DistributionSummary) -> Double,
      _ opacity: Double, _ name: String
    ) {
      var upper: [ChartPoint] = []
      var lower: [ChartPoint] = []
      for (i, p) in forecast.periods.enumerated() {
        for dx in [-half, half] {
          upper.append(ChartPoint(centers[i] + dx, y(high(p.bookings))))
          lower.append(ChartPoint(centers[i] + dx, y(low(p.bookings))))
        }
      }
      chart.band(upper: upper, lower: lower, color: fanColor, opacity: opacity, label: name)
    }
    band({ $0.p5 }, { $0.p95 }, 0.18, "P5–P95: 90% of trials")
    band({ $0.p10 }, { $0.p90 }, 0.22, "P10–P90: 80% of trials")
    band({ $0.p25 }, { $0.p75 }, 0.30, "P25–P75: 50% of trials")

    // Median: a level segment per period, joined, continuing the actual line.
    var median: [ChartPoint] = []
    for (i, p) in forecast.periods.enumerated() {
      median.append(ChartPoint(centers[i] - half, y(p.bookings.p50)))
      median.append(ChartPoint(centers[i] + half, y(p.bookings.p50)))
    }
    chart.line(median, color: fanColor, width: 2.5, label: "Median forecast")
    if let last = history.last, let first = forecast.periods.first {
      chart.segment(
        from: ChartPoint(x.center(firstForecast - 1), y(last.bookings)),
        to: ChartPoint(centers[0] - half, y(first.bookings.p50)), color: fanColor, width: 1.5,
        dash: "4 3")
    }

    // Actual bookings.
    let actualPoints = history.enumerated().map {
      ChartPoint(x.center($0.offset), y($0.element.bookings))
    }
    chart.line(actualPoints, color: Palette.black, width: 2)
    for (i, h) in history.enumerated() {
      chart.dot(
        actualPoints[i], radius: 4, color: Palette.black,
        label:
          "\(h.period): \(NumberFormatting.amount(h.bookings)) booked in \(h.wonDeals) won deals")
    }

    // Quota: a level segment over each period that has one.
    for (i, label) in labels.enumerated() {
      guard let q = quotas[label] else { continue }
      let slot = x.step / 2
      chart.segment(
        from: ChartPoint(x.center(i) - slot + 2, y(q)),
        to: ChartPoint(x.center(i) + slot - 2, y(q)),
        color: Palette.vermillion, width: 2, dash: "7 4")
    }
    // The chance of reaching the quota, above each forecast box.
    for (i, p) in forecast.periods.enumerated() {
      let top = y(max(p.bookings.p95, p.target ?? 0))
      if let chance = p.probabilityOfTarget {
        chart.label(
          x: centers[i], y: top - 8, "P(≥ quota) \(NumberFormatting.percent(chance, digits: 0))",
          anchor: "middle", size: 12, color: Palette.black, bold: true)
      }
    }
    var legend = [
      LegendItem("Actual bookings", color: Palette.black, mark: .line(dash: nil)),
      LegendItem("Median forecast", color: fanColor, mark: .line(dash: nil)),
      LegendItem("50% interval", color: fanColor, mark: .band(opacity: 0.7)),
      LegendItem("80%", color: fanColor, mark: .band(opacity: 0.4)),
      LegendItem("90%", color: fanColor, mark: .band(opacity: 0.18)),
    ]
    if !quotas.isEmpty {
      legend.append(
        LegendItem(
          "Quota (sum of reps' quotas)", color: Palette.vermillion, mark: .line(dash: "7 4")))
    }
    chart.legend(legend)

    var table = TextTable(
      title: "Forecast as of \(forecast.asOf), \(forecast.trials) trials, seed \(forecast.seed)",
      headers: [
        "period", "P10", "P50", "P90", "mean", "won deals (P50)", "from open pipeline",
        "from new deals", "quota", "P(≥ quota)",
      ])
    for p in forecast.periods {
      table.append([
        p.period, NumberFormatting.amount(p.bookings.p10), NumberFormatting.amount(p.bookings.p50),
        NumberFormatting.amount(p.bookings.p90), NumberFormatting.amount(p.bookings.mean),
        NumberFormatting.fixed(p.wonDeals.p50), NumberFormatting.amount(p.fromOpenPipeline.mean),
        NumberFormatting.amount(p.fromNewDeals.mean), NumberFormatting.amount(p.target),
        NumberFormatting.percent(p.probabilityOfTarget, digits: 0),
      ])
    }
    table.footnotes = forecast.notes

    let caption =
      "The black line is what was booked; each forecast period shows where its bookings land in "
      + "50%, 80% and 90% of simulated trials (darker is likelier), with the median as a line. "
      + "The dashed line is the quota; P(≥ quota) is the share of trials that reach it."
    let lede =
      "Every open deal is simulated from its stage and age, and deals not yet created are added "
      + "from the lead funnel and the reps' outbound rate, trial by trial. Read the width of the "
      + "fan as the honest uncertainty: plan on the median, staff for the bottom of the 80% band."
    return HTMLPage.section(
      id: "forecast", title: "Bookings forecast", lede: lede,
      HTMLPage.figure(chart, caption: caption) + HTMLPage.table(table))
  }
}
