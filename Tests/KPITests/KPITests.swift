import _TestSupport
import CRMData
import Foundation
import Testing

@testable import KPI

/// |a − b| ≤ 1e-9 · max(1, |b|); nil only equals nil.
func close(_ a: Double?, _ b: Double?, _ tol: Double = 1e-9) -> Bool {
  guard let a, let b else { return a == nil && b == nil }
  return abs(a - b) <= tol * max(1, abs(b))
}

func report(
  _ folder: CRMFolder = World.folder(), _ request: KPIRequest = KPIRequest(period: q("2026-Q2"))
)
  -> KPIReport
{
  KPIEngine.compute(folder: folder, request: request)
}

func kpi(_ id: String, _ r: KPIReport) -> KPIResult {
  guard let k = r[id] else { fatalError("no KPI \(id)") }
  return k
}

@Suite struct DealKPITests {
  let r = report()

  @Test func periodLabelAndCompleteness() {
    #expect(r.period == "2026-Q2")
    #expect(r.asOf == day("2026-07-10"))
    #expect(r.kpis.first?.id == "active_customers")
    #expect(r.kpis.first?.group == .northStar)
  }

  @Test func bookings() {
    // Won in Q2: D1 100 + D2 300 + D4 400 = 800 (D8 won in March does not count).
    let k = kpi("bookings", r)
    #expect(k.value == 800)
    #expect(k.details["won_deals"] == .integer(3))
  }

  @Test func winRate() {
    // Closed in Q2: won D1, D2, D4; lost D3, D7, D9 → 3 / 6. Open D5, D6 are not failures.
    let k = kpi("win_rate", r)
    #expect(k.value == 0.5)
    #expect(k.numerator == 3 && k.denominator == 6 && k.n == 6)
    // By value: 800 / (800 + 200 + 50 + 80).
    #expect(close(k.details["by_value"]?.number, 800.0 / 1130))
  }

  @Test func averageDealSize() {
    // (100 + 300 + 400) / 3; median 300.
    let k = kpi("average_deal_size", r)
    #expect(close(k.value, 800.0 / 3))
    #expect(k.details["median"]?.number == 300)
  }

  @Test func salesCycleLength() {
    // D1 02-01→04-11 = 28 + 31 + 10 = 69; D2 03-01→06-25 = 31 + 30 + 31 + 24 = 116;
    // D4 04-05→06-20 = 30 + 31 + 15 = 76. Median 76, mean 261 / 3 = 87.
    let k = kpi("sales_cycle_length", r)
    #expect(k.value == 76)
    #expect(k.details["mean_days"]?.number == 87)
    // KM over deals created 2025-07-01..2026-06-30 (all nine), both exits are events:
    // 41 (D7) 43 (D9) 56 (D3) 69 (D1) 70+ (D6 open) 76 (D4) 104 (D8) 116 (D2) 181+ (D5 open).
    // S = 8/9, 7/9, 6/9, 5/9, then at 76: 5/9 · 3/4 = 0.417 ≤ 0.5 → median 76.
    #expect(k.details["km_median_days_to_close"]?.number == 76)
    #expect(k.details["km_open_censored"] == .integer(2))
    // Of the cohort's closures 4 won (D1 D2 D4 D8), 3 lost.
    #expect(close(k.details["km_share_won_of_closed"]?.number, 4.0 / 7))
  }

  @Test func dealSlipRate() {
    // Open at 04-01 and created before: D1, D2, D3, D5, D7. Expected date in force at 04-01:
    // D1 04-15 (row of 03-10), D2 05-20, D3 05-01, D5 04-20 (its 04-25 change is later), D7 04-10.
    // All five are due in Q2. Won in Q2: D1, D2. Lost: D3, D7. Still open: D5.
    // Slip rate = 3 / 5. D5 slipped at least to as-of: 04-20 → 07-10 = 10 + 31 + 30 + 10 = 81.
    let k = kpi("deal_slip_rate", r)
    #expect(k.value == 0.6)
    #expect(k.details["due"] == .integer(5))
    #expect(k.details["lost_in_period"] == .integer(2))
    #expect(k.details["pushed"] == .integer(1))
    #expect(k.details["median_slip_days"]?.number == 81)
  }

