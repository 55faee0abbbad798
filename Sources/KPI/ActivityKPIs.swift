import CRMData

/// Activity KPIs: done activities count by `occurred_on`; planned ones are next steps and exist
/// only at the export date.
extension KPIContext {
  /// Owner index of an activity, reusing the previous lookup when the owner repeats.
  struct OwnerCache {
    var name = ""
    var index: Int32 = -1
  }

  @inline(__always) func ownerIndex(_ name: String, _ cache: inout OwnerCache) -> Int32 {
    if cache.index < 0 || name != cache.name {
      cache.name = name
      cache.index = owners.intern(name)
    }
    return cache.index
  }

  func activityNote(_ d: inout [String: KPIDetail]) {
    if byOwnerDimension || breakdownNote != nil {
      note(&d)
    } else if request.by != nil {
      noBreakdown(&d, "activities have an owner only")
    }
  }

  // MARK: activity_volume

  func activityVolume() -> KPIResult {
    guard let activities = folder.activities else {
      return .missing("activity_volume", .result, .perRepPerWeek, "needs activities.csv")
    }
    let weeks = Double(windowDays) / 7
    var perOwner: [Int] = []
    var byKind: [ActivityKind: Int] = [:]
    var calls = 0
    var callsTimed = 0
    var callsOver3 = 0
    var cache = OwnerCache()
    var kindCounts = [Int](repeating: 0, count: ActivityKind.allCases.count)
    for k in activityRows.window {
      let a = activities[Int(k)]
      switch a.kind {
      case .call, .email, .meeting, .demo: break
      case .task, .other: continue
      }
      let o = Int(ownerIndex(a.ownerID, &cache))
      if o >= perOwner.count { perOwner += [Int](repeating: 0, count: o + 1 - perOwner.count) }
      perOwner[o] += 1
      kindCounts[ActivityKind.allCases.firstIndex(of: a.kind)!] += 1
      if a.kind == .call {
        calls += 1
        if let m = a.durationMinutes {
          callsTimed += 1
          if m > 3 { callsOver3 += 1 }
        }
      }
    }
    for (k, kind) in ActivityKind.allCases.enumerated() where kindCounts[k] > 0 {
      byKind[kind] = kindCounts[k]
    }
    // Reps: everyone employed during the window (reps.csv, managers excluded) and anyone who
    // logged an activity.
    var isRep = [Bool](repeating: false, count: owners.names.count)
    for (o, c) in perOwner.enumerated() where c > 0 { isRep[o] = true }
    for r in folder.reps ?? [] where r.role != .manager {
      let hired = r.hiredOn?.day.index ?? .min
      let left = r.leftOn?.day.index ?? .max
      guard hired < end, left >= start else { continue }
      let o = Int(owners.intern(r.id))
      if o >= isRep.count { isRep += [Bool](repeating: false, count: o + 1 - isRep.count) }
      isRep[o] = true
    }
    let repCount = isRep.filter { $0 }.count
    let total = perOwner.reduce(0, +)
    let den = Double(repCount) * weeks
    var d: [String: KPIDetail] = [
      "activities": .int(total), "reps": .int(repCount), "weeks": .num(weeks),
      "calls_over_3_minutes": .int(callsOver3), "calls_with_duration": .int(callsTimed),
      "kinds": .text("call, email, meeting, demo (tasks and other excluded)"),
    ]
    var perKind: [String: KPIDetail] = [:]
    for kind in [ActivityKind.call, .email, .meeting, .demo] {
      perKind[kind.rawValue] = .num(Summary.ratio(Double(byKind[kind] ?? 0), den))
    }
    d["per_rep_per_week_by_kind"] = .object(perKind)
    if calls > 0 && callsTimed == 0 {
      d["calls_over_3_minutes_note"] = .text("no call durations in activities.csv")
    }
    activityNote(&d)
    var breakdown: [String: Double?] = [:]
    if byOwnerDimension {
      var sums = GroupSums()
      for (o, rep) in isRep.enumerated() where rep {
        sums.add(
          groupOfOwner(Int32(o)), num: Double(o < perOwner.count ? perOwner[o] : 0), den: weeks)
      }
      breakdown = ratioBreakdown(num: sums.num, den: sums.den, seen: sums.seen)
    }
    return KPIResult(
      id: "activity_volume", group: .result, value: Summary.ratio(Double(total), den),
      unit: .perRepPerWeek, numerator: Double(total), denominator: den, n: total, details: d,
      breakdown: breakdown)
  }

