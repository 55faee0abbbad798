/// A point in pixel coordinates (origin top left, y down).
public struct ChartPoint: Sendable, Equatable {
  public var x: Double
  public var y: Double

  public init(_ x: Double, _ y: Double) {
    self.x = x
    self.y = y
  }
}

/// Space around the plot area, for axes, labels and the legend.
public struct ChartInsets: Sendable, Equatable {
  public var top: Double
  public var right: Double
  public var bottom: Double
  public var left: Double

  public init(top: Double = 36, right: Double = 24, bottom: Double = 48, left: Double = 72) {
    self.top = top
    self.right = right
    self.bottom = bottom
    self.left = left
  }
}

/// How a legend entry draws its key.
public enum LegendMark: Sendable, Equatable {
  case line(dash: String?)
  case band(opacity: Double)
  case dot
  case diamond
}

/// One legend entry.
public struct LegendItem: Sendable, Equatable {
  public var label: String
  public var color: String
  public var mark: LegendMark

  public init(_ label: String, color: String, mark: LegendMark) {
    self.label = label
    self.color = color
    self.mark = mark
  }
}

/// A small SVG chart builder: a canvas with a plot area, axes with ticks and titles, and marks
/// (lines, step lines, bands, rectangles, points, rules, text) in pixel coordinates.
///
/// Scales (`LinearScale`, `BandScale`) turn data into pixels; the chart only draws. Marks are
/// drawn in the order they are added, so add bands before lines and lines before points. All
/// text is escaped; all numbers are written with `Markup.number`, so output is deterministic.
///
/// ```swift
/// var chart = SVGChart(width: 640, height: 320, title: "Bookings")
/// let y = LinearScale.nice(covering: values, including: [0], range: chart.yRange)
/// chart.yAxis(y, title: "Bookings (currency)") { AxisFormat.compactAmount($0, step: y.tickStep) }
/// chart.line(points, color: Palette.blue)
/// let svg = chart.render()
/// ```
public struct SVGChart: Sendable {
  public let width: Double
  public let height: Double
  public let insets: ChartInsets
  /// Read by screen readers, and shown by browsers as a tooltip.
  public let title: String
  private var marks: [String] = []
  private var overlay: [String] = []

  public init(width: Double, height: Double, title: String, insets: ChartInsets = ChartInsets()) {
    self.width = width
    self.height = height
    self.title = title
    self.insets = insets
  }

  public var plotLeft: Double { insets.left }
  public var plotRight: Double { width - insets.right }
  public var plotTop: Double { insets.top }
  public var plotBottom: Double { height - insets.bottom }
  /// Pixel range for a horizontal scale, left to right.
  public var xRange: (Double, Double) { (plotLeft, plotRight) }
  /// Pixel range for a vertical scale: the domain's low end at the bottom.
  public var yRange: (Double, Double) { (plotBottom, plotTop) }

  // MARK: Axes

  /// Horizontal grid lines at the scale's ticks, the y axis line, tick labels and a rotated title.
  public mutating func yAxis(
    _ scale: LinearScale, title: String, grid: Bool = true, format: (Double) -> String
  ) {
    for tick in scale.ticks {
      let y = scale(tick)
      if grid {
        marks.append(
          "<line x1=\"\(n(plotLeft))\" y1=\"\(n(y))\" x2=\"\(n(plotRight))\" y2=\"\(n(y))\" "
            + "stroke=\"\(Palette.grid)\" stroke-width=\"1\"/>")
      }
      overlay.append(
        text(x: plotLeft - 8, y: y + 4, format(tick), anchor: "end", size: 12, color: Palette.axis))
    }
    overlay.append(
      "<line x1=\"\(n(plotLeft))\" y1=\"\(n(plotTop))\" x2=\"\(n(plotLeft))\" y2=\"\(n(plotBottom))\" "
        + "stroke=\"\(Palette.axis)\" stroke-width=\"1\"/>")
    let cx = 16.0
    let cy = (plotTop + plotBottom) / 2
    overlay.append(
      "<text x=\"\(n(cx))\" y=\"\(n(cy))\" transform=\"rotate(-90 \(n(cx)) \(n(cy)))\" "
        + "text-anchor=\"middle\" font-size=\"12\" fill=\"\(Palette.axis)\">\(Markup.escape(title))</text>"
    )
  }

  /// A numeric x axis: vertical grid lines (optional), tick labels below and a title.
  public mutating func xAxis(
    _ scale: LinearScale, title: String, grid: Bool = false, format: (Double) -> String
  ) {
    xAxis(ticks: scale.ticks.map { (scale($0), format($0)) }, title: title, grid: grid)
  }

  /// A categorical x axis: one label under each band's centre.
  public mutating func xAxis(_ scale: BandScale, title: String) {
    xAxis(
      ticks: scale.categories.indices.map { (scale.center($0), scale.categories[$0]) },
      title: title, grid: false)
  }