  @Test func stageConversion() {
    // Stage entries in Q2: Qualify D4 (→ Propose), D6 (open, censored), D9 (lost) → 1 / 2.
    // Propose: D2 (→ won), D4 (→ won) → 2 / 2. D5's 04-25 row is not an entry (same stage).
    // Headline: 0.5 × 1.0.
    let k = kpi("stage_conversion_rate", r)
    #expect(k.value == 0.5)
    guard case .list(let stages)? = k.details["stages"] else {
      Issue.record("no stages")
      return
    }
    #expect(stages[0]["stage"] == .text("Qualify"))
    #expect(stages[0]["entered"] == .integer(3))
    #expect(stages[0]["still_open"] == .integer(1))
    #expect(stages[0]["rate"]?.number == 0.5)
    #expect(stages[1]["advanced"] == .integer(2))
  }

  @Test func snapshotKPIs() {
    // Open at 07-10: D5 (Propose, 500, due 06-15 → overdue), D6 (Qualify, 1000, due 08-31).
    let overdue = kpi("overdue_pipeline", r)
    #expect(overdue.value == 500)
    #expect(overdue.details["count"] == .integer(1))
    // Weighted: 500 × 0.5 + 1000 × 0.1 = 350; fitted variant not available.
    let w = kpi("weighted_pipeline", r)
    #expect(close(w.value, 350))
    #expect(w.details["fitted_weighted_pipeline"] == .number(nil))
    // With fitted probabilities: 500 × 0.4 + 1000 × 0.2 = 400.
    var req = KPIRequest(period: q("2026-Q2"))
    req.fittedWinProbability = ["Qualify": 0.2, "Propose": 0.4]
    #expect(
      close(
        kpi("weighted_pipeline", report(World.folder(), req)).details["fitted_weighted_pipeline"]?
          .number, 400))
  }

  @Test func salesVelocity() {
    // 2 open × 0.5 win rate × 266.67 average / 76 days.
    #expect(close(kpi("sales_velocity", r).value, 2 * 0.5 * (800.0 / 3) / 76))
  }

  @Test func newBusinessShare() {
    // New won: D1 100 + D2 300 of 800; D4 is an expansion.
    let k = kpi("new_business_share", r)
    #expect(k.value == 0.5)
    #expect(close(k.details["by_count"]?.number, 2.0 / 3))
  }

  @Test func salesLinearity() {
    // Last two weeks = 06-17..06-30: D4 (06-20) 400 + D2 (06-25) 300 of 800.
    let k = kpi("sales_linearity", r)
    #expect(k.value == 0.875)
    // 2026-04-01 is a Wednesday; weeks start Monday 03-30; 06-30 is in week 13 → 14 weeks.
    // D1 in week 1 (100), D4 week 11 (400), D2 week 12 (300).
    let mean = 800.0 / 14
    let sd = ((100.0 * 100 + 400 * 400 + 300 * 300) / 14 - mean * mean).squareRoot()
    #expect(close(k.details["cv_weekly_bookings"]?.number, sd / mean))
    #expect(k.n == 14)
  }

  @Test func salesGrowth() {
    // Previous quarter: D8 250 → 800 / 250 − 1 = 2.2. Year earlier (2025-Q2): nothing → null.
    let k = kpi("sales_growth", r)
    #expect(close(k.value, 2.2))
    #expect(k.details["year_over_year"] == .number(nil))
    // n: the won deals behind both totals, D1 D2 D4 now and D8 before.
    #expect(k.n == 4)
  }

  @Test func breakdownByOwner() {
    let b = report(World.folder(), KPIRequest(period: q("2026-Q2"), by: .owner))
    // r1: D1, D2 won → 1; r2: D4 won, D3 lost → 0.5; r3: D7, D9 lost → 0.
    #expect(kpi("win_rate", b).breakdown == ["r1": 1, "r2": 0.5, "r3": 0])
    // Bookings list every owner of a deal, r3 with 0.
    #expect(kpi("bookings", b).breakdown == ["r1": 400, "r2": 400, "r3": 0])
    // Leads by owner: r1 L1 L2 L7 all contacted; r2 L3 L5 of L3 L4 L5.
    #expect(close(kpi("contact_rate", b).breakdown["r2"] ?? nil, 2.0 / 3))
  }

  @Test func breakdownByTeamAndSegment() {
    let t = report(World.folder(), KPIRequest(period: q("2026-Q2"), by: .team))
    // East = r1 + r2: 3 won of 4 closed; West = r3: 0 of 2.
    #expect(kpi("win_rate", t).breakdown == ["East": 0.75, "West": 0])
    let s = report(World.folder(), KPIRequest(period: q("2026-Q2"), by: .segment))
    // Churn by account segment: SMB has A3 (churned) at the start; Mid A2; Ent A4.
    #expect(kpi("churn_rate", s).breakdown == ["SMB": 1, "Mid": 0, "Ent": 0])
    #expect(kpi("contact_rate", s).breakdown.isEmpty)
    #expect(kpi("contact_rate", s).details["breakdown_note"] != nil)
  }
}

