import CRMData
import Foundation
import Statistics

/// A generated world: its full timeline through `configuration.horizonEnd` (compact, internal),
/// the truth, and the export of what was known at `configuration.asOf`.
public struct GeneratedWorld: Sendable {
  public let configuration: WorldConfiguration
  public let seed: UInt64
  /// The true parameters (truth.json).
  public let truth: WorldTruth

  let reps: [RepRecord]
  let leads: [LeadRecord]
  let deals: [DealRecord]
  let history: [HistoryEvent]
  let accounts: [AccountRecord]
  let activities: [ActivityRecord]
  let wonCode: Int8
  let lostCode: Int8

  init(builder b: WorldBuilder) {
    configuration = b.config
    seed = b.seed
    reps = b.reps
    leads = b.leads
    deals = b.deals
    history = b.history
    accounts = b.accounts
    activities = b.activities
    wonCode = b.wonCode
    lostCode = b.lostCode
    truth = WorldTruth(configuration: b.config, seed: b.seed, reps: b.reps)
  }

  /// Deals over the whole timeline (including those created after `asOf`, up to `horizonEnd`).
  public var dealCount: Int { deals.count }
  /// Deal-history rows over the whole timeline.
  public var historyRowCount: Int { history.count }
  /// Leads over the whole timeline.
  public var leadCount: Int { leads.count }

  /// A period's total.
  public struct PeriodAmount: Sendable, Hashable {
    public var period: Period
    public var amount: Double
    /// Number of deals (or events) in the total.
    public var count: Int
  }

  /// Actual bookings (final amounts of won deals, by close date) per period, over the whole
  /// timeline through `horizonEnd`: the ground truth a forecast or a what-if is checked against.
  /// - Parameters:
  ///   - length: months or (calendar) quarters.
  ///   - types: the deal types to include (all by default).
  ///   - createdFrom: only deals created on or after this day, when given.
  public func bookings(
    by length: Period.Length = .quarter, types: Set<DealType> = Set(DealType.allCases),
    createdFrom: Day? = nil
  ) -> [PeriodAmount] {
    let calendar = FiscalCalendar.standard
    var totals: [Period: (Double, Int)] = [:]
    for d in deals where d.won && d.closed <= configuration.horizonEnd && types.contains(d.type) {
      if let createdFrom, d.created < createdFrom { continue }
      let p = calendar.period(length, containing: d.closed)
      let amount = history[d.historyStart + d.historyCount - 1].amount
      totals[p, default: (0, 0)].0 += amount
      totals[p, default: (0, 0)].1 += 1
    }
    return totals.keys.sorted().map { PeriodAmount(period: $0, amount: totals[$0]!.0, count: totals[$0]!.1) }
  }

  // MARK: Writing

  /// Writes the CRM folder as known at the end of `configuration.asOf` (every file of the
  /// contract) and `truth.json`, atomically: into a temporary sibling directory, renamed into
  /// place (replacing an existing folder); the temporary directory is removed on failure.
  /// Same seed and configuration give byte-identical files.
  /// - Throws: `SyntheticError.cannotWrite` or `CSVWriterError`.
  public func write(to url: URL) throws {
    let fm = FileManager.default
    let parent = url.deletingLastPathComponent()
    try? fm.createDirectory(at: parent, withIntermediateDirectories: true)
    // Through AtomicFile so the temporary directory is registered: `pipecast generate`
    // interrupted by SIGINT/SIGTERM removes it before exiting.
    do {
      try AtomicFile.writeDirectory(at: url) { temp in try writeFiles(into: temp) }
    } catch {
      if error is CSVWriterError || error is SyntheticError { throw error }
      throw SyntheticError.cannotWrite(path: url.path, reason: "\(error)")
    }
  }

  func writeFiles(into dir: URL) throws {
    let asOf = configuration.asOf
    let ids = Identifiers(world: self, asOf: asOf)
    try writeStages(dir.appendingPathComponent("stages.csv"))
    try writeDeals(dir.appendingPathComponent("deals.csv"), ids: ids, asOf: asOf)
    try writeHistory(dir.appendingPathComponent("deal_history.csv"), ids: ids, asOf: asOf)
    try writeLeads(dir.appendingPathComponent("leads.csv"), ids: ids, asOf: asOf)
    try writeActivities(dir.appendingPathComponent("activities.csv"), ids: ids, asOf: asOf)
    try writeReps(dir.appendingPathComponent("reps.csv"), ids: ids, asOf: asOf)
    try writeQuotas(dir.appendingPathComponent("quotas.csv"), ids: ids, asOf: asOf)
    try writeAccounts(dir.appendingPathComponent("accounts.csv"), ids: ids, asOf: asOf)
    try writeCosts(dir.appendingPathComponent("costs.csv"), asOf: asOf)
    try truth.jsonData().write(to: dir.appendingPathComponent("truth.json"))
  }

