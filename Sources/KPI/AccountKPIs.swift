import CRMData

/// Customer and account KPIs: customers come from accounts.csv (became_customer_on, churned_on);
/// repeat and upsell use the deals' account ids and types.
extension KPIContext {
  /// Breakdown group of an account from accounts.csv: its segment, only by segment.
  func accountGroup(_ k: Int) -> Int32? {
    guard request.by == .segment else { return nil }
    return groups.intern(accountTable.segment[k] ?? "(none)")
  }

  func accountNote(_ d: inout [String: KPIDetail]) {
    if request.by != nil && request.by != .segment {
      noBreakdown(&d, "customer counts are per account (by segment only)")
    }
  }

  // MARK: active_customers (north star default)

  func activeCustomers(group: KPIGroup) -> KPIResult {
    guard folder.accounts != nil else {
      return .missing("active_customers", group, .count, "needs accounts.csv")
    }
    let t = accountTable
    var atEnd = 0
    var atStart = 0
    var by = GroupSums()
    for k in 0..<t.count {
      if t.isCustomer(k, before: start) { atStart += 1 }
      if t.isCustomer(k, before: end) {
        atEnd += 1
        if let g = accountGroup(k) { by.add(g, num: 1, den: 1) }
      }
    }
    var d: [String: KPIDetail] = [
      "at_period_start": .int(atStart), "change": .int(atEnd - atStart),
      "rule": .text("accounts that became customers and had not churned at the end of the window"),
    ]
    accountNote(&d)
    return KPIResult(
      id: "active_customers", group: group, value: Double(atEnd), unit: .count, n: atEnd,
      details: d, breakdown: sumBreakdown(by.num, seen: by.seen))
  }

  /// New customers in the window: accounts.csv's became_customer_on when present, else the won
  /// deals of type `new` (each first sale is a new customer).
  func newCustomers() -> (count: Int, basis: String, breakdown: [String: Double?]) {
    var by = GroupSums()
    var count = 0
    if folder.accounts != nil {
      let t = accountTable
      for k in 0..<t.count where inWindow(t.became[k]) {
        count += 1
        if let g = accountGroup(k) { by.add(g, num: 1, den: 1) }
      }
      return (count, "accounts.csv became_customer_on", sumBreakdown(by.num, seen: by.seen))
    }
    let deals = folder.deals
    for i in 0..<dealCount where wonInWindow(i) && deals[i].type == .new {
      count += 1
      if let g = dealGroup?[i] { by.add(g, num: 1, den: 1) }
    }
    return (
      count, "deals.csv won deals of type new (no accounts.csv)",
      sumBreakdown(by.num, seen: by.seen)
    )
  }

  func newAccounts(id: String = "new_accounts", group: KPIGroup = .strategy) -> KPIResult {
    let (count, basis, breakdown) = newCustomers()
    var d: [String: KPIDetail] = ["counted_from": .text(basis)]
    if folder.accounts != nil { accountNote(&d) } else { note(&d) }
    return KPIResult(
      id: id, group: group, value: Double(count), unit: .count, n: count, details: d,
      breakdown: breakdown)
  }

  // MARK: churn_rate, retention_rate

  /// Customers at the window start, and how many of them churned in the window.
  func churnCounts(from a: Int32, to b: Int32) -> (atStart: Int, churned: Int, by: GroupSums) {
    let t = accountTable
    var atStart = 0
    var churned = 0
    var by = GroupSums()
    for k in 0..<t.count where t.isCustomer(k, before: a) {
      atStart += 1
      let c = t.churned[k] < b
      if c { churned += 1 }
      if let g = accountGroup(k) { by.add(g, num: c ? 1 : 0, den: 1) }
    }
    return (atStart, churned, by)
  }

  func churnRate() -> KPIResult {
    guard folder.accounts != nil else {
      return .missing("churn_rate", .accountManagement, .ratio, "needs accounts.csv")
    }
    let (s, c, by) = churnCounts(from: start, to: end)
    var d: [String: KPIDetail] = [
      "rule": .text(
        "customers at the period start who churned in the period / customers at the period start")
    ]
    accountNote(&d)
    return KPIResult(
      id: "churn_rate", group: .accountManagement, value: Summary.ratio(Double(c), Double(s)),
      unit: .ratio, numerator: Double(c), denominator: Double(s), n: s, details: d,
      breakdown: ratioBreakdown(num: by.num, den: by.den, seen: by.seen))
  }

