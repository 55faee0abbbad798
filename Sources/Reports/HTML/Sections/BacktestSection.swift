import Backtest
import Foundation

/// The backtest: forecast intervals against what was booked at each origin, the accuracy table
/// against the baselines, and the calibration of deal probabilities and of the intervals.
enum BacktestSection {
  static func render(_ result: BacktestResult) -> String {
    guard !result.origins.isEmpty else {
      return HTMLPage.section(
        id: "backtest", title: "Backtest",
        HTMLPage.paragraph("No origin could be scored.") + HTMLPage.notes(result.notes))
    }
    let s = result.settings
    let lede =
      "At each origin the CRM is rebuilt as it stood that day, the model refitted and the period "
      + "forecast, then compared with what was actually booked (\(result.origins.count) origins, "
      + "\(s.from) … \(s.to), \(s.trials) trials each). An honest forecast's 80% band holds the "
      + "actual about 8 times in 10."
    var body = HTMLPage.figure(
      intervalChart(result),
      caption:
        "Bars: Pipecast's 80% (light) and 50% (dark) intervals at each origin, with the median as "
        + "a white tick. Black dots: actual bookings. Orange diamonds: the CRM weighted pipeline "
        + "(amount × stage probability) at the same origin.")
    body += HTMLPage.table(BacktestTable.summary(result))
    body += "<div class=\"two\">\n"
    body += HTMLPage.figure(
      reliabilityChart(result),
      caption:
        "Deal-level calibration: deals grouped by forecast probability of winning inside the "
        + "period; a calibrated forecast lies on the diagonal. Point area grows with the number of "
        + "deals.")
    body += HTMLPage.figure(
      coverageChart(result),
      caption:
        "Interval coverage: share of origins whose actual fell inside Pipecast's 50%, 80% and 90% "
        + "intervals, against the nominal level (dashed). Below the mark: intervals too narrow.")
    body += "</div>\n"
    body += HTMLPage.table(BacktestTable.calibration(result))
    body += HTMLPage.foldedNotes(result.notes, what: "notes from the backtest runs")
    return HTMLPage.section(
      id: "backtest", title: "Backtest: forecasts against actuals", lede: lede, body)
  }

  /// Category labels for the origins: the period, with the as-of date when periods repeat.
  static func originLabels(_ result: BacktestResult) -> [String] {
    let periods = result.origins.map(\.period)
    let repeated = Set(periods).count < periods.count
    return result.origins.map { repeated ? "\($0.period) @\($0.asOf)" : $0.period }
  }

  static func intervalChart(_ result: BacktestResult) -> SVGChart {
    var chart = SVGChart(
      width: 960, height: 400, title: "Backtest intervals against actual bookings",
      insets: ChartInsets(top: 44, right: 24, bottom: 48, left: 76))
    let labels = originLabels(result)
    let x = BandScale(categories: labels, range: chart.xRange, padding: 0.45)
    let values = result.origins.flatMap { o in
      [o.forecast.p10, o.forecast.p90, o.actual] + (o.baselines.crmWeighted.map { [$0] } ?? [])
    }
    let y = LinearScale.nice(covering: values, including: [0], range: chart.yRange)
    chart.yAxis(y, title: "Bookings (currency units)") {
      AxisFormat.compactAmount($0, step: y.tickStep)
    }
    chart.xAxis(
      x,
      title: labels.contains { $0.contains("@") }
        ? "Period @ origin" : "Forecast period (origin at its start)")
    for (i, o) in result.origins.enumerated() {
      let f = o.forecast
      let left = x.start(i)
      let right = left + x.bandwidth
      let inside = o.actual >= f.p10 && o.actual <= f.p90
      chart.rect(
        x0: left, y0: y(f.p10), x1: right, y1: y(f.p90), fill: Palette.blue, opacity: 0.3,
        label:
          "\(labels[i]): P10–P90 \(NumberFormatting.amount(f.p10)) – \(NumberFormatting.amount(f.p90))"
      )
      chart.rect(
        x0: left, y0: y(f.p25), x1: right, y1: y(f.p75), fill: Palette.blue, opacity: 0.65,
        label:
          "\(labels[i]): P25–P75 \(NumberFormatting.amount(f.p25)) – \(NumberFormatting.amount(f.p75))"
      )
      chart.segment(
        from: ChartPoint(left, y(f.p50)), to: ChartPoint(right, y(f.p50)), color: "#FFFFFF",
        width: 2)
      if let crm = o.baselines.crmWeighted {
        chart.diamond(
          ChartPoint(x.center(i) + x.bandwidth / 2 + 9, y(crm)), radius: 5.5, color: Palette.orange,
          label: "\(labels[i]): CRM weighted \(NumberFormatting.amount(crm))")
      }
      chart.dot(
        ChartPoint(x.center(i), y(o.actual)), radius: 5, color: Palette.black,
        label: "\(labels[i]): actual \(NumberFormatting.amount(o.actual))"
          + (inside ? " (inside the 80% interval)" : " (outside the 80% interval)"))
    }
    chart.legend([
      LegendItem("Pipecast 80% interval", color: Palette.blue, mark: .band(opacity: 0.3)),
      LegendItem("50% interval", color: Palette.blue, mark: .band(opacity: 0.65)),
      LegendItem("Actual bookings", color: Palette.black, mark: .dot),
      LegendItem("CRM weighted pipeline", color: Palette.orange, mark: .diamond),
    ])
    return chart
  }