  /// Public ids, in time order, for what is visible at `asOf`.
  struct Identifiers {
    var dealOrder: [Int] = []
    var dealRank: [Int32]
    var dealWidth: Int
    var leadOrder: [Int] = []
    var leadRank: [Int32]
    var leadWidth: Int
    var accountRank: [Int32]
    var accountWidth: Int
    var repWidth: Int

    init(world w: GeneratedWorld, asOf: Day) {
      dealOrder = w.deals.indices.filter { w.deals[$0].created <= asOf }
      dealOrder.sort { (w.deals[$0].created, w.deals[$0].key) < (w.deals[$1].created, w.deals[$1].key) }
      dealRank = [Int32](repeating: -1, count: w.deals.count)
      for (r, d) in dealOrder.enumerated() { dealRank[d] = Int32(r + 1) }
      dealWidth = max(5, String(dealOrder.count).count)
      leadOrder = w.leads.indices.filter { w.leads[$0].created.day <= asOf }
      leadOrder.sort {
        (w.leads[$0].created, w.leads[$0].key) < (w.leads[$1].created, w.leads[$1].key)
      }
      leadRank = [Int32](repeating: -1, count: w.leads.count)
      for (r, l) in leadOrder.enumerated() { leadRank[l] = Int32(r + 1) }
      leadWidth = max(5, String(leadOrder.count).count)
      accountRank = [Int32](repeating: -1, count: w.accounts.count)
      var n: Int32 = 0
      for d in dealOrder where w.deals[d].type == .new {
        n += 1
        accountRank[Int(w.deals[d].account)] = n
      }
      accountWidth = max(5, String(n).count)
      repWidth = max(3, String(w.reps.count).count)
    }
  }

  func forecastCategory(_ stage: Int8) -> String {
    if stage == wonCode { return ForecastCategory.commit.rawValue }
    if stage == lostCode { return ForecastCategory.omitted.rawValue }
    return configuration.stages[Int(stage)].forecastCategory
  }

  func stageName(_ stage: Int8) -> String {
    if stage == wonCode { return configuration.deals.wonStage }
    if stage == lostCode { return configuration.deals.lostStage }
    return configuration.stages[Int(stage)].name
  }

  func writeStages(_ url: URL) throws {
    let w = try CSVWriter(url: url)
    try w.row(["stage", "order", "kind", "probability"])
    for (i, s) in configuration.stages.enumerated() {
      w.field(s.name); w.integer(i + 1); w.field("open"); w.number(s.crmProbability)
      try w.endRow()
    }
    w.field(configuration.deals.wonStage); w.integer(configuration.stages.count + 1); w.field("won")
    w.number(1)
    try w.endRow()
    w.field(configuration.deals.lostStage); w.integer(configuration.stages.count + 2); w.field("lost")
    w.number(0)
    try w.endRow()
    try w.finish()
  }

  /// The last history row on or before `asOf`.
  func state(of d: DealRecord, asOf: Day) -> HistoryEvent {
    var last = history[d.historyStart]
    for i in d.historyStart..<(d.historyStart + d.historyCount) {
      if history[i].day > asOf { break }
      last = history[i]
    }
    return last
  }

  func writeDeals(_ url: URL, ids: Identifiers, asOf: Day) throws {
    let w = try CSVWriter(url: url)
    try w.row(["deal_id", "created_on", "owner_id", "amount", "status", "closed_on",
               "expected_close_on", "account_id", "source", "segment", "type", "lead_id",
               "forecast_category"])
    for d in ids.dealOrder {
      let deal = deals[d]
      let s = state(of: deal, asOf: asOf)
      w.identifier(prefix: "D", number: Int(ids.dealRank[d]), width: ids.dealWidth)
      w.day(deal.created)
      w.identifier(prefix: "R", number: Int(s.owner) + 1, width: ids.repWidth)
      w.amount(s.amount)
      if s.stage == wonCode || s.stage == lostCode {
        w.field(s.stage == wonCode ? "won" : "lost")
        w.day(s.day)
      } else {
        w.field("open")
        w.empty()
      }
      w.day(s.expected)
      w.identifier(prefix: "A", number: Int(ids.accountRank[Int(deal.account)]), width: ids.accountWidth)
      if deal.source >= 0 { w.field(configuration.sources[deal.source].name) } else { w.empty() }
      w.field(configuration.segments[deal.segment].name)
      w.field(deal.type.rawValue)
      if deal.lead >= 0 {
        w.identifier(prefix: "L", number: Int(ids.leadRank[Int(deal.lead)]), width: ids.leadWidth)
      } else {
        w.empty()
      }
      w.field(forecastCategory(s.stage))
      try w.endRow()
    }
    try w.finish()
  }

