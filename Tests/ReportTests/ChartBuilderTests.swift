import Foundation
import Testing

@testable import Reports

#if canImport(FoundationXML)
  import FoundationXML
#endif

@Suite("Markup: escaping and numbers")
struct MarkupTests {
  @Test(
    "escape replaces every character that could open a tag or end an attribute",
    arguments: [
      ("plain", "plain"),
      ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
      ("Tom & Jerry", "Tom &amp; Jerry"),
      ("say \"hi\"", "say &quot;hi&quot;"),
      ("it's", "it&#39;s"),
      ("Æble, Øst, Ålborg", "Æble, Øst, Ålborg"),
      ("a\u{0}b\u{7}c", "a b c"),
      ("&amp;", "&amp;amp;"),
    ])
  func escape(input: String, expected: String) {
    #expect(Markup.escape(input) == expected)
  }

  @Test(
    "numbers have at most two decimals and no trailing zeros",
    arguments: [
      (0.0, "0"), (-0.0, "0"), (1.0, "1"), (1.5, "1.5"), (1.234, "1.23"), (1.236, "1.24"),
      (-3.1, "-3.1"), (-0.001, "0"), (1e6, "1000000"), (Double.nan, "0"), (Double.infinity, "0"),
    ])
  func number(value: Double, expected: String) {
    #expect(Markup.number(value) == expected)
  }

  @Test(
    "compact amounts write every tick exactly and no more",
    arguments: [
      (0.0, 500_000.0, "0"), (1_500_000.0, 500_000.0, "1.5M"), (1_250_000.0, 250_000.0, "1.25M"),
      (2_000_000.0, 1_000_000.0, "2M"), (750.0, 250.0, "750"), (12_000.0, 2_000.0, "12k"),
      (2_500_000_000.0, 500_000_000.0, "2.5B"), (-400_000.0, 200_000.0, "-400k"),
    ])
  func compactAmount(value: Double, step: Double, expected: String) {
    #expect(AxisFormat.compactAmount(value, step: step) == expected)
  }

  @Test func percentAxis() {
    #expect(AxisFormat.percent(0.4) == "40%")
    #expect(AxisFormat.percent(0.125, step: 0.005) == "12.5%")
    #expect(AxisFormat.percent(.nan) == "–")
  }
}

@Suite("Scales")
struct ScaleTests {
  @Test(
    "nice scales cover the data with round ticks",
    arguments: [
      [0.0, 1_234_567.0], [3.2, 7.9], [-250.0, 980.0], [0.0, 0.37], [42.0, 42.0], [1e-3, 2e-3],
    ])
  func niceCoversData(values: [Double]) throws {
    let s = LinearScale.nice(covering: values, range: (400, 0))
    #expect(s.domain.lowerBound <= values.min()!)
    #expect(s.domain.upperBound >= values.max()!)
    let ticks = s.ticks
    #expect(ticks.count >= 2)
    #expect(ticks.count <= 12)
    // The step is 1, 2, 2.5 or 5 times a power of ten.
    let mantissa = s.tickStep / pow(10, log10(s.tickStep).rounded(.down))
    #expect([1, 2, 2.5, 5, 10].contains { abs($0 - mantissa) < 1e-9 })
    // Ticks are exact multiples of the step (no drift).
    for t in ticks {
      let k = t / s.tickStep
      #expect(abs(k - k.rounded()) < 1e-9)
    }
    // Lower values sit lower on a y axis (larger pixel y).
    #expect(s(s.domain.lowerBound) == 400)
    #expect(s(s.domain.upperBound) == 0)
  }

  @Test func includeZero() {
    let s = LinearScale.nice(covering: [1_000_000, 1_400_000], including: [0], range: (0, 100))
    #expect(s.domain.lowerBound == 0)
    #expect(s.ticks.first == 0)
  }

  @Test func zeroWidthDomainDoesNotDivideByZero() {
    let s = LinearScale(domain: 5...5, range: (0, 100))
    #expect(s(5).isFinite)
    #expect(s.domain.lowerBound < 5 && s.domain.upperBound > 5)
  }

  @Test func bandsSplitTheRangeEvenly() {
    let b = BandScale(categories: ["a", "b", "c", "d"], range: (0, 400), padding: 0.2)
    #expect(b.step == 100)
    #expect(b.center(0) == 50)
    #expect(b.center(3) == 350)
    #expect(abs(b.bandwidth - 80) < 1e-12)
    #expect(abs(b.start(1) - 110) < 1e-12)
  }
}

