import CRMData
import Statistics

/// Lead KPIs: the cohort is the leads created in the window; what happened to them is read as of
/// as-of (a lead contacted after as-of is not contacted yet).
extension KPIContext {
  /// Indices of leads created in the window (computed once per request).
  func windowLeads(_ leads: [Lead]) -> [Int] { leadWindow }

  /// Breakdown group of a lead: its owner (owner, team, role) or its source; nil otherwise.
  func leadGroup(_ l: Lead) -> Int32? {
    guard let by = request.by, by != .source else { return leadGroupUncached(l) }
    if l.ownerID == lastLeadOwner.name, lastLeadOwner.group >= 0 { return lastLeadOwner.group }
    let g = leadGroupUncached(l)
    lastLeadOwner = (l.ownerID, g ?? -1)
    return g
  }

  func leadGroupUncached(_ l: Lead) -> Int32? {
    guard breakdownNote == nil, let by = request.by else { return nil }
    switch by {
    case .owner, .team, .role: return groupOfOwner(owners.intern(l.ownerID ?? "(unassigned)"))
    case .source: return groups.intern(l.source)
    case .segment, .type: return nil
    }
  }

  var leadBreakdownApplies: Bool {
    guard let by = request.by else { return false }
    return by != .segment && by != .type
  }

  func leadNote(_ d: inout [String: KPIDetail]) {
    if leadBreakdownApplies { note(&d) } else { noBreakdown(&d, "leads have no segment or type") }
  }

  @inline(__always) func known(_ m: Moment?) -> Moment? {
    guard let m, m.day.index <= asOf else { return nil }
    return m
  }

  /// The outcome at as-of of the deal a lead became, or nil.
  func leadDealOutcome(_ l: Lead) -> Outcome? {
    guard let id = l.dealID, let i = dealIndexByID.find(id) else { return nil }
    return outcome[Int(i)]
  }

  // MARK: lead_response_time

  func leadResponseTime() -> KPIResult {
    guard let leads = folder.leads else {
      return .missing("lead_response_time", .marketing, .hours, "needs leads.csv")
    }
    var hours: [Double] = []
    var durations: [Double] = []
    var observed: [Bool] = []
    var lists = GroupLists()
    var negative = 0
    let asOfEnd = Moment(Day(index: asOf + 1))
    for k in windowLeads(leads) {
      let l = leads[k]
      if let c = known(l.firstContactOn) {
        var h = l.createdOn.hours(to: c)
        if h < 0 {
          negative += 1
          h = 0
        }
        hours.append(h)
        durations.append(h)
        observed.append(true)
        if let g = leadGroup(l) { lists.add(g, h) }
      } else {
        durations.append(max(0, l.createdOn.hours(to: asOfEnd)))
        observed.append(false)
      }
    }
    let km = KaplanMeier(durations: durations, observed: observed)
    var d: [String: KPIDetail] = [
      "p90_hours": .num(Summary.nearestRank(hours, 0.9)), "mean_hours": .num(Summary.mean(hours)),
      "not_contacted": .int(durations.count - hours.count),
      "km_median_hours": .num(durations.isEmpty ? nil : km.median),
      "km_note": .text(
        "Kaplan–Meier over all leads of the period, uncontacted ones censored at the end of the as-of day"
      ),
    ]
    if negative > 0 { d["contact_before_creation_set_to_zero"] = .int(negative) }
    leadNote(&d)
    return KPIResult(
      id: "lead_response_time", group: .marketing, value: Summary.median(hours), unit: .hours,
      n: hours.count, details: d, breakdown: listBreakdown(lists, Summary.median))
  }

  /// A lead share KPI: among the leads created in the window, the share for which `hit` holds.
  func leadShare(
    id: String, denominatorRule: (Lead) -> Bool = { _ in true }, extra: [String: KPIDetail] = [:],
    hit: (Lead) -> Bool
  ) -> KPIResult {
    guard let leads = folder.leads else {
      return .missing(id, .marketing, .ratio, "needs leads.csv")
    }
    var num = 0.0
    var den = 0.0
    var by = GroupSums()
    for k in windowLeads(leads) {
      let l = leads[k]
      guard denominatorRule(l) else { continue }
      let h = hit(l)
      den += 1
      if h { num += 1 }
      if let g = leadGroup(l) { by.add(g, num: h ? 1 : 0, den: 1) }
    }
    var d = extra
    leadNote(&d)
    return KPIResult(
      id: id, group: .marketing, value: Summary.ratio(num, den), unit: .ratio, numerator: num,
      denominator: den, n: Int(den), details: d,
      breakdown: ratioBreakdown(num: by.num, den: by.den, seen: by.seen))
  }

  func contactRate() -> KPIResult {
    leadShare(id: "contact_rate") { known($0.firstContactOn) != nil }
  }