  func writeHistory(_ url: URL, ids: Identifiers, asOf: Day) throws {
    let w = try CSVWriter(url: url)
    try w.row(["deal_id", "changed_on", "stage", "amount", "expected_close_on", "owner_id",
               "forecast_category"])
    for d in ids.dealOrder {
      let deal = deals[d]
      for i in deal.historyStart..<(deal.historyStart + deal.historyCount) {
        let row = history[i]
        if row.day > asOf { break }
        w.identifier(prefix: "D", number: Int(ids.dealRank[d]), width: ids.dealWidth)
        w.day(row.day)
        w.field(stageName(row.stage))
        w.amount(row.amount)
        w.day(row.expected)
        w.identifier(prefix: "R", number: Int(row.owner) + 1, width: ids.repWidth)
        w.field(forecastCategory(row.stage))
        try w.endRow()
      }
    }
    try w.finish()
  }

  func writeLeads(_ url: URL, ids: Identifiers, asOf: Day) throws {
    let w = try CSVWriter(url: url)
    try w.row(["lead_id", "created_on", "source", "owner_id", "first_contact_on", "qualified_on",
               "disqualified_on", "deal_id"])
    for l in ids.leadOrder {
      let lead = leads[l]
      w.identifier(prefix: "L", number: Int(ids.leadRank[l]), width: ids.leadWidth)
      w.moment(lead.created)
      w.field(configuration.sources[lead.source].name)
      w.identifier(prefix: "R", number: Int(lead.owner) + 1, width: ids.repWidth)
      w.moment(lead.contacted.flatMap { $0.day <= asOf ? $0 : nil })
      w.day(lead.qualified.flatMap { $0 <= asOf ? $0 : nil })
      w.day(lead.disqualified.flatMap { $0 <= asOf ? $0 : nil })
      if lead.deal >= 0, ids.dealRank[Int(lead.deal)] > 0 {
        w.identifier(prefix: "D", number: Int(ids.dealRank[Int(lead.deal)]), width: ids.dealWidth)
      } else {
        w.empty()
      }
      try w.endRow()
    }
    try w.finish()
  }

  func writeActivities(_ url: URL, ids: Identifiers, asOf: Day) throws {
    var order = activities.indices.filter { activities[$0].planned || activities[$0].at.day <= asOf }
    order.sort { (activities[$0].at, activities[$0].tie) < (activities[$1].at, activities[$1].tie) }
    let width = max(5, String(order.count).count)
    let w = try CSVWriter(url: url)
    try w.row(["activity_id", "occurred_on", "owner_id", "kind", "deal_id", "lead_id", "account_id",
               "duration_minutes", "status"])
    for (n, a) in order.enumerated() {
      let act = activities[a]
      w.identifier(prefix: "T", number: n + 1, width: width)
      w.moment(act.at)
      w.identifier(prefix: "R", number: Int(act.owner) + 1, width: ids.repWidth)
      w.field(act.kind.rawValue)
      if act.deal >= 0 {
        w.identifier(prefix: "D", number: Int(ids.dealRank[Int(act.deal)]), width: ids.dealWidth)
      } else {
        w.empty()
      }
      if act.lead >= 0 {
        w.identifier(prefix: "L", number: Int(ids.leadRank[Int(act.lead)]), width: ids.leadWidth)
      } else {
        w.empty()
      }
      if act.deal >= 0 {
        let account = deals[Int(act.deal)].account
        w.identifier(prefix: "A", number: Int(ids.accountRank[Int(account)]), width: ids.accountWidth)
      } else {
        w.empty()
      }
      if act.durationMinutes >= 0 { w.integer(Int(act.durationMinutes)) } else { w.empty() }
      w.field(act.planned ? "planned" : "done")
      try w.endRow()
    }
    try w.finish()
  }

  func writeReps(_ url: URL, ids: Identifiers, asOf: Day) throws {
    let w = try CSVWriter(url: url)
    try w.row(["rep_id", "name", "team", "role", "hired_on", "left_on"])
    for (i, rep) in reps.enumerated() where rep.hired <= asOf {
      w.identifier(prefix: "R", number: i + 1, width: ids.repWidth)
      w.field(rep.name)
      w.field(configuration.teams[rep.team])
      w.field(rep.role.rawValue)
      w.day(rep.hired)
      w.day(rep.left.flatMap { $0 <= asOf ? $0 : nil })
      try w.endRow()
    }
    try w.finish()
  }

