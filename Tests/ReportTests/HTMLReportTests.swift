import Backtest
import CRMData
import Foundation
import KPI
import Scenarios
import Synthetic
import Testing
import _TestSupport

@testable import Reports

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// A small generated world (about 900 deals) and a report of it with every section: quick
/// enough for a debug build (seconds), big enough for every chart to have data.
enum ReportFixture {
  static let calendar = FiscalCalendar.standard
  /// Characters that must be escaped, in the two places data reaches the page as text.
  static let folderName = "crm <&> \"x\" 'y'"
  static let scenarioName = "<Hire> two & \"ramp\""

  static let folder: CRMFolder? = {
    guard
      let world = try? SampleWorld.generate(configuration: WorldConfiguration(scale: 0.08), seed: 5)
    else { return nil }
    let dir = TestSupport.temporaryDirectory("report-world")
    guard (try? world.write(to: dir)) != nil else { return nil }
    return try? CRMFolderLoader.load(at: dir).folder
  }()

  static func options(backtest: Bool, scenarios: Bool) -> HTMLReportOptions? {
    guard let folder else { return nil }
    let first = calendar.quarter(containing: folder.asOf.advanced(by: 1))
    let last = calendar.quarter(containing: folder.asOf)
    return HTMLReportOptions(
      dataFolder: folderName, version: "9.9.9-test", calendar: calendar,
      forecastPeriods: [first, first.next], historyPeriods: 6, trials: 400, seed: 3, threads: 2,
      backtest: backtest
        ? BacktestOptions(from: last.previous, to: last, trials: 200, seed: 3, threads: 2) : nil,
      scenarios: scenarios
        ? [
          Scenario(
            name: scenarioName, description: "two AEs",
            changes: [.hire(count: 2, role: "ae", team: nil, on: nil)])
        ]
        : [],
      command: "pipecast report --data 'crm <&>' --output r.html")
  }

  static let content: HTMLReportContent? = {
    guard let folder, let options = options(backtest: true, scenarios: true) else { return nil }
    return try? HTMLReport.build(folder: folder, options: options)
  }()

  static let html: String? = content.map(HTMLReport.render)

  /// Every `<svg …>…</svg>` element of the page.
  static func svgElements(_ html: String) -> [String] {
    var out: [String] = []
    var rest = html[...]
    while let start = rest.range(of: "<svg "),
      let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex)
    {
      out.append(String(rest[start.lowerBound..<end.upperBound]))
      rest = rest[end.upperBound...]
    }
    return out
  }
}

@Suite("HTML report")
struct HTMLReportTests {
  @Test func buildsEverySection() throws {
    let html = try #require(ReportFixture.html)
    for id in ["kpis", "forecast", "funnel", "backtest", "scenarios"] {
      #expect(html.contains("<section id=\"\(id)\">"), "section \(id) is missing")
    }
    #expect(html.contains("Bookings forecast"))
    #expect(html.contains("Time in stage (Kaplan–Meier)"))
    #expect(html.contains("Methods ranked by WAPE"))
    #expect(html.contains("Which lever moves bookings most (tornado)"))
    #expect(html.hasPrefix("<!DOCTYPE html>"))
  }

  @Test func footerSaysHowToReproduce() throws {
    let html = try #require(ReportFixture.html)
    let content = try #require(ReportFixture.content)
    let footer = try #require(html.range(of: "<footer>").map { String(html[$0.lowerBound...]) })
    #expect(footer.contains("9.9.9-test"))
    #expect(footer.contains("<dt>As of</dt><dd>\(content.asOf)</dd>"))
    #expect(footer.contains("<dt>Seed</dt><dd>3</dd>"))
    #expect(footer.contains("<dt>Trials</dt><dd>400</dd>"))
    #expect(footer.contains("crm &lt;&amp;&gt; &quot;x&quot; &#39;y&#39;"))
    #expect(footer.contains("200 trials per origin"))
  }

  @Test func dataIsEscaped() throws {
    let html = try #require(ReportFixture.html)
    #expect(!html.contains(ReportFixture.folderName))
    #expect(!html.contains(ReportFixture.scenarioName))
    #expect(html.contains("&lt;Hire&gt; two &amp; &quot;ramp&quot;"))
  }