  static func reliabilityChart(_ result: BacktestResult) -> SVGChart {
    var chart = SVGChart(
      width: 470, height: 400, title: "Reliability of deal win probabilities",
      insets: ChartInsets(top: 44, right: 16, bottom: 48, left: 64))
    let x = LinearScale(domain: 0...1, range: chart.xRange, tickStep: 0.2)
    let y = LinearScale(domain: 0...1, range: chart.yRange, tickStep: 0.2)
    chart.yAxis(y, title: "Observed share won in period") { AxisFormat.percent($0) }
    chart.xAxis(x, title: "Forecast probability of winning in period", grid: true) {
      AxisFormat.percent($0)
    }
    chart.segment(
      from: ChartPoint(x(0), y(0)), to: ChartPoint(x(1), y(1)), color: Palette.axis, width: 1,
      dash: "4 4")
    let c = result.calibration
    var legend: [LegendItem] = []
    let series: [(String, DealLevelScores?, String, Bool)] = [
      ("Pipecast", c.pipecast, Palette.blue, false),
      ("CRM probability", c.crm, Palette.orange, true),
    ]
    let maxCount = Double(
      series.compactMap { $0.1?.reliability.map(\.count).max() }.max() ?? 1)
    for (name, scores, color, diamond) in series {
      guard let scores else { continue }
      let bins = scores.reliability.filter {
        $0.count > 0 && $0.meanForecast != nil && $0.observedFrequency != nil
      }
      let points = bins.map { ChartPoint(x($0.meanForecast!), y($0.observedFrequency!)) }
      chart.line(points, color: color, width: 1.5, dash: diamond ? "5 3" : nil)
      for (b, p) in zip(bins, points) {
        let r = 3 + 7 * (Double(b.count) / max(1, maxCount)).squareRoot()
        let label =
          "\(name): forecast \(NumberFormatting.percent(b.meanForecast, digits: 0)), observed "
          + "\(NumberFormatting.percent(b.observedFrequency, digits: 0)), \(b.count) deals"
        if diamond {
          chart.diamond(p, radius: r, color: color, label: label)
        } else {
          chart.dot(p, radius: r, color: color, label: label)
        }
      }
      legend.append(
        LegendItem(
          "\(name) (Brier \(NumberFormatting.fixed(scores.brier, digits: 3)))", color: color,
          mark: diamond ? .diamond : .dot))
    }
    chart.legend(legend)
    return chart
  }

  static func coverageChart(_ result: BacktestResult) -> SVGChart {
    var chart = SVGChart(
      width: 470, height: 400, title: "Interval coverage against nominal",
      insets: ChartInsets(top: 44, right: 16, bottom: 48, left: 64))
    let d = result.summary[.pipecast]?.distribution
    let levels: [(String, Double, Double?)] = [
      ("50% interval", 0.5, d?.coverage50), ("80% interval", 0.8, d?.coverage80),
      ("90% interval", 0.9, d?.coverage90),
    ]
    let x = BandScale(categories: levels.map(\.0), range: chart.xRange, padding: 0.45)
    let y = LinearScale(domain: 0...1, range: chart.yRange, tickStep: 0.2)
    chart.yAxis(y, title: "Share of origins inside the interval") { AxisFormat.percent($0) }
    chart.xAxis(x, title: "Pipecast interval")
    for (i, level) in levels.enumerated() {
      let left = x.start(i)
      let right = left + x.bandwidth
      if let observed = level.2 {
        chart.rect(
          x0: left, y0: y(0), x1: right, y1: y(observed), fill: Palette.blue, opacity: 0.85,
          label: "\(level.0): \(NumberFormatting.percent(observed, digits: 0)) of origins inside")
        // Inside the bar, clear of the nominal mark above it.
        chart.label(
          x: x.center(i), y: min(y(observed) + 18, y(0) - 4),
          NumberFormatting.percent(observed, digits: 0), anchor: "middle", size: 12,
          color: "#FFFFFF", bold: true)
      }
      chart.segment(
        from: ChartPoint(left - 8, y(level.1)), to: ChartPoint(right + 8, y(level.1)),
        color: Palette.vermillion, width: 2.5, dash: "6 3")
    }
    chart.legend([
      LegendItem("Observed coverage", color: Palette.blue, mark: .band(opacity: 0.85)),
      LegendItem("Nominal level", color: Palette.vermillion, mark: .line(dash: "6 3")),
    ])
    return chart
  }
}