  /// Quotas per AE and team per quarter, from the start's quarter through the quarter after
  /// `asOf`: `aeQuarterlyQuota · ramp(tenure at mid-quarter) · share of the quarter employed`,
  /// rounded to 1,000; a team's quota is the sum of its reps'.
  func writeQuotas(_ url: URL, ids: Identifiers, asOf: Day) throws {
    let calendar = FiscalCalendar.standard
    let w = try CSVWriter(url: url)
    try w.row(["owner_id", "period", "amount"])
    var quarter = calendar.quarter(containing: configuration.start)
    let lastQuarter = calendar.quarter(containing: asOf).next
    let p = configuration.reps
    while quarter.start <= lastQuarter.start {
      var teamTotals = [Double](repeating: 0, count: configuration.teams.count)
      let mid = quarter.start.advanced(by: quarter.dayCount / 2)
      for (i, rep) in reps.enumerated() where rep.role == .ae && rep.hired <= asOf {
        let left = rep.left.flatMap { $0 <= asOf ? $0 : nil }
        let from = max(rep.hired, quarter.start)
        let to = min(left ?? quarter.end, quarter.end)
        guard from < to else { continue }
        let share = Double(from.distance(to: to)) / Double(quarter.dayCount)
        let months = Double(rep.hired.distance(to: mid)) / 30.44
        let amount = (configuration.costs.aeQuarterlyQuota * p.ramp(months: months, floor: p.rampPipelineFloor)
          * share / 1000).rounded() * 1000
        guard amount > 0 else { continue }
        teamTotals[rep.team] += amount
        w.identifier(prefix: "R", number: i + 1, width: ids.repWidth)
        w.field(quarter.label)
        w.amount(amount)
        try w.endRow()
      }
      for (t, team) in configuration.teams.enumerated() where teamTotals[t] > 0 {
        w.field(team); w.field(quarter.label); w.amount(teamTotals[t])
        try w.endRow()
      }
      quarter = quarter.next
    }
    try w.finish()
  }

  func writeAccounts(_ url: URL, ids: Identifiers, asOf: Day) throws {
    let w = try CSVWriter(url: url)
    try w.row(["account_id", "segment", "became_customer_on", "churned_on"])
    for d in ids.dealOrder where deals[d].type == .new {
      let account = accounts[Int(deals[d].account)]
      w.identifier(prefix: "A", number: Int(ids.accountRank[Int(deals[d].account)]), width: ids.accountWidth)
      w.field(configuration.segments[account.segment].name)
      w.day(account.becameCustomer.flatMap { $0 <= asOf ? $0 : nil })
      w.day(account.churned.flatMap { $0 <= asOf ? $0 : nil })
      try w.endRow()
    }
    try w.finish()
  }

  /// Monthly costs for every month ended by `asOf`: marketing per source (leads × cost per lead ×
  /// log-normal(0, 0.1) noise), sales (AEs and SDRs employed mid-month × monthly cost), other
  /// (fixed × scale × noise).
  func writeCosts(_ url: URL, asOf: Day) throws {
    let calendar = FiscalCalendar.standard
    let first = calendar.month(containing: configuration.start)
    let sources = configuration.sources.count
    var months: [Period] = []
    var m = first
    while m.end <= asOf.advanced(by: 1) {
      months.append(m)
      m = m.next
    }
    var counts = [Int](repeating: 0, count: months.count * sources)
    for lead in leads {
      let (y, mo, _) = lead.created.day.components
      let (y0, m0, _) = first.start.components
      let index = (y - y0) * 12 + (mo - m0)
      if index < months.count { counts[index * sources + lead.source] += 1 }
    }
    let w = try CSVWriter(url: url)
    try w.row(["period", "category", "source", "amount"])
    let cp = configuration.costs
    for (i, month) in months.enumerated() {
      var g = RandomStream(seed: seed, block: streamKey(.cost, UInt64(i)))
      for (s, src) in configuration.sources.enumerated() {
        let noise = exp(0.1 * inverseNormalCDF(g.u()))
        w.field(month.label); w.field("marketing"); w.field(src.name)
        w.amount((Double(counts[i * sources + s]) * src.costPerLead * noise).rounded())
        try w.endRow()
      }
      let mid = month.start.advanced(by: 14)
      var sales = 0.0
      for rep in reps where rep.hired <= mid && (rep.left.map { $0 > mid } ?? true) {
        sales += rep.role == .ae ? cp.aeMonthlyCost : cp.sdrMonthlyCost
      }
      w.field(month.label); w.field("sales"); w.empty(); w.amount(sales)
      try w.endRow()
      w.field(month.label); w.field("other"); w.empty()
      w.amount((cp.otherMonthly * configuration.scale * exp(0.1 * inverseNormalCDF(g.u()))).rounded())
      try w.endRow()
    }
    try w.finish()
  }
}
