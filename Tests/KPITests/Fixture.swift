import CRMData
import _TestSupport

/// A date or date-time from text; the fixtures are literals, so a typo traps.
func m(_ text: String) -> Moment { Moment(text)! }
func day(_ text: String) -> Day { Day(text)! }
func q(_ label: String) -> Period { FiscalCalendar.standard.period(label)! }

/// The hand-made world of the KPI tests. Period 2026-Q2 (2026-04-01 … 2026-06-30, 91 days),
/// as-of 2026-07-10, so the quarter is complete. Every expected value in KPITests is worked out
/// by hand from the tables below.
enum World {
  static let stages = [
    StageDefinition(name: "Qualify", order: 1, kind: .open, probability: 0.1),
    StageDefinition(name: "Propose", order: 2, kind: .open, probability: 0.5),
    StageDefinition(name: "Won", order: 3, kind: .won, probability: 1),
    StageDefinition(name: "Lost", order: 4, kind: .lost, probability: 0),
  ]

  //  id  created     owner amount status closed      expected    account source   segment type
  //  D1  2026-02-01  r1    100    won    2026-04-11  2026-04-15  A1      web      SMB     new
  //  D2  2026-03-01  r1    300    won    2026-06-25  2026-05-20  A2      referral Mid     new
  //  D3  2026-03-15  r2    200    lost   2026-05-10  2026-05-01  A3      web      SMB     new
  //  D4  2026-04-05  r2    400    won    2026-06-20  2026-06-30  A2      web      SMB     expansion
  //  D5  2026-01-10  r3    500    open   -           2026-06-15  A4      event    Ent     new
  //  D6  2026-05-01  r1   1000    open   -           2026-08-31  A5      web      Ent     new
  //  D7  2026-03-20  r3     50    lost   2026-04-30  -           A6      outbound SMB     new
  //  D8  2025-12-01  r2    250    won    2026-03-15  2026-03-01  A2      web      Mid     new
  //  D9  2026-04-02  r3     80    lost   2026-05-15  2026-05-30  A7      web      SMB     new
  static let deals: [Deal] = [
    deal("D1", "2026-02-01", "r1", 100, .won, "2026-04-11", "2026-04-15", "A1", "web", "SMB"),
    deal("D2", "2026-03-01", "r1", 300, .won, "2026-06-25", "2026-05-20", "A2", "referral", "Mid"),
    deal("D3", "2026-03-15", "r2", 200, .lost, "2026-05-10", "2026-05-01", "A3", "web", "SMB"),
    deal(
      "D4", "2026-04-05", "r2", 400, .won, "2026-06-20", "2026-06-30", "A2", "web", "SMB",
      .expansion),
    deal("D5", "2026-01-10", "r3", 500, .open, nil, "2026-06-15", "A4", "event", "Ent"),
    deal("D6", "2026-05-01", "r1", 1000, .open, nil, "2026-08-31", "A5", "web", "Ent"),
    deal("D7", "2026-03-20", "r3", 50, .lost, "2026-04-30", nil, "A6", "outbound", "SMB"),
    deal("D8", "2025-12-01", "r2", 250, .won, "2026-03-15", "2026-03-01", "A2", "web", "Mid"),
    deal("D9", "2026-04-02", "r3", 80, .lost, "2026-05-15", "2026-05-30", "A7", "web", "SMB"),
  ]

  static func deal(
    _ id: String, _ created: String, _ owner: String, _ amount: Double, _ status: DealStatus,
    _ closed: String?, _ expected: String?, _ account: String, _ source: String,
    _ segment: String, _ type: DealType = .new
  ) -> Deal {
    Deal(
      id: id, createdOn: m(created), ownerID: owner, amount: amount, status: status,
      closedOn: closed.map(m), expectedCloseOn: expected.map(m), accountID: account,
      source: source, segment: segment, type: type)
  }