  func retentionRate() -> KPIResult {
    guard folder.accounts != nil else {
      return .missing("retention_rate", .accountManagement, .ratio, "needs accounts.csv")
    }
    let (s, c, by) = churnCounts(from: start, to: end)
    let (n, _, _) = newCustomers()
    var d: [String: KPIDetail] = [
      "customers_at_start": .int(s), "new_customers": .int(n),
      "customers_at_end": .int(s - c + newStillActive()),
      "rule": .text(
        "customers at the period start still customers at its end / customers at the start (= 1 − churn_rate)"
      ),
    ]
    accountNote(&d)
    var breakdown: [String: Double?] = [:]
    for (g, name) in groups.names.enumerated() where g < by.seen.count && by.seen[g] {
      breakdown[name] = by.den[g] > 0 ? (by.den[g] - by.num[g]) / by.den[g] : nil
    }
    return KPIResult(
      id: "retention_rate", group: .accountManagement,
      value: Summary.ratio(Double(s - c), Double(s)), unit: .ratio, numerator: Double(s - c),
      denominator: Double(s), n: s, details: d, breakdown: breakdown)
  }

  func newStillActive() -> Int {
    let t = accountTable
    var n = 0
    for k in 0..<t.count where inWindow(t.became[k]) && t.churned[k] >= end { n += 1 }
    return n
  }

  // MARK: repeat_customer_rate, upsell_rate

  /// Per account: the first day it won a deal (any type), `Int32.max` when never.
  func firstWinDay() -> [Int32] {
    let t = accountTable
    var first = [Int32](repeating: .max, count: t.count)
    for i in 0..<dealCount where outcome[i] == .won {
      let a = Int(t.dealAccount[i])
      if a >= 0, closed[i] < first[a] { first[a] = closed[i] }
    }
    return first
  }

  func repeatCustomerRate() -> KPIResult {
    let t = accountTable
    guard t.dealsHaveAccounts else {
      return .missing(
        "repeat_customer_rate", .accountManagement, .ratio, "needs account_id in deals.csv")
    }
    let first = firstWinDay()
    // Each account with a win in the window counts once, in the group of its first such deal.
    var counted = [Bool](repeating: false, count: t.count)
    var buyers = 0
    var repeats = 0
    var by = GroupSums()
    for i in 0..<dealCount where wonInWindow(i) {
      let a = Int(t.dealAccount[i])
      guard a >= 0, !counted[a] else { continue }
      counted[a] = true
      buyers += 1
      let isRepeat = first[a] < start
      if isRepeat { repeats += 1 }
      if let g = dealGroup?[i] { by.add(g, num: isRepeat ? 1 : 0, den: 1) }
    }
    var d: [String: KPIDetail] = [
      "rule": .text(
        "accounts with a deal won in the period that had already won one before it / accounts with a deal won in the period"
      )
    ]
    note(&d)
    return KPIResult(
      id: "repeat_customer_rate", group: .accountManagement,
      value: Summary.ratio(Double(repeats), Double(buyers)), unit: .ratio,
      numerator: Double(repeats), denominator: Double(buyers), n: buyers, details: d,
      breakdown: ratioBreakdown(num: by.num, den: by.den, seen: by.seen))
  }

  func upsellRate() -> KPIResult {
    let t = accountTable
    guard t.dealsHaveAccounts else {
      return .missing("upsell_rate", .accountManagement, .ratio, "needs account_id in deals.csv")
    }
    let first = firstWinDay()
    let hasAccounts = folder.accounts != nil
    // Customer base at the window start: accounts.csv when present, else accounts that had won
    // a deal before the window.
    var base = [Bool](repeating: false, count: t.count)
    var baseCount = 0
    for k in 0..<t.count {
      let isCustomer = hasAccounts ? t.isCustomer(k, before: start) : first[k] < start
      if isCustomer {
        base[k] = true
        baseCount += 1
      }
    }
    var upsold = [Bool](repeating: false, count: t.count)
    var upsoldCount = 0
    var expansionBookings = 0.0
    let deals = folder.deals
    for i in 0..<dealCount where wonInWindow(i) && deals[i].type == .expansion {
      expansionBookings += amount[i]
      let a = Int(t.dealAccount[i])
      guard a >= 0, base[a], !upsold[a] else { continue }
      upsold[a] = true
      upsoldCount += 1
    }
    var d: [String: KPIDetail] = [
      "expansion_bookings": .num(expansionBookings),
      "customer_base": .text(
        hasAccounts
          ? "accounts.csv customers at the period start"
          : "accounts with a won deal before the period (no accounts.csv)"),
    ]
    if request.by != nil { noBreakdown(&d, "the customer base is per account") }
    return KPIResult(
      id: "upsell_rate", group: .accountManagement,
      value: Summary.ratio(Double(upsoldCount), Double(baseCount)), unit: .ratio,
      numerator: Double(upsoldCount), denominator: Double(baseCount), n: baseCount, details: d)
  }

