import CRMData

/// Quotas of the requested range, prorated by overlapping days.
struct QuotaBook {
  /// Rep id → quota for the range.
  var rep: [String: Double] = [:]
  /// Team → quota: the team's own row when quotas.csv has one, else the sum of its reps' quotas.
  var team: [String: Double] = [:]
  /// Company quota: the sum of rep quotas, or of team quotas when there are no rep rows.
  var total: Double?
  var basis: String = ""
}

extension KPIContext {
  /// Reads quotas.csv for [start, fullEnd): a quota row counts by the share of its period's days
  /// that fall in the range (a quarterly quota for a one-month request counts about a third).
  func quotaBook() -> QuotaBook? {
    guard let quotas = folder.quotas else { return nil }
    let teams = Set(repByID.values.compactMap(\.team))
    var book = QuotaBook()
    var explicitTeam: [String: Double] = [:]
    for q in quotas {
      let a = max(q.period.start.index, start)
      let b = min(q.period.end.index, fullEnd)
      guard b > a else { continue }
      let share = q.amount * Double(b - a) / Double(q.period.dayCount)
      let isRep = repByID[q.ownerID] != nil || owners.find(q.ownerID) != nil
      if !isRep && teams.contains(q.ownerID) {
        explicitTeam[q.ownerID, default: 0] += share
      } else {
        book.rep[q.ownerID, default: 0] += share
      }
    }
    var summed: [String: Double] = [:]
    for (rep, amount) in book.rep {
      if let team = repByID[rep]?.team { summed[team, default: 0] += amount }
    }
    book.team = summed.merging(explicitTeam) { _, explicit in explicit }
    if !book.rep.isEmpty {
      book.total = book.rep.values.reduce(0, +)
      book.basis = "sum of rep quotas"
    } else if !explicitTeam.isEmpty {
      book.total = explicitTeam.values.reduce(0, +)
      book.basis = "sum of team quotas"
    }
    return book
  }

  /// Won bookings in the window per owner id.
  func bookingsByOwner() -> [String: Double] {
    var perOwner = [Double](repeating: 0, count: owners.names.count)
    for i in 0..<dealCount where wonInWindow(i) { perOwner[Int(dealOwner[i])] += amount[i] }
    var out: [String: Double] = [:]
    for (k, name) in owners.names.enumerated() where perOwner[k] > 0 { out[name] = perOwner[k] }
    return out
  }

  func quotaAttainment() -> KPIResult {
    guard let book = quotaBook() else {
      return .missing("quota_attainment", .result, .ratio, "needs quotas.csv")
    }
    let byOwner = bookingsByOwner()
    let total = byOwner.values.reduce(0, +)
    var repIDs = Set(byOwner.keys).union(book.rep.keys)
    for r in folder.reps ?? [] where r.role != .manager { repIDs.insert(r.id) }
    var perRep: [String: KPIDetail] = [:]
    var repBreakdown: [String: Double?] = [:]
    var withoutQuota: [String] = []
    for rep in repIDs.sorted() {
      let b = byOwner[rep] ?? 0
      let q = book.rep[rep]
      let att = q.flatMap { Summary.ratio(b, $0) }
      if q == nil { withoutQuota.append(rep) }
      perRep[rep] = .object(["bookings": .num(b), "quota": .num(q), "attainment": .num(att)])
      repBreakdown[rep] = att
    }
    var teamBookings: [String: Double] = [:]
    for (rep, b) in byOwner {
      if let team = repByID[rep]?.team { teamBookings[team, default: 0] += b }
    }
    var perTeam: [String: KPIDetail] = [:]
    var teamBreakdown: [String: Double?] = [:]
    for team in Set(teamBookings.keys).union(book.team.keys).sorted() {
      let b = teamBookings[team] ?? 0
      let q = book.team[team]
      let att = q.flatMap { Summary.ratio(b, $0) }
      perTeam[team] = .object(["bookings": .num(b), "quota": .num(q), "attainment": .num(att)])
      teamBreakdown[team] = att
    }
    var d: [String: KPIDetail] = [
      "per_rep": .object(perRep), "per_team": .object(perTeam),
      "reps_without_quota": .list(withoutQuota.map { .text($0) }),
      "quota_basis": .text(book.basis),
    ]
    if isToDate { d["note"] = .text("bookings to date against the full period's quota") }
    var breakdown: [String: Double?] = [:]
    switch request.by {
    case .owner: breakdown = repBreakdown
    case .team where folder.reps != nil: breakdown = teamBreakdown
    case nil: break
    default: noBreakdown(&d, "quotas are per rep or team")
    }
    return KPIResult(
      id: "quota_attainment", group: .result,
      value: book.total.flatMap { Summary.ratio(total, $0) }, unit: .ratio, numerator: total,
      denominator: book.total, n: repIDs.count, details: d, breakdown: breakdown)
  }

  /// Open pipeline expected to close in the period / quota still to reach.
  func pipelineCoverage() -> KPIResult {
    guard let book = quotaBook() else {
      return .missing("pipeline_coverage", .salesProcess, .multiple, "needs quotas.csv")
    }
    var due = 0.0
    var count = 0
    var dueByOwner = [Double](repeating: 0, count: owners.names.count)
    for i in 0..<dealCount where outcome[i] == .open && created[i] <= asOf {
      guard expected[i] >= start && expected[i] < fullEnd else { continue }
      due += amount[i]
      count += 1
      dueByOwner[Int(dealOwner[i])] += amount[i]
    }
    let byOwner = bookingsByOwner()
    let booked = byOwner.values.reduce(0, +)
    let remaining = book.total.map { $0 - booked }
    var d: [String: KPIDetail] = [
      "open_deals_due": .int(count), "quota": .num(book.total), "bookings": .num(booked),
      "quota_remaining": .num(remaining),
      "period_rule": .text("open deals at as-of whose expected close date is in the period"),
    ]
    var value: Double?
    if let remaining {
      if remaining > 0 {
        value = due / remaining
      } else {
        d["note"] = .text("quota already reached")
      }
    }
    func coverage(_ dueAmount: Double, _ quota: Double?, _ booked: Double) -> Double? {
      guard let quota, quota - booked > 0 else { return nil }
      return dueAmount / (quota - booked)
    }
    var breakdown: [String: Double?] = [:]
    switch request.by {
    case .owner:
      for (k, name) in owners.names.enumerated() where dueByOwner[k] > 0 || book.rep[name] != nil {
        breakdown[name] = coverage(dueByOwner[k], book.rep[name], byOwner[name] ?? 0)
      }
    case .team where folder.reps != nil:
      var teamDue: [String: Double] = [:]
      var teamBooked: [String: Double] = [:]
      for (k, name) in owners.names.enumerated() {
        guard let team = repByID[name]?.team else { continue }
        teamDue[team, default: 0] += dueByOwner[k]
        teamBooked[team, default: 0] += byOwner[name] ?? 0
      }
      for team in Set(teamDue.keys).union(book.team.keys) {
        breakdown[team] = coverage(teamDue[team] ?? 0, book.team[team], teamBooked[team] ?? 0)
      }
    case nil: break
    default: noBreakdown(&d, "quotas are per rep or team")
    }
    return KPIResult(
      id: "pipeline_coverage", group: .salesProcess, value: value, unit: .multiple,
      numerator: due, denominator: remaining, n: count, details: d, breakdown: breakdown)
  }
}
