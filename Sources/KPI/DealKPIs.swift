import CRMData
import Statistics

/// Deal KPIs: each one loop over the flat deal arrays of `KPIContext`.
extension KPIContext {
  /// Sums amount and count of deals won in the window, in total and per group.
  func wonSums() -> (amount: Double, count: Int, byGroup: GroupSums) {
    var total = 0.0
    var count = 0
    var by = GroupSums()
    for i in 0..<dealCount where wonInWindow(i) {
      total += amount[i]
      count += 1
      if let g = dealGroup?[i] { by.add(g, num: amount[i], den: 1) }
    }
    return (total, count, by)
  }

  // MARK: bookings

  func bookings(id: String = "bookings", group: KPIGroup = .result) -> KPIResult {
    var (total, count, by) = wonSums()
    // Every group that owns a deal is listed, with 0 when it won nothing.
    if let dealGroup { for g in dealGroup { by.add(g, num: 0, den: 0) } }
    var d: [String: KPIDetail] = ["won_deals": .int(count)]
    note(&d)
    return KPIResult(
      id: id, group: group, value: total, unit: .currency, n: count, details: d,
      breakdown: sumBreakdown(by.num, seen: by.seen))
  }

  func wonDeals(group: KPIGroup) -> KPIResult {
    let (total, count, by) = wonSums()
    var d: [String: KPIDetail] = ["bookings": .num(total)]
    note(&d)
    return KPIResult(
      id: "won_deals", group: group, value: Double(count), unit: .count, n: count, details: d,
      breakdown: sumBreakdown(by.den, seen: by.seen))
  }

  // MARK: win_rate

  func winRate() -> KPIResult {
    var won = 0.0
    var lost = 0.0
    var wonAmount = 0.0
    var lostAmount = 0.0
    var by = GroupSums()
    for i in 0..<dealCount where closedInWindow(i) {
      let isWon = outcome[i] == .won
      if isWon {
        won += 1
        wonAmount += amount[i]
      } else {
        lost += 1
        lostAmount += amount[i]
      }
      if let g = dealGroup?[i] { by.add(g, num: isWon ? 1 : 0, den: 1) }
    }
    var d: [String: KPIDetail] = [
      "won": .int(Int(won)), "lost": .int(Int(lost)), "won_amount": .num(wonAmount),
      "lost_amount": .num(lostAmount),
      "by_value": .num(Summary.ratio(wonAmount, wonAmount + lostAmount)),
    ]
    note(&d)
    return KPIResult(
      id: "win_rate", group: .salesProcess, value: Summary.ratio(won, won + lost), unit: .ratio,
      numerator: won, denominator: won + lost, n: Int(won + lost), details: d,
      breakdown: ratioBreakdown(num: by.num, den: by.den, seen: by.seen))
  }

  // MARK: average_deal_size

  func averageDealSize() -> KPIResult {
    var values: [Double] = []
    var lists = GroupLists()
    for i in 0..<dealCount where wonInWindow(i) {
      values.append(amount[i])
      if let g = dealGroup?[i] { lists.add(g, amount[i]) }
    }
    let total = values.reduce(0, +)
    var d: [String: KPIDetail] = ["median": .num(Summary.median(values)), "bookings": .num(total)]
    note(&d)
    return KPIResult(
      id: "average_deal_size", group: .salesProcess, value: Summary.mean(values), unit: .currency,
      numerator: total, denominator: Double(values.count), n: values.count, details: d,
      breakdown: listBreakdown(lists, Summary.mean))
  }

  func listBreakdown(_ lists: GroupLists, _ f: ([Double]) -> Double?) -> [String: Double?] {
    var out: [String: Double?] = [:]
    for (g, list) in lists.lists.enumerated() where !list.isEmpty { out[groups.names[g]] = f(list) }
    return out
  }

  // MARK: sales_cycle_length