@Suite("SVG chart builder")
struct SVGChartTests {
  func sampleChart(title: String = "Bookings <by> period & \"team\"") -> SVGChart {
    var chart = SVGChart(width: 400, height: 300, title: title)
    let x = BandScale(categories: ["2026-Q1", "<Q2>"], range: chart.xRange)
    let y = LinearScale.nice(covering: [0, 2_000_000], range: chart.yRange)
    chart.yAxis(y, title: "Bookings") { AxisFormat.compactAmount($0, step: y.tickStep) }
    chart.xAxis(x, title: "Period")
    chart.band(
      upper: [ChartPoint(x.center(0), y(1_500_000)), ChartPoint(x.center(1), y(1_800_000))],
      lower: [ChartPoint(x.center(0), y(500_000)), ChartPoint(x.center(1), y(400_000))],
      color: Palette.blue, opacity: 0.3, label: "P10–P90")
    chart.line(
      [ChartPoint(x.center(0), y(1_000_000)), ChartPoint(x.center(1), y(1_100_000))],
      color: Palette.blue)
    chart.stepLine(
      [ChartPoint(0, 1), ChartPoint(10, 5), ChartPoint(20, 9)], color: Palette.orange, dash: "4 2")
    chart.dot(
      ChartPoint(x.center(0), y(900_000)), color: Palette.black, label: "Actual: <b>900k</b>")
    chart.diamond(ChartPoint(x.center(1), y(950_000)), color: Palette.orange)
    chart.rect(x0: 10, y0: 10, x1: 5, y1: 30, fill: Palette.vermillion)
    chart.legend([
      LegendItem("Actual & forecast", color: Palette.black, mark: .line(dash: nil)),
      LegendItem("Band", color: Palette.blue, mark: .band(opacity: 0.3)),
      LegendItem("Dot", color: Palette.blue, mark: .dot),
      LegendItem("Diamond", color: Palette.orange, mark: .diamond),
    ])
    return chart
  }

  @Test func escapesEveryText() {
    let svg = sampleChart().render()
    #expect(svg.contains("Bookings &lt;by&gt; period &amp; &quot;team&quot;"))
    #expect(svg.contains("&lt;Q2&gt;"))
    #expect(svg.contains("Actual: &lt;b&gt;900k&lt;/b&gt;"))
    #expect(svg.contains("Actual &amp; forecast"))
    #expect(!svg.contains("<b>"))
    #expect(!svg.contains("<Q2>"))
  }

  @Test func wellFormedXML() throws {
    let svg = sampleChart().render()
    let document = try XMLDocument(xmlString: svg)
    #expect(document.rootElement()?.name == "svg")
    #expect(svg.contains("viewBox=\"0 0 400 300\""))
    #expect(document.rootElement()?.elements(forName: "title").first?.stringValue?.isEmpty == false)
  }

  @Test func deterministicAndFinite() {
    let a = sampleChart().render()
    let b = sampleChart().render()
    #expect(a == b)
    #expect(!a.lowercased().contains("nan"))
    #expect(!a.contains("inf"))
  }

  @Test func stepLineGoesAcrossThenDown() {
    var chart = SVGChart(width: 100, height: 100, title: "steps")
    chart.stepLine([ChartPoint(0, 0), ChartPoint(10, 5), ChartPoint(20, 9)], color: Palette.black)
    #expect(chart.render().contains("points=\"0,0 10,0 10,5 20,5 20,9\""))
  }

  @Test func marksWithTooFewPointsAreLeftOut() {
    var chart = SVGChart(width: 100, height: 100, title: "empty")
    chart.line([ChartPoint(1, 1)], color: Palette.black)
    chart.line([ChartPoint(1, .nan), ChartPoint(2, 2)], color: Palette.black)
    chart.band(
      upper: [ChartPoint(0, 0)], lower: [ChartPoint(0, 1)], color: Palette.blue, opacity: 1)
    chart.dot(ChartPoint(.nan, 1), color: Palette.black)
    let svg = chart.render()
    #expect(!svg.contains("<polyline"))
    #expect(!svg.contains("<polygon"))
    #expect(!svg.contains("<circle"))
  }

  @Test func paletteIsOkabeIto() {
    #expect(
      Set(Palette.series)
        == ["#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"])
    #expect(Palette.color(0) == Palette.blue)
    #expect(Palette.color(Palette.series.count) == Palette.color(0))
  }
}