  // MARK: activities_per_won_deal

  func activitiesPerWonDeal() -> KPIResult {
    guard let activities = folder.activities else {
      return .missing("activities_per_won_deal", .salesProcess, .count, "needs activities.csv")
    }
    // Won deals of the window in a small id table (it stays in cache while ten million
    // activities are probed against it).
    var wonIndex: [Int] = []
    var slot = StringTable()
    let deals = folder.deals
    for i in 0..<dealCount where wonInWindow(i) {
      slot.insert(deals[i].id, Int32(wonIndex.count))
      wonIndex.append(i)
    }
    var perDeal = [Int](repeating: 0, count: wonIndex.count)
    if !wonIndex.isEmpty {
      activities.withUnsafeBufferPointer { buf in
        for k in 0..<buf.count where buf[k].status == .done {
          guard let id = buf[k].dealID, let s = slot.find(id) else { continue }
          if buf[k].occurredOn.day.index <= asOf { perDeal[Int(s)] += 1 }
        }
      }
    }
    var by = GroupSums()
    if let dealGroup {
      for (s, i) in wonIndex.enumerated() { by.add(dealGroup[i], num: Double(perDeal[s]), den: 1) }
    }
    let total = perDeal.reduce(0, +)
    var d: [String: KPIDetail] = [
      "median": .num(Summary.median(perDeal.map(Double.init))),
      "won_deals_without_activity": .int(perDeal.filter { $0 == 0 }.count),
      "rule": .text(
        "done activities linked to the deals won in the period (any date up to as-of) / those deals"
      ),
    ]
    note(&d)
    return KPIResult(
      id: "activities_per_won_deal", group: .salesProcess,
      value: Summary.ratio(Double(total), Double(wonIndex.count)), unit: .count,
      numerator: Double(total), denominator: Double(wonIndex.count), n: wonIndex.count,
      details: d, breakdown: ratioBreakdown(num: by.num, den: by.den, seen: by.seen))
  }

  // MARK: next_step_coverage

  func nextStepCoverage() -> KPIResult {
    guard let activities = folder.activities else {
      return .missing("next_step_coverage", .salesProcess, .ratio, "needs activities.csv")
    }
    var plannedDeals = Set<String>()
    var plannedLeads = Set<String>()
    var planned = 0
    for k in activityRows.planned {
      let a = activities[Int(k)]
      planned += 1
      if let d = a.dealID { plannedDeals.insert(d) }
      if let l = a.leadID { plannedLeads.insert(l) }
    }
    var d: [String: KPIDetail] = [
      "planned_activities": .int(planned),
      "rule": .text(
        "open deals (and hot leads: qualified, not disqualified, no deal yet) with at least one planned activity; planned activities exist only in the export, so this is measured at the export date"
      ),
    ]
    guard planned > 0 else {
      d["note"] = .text(
        "no planned activities: next-step coverage is only measurable at the export date (an earlier --as-of drops them)"
      )
      return KPIResult(
        id: "next_step_coverage", group: .salesProcess, value: nil, unit: .ratio, details: d)
    }
    var covered = 0.0
    var open = 0.0
    var by = GroupSums()
    let deals = folder.deals
    for i in 0..<dealCount where outcome[i] == .open && created[i] <= asOf {
      let has = plannedDeals.contains(deals[i].id)
      open += 1
      if has { covered += 1 }
      if let g = dealGroup?[i] { by.add(g, num: has ? 1 : 0, den: 1) }
    }
    if let leads = folder.leads {
      var hot = 0
      var hotCovered = 0
      for l in leads
      where known(l.qualifiedOn) != nil && known(l.disqualifiedOn) == nil && l.dealID == nil {
        hot += 1
        if plannedLeads.contains(l.id) { hotCovered += 1 }
      }
      d["hot_leads"] = .int(hot)
      d["hot_lead_coverage"] = .num(Summary.ratio(Double(hotCovered), Double(hot)))
    } else {
      d["hot_lead_coverage"] = .num(nil)
      d["hot_lead_note"] = .text("needs leads.csv")
    }
    note(&d)
    return KPIResult(
      id: "next_step_coverage", group: .salesProcess, value: Summary.ratio(covered, open),
      unit: .ratio, numerator: covered, denominator: open, n: Int(open), details: d,
      breakdown: ratioBreakdown(num: by.num, den: by.den, seen: by.seen))
  }