  func leadQualificationRate() -> KPIResult {
    var result = leadShare(id: "lead_qualification_rate") { known($0.qualifiedOn) != nil }
    guard let leads = folder.leads else { return result }
    var qualified = 0
    var disqualified = 0
    var undecided = 0
    for k in windowLeads(leads) {
      let l = leads[k]
      if known(l.qualifiedOn) != nil {
        qualified += 1
      } else if known(l.disqualifiedOn) != nil {
        disqualified += 1
      } else {
        undecided += 1
      }
    }
    result.details["qualified"] = .int(qualified)
    result.details["disqualified"] = .int(disqualified)
    result.details["undecided"] = .int(undecided)
    result.details["rate_among_decided"] = .num(
      Summary.ratio(Double(qualified), Double(qualified + disqualified)))
    return result
  }

  func hitRate() -> KPIResult {
    leadShare(
      id: "hit_rate", denominatorRule: { self.known($0.firstContactOn) != nil },
      extra: [
        "rule": .text(
          "leads created in the period and contacted by as-of whose deal was won by as-of")
      ],
      hit: { self.leadDealOutcome($0) == .won })
  }

  // MARK: lead_channel_performance

  func leadChannelPerformance() -> KPIResult {
    guard let leads = folder.leads else {
      return .missing("lead_channel_performance", .marketing, .ratio, "needs leads.csv")
    }
    struct Row {
      var leads = 0, contacted = 0, qualified = 0, customers = 0
      var won = 0, lost = 0
      var bookings = 0.0
      var cost: Double?
    }
    var rows: [String: Row] = [:]
    var totalLeads = 0
    var totalCustomers = 0
    for k in windowLeads(leads) {
      let l = leads[k]
      var r = rows[l.source] ?? Row()
      r.leads += 1
      if known(l.firstContactOn) != nil { r.contacted += 1 }
      if known(l.qualifiedOn) != nil { r.qualified += 1 }
      let won = leadDealOutcome(l) == .won
      if won { r.customers += 1 }
      rows[l.source] = r
      totalLeads += 1
      if won { totalCustomers += 1 }
    }
    let deals = folder.deals
    for i in 0..<dealCount where closedInWindow(i) {
      let source = deals[i].source ?? "(none)"
      var r = rows[source] ?? Row()
      if outcome[i] == .won {
        r.won += 1
        r.bookings += amount[i]
      } else {
        r.lost += 1
      }
      rows[source] = r
    }
    if let costs = folder.costs {
      for c in costs where c.category != .other {
        guard let source = c.source else { continue }
        let share = costShare(c)
        guard share > 0 else { continue }
        var r = rows[source] ?? Row()
        r.cost = (r.cost ?? 0) + share
        rows[source] = r
      }
    }
    var perSource: [String: KPIDetail] = [:]
    var breakdown: [String: Double?] = [:]
    for (source, r) in rows {
      var o: [String: KPIDetail] = [
        "leads": .int(r.leads),
        "contact_rate": .num(Summary.ratio(Double(r.contacted), Double(r.leads))),
        "qualification_rate": .num(Summary.ratio(Double(r.qualified), Double(r.leads))),
        "lead_to_customer_rate": .num(Summary.ratio(Double(r.customers), Double(r.leads))),
        "won": .int(r.won), "win_rate": .num(Summary.ratio(Double(r.won), Double(r.won + r.lost))),
        "bookings": .num(r.bookings),
      ]
      if folder.costs != nil {
        o["cost"] = .num(r.cost ?? 0)
        o["cost_per_lead"] = .num(r.cost.flatMap { Summary.ratio($0, Double(r.leads)) })
        o["cost_per_won_deal"] = .num(r.cost.flatMap { Summary.ratio($0, Double(r.won)) })
      }
      perSource[source] = .object(o)
      if request.by == .source, r.leads > 0 {
        breakdown[source] = Summary.ratio(Double(r.customers), Double(r.leads))
      }
    }
    var d: [String: KPIDetail] = [
      "per_source": .object(perSource),
      "headline": .text("lead-to-customer rate: leads of the period whose deal was won by as-of"),
      "period_rule": .text(
        "leads by creation date; won, lost and bookings by close date; costs prorated to the period"
      ),
    ]
    if request.by != nil && request.by != .source { noBreakdown(&d, "this KPI is per source") }
    return KPIResult(
      id: "lead_channel_performance", group: .marketing,
      value: Summary.ratio(Double(totalCustomers), Double(totalLeads)), unit: .ratio,
      numerator: Double(totalCustomers), denominator: Double(totalLeads), n: totalLeads,
      details: d, breakdown: breakdown)
  }

  /// The part of a cost row that falls in the counted window, prorated by days.
  func costShare(_ c: Cost) -> Double {
    let a = max(c.period.start.index, start)
    let b = min(c.period.end.index, end)
    guard b > a else { return 0 }
    return c.amount * Double(b - a) / Double(c.period.dayCount)
  }
}