  func salesCycleLength() -> KPIResult {
    var days: [Double] = []
    var lists = GroupLists()
    for i in 0..<dealCount where wonInWindow(i) {
      let x = Double(max(0, closed[i] - created[i]))
      days.append(x)
      if let g = dealGroup?[i] { lists.add(g, x) }
    }
    // Kaplan–Meier of time to close (won or lost, both exits are events) over the deals created in
    // the 365 days up to the window end; open deals are censored at as-of.
    let cohortStart = end - 365
    var durations: [Double] = []
    var observed: [Bool] = []
    var cohortWon = 0
    var cohortLost = 0
    var cohortOpen = 0
    for i in 0..<dealCount where created[i] >= cohortStart && created[i] < end {
      switch outcome[i] {
      case .open:
        durations.append(Double(max(0, asOf - created[i])))
        observed.append(false)
        cohortOpen += 1
      case .won, .lost:
        durations.append(Double(max(0, closed[i] - created[i])))
        observed.append(true)
        if outcome[i] == .won { cohortWon += 1 } else { cohortLost += 1 }
      }
    }
    let km = KaplanMeier(durations: durations, observed: observed)
    var d: [String: KPIDetail] = [
      "mean_days": .num(Summary.mean(days)),
      "km_median_days_to_close": .num(durations.isEmpty ? nil : km.median),
      "km_cohort": .text(
        "deals created \(Day(index: cohortStart))..\(Day(index: end - 1)); time to close, won or lost; open deals censored at as-of"
      ),
      "km_deals": .int(durations.count), "km_open_censored": .int(cohortOpen),
      "km_share_won_of_closed": .num(
        Summary.ratio(Double(cohortWon), Double(cohortWon + cohortLost))),
    ]
    note(&d)
    return KPIResult(
      id: "sales_cycle_length", group: .salesProcess, value: Summary.median(days), unit: .days,
      n: days.count, details: d, breakdown: listBreakdown(lists, Summary.median))
  }

  // MARK: deal_slip_rate

  static let needsExpectedClose = "needs expected_close_on (deals.csv or deal_history.csv)"

  func dealSlipRate() -> KPIResult {
    guard hasExpectedCloseDates else {
      return .missing("deal_slip_rate", .salesProcess, .ratio, Self.needsExpectedClose)
    }
    var due = 0
    var wonOnTime = 0
    var lostInPeriod = 0
    var pushed = 0
    var slipDays: [Double] = []
    var fromHistory = 0
    var fromDeals = 0
    var by = GroupSums()
    let history = folder.history
    for i in 0..<dealCount where created[i] < start && closed[i] >= start {
      // Expected close date as known at the period start.
      var e: Int32 = .min
      let rows = i < folder.historyRanges.count ? folder.historyRanges[i] : 0..<0
      if let history, !rows.isEmpty {
        for k in rows {
          let row = history[k]
          if row.changedOn.day.index >= start { break }
          if let x = row.expectedCloseOn { e = x.day.index }
        }
        if e != .min { fromHistory += 1 }
      } else {
        e = expected[i]
        if e != .min { fromDeals += 1 }
      }
      guard e >= start && e < end else { continue }
      due += 1
      let onTime = wonInWindow(i)
      if onTime {
        wonOnTime += 1
      } else if closedInWindow(i) {
        lostInPeriod += 1
      } else {
        pushed += 1
        // Won later: actual delay. Still open: the later of the current expected date and
        // as-of (a lower bound: the deal has slipped at least this far).
        let newDay = outcome[i] == .won ? closed[i] : max(expected[i], asOf)
        slipDays.append(Double(newDay - e))
      }
      if let g = dealGroup?[i] { by.add(g, num: onTime ? 0 : 1, den: 1) }
    }
    let slipped = Double(due - wonOnTime)
    var d: [String: KPIDetail] = [
      "due": .int(due), "won_on_time": .int(wonOnTime), "lost_in_period": .int(lostInPeriod),
      "pushed": .int(pushed), "median_slip_days": .num(Summary.median(slipDays)),
      "expected_date_from_history": .int(fromHistory), "expected_date_from_deals": .int(fromDeals),
    ]
    if fromDeals > 0 {
      d["note"] = .text(
        "deals without history use deals.csv's expected close date, which is as of as-of, not the period start"
      )
    }
    note(&d)
    return KPIResult(
      id: "deal_slip_rate", group: .salesProcess, value: Summary.ratio(slipped, Double(due)),
      unit: .ratio, numerator: slipped, denominator: Double(due), n: due, details: d,
      breakdown: ratioBreakdown(num: by.num, den: by.den, seen: by.seen))
  }