  // MARK: contact_frequency

  func contactFrequency() -> KPIResult {
    guard let activities = folder.activities else {
      return .missing("contact_frequency", .accountManagement, .perAccount, "needs activities.csv")
    }
    let t = accountTable
    // Customers at the window end (accounts.csv), else accounts that have won a deal.
    var customer = [Bool](repeating: false, count: t.count)
    let first = firstWinDay()
    for k in 0..<t.count {
      customer[k] = folder.accounts != nil ? t.isCustomer(k, before: end) : first[k] <= asOf
    }
    var touches = [Int](repeating: 0, count: t.count)
    var lastAccount = ""
    var lastIndex: Int32 = -1
    for row in activityRows.window {
      let a = activities[Int(row)]
      guard a.kind != .task else { continue }
      var k: Int32 = -1
      if let id = a.accountID {
        if id == lastAccount {
          k = lastIndex
        } else {
          k = t.ids.find(id) ?? -1
          lastAccount = id
          lastIndex = k
        }
      } else if let id = a.dealID, let i = dealIndexByID.find(id) {
        k = t.dealAccount[Int(i)]
      }
      if k >= 0 { touches[Int(k)] += 1 }
    }
    var revenue = [Double](repeating: 0, count: t.count)
    for i in 0..<dealCount where outcome[i] == .won {
      let k = Int(t.dealAccount[i])
      if k >= 0 { revenue[k] += amount[i] }
    }
    var customers = 0
    var customerTouches = 0
    var top: [Int] = []
    for k in 0..<t.count where customer[k] {
      customers += 1
      customerTouches += touches[k]
      if revenue[k] > 0 { top.append(k) }
    }
    top.sort {
      revenue[$0] != revenue[$1] ? revenue[$0] > revenue[$1] : t.ids.names[$0] < t.ids.names[$1]
    }
    top = Array(top.prefix(max(0, request.topAccountCount)))
    let target = request.contactTargetPerYear * Double(windowDays) / 365
    let below = top.filter { Double(touches[$0]) < target }
    var d: [String: KPIDetail] = [
      "target_per_period": .num(target), "target_per_year": .num(request.contactTargetPerYear),
      "customer_accounts": .int(customers), "touches": .int(customerTouches),
      "top_accounts_checked": .int(top.count),
      "top_accounts_below_target": .list(
        below.map {
          .object([
            "account_id": .text(t.ids.names[$0]), "revenue": .num(revenue[$0]),
            "touches": .int(touches[$0]),
          ])
        }),
      "rule": .text(
        "done activities other than tasks in the period on customer accounts (activity account, else its deal's account) / customer accounts; top accounts by won revenue to as-of"
      ),
    ]
    if request.by != nil { noBreakdown(&d, "touches are per account") }
    return KPIResult(
      id: "contact_frequency", group: .accountManagement,
      value: Summary.ratio(Double(customerTouches), Double(customers)), unit: .perAccount,
      numerator: Double(customerTouches), denominator: Double(customers), n: customers, details: d)
  }
}
