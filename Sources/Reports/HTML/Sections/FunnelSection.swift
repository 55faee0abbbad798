import Foundation
import PipelineModel
import Statistics

/// The pipeline funnel: where deals go from each stage, their eventual chance of winning against
/// the CRM's stage probability, and how long they stay (Kaplan–Meier curves).
enum FunnelSection {
  static func render(_ content: HTMLReportContent) -> String {
    let stages = content.model.stages
    guard !stages.isEmpty else {
      return HTMLPage.section(
        id: "funnel", title: "Pipeline funnel",
        HTMLPage.paragraph("The folder has no open stages to show."))
    }
    var body = HTMLPage.heading("Where deals go from each stage")
    body += HTMLPage.figure(
      exitChart(stages),
      caption:
        "Each bar splits the stays in a stage by how they end, as the fitted model implies: "
        + "advance to the next stage, win directly, be lost, or move elsewhere (skip ahead or "
        + "back). Whiskers: 95% interval of the advance probability.")
    body += HTMLPage.heading("Chance of winning from each stage: fitted against the CRM")
    body += HTMLPage.figure(
      winChart(stages),
      caption:
        "Eventual win probability of a deal that has just entered the stage (fitted from history, "
        + "censoring-aware), against the probability the CRM assigns to the stage. Where the "
        + "diamond sits far from the dot, the CRM's weighted pipeline is off.")
    body += HTMLPage.heading("Time in stage (Kaplan–Meier)")
    body += HTMLPage.figure(
      survivalChart(content.stageSurvival),
      caption:
        "Share of stays still in the stage after a number of days, whatever the exit. Stays still "
        + "open at the as-of date are censored, not dropped, so slow stages are not made to look "
        + "fast. Where a curve crosses the dotted 50% line is the stage's median time.")

    var table = TextTable(
      title: "Stages as of \(content.asOf)",
      headers: [
        "stage", "stays", "open now", "advance [95%]", "lost", "won directly", "eventual win",
        "CRM probability", "KM median d", "fitted median d", "family",
      ],
      alignments: [.left] + Array(repeating: .right, count: 9) + [.left])
    for (s, curve) in zip(stages, paddedCurves(content.stageSurvival, count: stages.count)) {
      let a = s.advanceProbability
      table.append([
        s.name, String(s.entered), String(s.censored),
        "\(NumberFormatting.percent(a.value, digits: 0)) [\(NumberFormatting.percent(a.lower, digits: 0))–"
          + "\(NumberFormatting.percent(a.upper, digits: 0))]",
        NumberFormatting.percent(s.lossProbability.value, digits: 0),
        NumberFormatting.percent(s.winDirectProbability, digits: 0),
        NumberFormatting.percent(s.winProbability, digits: 0),
        NumberFormatting.percent(s.crmProbability, digits: 0),
        NumberFormatting.fixed(curve?.median, digits: 1),
        NumberFormatting.fixed(s.timeInStage.medianDays, digits: 1), s.timeInStage.family,
      ])
    }
    body += HTMLPage.table(table)
    let lede =
      "How deals move through the open stages, fitted on every stay in the history. Conversion "
      + "and win chances count deals still open as unfinished, never as lost."
    return HTMLPage.section(id: "funnel", title: "Pipeline funnel", lede: lede, body)
  }

  /// Curves aligned with the model's stages (nil where a stage has none).
  static func paddedCurves(_ curves: [StageSurvival], count: Int) -> [KaplanMeier?] {
    (0..<count).map { $0 < curves.count ? curves[$0].curve : nil }
  }

  /// Horizontal 100% bars: advance / won directly / lost / other moves per stage.
  static func exitChart(_ stages: [FittedStage]) -> SVGChart {
    let rowHeight = 34.0
    var chart = SVGChart(
      width: 960, height: 90 + rowHeight * Double(stages.count), title: "Exits by stage",
      insets: ChartInsets(top: 40, right: 24, bottom: 44, left: 130))
    let x = LinearScale(domain: 0...1, range: chart.xRange, tickStep: 0.2)
    let rows = BandScale(
      categories: stages.map(\.name), range: (chart.plotTop, chart.plotBottom), padding: 0.3)
    chart.xAxis(x, title: "Share of stays ending this way", grid: true) { AxisFormat.percent($0) }
    let parts: [(String, String)] = [
      ("Advance to next stage", Palette.blue), ("Won directly", Palette.bluishGreen),
      ("Lost", Palette.vermillion), ("Other move (skip or back)", Palette.neutral),
    ]
    for (i, s) in stages.enumerated() {
      // For the last open stage "advance" means winning directly: draw it as a win.
      let isLast = i == stages.count - 1
      let advance = isLast ? 0 : s.advanceProbability.value
      let wonShown = isLast ? s.advanceProbability.value : s.winDirectProbability
      let lost = s.lossProbability.value
      let other = max(0, 1 - advance - wonShown - lost)
      let top = rows.start(i)
      let bottom = top + rows.bandwidth
      var left = 0.0
      for (j, share) in [advance, wonShown, lost, other].enumerated() where share > 0 {
        chart.rect(
          x0: x(left), y0: top, x1: x(min(1, left + share)), y1: bottom, fill: parts[j].1,
          opacity: j == 3 ? 0.6 : 0.9,
          label: "\(s.name): \(parts[j].0) \(NumberFormatting.percent(share, digits: 1))")
        if share >= 0.07 {
          chart.label(
            x: x(left + share / 2), y: (top + bottom) / 2 + 4,
            NumberFormatting.percent(share, digits: 0), anchor: "middle", size: 12,
            color: j == 3 ? "#1E1E1E" : "#FFFFFF", bold: true)
        }
        left += share
      }
      let a = s.advanceProbability
      let mid = (top + bottom) / 2
      chart.segment(
        from: ChartPoint(x(a.lower), mid - 7), to: ChartPoint(x(a.lower), mid + 7),
        color: Palette.black)
      chart.segment(
        from: ChartPoint(x(a.upper), mid - 7), to: ChartPoint(x(a.upper), mid + 7),
        color: Palette.black)
      chart.segment(
        from: ChartPoint(x(a.lower), mid), to: ChartPoint(x(a.upper), mid), color: Palette.black)
      chart.label(
        x: chart.plotLeft - 8, y: mid + 4, s.name, anchor: "end", size: 12, color: "#1E1E1E")
      chart.label(
        x: chart.plotLeft - 8, y: mid + 17, "\(s.entered) stays", anchor: "end", size: 10,
        color: Palette.axis)
    }
    chart.legend(parts.map { LegendItem($0.0, color: $0.1, mark: .band(opacity: 0.9)) })
    return chart
  }