  /// The x axis line, tick marks and labels at given pixel positions, and the axis title.
  public mutating func xAxis(ticks: [(position: Double, label: String)], title: String, grid: Bool)
  {
    for tick in ticks {
      if grid {
        marks.append(
          "<line x1=\"\(n(tick.position))\" y1=\"\(n(plotTop))\" x2=\"\(n(tick.position))\" "
            + "y2=\"\(n(plotBottom))\" stroke=\"\(Palette.grid)\" stroke-width=\"1\"/>")
      }
      overlay.append(
        "<line x1=\"\(n(tick.position))\" y1=\"\(n(plotBottom))\" x2=\"\(n(tick.position))\" "
          + "y2=\"\(n(plotBottom + 4))\" stroke=\"\(Palette.axis)\" stroke-width=\"1\"/>")
      overlay.append(
        text(
          x: tick.position, y: plotBottom + 18, tick.label, anchor: "middle", size: 12,
          color: Palette.axis))
    }
    overlay.append(
      "<line x1=\"\(n(plotLeft))\" y1=\"\(n(plotBottom))\" x2=\"\(n(plotRight))\" y2=\"\(n(plotBottom))\" "
        + "stroke=\"\(Palette.axis)\" stroke-width=\"1\"/>")
    overlay.append(
      text(
        x: (plotLeft + plotRight) / 2, y: height - 8, title, anchor: "middle", size: 12,
        color: Palette.axis))
  }

  // MARK: Marks

  /// A polyline through `points` (skipping non-finite ones).
  public mutating func line(
    _ points: [ChartPoint], color: String, width: Double = 2, dash: String? = nil,
    label: String? = nil
  ) {
    let finite = points.filter { $0.x.isFinite && $0.y.isFinite }
    guard finite.count >= 2 else { return }
    marks.append(
      "<polyline points=\"\(pointList(finite))\" fill=\"none\" stroke=\"\(color)\" "
        + "stroke-width=\"\(n(width))\" stroke-linejoin=\"round\"\(dashAttribute(dash))>"
        + tooltip(label) + "</polyline>")
  }

  /// A step line (as in a survival curve): horizontal to each next x, then vertical.
  public mutating func stepLine(
    _ points: [ChartPoint], color: String, width: Double = 2, dash: String? = nil,
    label: String? = nil
  ) {
    var steps: [ChartPoint] = []
    for (i, p) in points.enumerated() {
      if i > 0 { steps.append(ChartPoint(p.x, points[i - 1].y)) }
      steps.append(p)
    }
    line(steps, color: color, width: width, dash: dash, label: label)
  }

  /// The area between `upper` and `lower` (same x positions, left to right).
  public mutating func band(
    upper: [ChartPoint], lower: [ChartPoint], color: String, opacity: Double, label: String? = nil
  ) {
    guard upper.count >= 2, upper.count == lower.count else { return }
    let outline = upper + lower.reversed()
    marks.append(
      "<polygon points=\"\(pointList(outline))\" fill=\"\(color)\" fill-opacity=\"\(n(opacity))\" "
        + "stroke=\"none\">" + tooltip(label) + "</polygon>")
  }

  /// A rectangle from two corners (any order).
  public mutating func rect(
    x0: Double, y0: Double, x1: Double, y1: Double, fill: String, opacity: Double = 1,
    stroke: String? = nil, label: String? = nil
  ) {
    let (x, y) = (min(x0, x1), min(y0, y1))
    let (w, h) = (abs(x1 - x0), abs(y1 - y0))
    let strokeAttribute = stroke.map { " stroke=\"\($0)\" stroke-width=\"1\"" } ?? ""
    marks.append(
      "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(w))\" height=\"\(n(h))\" fill=\"\(fill)\" "
        + "fill-opacity=\"\(n(opacity))\"\(strokeAttribute)>" + tooltip(label) + "</rect>")
  }

  /// A straight segment.
  public mutating func segment(
    from a: ChartPoint, to b: ChartPoint, color: String, width: Double = 1.5, dash: String? = nil
  ) {
    marks.append(
      "<line x1=\"\(n(a.x))\" y1=\"\(n(a.y))\" x2=\"\(n(b.x))\" y2=\"\(n(b.y))\" stroke=\"\(color)\" "
        + "stroke-width=\"\(n(width))\"\(dashAttribute(dash))/>")
  }

  /// A filled circle with a white rim (visible over bands and lines).
  public mutating func dot(
    _ center: ChartPoint, radius: Double = 4, color: String, label: String? = nil
  ) {
    guard center.x.isFinite && center.y.isFinite else { return }
    marks.append(
      "<circle cx=\"\(n(center.x))\" cy=\"\(n(center.y))\" r=\"\(n(radius))\" fill=\"\(color)\" "
        + "stroke=\"#FFFFFF\" stroke-width=\"1\">" + tooltip(label) + "</circle>")
  }

