import Backtest
import CRMData
import Foundation
import FunnelAnalysis
import Importers
import KPI
import Reports
import Statistics
import Testing

/// The results on public data (README, "Results on public data"): both datasets imported,
/// validated and run through the KPIs, a backtest on Maven and the lead funnel on Olist.
/// Skipped, with a message, where `shared/data` is absent. Expected figures were computed
/// independently from the raw CSV files (see each test).
@Suite(.enabled(if: PublicData.sharedData != nil, Comment(rawValue: PublicData.skipMessage)))
struct PublicDataResultsTests {
  // MARK: Maven CRM Sales Opportunities

  @Test func mavenImportsAndValidates() throws {
    let m = try PublicData.maven.get()
    #expect(m.loaded.warnings.isEmpty, "\(m.loaded.warnings)")
    #expect(m.folder.deals.count == 8800)
    #expect(m.folder.asOf == Day("2017-12-31"))
    #expect(m.report.exportDate == Day("2017-12-31"))
    // No stage probabilities and no expected close dates in this dataset: the CRM weighted
    // pipeline and commit have nothing to work with.
    #expect(m.folder.stages.allSatisfy { $0.kind != .open || $0.probability == nil })
    #expect(m.folder.deals.allSatisfy { $0.expectedCloseOn == nil })
  }

  @Test func mavenKPIsPerQuarter() throws {
    let f = try PublicData.maven.get().folder
    // From sales_pipeline.csv: won close_value and won/lost counts by quarter of close_date.
    let expected: [(String, Double, Int, Int)] = [
      ("2017-Q1", 1_134_672, 531, 116), ("2017-Q2", 3_086_111, 1254, 778),
      ("2017-Q3", 2_982_255, 1257, 790), ("2017-Q4", 2_802_496, 1196, 789),
    ]
    for (label, bookings, won, lost) in expected {
      let period = f.calendar.period(label)!
      let report = KPIEngine.compute(folder: f, request: KPIRequest(period: period))
      #expect(report["bookings"]?.value == bookings, "\(label)")
      let winRate = try #require(report["win_rate"])
      #expect(winRate.numerator == Double(won), "\(label)")
      #expect(winRate.denominator == Double(won + lost), "\(label)")
      // Missing inputs are reported as missing, never as zero.
      #expect(report["lead_response_time"]?.missing != nil)
      #expect(report["quota_attainment"]?.missing != nil)
    }
  }