@Suite struct QuotaKPITests {
  let r = report(World.folder(), KPIRequest(period: q("2026-Q2"), by: .owner))

  @Test func quotaAttainment() {
    // Rep quotas r1 600 + r2 800 = 1400 (r1's Q1 quota does not overlap Q2); bookings 800.
    let k = kpi("quota_attainment", r)
    #expect(close(k.value, 800.0 / 1400))
    // r1 400 / 600; r2 400 / 800; r3 has no quota → listed with null.
    #expect(close(k.breakdown["r1"] ?? nil, 400.0 / 600))
    #expect(k.breakdown["r2"] == 0.5)
    #expect(k.breakdown.keys.contains("r3") && k.breakdown["r3"]! == nil)
    #expect(k.details["reps_without_quota"] == .list([.text("r3")]))
    // Teams: East = r1 + r2 quotas (1400), West has its own row (1000) and booked nothing.
    #expect(k.details["per_team"]?["West"]?["attainment"]?.number == 0)
    #expect(close(k.details["per_team"]?["East"]?["attainment"]?.number, 800.0 / 1400))
    #expect(k.details["per_rep"]?["m1"] == nil)
  }

  @Test func pipelineCoverage() {
    // Open and due in Q2: D5 500. Quota left: 1400 − 800 = 600 → 0.8333.
    let k = kpi("pipeline_coverage", r)
    #expect(close(k.value, 500.0 / 600))
    // r3 has D5 due but no quota → null; r1 has quota 600, booked 400, nothing due → 0.
    #expect(k.breakdown["r1"] == 0)
    #expect(k.breakdown["r3"]! == nil)
  }

  @Test func monthOfAQuarterlyQuotaIsProrated() {
    // 2026-04 is 30 of Q2's 91 days: quota (600 + 800) · 30 / 91; April bookings D1 100.
    let k = kpi("quota_attainment", report(World.folder(), KPIRequest(period: q("2026-04"))))
    #expect(close(k.value, 100 / (1400.0 * 30 / 91)))
  }
}

@Suite struct LeadKPITests {
  let r = report()

  @Test func responseTime() {
    // Q2 leads L1–L5, L7. Contacted: L1 2 h, L2 24 h, L3 4 h, L5 48 h, L7 24 h.
    // Sorted 2, 4, 24, 24, 48: median 24; P90 = 5th of 5 (nearest rank ⌈4.5⌉) = 48.
    let k = kpi("lead_response_time", r)
    #expect(k.value == 24)
    #expect(k.n == 5)
    #expect(k.details["p90_hours"]?.number == 48)
    // KM with L4 censored: 5/6, 4/6, then at 24: 4/6 · 2/4 = 1/3 → 24.
    #expect(k.details["km_median_hours"]?.number == 24)
  }

