import CRMData
import FunnelAnalysis
import Reports
import Testing

/// The lead-funnel analysis on hand-worked folders (no public data needed).
struct LeadFunnelTests {
  static func day(_ s: String) -> Moment { Moment(Day(s)!) }

  /// Export 2024-01-31 (leads without an exit are censored at the end of that day).
  ///   A 01-01 won 01-11 (10 d) · B 01-01 won 01-21 (20 d) · C 01-21 no deal (censored, 11 d)
  ///   D 01-01 no deal (censored, 31 d) · E 01-11 won 01-26 (15 d)
  /// Kaplan–Meier: t=10 n=5 → S=0.8; C censored at 11; t=15 n=3 → S=0.8·2/3; t=20 n=2 → S=0.8·2/3·1/2.
  static func folder(extraLeads: [Lead] = [], extraDeals: [Deal] = []) -> CRMFolder {
    func won(_ id: String, _ created: String, _ closed: String) -> Deal {
      Deal(
        id: id, createdOn: day(created), ownerID: "r1", amount: 0, status: .won,
        closedOn: day(closed), leadID: id)
    }
    let deals =
      [
        won("A", "2024-01-01", "2024-01-11"), won("B", "2024-01-01", "2024-01-21"),
        won("E", "2024-01-11", "2024-01-26"),
      ]
      + extraDeals
    var leads = [
      Lead(
        id: "A", createdOn: day("2024-01-01"), source: "web", firstContactOn: day("2024-01-01"),
        dealID: "A"),
      Lead(
        id: "B", createdOn: day("2024-01-01"), source: "web", firstContactOn: day("2024-01-01"),
        dealID: "B"),
      Lead(
        id: "C", createdOn: day("2024-01-21"), source: "event", firstContactOn: day("2024-01-21")),
      Lead(id: "D", createdOn: day("2024-01-01"), source: "web"),
      Lead(
        id: "E", createdOn: day("2024-01-11"), source: "event", firstContactOn: day("2024-01-11"),
        dealID: "E"),
    ]
    leads += extraLeads
    return CRMFolder(
      deals: deals, history: nil, stages: [], stagesFromFile: false, leads: leads, activities: nil,
      reps: nil,
      quotas: nil, accounts: nil, costs: nil, asOf: Day("2024-01-31")!, calendar: .standard,
      historyRanges: [])
  }

  @Test func kaplanMeierByHand() throws {
    let r = try LeadFunnel.analyze(
      folder: Self.folder(), options: LeadFunnelOptions(horizons: [12, 30, 40]))
    #expect(r.estimator == "kaplan-meier")
    let t = r.total
    #expect(t.leads == 5 && t.wins == 3 && t.losses == 0 && t.censored == 2)
    #expect(t.naiveConversion == 0.6)
    #expect(abs(t.incidence[0].value! - 0.2) < 1e-12)
    #expect(abs(t.incidence[1].value! - (1 - 0.8 * 2 / 3 * 0.5)) < 1e-12)
    #expect(t.incidence[0].atRisk == 3)
    #expect(t.incidence[1].atRisk == 1)
    // Nobody is followed 40 days: not estimable, never extrapolated.
    #expect(t.incidence[2].value == nil)
    #expect(abs(t.incidenceAtEnd - (1 - 0.8 * 2 / 3 * 0.5)) < 1e-12)
    #expect(t.minFollowUpDays == 11 && t.maxFollowUpDays == 31)
    // Log(−log) interval brackets the estimate.
    let h = t.incidence[1]
    #expect(h.lower! < h.value! && h.value! < h.upper!)
    #expect(h.lower! > 0 && h.upper! < 1)
    #expect(t.observedMedianDaysToWin == 15)
    // Days to win among leads that win within 40 days: undefined (not followed that long).
    #expect(t.medianDaysToWin == nil)
    let r30 = try LeadFunnel.analyze(
      folder: Self.folder(), options: LeadFunnelOptions(horizons: [30]))
    // F(30) = 0.7333: half of it (0.3667) is reached at 15 days, 90% (0.66) at 20.
    #expect(r30.total.medianDaysToWin == 15)
    #expect(r30.total.p90DaysToWin == 20)
    // Rows by size, then name.
    #expect(r.rows.map(\.group) == ["web", "event"])
    #expect(r.rows[0].wins == 2 && r.rows[0].leads == 3)
  }

  @Test func competingLossesUseAalenJohansen() throws {
    // F: disqualified 5 days after first contact (a competing exit, not censored).
    let f = Lead(
      id: "F", createdOn: Self.day("2024-01-01"), source: "web",
      firstContactOn: Self.day("2024-01-01"),
      disqualifiedOn: Self.day("2024-01-06"))
    let r = try LeadFunnel.analyze(
      folder: Self.folder(extraLeads: [f]), options: LeadFunnelOptions(horizons: [30]))
    #expect(r.estimator == "aalen-johansen")
    #expect(r.total.losses == 1)
    // t=5 lost: S=5/6; t=10: F += 5/6·1/5; t=15 (n=3): F += 4/6·1/3; t=20 (n=2): F += 4/9·1/2 → 11/18.
    #expect(abs(r.total.incidence[0].value! - 11.0 / 18) < 1e-12)
    #expect(r.total.incidence[0].lower == nil)
    #expect(r.notes.contains { $0.contains("competing") })
  }

  @Test func openDealsAreCensoredAndEarlyWinsClamped() throws {
    let g = Lead(
      id: "G", createdOn: Self.day("2024-01-10"), source: "web",
      firstContactOn: Self.day("2024-01-10"), dealID: "G")
    let gDeal = Deal(
      id: "G", createdOn: Self.day("2024-01-12"), ownerID: "r1", amount: 0, status: .open,
      leadID: "G")
    let h = Lead(
      id: "H", createdOn: Self.day("2024-01-10"), source: "web",
      firstContactOn: Self.day("2024-01-10"), dealID: "H")
    let hDeal = Deal(
      id: "H", createdOn: Self.day("2024-01-08"), ownerID: "r1", amount: 0, status: .won,
      closedOn: Self.day("2024-01-08"),
      leadID: "H")
    let r = try LeadFunnel.analyze(
      folder: Self.folder(extraLeads: [g, h], extraDeals: [gDeal, hDeal]),
      options: LeadFunnelOptions(horizons: [30]))
    #expect(r.total.wins == 4 && r.total.censored == 3)
    #expect(r.notes.contains { $0.contains("before their first contact") })
    #expect(r.notes.contains { $0.contains("still open") })
    // H wins at day 0: F(0) = 1/7.
    #expect(r.total.observedMedianDaysToWin == 12.5)
  }

  @Test func monthsPoolingAndErrors() throws {
    let r = try LeadFunnel.analyze(
      folder: Self.folder(), options: LeadFunnelOptions(horizons: [30], grouping: .month))
    #expect(r.rows.map(\.group) == ["2024-01"])
    let pooled = try LeadFunnel.analyze(
      folder: Self.folder(), options: LeadFunnelOptions(horizons: [30], minimumLeads: 3))
    #expect(pooled.rows.map(\.group) == ["web", "other (< 3 leads)"])
    #expect(throws: LeadFunnelError.badHorizons([30, 10])) {
      try LeadFunnel.analyze(folder: Self.folder(), options: LeadFunnelOptions(horizons: [30, 10]))
    }
    var empty = Self.folder()
    empty.leads = nil
    #expect(throws: LeadFunnelError.noLeads) { try LeadFunnel.analyze(folder: empty) }
    let md = FunnelTable.markdown(r)
    #expect(md.hasPrefix("| first contact | leads | wins |"))
  }
}