  /// Quarterly origins 2017-Q2 … 2017-Q4 (the first closes are in March 2017, so 2017-Q1 has no
  /// closed deal to fit on). Few trials: this checks the plumbing and the actuals, not accuracy;
  /// `scripts/public-results.sh` runs the full version.
  @Test func mavenBacktestQuarterly() throws {
    let f = try PublicData.maven.get().folder
    let options = BacktestOptions(
      from: f.calendar.period("2017-Q2")!, to: f.calendar.period("2017-Q4")!, trials: 100, seed: 1,
      threads: 2)
    let result = try Backtest(options: options).run(folder: f, forecaster: PipecastForecaster())
    #expect(
      result.origins.map(\.asOf) == [Day("2017-03-31")!, Day("2017-06-30")!, Day("2017-09-30")!])
    #expect(result.origins.map(\.actual) == [3_086_111, 2_982_255, 2_802_496])
    // Run rate is the previous quarter's bookings (2017-Q1 has only March).
    #expect(result.origins.map(\.baselines.runRate) == [1_134_672, 3_086_111, 2_982_255])
    // No year of history: seasonal naive falls back to the run rate; no CRM probabilities.
    #expect(
      result.origins.map(\.baselines.seasonalNaive) == result.origins.map(\.baselines.runRate))
    #expect(result.origins.allSatisfy { $0.baselines.crmWeighted == nil })
    for o in result.origins {
      #expect(o.forecast.mean.isFinite && o.forecast.mean > 0, "\(o.period)")
      #expect(o.forecast.p10 <= o.forecast.p50 && o.forecast.p50 <= o.forecast.p90, "\(o.period)")
      #expect(
        o.split.actualFromOpenPipeline + o.split.actualFromNewDeals == o.actual, "\(o.period)")
    }
    let s = try #require(result.summary[.pipecast]?.distribution)
    let crps = try #require(s.crps)
    #expect(crps.isFinite && crps > 0)
    let table = BacktestTable.render(result)
    #expect(table.contains("run_rate"))
  }

  // MARK: Olist marketing funnel

  @Test func olistImportsAndValidatesWithKPIs() throws {
    let o = try PublicData.olist.get()
    #expect(o.loaded.warnings.isEmpty, "\(o.loaded.warnings)")
    #expect(o.folder.leads?.count == 8000)
    #expect(o.folder.asOf == Day("2018-11-14"))
    // Leads with first contact in 2018-Q1, whose deal was won by the export date.
    let report = KPIEngine.compute(
      folder: o.folder, request: KPIRequest(period: o.folder.calendar.period("2018-Q1")!))
    let channels = try #require(report["lead_channel_performance"])
    #expect(channels.missing == nil)
    let q1 = o.folder.leads!.filter {
      $0.createdOn.day >= Day("2018-01-01")! && $0.createdOn.day <= Day("2018-03-31")!
    }
    let q1Won = q1.filter { $0.dealID != nil }.count
    #expect(channels.value == Double(q1Won) / Double(q1.count))
    #expect(report["win_rate"]?.value == 1)  // only wins are recorded: the win rate means nothing here
  }

  @Test func olistFunnelBySource() throws {
    let f = try PublicData.olist.get().folder
    let r = try LeadFunnel.analyze(folder: f, options: LeadFunnelOptions(horizons: [30, 90, 180]))
    #expect(r.estimator == "kaplan-meier")
    #expect(r.exportDate == Day("2018-11-14"))
    #expect(r.total.leads == 8000)
    #expect(r.total.wins == 842)
    #expect(r.total.losses == 0)
    #expect(r.total.censored == 7158)
    // Wins per origin, as in SOURCE.md (blank origin = "unspecified").
    let expected: [String: (Int, Int)] = [
      "organic_search": (271, 2296), "paid_search": (195, 1586), "unknown": (179, 1099),
      "social": (75, 1350), "direct_traffic": (56, 499), "referral": (24, 284), "email": (15, 493),
      "display": (6, 118), "other": (4, 150), "other_publicities": (3, 65), "unspecified": (14, 60),
    ]
    #expect(r.rows.count == expected.count)
    for row in r.rows {
      let e = try #require(expected[row.group], "\(row.group)")
      #expect(row.wins == e.0 && row.leads == e.1, "\(row.group)")
    }
    #expect(r.rows.map(\.leads) == r.rows.map(\.leads).sorted(by: >))
    // Kaplan–Meier computed independently (Python, from the raw CSVs; wins at their timestamp,
    // non-wins censored at the end of 2018-11-14, the one negative time set to 0):
    // F(30) = 0.068375, F(90) = 0.086375, F(180) = 0.0967887, F(end) = 0.1165017.
    let t = r.total
    #expect(abs(t.incidence[0].value! - 0.068375) < 1e-9)
    #expect(abs(t.incidence[1].value! - 0.086375) < 1e-9)
    #expect(abs(t.incidence[2].value! - 0.0967887476) < 1e-9)
    #expect(abs(t.incidenceAtEnd - 0.1165016844) < 1e-9)
    #expect(t.naiveConversion == 842.0 / 8000)
    // Every lead is followed at least from 2018-05-31 to the export date.
    #expect(abs(t.minFollowUpDays - 168) < 1e-9)
    // Censoring-aware: the plateau is above wins/leads (late leads can still win).
    #expect(t.incidenceAtEnd > t.naiveConversion)
    for row in r.rows + [t] {
      let values = row.incidence.compactMap(\.value)
      #expect(values == values.sorted(), "\(row.group)")
      for h in row.incidence {
        guard let v = h.value, let lo = h.lower, let hi = h.upper else { continue }
        #expect(lo <= v && v <= hi, "\(row.group) \(h.days)")
      }
    }
    let text = FunnelTable.render(r)
    #expect(text.contains("organic_search"))
  }

  @Test func olistFunnelByCohortMonth() throws {
    let f = try PublicData.olist.get().folder
    let r = try LeadFunnel.analyze(
      folder: f, options: LeadFunnelOptions(horizons: [30, 90, 180], grouping: .month))
    // First contacts run from 2017-06 to 2018-05.
    #expect(r.rows.first?.group == "2017-06")
    #expect(r.rows.last?.group == "2018-05")
    #expect(r.rows.map(\.leads).reduce(0, +) == 8000)
    // The May 2018 cohort is followed 168 to 198 days: F(180) is estimable, barely.
    #expect(r.rows.last!.incidence.last!.value != nil)
    // Wins are recorded from 2017-12-05: the 2018 cohorts (the README's table by origin).
    let y2018 = try LeadFunnel.analyze(
      folder: f,
      options: LeadFunnelOptions(horizons: [30, 90, 180], contactedFrom: Day("2018-01-01")))
    #expect(y2018.total.leads == 5998)
    #expect(y2018.total.wins == 781)
    #expect(y2018.notes.contains { $0.hasPrefix("2002 lead(s) first contacted outside") })
  }
}