  static func row(_ deal: String, _ on: String, _ stage: String, _ expected: String? = nil)
    -> DealHistoryRow
  {
    DealHistoryRow(dealID: deal, changedOn: m(on), stage: stage, expectedCloseOn: expected.map(m))
  }

  static let history: [DealHistoryRow] = [
    row("D1", "2026-02-01", "Qualify", "2026-04-30"),
    row("D1", "2026-03-10", "Propose", "2026-04-15"),
    row("D1", "2026-04-11", "Won"),
    row("D2", "2026-03-01", "Qualify", "2026-05-20"), row("D2", "2026-04-10", "Propose"),
    row("D2", "2026-06-25", "Won"),
    row("D3", "2026-03-15", "Qualify", "2026-05-01"), row("D3", "2026-05-10", "Lost"),
    row("D4", "2026-04-05", "Qualify", "2026-06-30"), row("D4", "2026-05-01", "Propose"),
    row("D4", "2026-06-20", "Won"),
    row("D5", "2026-01-10", "Qualify", "2026-04-20"),
    row("D5", "2026-02-01", "Propose", "2026-04-20"),
    row("D5", "2026-04-25", "Propose", "2026-06-15"),
    row("D6", "2026-05-01", "Qualify", "2026-08-31"),
    row("D7", "2026-03-20", "Qualify", "2026-04-10"), row("D7", "2026-04-30", "Lost"),
    row("D8", "2025-12-01", "Qualify", "2026-03-01"), row("D8", "2026-03-15", "Won"),
    row("D9", "2026-04-02", "Qualify", "2026-05-30"), row("D9", "2026-05-15", "Lost"),
  ]

  static let reps = [
    Rep(id: "r1", team: "East", role: .ae), Rep(id: "r2", team: "East", role: .ae),
    Rep(id: "r3", team: "West", role: .ae), Rep(id: "m1", team: "East", role: .manager),
  ]

  // r3 has no quota of its own; West has a team quota.
  static let quotas = [
    Quota(ownerID: "r1", period: q("2026-Q2"), amount: 600),
    Quota(ownerID: "r2", period: q("2026-Q2"), amount: 800),
    Quota(ownerID: "West", period: q("2026-Q2"), amount: 1000),
    Quota(ownerID: "r1", period: q("2026-Q1"), amount: 999),
  ]

  //  lead created            source   owner contacted          qualified   other
  //  L1   2026-04-01T09:00Z  web      r1    2026-04-01T11:00Z  2026-04-03  deal D4 (won)
  //  L2   2026-04-02T10:00Z  web      r1    2026-04-03T10:00Z  -           disqualified 04-10
  //  L3   2026-05-01T08:00Z  referral r2    2026-05-01T12:00Z  2026-05-02  deal D6 (open)
  //  L4   2026-05-05         event    r2    -                  -
  //  L5   2026-06-01         web      r2    2026-06-03         2026-06-05  deal D9 (lost)
  //  L6   2026-03-01         web      r1    2026-03-02         -           deal D2 (before Q2)
  //  L7   2026-06-10         web      r1    2026-06-11         2026-06-12  hot lead (no deal)
  static let leads = [
    Lead(
      id: "L1", createdOn: m("2026-04-01T09:00Z"), source: "web", ownerID: "r1",
      firstContactOn: m("2026-04-01T11:00Z"), qualifiedOn: m("2026-04-03"), dealID: "D4"),
    Lead(
      id: "L2", createdOn: m("2026-04-02T10:00Z"), source: "web", ownerID: "r1",
      firstContactOn: m("2026-04-03T10:00Z"), disqualifiedOn: m("2026-04-10")),
    Lead(
      id: "L3", createdOn: m("2026-05-01T08:00Z"), source: "referral", ownerID: "r2",
      firstContactOn: m("2026-05-01T12:00Z"), qualifiedOn: m("2026-05-02"), dealID: "D6"),
    Lead(id: "L4", createdOn: m("2026-05-05"), source: "event", ownerID: "r2"),
    Lead(
      id: "L5", createdOn: m("2026-06-01"), source: "web", ownerID: "r2",
      firstContactOn: m("2026-06-03"), qualifiedOn: m("2026-06-05"), dealID: "D9"),
    Lead(
      id: "L6", createdOn: m("2026-03-01"), source: "web", ownerID: "r1",
      firstContactOn: m("2026-03-02"), dealID: "D2"),
    Lead(
      id: "L7", createdOn: m("2026-06-10"), source: "web", ownerID: "r1",
      firstContactOn: m("2026-06-11"), qualifiedOn: m("2026-06-12")),
  ]