  @Test func contactQualificationHit() {
    // 5 of 6 contacted (L4 not).
    #expect(close(kpi("contact_rate", r).value, 5.0 / 6))
    // Qualified L1, L3, L5, L7 → 4/6; among decided 4/(4 + L2) = 0.8.
    let qk = kpi("lead_qualification_rate", r)
    #expect(close(qk.value, 4.0 / 6))
    #expect(qk.details["rate_among_decided"]?.number == 0.8)
    #expect(qk.details["undecided"] == .integer(1))
    // Hit rate: of the 5 contacted, only L1's deal (D4) is won.
    #expect(kpi("hit_rate", r).value == 0.2)
  }

  @Test func channelPerformance() {
    let k = kpi("lead_channel_performance", r)
    // 1 customer (L1) of 6 leads.
    #expect(close(k.value, 1.0 / 6))
    let web = k.details["per_source"]?["web"]
    // web leads L1 L2 L5 L7; deals closed in Q2 from web: D1, D4 won (500), D3, D9 lost.
    #expect(web?["leads"] == .integer(4))
    #expect(web?["win_rate"]?.number == 0.5)
    #expect(web?["bookings"]?.number == 500)
    // web cost 300 (Q2 marketing row with source web): 75 per lead, 150 per won deal.
    #expect(web?["cost_per_lead"]?.number == 75)
    #expect(web?["cost_per_won_deal"]?.number == 150)
    #expect(k.details["per_source"]?["referral"]?["bookings"]?.number == 300)
  }
}

@Suite struct ActivityKPITests {
  let r = report()

  @Test func activityVolume() {
    // Done in Q2, calls/emails/meetings/demos: a1 a2 a3 a4 a5 a10 a11 = 7 (a6 is a task,
    // a7 is in March, a8 a9 planned). Reps: r1 r2 r3 (employed) + m1 (logged one) = 4;
    // 91 days = 13 weeks → 7 / 52.
    let k = kpi("activity_volume", r)
    #expect(close(k.value, 7.0 / 52))
    #expect(k.details["calls_over_3_minutes"] == .integer(1))
    #expect(k.details["calls_with_duration"] == .integer(2))
  }

  @Test func activitiesPerWonDeal() {
    // D1: a1 a2; D2: a3 + a7 (March, still linked); D4: a4 a5 a6 → 7 / 3.
    let k = kpi("activities_per_won_deal", r)
    #expect(close(k.value, 7.0 / 3))
    #expect(k.details["median"]?.number == 2)
  }

  @Test func nextStepCoverage() {
    // Planned: a8 on D6, a9 on lead L7. Open D5, D6 → 1 / 2; hot lead L7 covered → 1.
    let k = kpi("next_step_coverage", r)
    #expect(k.value == 0.5)
    #expect(k.details["hot_lead_coverage"]?.number == 1)
  }

  @Test func contactFrequency() {
    // Customers at the end of Q2: A1, A2, A4. Touches (not tasks) in Q2: A1 a1 (via D1) a2;
    // A2 a3 (via D2) a4 a5 (via D4) a11; A4 a10 → 7 / 3.
    var req = KPIRequest(period: q("2026-Q2"))
    #expect(close(kpi("contact_frequency", report(World.folder(), req)).value, 7.0 / 3))
    // Target 12 a year → 12 · 91 / 365 ≈ 2.99 per quarter. Top accounts by won revenue:
    // A2 (950), A1 (100); A1 with 2 touches is below.
    req.contactTargetPerYear = 12
    let k = kpi("contact_frequency", report(World.folder(), req))
    #expect(close(k.details["target_per_period"]?.number, 12.0 * 91 / 365))
    #expect(
      k.details["top_accounts_below_target"]
        == .list([
          .object(["account_id": .text("A1"), "revenue": .number(100), "touches": .integer(2)])
        ]))
  }
}