  // MARK: stage_conversion_rate

  func stageConversionRate() -> KPIResult {
    guard let history = folder.history else {
      return .missing("stage_conversion_rate", .salesProcess, .ratio, "needs deal_history.csv")
    }
    let stages = folder.stages
    let open = stages.indices.filter { stages[$0].kind == .open }.sorted {
      stages[$0].order < stages[$1].order
    }
    let stageCount = stages.count
    // Rank used for "later": an open stage's order; a won stage is later than everything; a lost
    // stage (often ordered last) and an unknown stage are never "later".
    let rank: [Int] = stages.map {
      switch $0.kind {
      case .open: return $0.order
      case .won: return Int.max
      case .lost: return Int.min
      }
    }
    let groupCount = max(groups.names.count, 1)
    var entered = [Int](repeating: 0, count: stageCount * groupCount)
    var advanced = entered
    var lostCount = entered
    var stillOpen = entered
    var stageOfRow: [Int] = []
    var laterRank: [Int] = []
    var seenStage = [Bool](repeating: false, count: stageCount)
    var lastName = ""
    var lastIndex = -1
    for i in 0..<min(dealCount, folder.historyRanges.count) {
      let r = folder.historyRanges[i]
      guard !r.isEmpty else { continue }
      // Quick skip: no row in the window.
      var any = false
      for k in r where inWindow(history[k].changedOn.day.index) {
        any = true
        break
      }
      guard any else { continue }
      stageOfRow.removeAll(keepingCapacity: true)
      for k in r {
        let name = history[k].stage
        if name != lastName {
          lastName = name
          lastIndex = stageIndexByName[name] ?? -1
        }
        stageOfRow.append(lastIndex)
      }
      // laterRank[j] = the highest rank reached strictly after row j.
      laterRank = [Int](repeating: Int.min, count: stageOfRow.count)
      var best = Int.min
      for j in stride(from: stageOfRow.count - 1, through: 0, by: -1) {
        laterRank[j] = best
        if stageOfRow[j] >= 0 { best = max(best, rank[stageOfRow[j]]) }
      }
      for s in 0..<stageCount { seenStage[s] = false }
      let g = Int(dealGroup?[i] ?? 0)
      for (j, k) in r.enumerated() {
        let s = stageOfRow[j]
        guard s >= 0, stages[s].kind == .open, !seenStage[s] else { continue }
        let isEntry = j == 0 || stageOfRow[j - 1] != s
        guard isEntry, inWindow(history[k].changedOn.day.index) else { continue }
        seenStage[s] = true
        let slot = g * stageCount + s
        entered[slot] += 1
        if laterRank[j] > rank[s] || outcome[i] == .won {
          advanced[slot] += 1
        } else if outcome[i] == .lost {
          lostCount[slot] += 1
        } else {
          stillOpen[slot] += 1
        }
      }
    }
    func summarise(_ g: Int?) -> (product: Double?, perStage: [KPIDetail], n: Int) {
      var product: Double? = 1
      var list: [KPIDetail] = []
      var n = 0
      for s in open {
        var e = 0
        var a = 0
        var l = 0
        var o = 0
        for gg in (g.map { [$0] } ?? Array(0..<groupCount)) {
          let slot = gg * stageCount + s
          e += entered[slot]
          a += advanced[slot]
          l += lostCount[slot]
          o += stillOpen[slot]
        }
        n += e
        let rate = Summary.ratio(Double(a), Double(a + l))
        if let p = product, let rate { product = p * rate } else { product = nil }
        list.append(
          .object([
            "stage": .text(stages[s].name), "entered": .int(e), "advanced": .int(a),
            "lost": .int(l), "still_open": .int(o), "rate": .num(rate),
          ]))
      }
      return (open.isEmpty ? nil : product, list, n)
    }
    let total = summarise(nil)
    var breakdown: [String: Double?] = [:]
    if dealGroup != nil {
      for (g, name) in groups.names.enumerated() {
        let s = summarise(g)
        if s.n > 0 { breakdown[name] = s.product }
      }
    }
    var d: [String: KPIDetail] = [
      "stages": .list(total.perStage),
      "headline": .text("product of the open stages' rates: the implied stage-to-won conversion"),
    ]
    note(&d)
    return KPIResult(
      id: "stage_conversion_rate", group: .salesProcess, value: total.product, unit: .ratio,
      n: total.n, details: d, breakdown: breakdown)
  }