  static let activities = [
    Activity(
      id: "a1", occurredOn: m("2026-04-02"), ownerID: "r1", kind: .call, dealID: "D1",
      durationMinutes: 5),
    Activity(
      id: "a2", occurredOn: m("2026-04-03"), ownerID: "r1", kind: .call, dealID: "D1",
      accountID: "A1", durationMinutes: 2),
    Activity(id: "a3", occurredOn: m("2026-04-10"), ownerID: "r1", kind: .email, dealID: "D2"),
    Activity(
      id: "a4", occurredOn: m("2026-05-05"), ownerID: "r2", kind: .meeting, dealID: "D4",
      accountID: "A2"),
    Activity(id: "a5", occurredOn: m("2026-05-06"), ownerID: "r2", kind: .demo, dealID: "D4"),
    Activity(id: "a6", occurredOn: m("2026-06-01"), ownerID: "r2", kind: .task, dealID: "D4"),
    Activity(id: "a7", occurredOn: m("2026-03-01"), ownerID: "r1", kind: .call, dealID: "D2"),
    Activity(
      id: "a8", occurredOn: m("2026-07-15"), ownerID: "r1", kind: .call, dealID: "D6",
      status: .planned),
    Activity(
      id: "a9", occurredOn: m("2026-07-20"), ownerID: "r1", kind: .call, leadID: "L7",
      status: .planned),
    Activity(id: "a10", occurredOn: m("2026-06-15"), ownerID: "r3", kind: .call, accountID: "A4"),
    Activity(
      id: "a11", occurredOn: m("2026-04-20"), ownerID: "m1", kind: .meeting, accountID: "A2"),
  ]

  static let accounts = [
    Account(id: "A1", segment: "SMB", becameCustomerOn: m("2026-04-11")),
    Account(id: "A2", segment: "Mid", becameCustomerOn: m("2026-03-15")),
    Account(
      id: "A3", segment: "SMB", becameCustomerOn: m("2025-06-01"), churnedOn: m("2026-05-20")),
    Account(id: "A4", segment: "Ent", becameCustomerOn: m("2025-01-10")),
    Account(id: "A5"), Account(id: "A6"), Account(id: "A7"),
    Account(id: "A8", becameCustomerOn: m("2025-09-01"), churnedOn: m("2026-02-01")),
    Account(
      id: "A9", segment: "SMB", becameCustomerOn: m("2026-05-01"), churnedOn: m("2026-06-10")),
  ]

  static let costs = [
    Cost(period: q("2026-Q2"), category: .marketing, source: "web", amount: 300),
    Cost(period: q("2026-04"), category: .sales, amount: 200),
    Cost(period: q("2026-05"), category: .other, amount: 1000),
    Cost(period: q("2026-06"), category: .marketing, amount: 100),
  ]

  static func folder(
    deals: [Deal] = deals, leads: [Lead]? = leads, activities: [Activity]? = activities,
    quotas: [Quota]? = quotas, accounts: [Account]? = accounts, costs: [Cost]? = costs,
    asOf: String = "2026-07-10"
  ) -> CRMFolder {
    makeFolder(
      deals: deals, history: history.filter { h in deals.contains { $0.id == h.dealID } },
      stages: stages, leads: leads, activities: activities, reps: reps, quotas: quotas,
      accounts: accounts, costs: costs, asOf: asOf)
  }
}