@Suite struct AccountKPITests {
  let r = report()

  @Test func customers() {
    // Customers before 04-01: A2, A3, A4 (A8 churned in February). At the end: A1, A2, A4
    // (A3 churned 05-20, A9 came and went).
    let star = kpi("active_customers", r)
    #expect(star.value == 3)
    #expect(star.details["at_period_start"] == .integer(3))
    #expect(kpi("new_accounts", r).value == 2)  // A1, A9
    #expect(close(kpi("churn_rate", r).value, 1.0 / 3))  // A3
    #expect(close(kpi("retention_rate", r).value, 2.0 / 3))
    #expect(kpi("retention_rate", r).details["customers_at_end"] == .integer(3))
  }

  @Test func repeatAndUpsell() {
    // Accounts winning in Q2: A1 (first win), A2 (won D8 in March) → 1 / 2.
    #expect(kpi("repeat_customer_rate", r).value == 0.5)
    // Base A2, A3, A4; A2 bought an expansion (D4) → 1 / 3.
    #expect(close(kpi("upsell_rate", r).value, 1.0 / 3))
  }

  @Test func cacClvLtv() {
    // Marketing + sales in Q2: 300 + 200 + 100 = 600 (other excluded); 2 new customers → 300.
    #expect(kpi("customer_acquisition_cost", r).value == 300)
    // 12 months 2025-07-01..2026-06-30: bookings D1 D2 D4 D8 = 1050; customers at the start
    // A3, A4 (2), at the end 3 → average 2.5 → ARPA 420; churn 1 (A3) of 2 → 0.5; CLV 840.
    let clv = kpi("customer_lifetime_value", r)
    #expect(close(clv.value, 840))
    #expect(close(kpi("ltv_to_cac", r).value, 2.8))
  }
}

@Suite struct EdgeCaseTests {
  @Test func emptyPeriod() throws {
    let r = report(World.folder(), KPIRequest(period: q("2025-Q3")))
    #expect(kpi("bookings", r).value == 0)
    #expect(kpi("win_rate", r).value == nil)
    #expect(kpi("average_deal_size", r).value == nil)
    #expect(kpi("sales_cycle_length", r).value == nil)
    #expect(kpi("contact_rate", r).value == nil)
    #expect(kpi("sales_linearity", r).value == nil)
    let json = try jsonText(r)
    #expect(!json.contains("nan") && !json.contains("inf"))
  }

  @Test func periodAfterAsOfIsEmpty() {
    let r = report(World.folder(), KPIRequest(period: q("2026-Q4")))
    #expect(kpi("bookings", r).value == 0)
    #expect(kpi("activity_volume", r).value == nil)
  }

  /// Without any expected close date, slip and overdue are not 0: they are not measurable.
  @Test func noExpectedCloseDates() {
    let deals = World.deals.map { d -> Deal in
      var d = d
      d.expectedCloseOn = nil
      return d
    }
    var folder = World.folder(deals: deals)
    folder.history = folder.history?.map { h in
      var h = h
      h.expectedCloseOn = nil
      return h
    }
    let r = report(folder)
    for id in ["deal_slip_rate", "overdue_pipeline"] {
      #expect(kpi(id, r).value == nil)
      #expect(kpi(id, r).missing == "needs expected_close_on (deals.csv or deal_history.csv)")
    }
    // One expected date in the history is enough to measure them again.
    #expect(kpi("deal_slip_rate", report(World.folder(deals: deals))).missing == nil)
  }

  @Test func allDealsLost() {
    let lost = World.deals.map { d -> Deal in
      var d = d
      if d.status == .won { d.status = .lost }
      return d
    }
    let r = report(World.folder(deals: lost))
    #expect(kpi("win_rate", r).value == 0)
    #expect(kpi("win_rate", r).denominator == 6)
    #expect(kpi("average_deal_size", r).value == nil)
    #expect(kpi("sales_cycle_length", r).value == nil)
    #expect(kpi("sales_velocity", r).value == nil)
    #expect(kpi("hit_rate", r).value == 0)
  }