  // MARK: snapshot KPIs (open deals at as-of)

  func overduePipeline() -> KPIResult {
    guard hasExpectedCloseDates else {
      return .missing("overdue_pipeline", .salesProcess, .currency, Self.needsExpectedClose)
    }
    var count = 0
    var openCount = 0
    var unknown = 0
    var value = 0.0
    var openValue = 0.0
    var by = GroupSums()
    for i in 0..<dealCount where outcome[i] == .open && created[i] <= asOf {
      openCount += 1
      openValue += amount[i]
      if expected[i] == .min { unknown += 1 }
      let overdue = expected[i] != .min && expected[i] < asOf
      if overdue {
        count += 1
        value += amount[i]
      }
      if let g = dealGroup?[i] { by.add(g, num: overdue ? amount[i] : 0, den: 1) }
    }
    var d: [String: KPIDetail] = [
      "count": .int(count), "open_deals": .int(openCount), "open_amount": .num(openValue),
      "share_of_open_amount": .num(Summary.ratio(value, openValue)),
      "without_expected_date": .int(unknown), "period_rule": .text("snapshot at as-of"),
    ]
    note(&d)
    return KPIResult(
      id: "overdue_pipeline", group: .salesProcess, value: value, unit: .currency, n: count,
      details: d, breakdown: sumBreakdown(by.num, seen: by.seen))
  }

  func weightedPipeline() -> KPIResult {
    let stages = folder.stages
    let hasProbability = stages.contains { $0.probability != nil }
    let stage = currentStage
    var weighted = 0.0
    var openAmount = 0.0
    var fitted = 0.0
    var openCount = 0
    var noProbability = 0
    var noFitted = 0
    var noProbabilityAmount = 0.0
    let fittedByStage: [Double?]? = request.fittedWinProbability.map { f in
      stages.map { f[$0.name] }
    }
    var by = GroupSums()
    for i in 0..<dealCount where outcome[i] == .open && created[i] <= asOf {
      openCount += 1
      openAmount += amount[i]
      let s = Int(stage[i])
      var w = 0.0
      if s >= 0, let p = stages[s].probability {
        w = amount[i] * p
        weighted += w
      } else {
        noProbability += 1
        noProbabilityAmount += amount[i]
      }
      if let fittedByStage {
        if s >= 0, let p = fittedByStage[s] { fitted += amount[i] * p } else { noFitted += 1 }
      }
      if let g = dealGroup?[i] { by.add(g, num: w, den: 1) }
    }
    var d: [String: KPIDetail] = [
      "open_deals": .int(openCount), "open_amount": .num(openAmount),
      "deals_without_stage_probability": .int(noProbability),
      "amount_without_stage_probability": .num(noProbabilityAmount),
      "period_rule": .text("snapshot at as-of: all open deals"),
    ]
    if request.fittedWinProbability != nil {
      d["fitted_weighted_pipeline"] = .num(fitted)
      d["deals_without_fitted_probability"] = .int(noFitted)
    } else {
      d["fitted_weighted_pipeline"] = .num(nil)
      d["fitted_note"] = .text("not available: no fitted model supplied")
    }
    note(&d)
    guard folder.history != nil else {
      return KPIResult(
        id: "weighted_pipeline", group: .result, value: nil, unit: .currency, n: openCount,
        details: d, missing: "needs deal_history.csv (a deal's current stage)")
    }
    guard hasProbability else {
      return KPIResult(
        id: "weighted_pipeline", group: .result, value: nil, unit: .currency, n: openCount,
        details: d, missing: "needs stages.csv with probability")
    }
    return KPIResult(
      id: "weighted_pipeline", group: .result, value: weighted, unit: .currency, n: openCount,
      details: d, breakdown: sumBreakdown(by.num, seen: by.seen))
  }