  @Test func selfContained() throws {
    let html = try #require(ReportFixture.html).lowercased()
    for forbidden in ["<script", "<link", "<img", "<iframe", "<object", "src=", "url(", "@import"] {
      #expect(!html.contains(forbidden), "the report contains \(forbidden)")
    }
    let withoutNamespace = html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "")
    #expect(!withoutNamespace.contains("http://"))
    #expect(!withoutNamespace.contains("https://"))
  }

  @Test func everyChartIsWellFormedSVG() throws {
    let html = try #require(ReportFixture.html)
    let charts = ReportFixture.svgElements(html)
    // Fan chart, exits, win chances, Kaplan–Meier, backtest intervals, reliability, coverage,
    // scenario distributions, tornado.
    #expect(charts.count == 9)
    for svg in charts {
      let document = try XMLDocument(xmlString: svg)
      #expect(document.rootElement()?.name == "svg")
      #expect(!svg.contains("NaN"))
    }
  }

  @Test func fanChartShowsQuotaAndItsProbability() throws {
    let content = try #require(ReportFixture.content)
    let html = try #require(ReportFixture.html)
    let withQuota = content.forecast.periods.filter { $0.target != nil }
    try #require(!withQuota.isEmpty, "the fixture world should have quotas for the first period")
    #expect(html.contains("P(≥ quota)"))
    #expect(html.contains("Quota (sum of reps&#39; quotas)"))
    for p in withQuota {
      let chance = try #require(p.probabilityOfTarget)
      #expect(chance >= 0 && chance <= 1)
    }
  }

  @Test func kaplanMeierCurvesNeverRise() throws {
    let content = try #require(ReportFixture.content)
    #expect(content.stageSurvival.map(\.stage) == content.model.stages.map(\.name))
    for s in content.stageSurvival {
      for (a, b) in zip(s.curve.survival, s.curve.survival.dropFirst()) { #expect(b <= a) }
      #expect(s.curve.survival.allSatisfy { $0 >= 0 && $0 <= 1 })
    }
  }

  @Test func historyPrecedesTheForecast() throws {
    let content = try #require(ReportFixture.content)
    #expect(content.history.count == 6)
    #expect(content.history.allSatisfy { $0.bookings >= 0 })
    let labels = content.history.map(\.period) + content.forecast.periods.map(\.period)
    #expect(labels == labels.sorted())
  }

  @Test func sameSeedSameReport() throws {
    let folder = try #require(ReportFixture.folder)
    let options = try #require(ReportFixture.options(backtest: false, scenarios: false))
    var other = options
    other.threads = 1
    let a = HTMLReport.render(try HTMLReport.build(folder: folder, options: options))
    let b = HTMLReport.render(try HTMLReport.build(folder: folder, options: other))
    #expect(a == b)
    #expect(!a.contains("<section id=\"backtest\">"))
    #expect(!a.contains("<section id=\"scenarios\">"))
  }
}

@Suite("KPI changes")
struct KPIChangeTests {
  @Test(
    "shares change in points, the rest relatively",
    arguments: [
      (0.30, 0.25, KPIUnit.ratio, "+5.0 pp"),
      (0.20, 0.25, KPIUnit.ratio, "-5.0 pp"),
      (1_100.0, 1_000.0, KPIUnit.currency, "+10.0%"),
      (45.0, 50.0, KPIUnit.days, "-10.0%"),
    ])
  func change(current: Double, previous: Double, unit: KPIUnit, expected: String) {
    #expect(KPISection.change(current: current, previous: previous, unit: unit)?.text == expected)
  }

  @Test func undefinedChanges() {
    #expect(KPISection.change(current: 5, previous: 0, unit: .currency) == nil)
    #expect(KPISection.change(current: nil, previous: 3, unit: .count) == nil)
    #expect(KPISection.change(current: 3, previous: nil, unit: .count) == nil)
  }

  @Test func titles() {
    #expect(KPISection.title("lead_response_time") == "Lead response time")
    #expect(KPISection.title("win_rate") == "Win rate")
  }
}