  /// A filled diamond (a second point shape, so series differ without colour).
  public mutating func diamond(
    _ center: ChartPoint, radius: Double = 5, color: String, label: String? = nil
  ) {
    guard center.x.isFinite && center.y.isFinite else { return }
    let p = [
      ChartPoint(center.x, center.y - radius), ChartPoint(center.x + radius, center.y),
      ChartPoint(center.x, center.y + radius), ChartPoint(center.x - radius, center.y),
    ]
    marks.append(
      "<polygon points=\"\(pointList(p))\" fill=\"\(color)\" stroke=\"#FFFFFF\" stroke-width=\"1\">"
        + tooltip(label) + "</polygon>")
  }

  /// Text at a point; `anchor` is start, middle or end.
  public mutating func label(
    x: Double, y: Double, _ string: String, anchor: String = "start", size: Double = 12,
    color: String = Palette.axis, bold: Bool = false
  ) {
    overlay.append(text(x: x, y: y, string, anchor: anchor, size: size, color: color, bold: bold))
  }

  /// A row of legend entries above the plot area, left-aligned, wrapping when too wide.
  public mutating func legend(_ items: [LegendItem]) {
    var x = plotLeft
    var y = 14.0
    for item in items {
      // An estimate of the label width (about 0.6 em per character at 12 px).
      let width = 26 + Double(item.label.count) * 6.6 + 18
      if x + width > self.width - 4 && x > plotLeft {
        x = plotLeft
        y += 18
      }
      switch item.mark {
      case .line(let dash):
        overlay.append(
          "<line x1=\"\(n(x))\" y1=\"\(n(y))\" x2=\"\(n(x + 22))\" y2=\"\(n(y))\" stroke=\"\(item.color)\" "
            + "stroke-width=\"2.5\"\(dashAttribute(dash))/>")
      case .band(let opacity):
        overlay.append(
          "<rect x=\"\(n(x))\" y=\"\(n(y - 6))\" width=\"22\" height=\"12\" fill=\"\(item.color)\" "
            + "fill-opacity=\"\(n(opacity))\"/>")
      case .dot:
        overlay.append(
          "<circle cx=\"\(n(x + 11))\" cy=\"\(n(y))\" r=\"4.5\" fill=\"\(item.color)\"/>")
      case .diamond:
        let c = ChartPoint(x + 11, y)
        overlay.append(
          "<polygon points=\"\(pointList([ChartPoint(c.x, c.y - 5.5), ChartPoint(c.x + 5.5, c.y), ChartPoint(c.x, c.y + 5.5), ChartPoint(c.x - 5.5, c.y)]))\" "
            + "fill=\"\(item.color)\"/>")
      }
      overlay.append(
        text(x: x + 28, y: y + 4, item.label, anchor: "start", size: 12, color: "#222222"))
      x += width
    }
  }

  // MARK: Output

  /// The chart as an inline `<svg>` element that scales to its container's width.
  public func render() -> String {
    let id = "t" + String(UInt32(truncatingIfNeeded: stableHash(title)), radix: 16)
    return "<svg class=\"chart\" viewBox=\"0 0 \(n(width)) \(n(height))\" "
      + "width=\"\(n(width))\" height=\"\(n(height))\" role=\"img\" aria-labelledby=\"\(id)\" "
      + "xmlns=\"http://www.w3.org/2000/svg\" font-family=\"inherit\">\n"
      + "<title id=\"\(id)\">\(Markup.escape(title))</title>\n"
      + marks.joined(separator: "\n") + "\n" + overlay.joined(separator: "\n") + "\n</svg>"
  }

  // MARK: Helpers

  private func n(_ value: Double) -> String { Markup.number(value) }

  private func pointList(_ points: [ChartPoint]) -> String {
    points.map { "\(n($0.x)),\(n($0.y))" }.joined(separator: " ")
  }

  private func dashAttribute(_ dash: String?) -> String {
    dash.map { " stroke-dasharray=\"\(Markup.escape($0))\"" } ?? ""
  }

  private func tooltip(_ label: String?) -> String {
    label.map { "<title>\(Markup.escape($0))</title>" } ?? ""
  }

  private func text(
    x: Double, y: Double, _ string: String, anchor: String, size: Double, color: String,
    bold: Bool = false
  ) -> String {
    "<text x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\" font-size=\"\(n(size))\" "
      + "fill=\"\(color)\"\(bold ? " font-weight=\"600\"" : "")>\(Markup.escape(string))</text>"
  }

  /// FNV-1a of the title: a stable element id (Swift's `hashValue` changes between runs).
  private func stableHash(_ s: String) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in s.utf8 {
      h ^= UInt64(b)
      h = h &* 0x100_0000_01b3
    }
    return h
  }
}