  // MARK: sales_velocity

  func salesVelocity() -> KPIResult {
    // Per group: open deals, won, lost, won amount, won cycle days.
    let gc = max(groups.names.count, 1)
    var openDeals = [Double](repeating: 0, count: gc + 1)
    var won = openDeals
    var closedCount = openDeals
    var wonAmount = openDeals
    var cycles = [[Double]](repeating: [], count: gc + 1)
    for i in 0..<dealCount {
      let g = Int(dealGroup?[i] ?? 0)
      if outcome[i] == .open {
        if created[i] <= asOf {
          openDeals[gc] += 1
          openDeals[g] += 1
        }
      } else if closedInWindow(i) {
        closedCount[gc] += 1
        closedCount[g] += 1
        if outcome[i] == .won {
          won[gc] += 1
          won[g] += 1
          wonAmount[gc] += amount[i]
          wonAmount[g] += amount[i]
          let c = Double(max(0, closed[i] - created[i]))
          cycles[gc].append(c)
          cycles[g].append(c)
        }
      }
    }
    func velocity(_ g: Int) -> (Double?, Double?, Double?, Double?) {
      let rate = Summary.ratio(won[g], closedCount[g])
      let size = Summary.ratio(wonAmount[g], won[g])
      let cycle = Summary.median(cycles[g])
      guard let rate, let size, let cycle, cycle > 0 else { return (nil, rate, size, cycle) }
      return (openDeals[g] * rate * size / cycle, rate, size, cycle)
    }
    let (v, rate, size, cycle) = velocity(gc)
    var breakdown: [String: Double?] = [:]
    if dealGroup != nil {
      for (g, name) in groups.names.enumerated() where openDeals[g] + closedCount[g] > 0 {
        breakdown[name] = velocity(g).0
      }
    }
    var d: [String: KPIDetail] = [
      "open_deals": .int(Int(openDeals[gc])), "win_rate": .num(rate),
      "average_deal_size": .num(size),
      "median_cycle_days": .num(cycle),
    ]
    if cycle == 0 { d["note"] = .text("median cycle length is 0 days: velocity not defined") }
    note(&d)
    return KPIResult(
      id: "sales_velocity", group: .salesProcess, value: v, unit: .currencyPerDay,
      n: Int(openDeals[gc]), details: d, breakdown: breakdown)
  }

  // MARK: new_business_share

  func newBusinessShare() -> KPIResult {
    var newAmount = 0.0
    var total = 0.0
    var newCount = 0
    var count = 0
    var by = GroupSums()
    let deals = folder.deals
    for i in 0..<dealCount where wonInWindow(i) {
      let isNew = deals[i].type == .new
      total += amount[i]
      count += 1
      if isNew {
        newAmount += amount[i]
        newCount += 1
      }
      if let g = dealGroup?[i] { by.add(g, num: isNew ? amount[i] : 0, den: amount[i]) }
    }
    var d: [String: KPIDetail] = [
      "by_count": .num(Summary.ratio(Double(newCount), Double(count))),
      "new_deals": .int(newCount), "won_deals": .int(count),
    ]
    note(&d)
    return KPIResult(
      id: "new_business_share", group: .strategy, value: Summary.ratio(newAmount, total),
      unit: .ratio, numerator: newAmount, denominator: total, n: count, details: d,
      breakdown: ratioBreakdown(num: by.num, den: by.den, seen: by.seen))
  }

  // MARK: sales_linearity