  // MARK: customer_acquisition_cost, customer_lifetime_value, ltv_to_cac

  func cacFigures() -> (cac: Double?, cost: Double, newCustomers: Int, note: String?)? {
    guard let costs = folder.costs else { return nil }
    var cost = 0.0
    for c in costs where c.category != .other { cost += costShare(c) }
    let (n, _, _) = newCustomers()
    if cost == 0 { return (nil, cost, n, "no marketing or sales costs recorded for the period") }
    if n == 0 { return (nil, cost, n, "no new customers in the period") }
    return (cost / Double(n), cost, n, nil)
  }

  func customerAcquisitionCost() -> KPIResult {
    guard let f = cacFigures() else {
      return .missing("customer_acquisition_cost", .result, .currency, "needs costs.csv")
    }
    var d: [String: KPIDetail] = [
      "counted_from": .text(newCustomers().basis),
      "rule": .text("marketing + sales costs prorated to the period / new customers in the period"),
    ]
    if let note = f.note { d["note"] = .text(note) }
    if request.by != nil { noBreakdown(&d, "costs are not attributed to groups") }
    return KPIResult(
      id: "customer_acquisition_cost", group: .result, value: f.cac, unit: .currency,
      numerator: f.cost, denominator: Double(f.newCustomers), n: f.newCustomers, details: d)
  }

  /// CLV = ARPA / annual churn, both over the 365 days ending at the window end.
  func clvFigures() -> (clv: Double?, details: [String: KPIDetail])? {
    guard folder.accounts != nil else { return nil }
    let a = end - 365
    let (revenue, _, _) = bookings(from: a, to: end)
    let t = accountTable
    var startCount = 0
    var endCount = 0
    for k in 0..<t.count {
      if t.isCustomer(k, before: a) { startCount += 1 }
      if t.isCustomer(k, before: end) { endCount += 1 }
    }
    let (s, churned, _) = churnCounts(from: a, to: end)
    let average = Double(startCount + endCount) / 2
    let arpa = Summary.ratio(revenue, average)
    let churn = Summary.ratio(Double(churned), Double(s))
    var clv: Double?
    var d: [String: KPIDetail] = [
      "window": .text("\(Day(index: a))..\(Day(index: end - 1))"),
      "bookings_12m": .num(revenue), "average_customers": .num(average),
      "annual_revenue_per_account": .num(arpa), "annual_churn_rate": .num(churn),
      "formula": .text(
        "bookings over 12 months / average customers, divided by the 12-month churn rate"),
    ]
    if let arpa, let churn, churn > 0 {
      clv = arpa / churn
    } else if churn == 0 {
      d["note"] = .text("no churn in 12 months: lifetime not estimable")
    }
    return (clv, d)
  }

  func customerLifetimeValue() -> KPIResult {
    guard let f = clvFigures() else {
      return .missing("customer_lifetime_value", .result, .currency, "needs accounts.csv")
    }
    var d = f.details
    if request.by != nil { noBreakdown(&d, "company-level estimate") }
    return KPIResult(
      id: "customer_lifetime_value", group: .result, value: f.clv, unit: .currency,
      details: d)
  }

  func ltvToCac() -> KPIResult {
    guard let clv = clvFigures() else {
      return .missing("ltv_to_cac", .strategy, .multiple, "needs accounts.csv")
    }
    guard let cac = cacFigures() else {
      return .missing("ltv_to_cac", .strategy, .multiple, "needs costs.csv")
    }
    var d: [String: KPIDetail] = [
      "customer_lifetime_value": .num(clv.clv), "customer_acquisition_cost": .num(cac.cac),
    ]
    if request.by != nil { noBreakdown(&d, "company-level estimate") }
    var value: Double?
    if let l = clv.clv, let c = cac.cac, c > 0 { value = l / c }
    return KPIResult(
      id: "ltv_to_cac", group: .strategy, value: value, unit: .multiple, numerator: clv.clv,
      denominator: cac.cac, details: d)
  }
}