  @Test func zeroCosts() throws {
    let r = report(World.folder(costs: []))
    let cac = kpi("customer_acquisition_cost", r)
    #expect(cac.value == nil && cac.missing == nil)
    #expect(cac.details["note"] != nil)
    #expect(kpi("ltv_to_cac", r).value == nil)
    // No new customers either: still null, never infinity.
    let none = report(World.folder(costs: World.costs), KPIRequest(period: q("2025-Q3")))
    #expect(kpi("customer_acquisition_cost", none).value == nil)
    #expect(!(try jsonText(none)).contains("inf"))
  }

  @Test(arguments: [
    ("lead_response_time", "needs leads.csv"), ("contact_rate", "needs leads.csv"),
    ("lead_channel_performance", "needs leads.csv"), ("hit_rate", "needs leads.csv"),
  ])
  func missingLeads(id: String, message: String) throws {
    let r = report(World.folder(leads: nil))
    #expect(kpi(id, r).value == nil)
    #expect(kpi(id, r).missing == message)
    #expect(try jsonText(r).contains("\"missing\":\"needs leads.csv\""))
  }

  @Test func missingOtherFiles() {
    let r = report(World.folder(activities: nil, quotas: nil, accounts: nil, costs: nil))
    #expect(kpi("activity_volume", r).missing == "needs activities.csv")
    #expect(kpi("quota_attainment", r).missing == "needs quotas.csv")
    #expect(kpi("active_customers", r).missing == "needs accounts.csv")
    #expect(kpi("customer_acquisition_cost", r).missing == "needs costs.csv")
    // Without accounts.csv new customers are the won deals of type new: D1, D2.
    #expect(kpi("new_accounts", r).value == 2)
    // Upsell base from deals: A2 (won D8 before Q2) → D4 upsold it → 1 / 1.
    #expect(kpi("upsell_rate", r).value == 1)
    let noHistory = KPIEngine.compute(
      folder: makeFolder(deals: World.deals, stages: World.stages, asOf: "2026-07-10"),
      request: KPIRequest(period: q("2026-Q2")))
    #expect(kpi("stage_conversion_rate", noHistory).missing == "needs deal_history.csv")
  }

  @Test func quarterToDateByDefault() {
    // As of 2026-05-15, with the history cut there (the point-in-time view's job).
    let f = World.folder(asOf: "2026-05-15")
    let r = KPIEngine.compute(folder: f)
    #expect(r.period == "2026-Q2 (to date)")
    // Closed by 05-15: D1 won; D3 (05-10), D7 lost; D9 (05-15) lost; D2, D4 close later → open.
    #expect(kpi("win_rate", r).value == 0.25)
    #expect(kpi("sales_linearity", r).value == nil)
    // Slip: due by 05-15 per the 04-01 dates: D1 (04-15), D3 (05-01), D5 (04-20), D7 (04-10).
    // Won on time: D1 → 3 / 4.
    #expect(kpi("deal_slip_rate", r).value == 0.75)
  }

  @Test func northStarChoice() {
    var req = KPIRequest(period: q("2026-Q2"))
    req.northStar = .bookings
    let r = report(World.folder(), req)
    #expect(r.kpis[0].id == "bookings" && r.kpis[0].group == .northStar && r.kpis[0].value == 800)
    #expect(r.kpis.filter { $0.id == "bookings" }.count == 1)
  }

  @Test func onlySelectsKPIs() {
    var req = KPIRequest(period: q("2026-Q2"))
    req.only = ["win_rate", "bookings"]
    #expect(report(World.folder(), req).kpis.map(\.id) == ["bookings", "win_rate"])
  }
}