  func salesLinearity() -> KPIResult {
    guard end > start else {
      return KPIResult(
        id: "sales_linearity", group: .strategy, value: nil, unit: .ratio,
        details: ["note": .text("the period starts after as-of")])
    }
    let firstWeek = Day(index: start).startOfWeek.index
    let weekCount = Int((end - 1 - firstWeek) / 7) + 1
    var weekly = [Double](repeating: 0, count: weekCount)
    let lastTwoWeeks = fullEnd - 14
    var late = 0.0
    var total = 0.0
    var by = GroupSums()
    for i in 0..<dealCount where wonInWindow(i) {
      weekly[Int((closed[i] - firstWeek) / 7)] += amount[i]
      total += amount[i]
      let isLate = closed[i] >= lastTwoWeeks
      if isLate { late += amount[i] }
      if let g = dealGroup?[i] { by.add(g, num: isLate ? amount[i] : 0, den: amount[i]) }
    }
    var d: [String: KPIDetail] = [
      "cv_weekly_bookings": .num(Summary.coefficientOfVariation(weekly)),
      "weekly_bookings": .list(weekly.map { .num($0) }),
      "first_week_starts": .text(Day(index: firstWeek).description),
      "bookings": .num(total),
    ]
    note(&d)
    if isToDate {
      d["note"] = .text("period not complete at as-of: the last two weeks are still to come")
      return KPIResult(
        id: "sales_linearity", group: .strategy, value: nil, unit: .ratio, n: weekCount,
        details: d)
    }
    return KPIResult(
      id: "sales_linearity", group: .strategy, value: Summary.ratio(late, total), unit: .ratio,
      numerator: late, denominator: total, n: weekCount, details: d,
      breakdown: ratioBreakdown(num: by.num, den: by.den, seen: by.seen))
  }

  // MARK: sales_growth

  /// Won bookings in [from, to), in total and per group, and how many won deals they are.
  func bookings(from a: Int32, to b: Int32) -> (Double, GroupSums, count: Int) {
    var total = 0.0
    var count = 0
    var by = GroupSums()
    for i in 0..<dealCount where outcome[i] == .won && closed[i] >= a && closed[i] < b {
      total += amount[i]
      count += 1
      if let g = dealGroup?[i] { by.add(g, num: amount[i], den: 1) }
    }
    return (total, by, count)
  }

  func salesGrowth() -> KPIResult {
    let periods = folder.calendar.periods(from: firstPeriod, through: lastPeriod).count
    var previousFirst = firstPeriod
    for _ in 0..<periods { previousFirst = previousFirst.previous }
    let length = end - start
    // Like for like: the same number of days from the start of the earlier range.
    let prevStart = previousFirst.start.index
    let yoyStart = firstPeriod.yearEarlier.start.index
    let (now, byNow, wonNow) = bookings(from: start, to: end)
    let (prev, byPrev, wonBefore) = bookings(from: prevStart, to: min(prevStart + length, start))
    let (yoy, _, _) = bookings(from: yoyStart, to: yoyStart + length)
    var breakdown: [String: Double?] = [:]
    for (g, name) in groups.names.enumerated() where dealGroup != nil {
      let a = g < byNow.seen.count ? byNow.num[g] : 0
      let b = g < byPrev.seen.count ? byPrev.num[g] : 0
      if a > 0 || b > 0 { breakdown[name] = b > 0 ? a / b - 1 : nil }
    }
    var d: [String: KPIDetail] = [
      "bookings": .num(now), "previous_bookings": .num(prev), "year_earlier_bookings": .num(yoy),
      "year_over_year": .num(yoy > 0 ? now / yoy - 1 : nil),
      "previous_range": .text(
        "\(Day(index: prevStart))..\(Day(index: min(prevStart + length, start) - 1))"),
    ]
    note(&d)
    return KPIResult(
      id: "sales_growth", group: .strategy, value: prev > 0 ? now / prev - 1 : nil, unit: .ratio,
      numerator: now, denominator: prev, n: wonNow + wonBefore, details: d, breakdown: breakdown)
  }
}

extension KPIResult {
  /// A KPI that cannot be computed because an input file is absent.
  static func missing(_ id: String, _ group: KPIGroup, _ unit: KPIUnit, _ why: String) -> KPIResult
  {
    KPIResult(id: id, group: group, value: nil, unit: unit, missing: why)
  }
}