  /// Dot plot: fitted eventual win probability (dot) and the CRM's probability (diamond).
  static func winChart(_ stages: [FittedStage]) -> SVGChart {
    var chart = SVGChart(
      width: 960, height: 300, title: "Eventual win probability by stage",
      insets: ChartInsets(top: 40, right: 24, bottom: 48, left: 72))
    let x = BandScale(categories: stages.map(\.name), range: chart.xRange, padding: 0.4)
    let y = LinearScale(domain: 0...1, range: chart.yRange, tickStep: 0.2)
    chart.yAxis(y, title: "Probability of winning") { AxisFormat.percent($0) }
    chart.xAxis(x, title: "Stage (pipeline order)")
    let fitted = stages.enumerated().map {
      ChartPoint(x.center($0.offset), y($0.element.winProbability))
    }
    chart.line(fitted, color: Palette.blue, width: 1.5)
    for (i, s) in stages.enumerated() {
      if let crm = s.crmProbability {
        chart.segment(
          from: ChartPoint(x.center(i), y(crm)), to: fitted[i], color: Palette.neutral, width: 1,
          dash: "2 2")
        chart.diamond(
          ChartPoint(x.center(i), y(crm)), radius: 6, color: Palette.orange,
          label: "\(s.name): CRM \(NumberFormatting.percent(crm, digits: 0))")
      }
      chart.dot(
        fitted[i], radius: 5.5, color: Palette.blue,
        label: "\(s.name): fitted \(NumberFormatting.percent(s.winProbability, digits: 0))")
      chart.label(
        x: x.center(i) + 10, y: fitted[i].y + 4,
        NumberFormatting.percent(s.winProbability, digits: 0),
        size: 12, color: Palette.blue, bold: true)
    }
    var legend = [LegendItem("Fitted eventual win probability", color: Palette.blue, mark: .dot)]
    if stages.contains(where: { $0.crmProbability != nil }) {
      legend.append(LegendItem("CRM stage probability", color: Palette.orange, mark: .diamond))
    }
    chart.legend(legend)
    return chart
  }

  /// Kaplan–Meier step curves, one per stage, up to the 95th percentile of all stay lengths.
  static func survivalChart(_ curves: [StageSurvival]) -> SVGChart {
    var chart = SVGChart(
      width: 960, height: 400, title: "Time in stage, Kaplan–Meier",
      insets: ChartInsets(top: 58, right: 24, bottom: 48, left: 72))
    // Cut the x axis where most curves have flattened: the longest stage's 90th percentile (or
    // its last event time when censoring hides it), so one long tail does not squash the rest.
    let cut = curves.map { $0.curve.quantile(0.9) ?? $0.curve.times.last ?? 30 }.max() ?? 30
    let x = LinearScale.nice(covering: [0, max(7, cut)], range: chart.xRange, tickCount: 8)
    let y = LinearScale(domain: 0...1, range: chart.yRange, tickStep: 0.2)
    chart.yAxis(y, title: "Share still in stage") { AxisFormat.percent($0) }
    chart.xAxis(x, title: "Days in stage", grid: true) { AxisFormat.plain($0) }
    chart.segment(
      from: ChartPoint(chart.plotLeft, y(0.5)), to: ChartPoint(chart.plotRight, y(0.5)),
      color: Palette.axis, width: 1, dash: "1 3")
    var legend: [LegendItem] = []
    for (i, s) in curves.enumerated() {
      let km = s.curve
      var points = [ChartPoint(x(0), y(1))]
      for (t, surv) in zip(km.times, km.survival) where t <= x.domain.upperBound {
        points.append(ChartPoint(x(t), y(surv)))
      }
      // Carry the last level to the edge of the plot (or to the last observation).
      let lastTime = min(x.domain.upperBound, km.times.last ?? 0)
      points.append(
        ChartPoint(x(max(lastTime, x.domain.upperBound)), y(km.survival(at: x.domain.upperBound))))
      let median =
        km.median.map { "median \(NumberFormatting.fixed($0, digits: 1)) d" }
        ?? "median not reached"
      chart.stepLine(
        points, color: Palette.color(i), width: 2.2, dash: Palette.dash(i),
        label: "\(s.stage): \(km.count) stays, \(km.count - km.eventCount) censored, \(median)")
      legend.append(
        LegendItem(
          "\(s.stage) (\(median))", color: Palette.color(i), mark: .line(dash: Palette.dash(i))))
    }
    chart.legend(legend)
    return chart
  }
}