func jsonText(_ r: KPIReport) throws -> String {
  let e = JSONEncoder()
  e.outputFormatting = [.sortedKeys]
  return String(decoding: try e.encode(r), as: UTF8.self)
}

@Suite struct JSONShapeTests {
  @Test func keysAndNulls() throws {
    var req = KPIRequest(period: q("2026-Q2"), by: .owner)
    req.only = ["win_rate", "quota_attainment"]
    let json = try jsonText(report(World.folder(), req))
    // Catalogue order: quota_attainment (result) before win_rate (sales process).
    #expect(
      json.hasPrefix(
        "{\"as_of\":\"2026-07-10\",\"kpis\":[{\"breakdown\":{\"r1\":0.6666666666666666,\"r2\":0.5,\"r3\":null}"
      ))
    #expect(json.contains("{\"breakdown\":{\"r1\":1,\"r2\":0.5,\"r3\":0}"))
    #expect(json.contains("\"id\":\"win_rate\""))
    #expect(json.contains("\"r3\":null"))
    #expect(!json.contains("\"missing\""))
    #expect(json.hasSuffix("\"period\":\"2026-Q2\"}"))
    // Same input, same bytes.
    #expect(try jsonText(report(World.folder(), req)) == json)
  }

  @Test func everyCatalogueKPIIsReported() {
    let r = report()
    #expect(Set(r.kpis.map(\.id)) == Set(KPIEngine.catalogue).union(["active_customers"]))
    for k in r.kpis {
      if let v = k.value { #expect(v.isFinite) }
    }
  }
}

@Suite struct StringTableTests {
  @Test func findsEveryKeyAndKeepsInsertionOrder() {
    var t = StringTable()
    let keys = (0..<20_000).map { "deal-\($0 * 7919 % 20_000)" }
    for (i, k) in keys.enumerated() { #expect(t.insert(k, Int32(i)) == Int32(i)) }
    // A second insert keeps the first value.
    #expect(t.insert(keys[5], 99) == 5)
    #expect(t.count == keys.count)
    #expect(t.keys == keys)
    for (i, k) in keys.enumerated() where i % 97 == 0 { #expect(t.find(k) == Int32(i)) }
    #expect(t.find("deal-20000") == nil)
    #expect(t.find("") == nil)
  }

  @Test func internerGivesDenseIndices() {
    var i = Interner()
    #expect(i.intern("b") == 0)
    #expect(i.intern("a") == 1)
    #expect(i.intern("b") == 0)
    #expect(i.names == ["b", "a"])
    #expect(i.find("c") == nil)
  }
}

@Suite struct BreakdownAvailabilityTests {
  @Test func teamWithoutRepsSaysWhy() {
    var f = World.folder()
    f.reps = nil
    let r = report(f, KPIRequest(period: q("2026-Q2"), by: .team))
    #expect(kpi("win_rate", r).breakdown.isEmpty)
    #expect(
      kpi("win_rate", r).details["breakdown_note"] == .text("breakdown by team needs reps.csv"))
  }

  @Test func bySourceAndType() {
    let s = report(World.folder(), KPIRequest(period: q("2026-Q2"), by: .source))
    // Closed in Q2 from web: D1, D4 won; D3, D9 lost. referral: D2 won. outbound: D7 lost.
    #expect(kpi("win_rate", s).breakdown == ["web": 0.5, "referral": 1, "outbound": 0])
    // Leads by source: web L1 L2 L5 L7 all contacted, event L4 not, referral L3 contacted.
    #expect(kpi("contact_rate", s).breakdown == ["web": 1, "event": 0, "referral": 1])
    let t = report(World.folder(), KPIRequest(period: q("2026-Q2"), by: .type))
    #expect(kpi("bookings", t).breakdown == ["new": 400, "expansion": 400])
  }

  @Test func weightedPipelineNeedsHistory() {
    let f = makeFolder(deals: World.deals, stages: World.stages, asOf: "2026-07-10")
    #expect(kpi("weighted_pipeline", report(f)).missing != nil)
  }
}
