import CRMData

/// Strings to dense indices, in first-seen order.
struct Interner {
  private var table: StringTable

  init(capacity: Int = 8) { table = StringTable(capacity: capacity) }

  var names: [String] { table.keys }

  /// The index of `name`, or nil when it was never interned.
  func find(_ name: String) -> Int32? { table.find(name) }

  mutating func intern(_ name: String) -> Int32 { table.insert(name, Int32(table.count)) }
}

/// Deal status as a byte, for tight loops.
enum Outcome: UInt8 {
  case open = 0
  case won = 1
  case lost = 2
}

/// Everything the KPIs share, computed once per request: the period window in day indices, the
/// deals as flat arrays (so each KPI is a loop over integers, not over strings), owner and group
/// indices, and lazily the joins only some KPIs need (deal ids, accounts, current stages).
final class KPIContext {
  let folder: CRMFolder
  let request: KPIRequest

  // MARK: Window
  /// As-of day index.
  let asOf: Int32
  /// First day of the range.
  let start: Int32
  /// First day after the range's last period.
  let fullEnd: Int32
  /// First day after the counted window: min(fullEnd, asOf + 1).
  let end: Int32
  let firstPeriod: Period
  let lastPeriod: Period
  /// True when the range runs past as-of (to date).
  var isToDate: Bool { end < fullEnd }
  let label: String

  // MARK: Deals, flat
  let dealCount: Int
  var created: [Int32]
  /// Close day; `Int32.max` while open (as of as-of).
  var closed: [Int32]
  var outcome: [Outcome]
  var amount: [Double]
  /// Expected close day at as-of; `Int32.min` when unknown.
  var expected: [Int32]
  /// Whether any deal or history row has an expected close date (slip and overdue need one).
  var hasExpectedCloseDates = false
  var dealOwner: [Int32]

  // MARK: Owners and groups
  var owners = Interner()
  let repByID: [String: Rep]
  /// Breakdown group names, in first-seen order (output sorts them).
  var groups = Interner()
  /// Group of each deal; nil without a dimension.
  var dealGroup: [Int32]?
  /// Why the breakdown is unavailable for every KPI (team or role without reps.csv).
  let breakdownNote: String?
  private var groupOfOwnerCache: [Int32] = []

  init(folder: CRMFolder, request: KPIRequest) {
    self.folder = folder
    self.request = request
    let cal = folder.calendar
    asOf = folder.asOf.index
    let first = request.from ?? cal.quarter(containing: folder.asOf)
    let last = request.to ?? first
    firstPeriod = first
    lastPeriod = max(first, last)
    start = first.start.index
    fullEnd = lastPeriod.end.index
    end = min(fullEnd, asOf + 1)
    var text = first == lastPeriod ? first.label : "\(first.label)..\(lastPeriod.label)"
    if end < fullEnd { text += " (to date)" }
    label = text

    var reps: [String: Rep] = [:]
    for r in folder.reps ?? [] { reps[r.id] = r }
    repByID = reps
    if let by = request.by, by == .team || by == .role, folder.reps == nil {
      breakdownNote = "breakdown by \(by.rawValue) needs reps.csv"
    } else {
      breakdownNote = nil
    }

    let n = folder.deals.count
    dealCount = n
    created = [Int32](repeating: 0, count: n)
    closed = [Int32](repeating: .max, count: n)
    outcome = [Outcome](repeating: .open, count: n)
    amount = [Double](repeating: 0, count: n)
    expected = [Int32](repeating: .min, count: n)
    dealOwner = [Int32](repeating: 0, count: n)
    var lastOwnerName = ""
    var lastOwnerIndex: Int32 = -1
    for (i, d) in folder.deals.enumerated() {
      created[i] = d.createdOn.day.index
      amount[i] = d.amount
      if let c = d.closedOn?.day.index, d.status != .open, c <= asOf {
        closed[i] = c
        outcome[i] = d.status == .won ? .won : .lost
      }
      if let e = d.expectedCloseOn { expected[i] = e.day.index }
      if d.ownerID != lastOwnerName || lastOwnerIndex < 0 {
        lastOwnerName = d.ownerID
        lastOwnerIndex = owners.intern(d.ownerID)
      }
      dealOwner[i] = lastOwnerIndex
    }
    hasExpectedCloseDates = expected.contains { $0 != .min }
      || (folder.history?.contains { $0.expectedCloseOn != nil } ?? false)
    if let by = request.by, breakdownNote == nil {
      var g = [Int32](repeating: 0, count: n)
      switch by {
      case .owner, .team, .role:
        for i in 0..<n { g[i] = groupOfOwner(dealOwner[i]) }
      case .source:
        for (i, d) in folder.deals.enumerated() { g[i] = groups.intern(d.source ?? "(none)") }
      case .segment:
        for (i, d) in folder.deals.enumerated() { g[i] = groups.intern(d.segment ?? "(none)") }
      case .type:
        for (i, d) in folder.deals.enumerated() { g[i] = groups.intern(d.type.rawValue) }
      }
      dealGroup = g
    }
  }

  // MARK: Window tests

  @inline(__always) func inWindow(_ day: Int32) -> Bool { day >= start && day < end }

  /// Won or lost within the window.
  @inline(__always) func closedInWindow(_ i: Int) -> Bool {
    outcome[i] != .open && closed[i] >= start && closed[i] < end
  }

  @inline(__always) func wonInWindow(_ i: Int) -> Bool {
    outcome[i] == .won && closed[i] >= start && closed[i] < end
  }

  /// Days in the counted window (0 when the range starts after as-of).
  var windowDays: Int { max(0, Int(end - start)) }

  // MARK: Groups

  /// The breakdown group of an owner index (owner, team or role dimension).
  func groupOfOwner(_ owner: Int32) -> Int32 {
    while groupOfOwnerCache.count <= Int(owner) {
      let name = owners.names[groupOfOwnerCache.count]
      let group: String
      switch request.by {
      case .team: group = repByID[name]?.team ?? "(no team)"
      case .role: group = repByID[name]?.role?.rawValue ?? "(no role)"
      default: group = name
      }
      groupOfOwnerCache.append(groups.intern(group))
    }
    return groupOfOwnerCache[Int(owner)]
  }

  /// The group of an entity that has only an owner (leads, activities), or nil when the
  /// dimension is not an owner dimension.
  var byOwnerDimension: Bool {
    breakdownNote == nil && (request.by == .owner || request.by == .team || request.by == .role)
  }

  /// Turns per-group (numerator, denominator) sums into a breakdown: numerator / denominator,
  /// null when the denominator is zero; groups with no observation are left out.
  func ratioBreakdown(num: [Double], den: [Double], seen: [Bool]) -> [String: Double?] {
    var out: [String: Double?] = [:]
    for g in 0..<min(seen.count, groups.names.count) where seen[g] {
      out[groups.names[g]] = den[g] > 0 ? num[g] / den[g] : nil
    }
    return out
  }

  func sumBreakdown(_ values: [Double], seen: [Bool]) -> [String: Double?] {
    var out: [String: Double?] = [:]
    for g in 0..<min(seen.count, groups.names.count) where seen[g] {
      out[groups.names[g]] = values[g]
    }
    return out
  }

  /// Note to put in details when the KPI has no breakdown by the requested dimension.
  func noBreakdown(_ details: inout [String: KPIDetail], _ why: String) {
    if let by = request.by {
      details["breakdown_note"] = .text(breakdownNote ?? "no breakdown by \(by.rawValue): \(why)")
    }
  }

  /// Adds the global note when the breakdown is unavailable.
  func note(_ details: inout [String: KPIDetail]) {
    if let breakdownNote { details["breakdown_note"] = .text(breakdownNote) }
  }

  // MARK: Lazy joins

  /// Deal id to deal index.
  lazy var dealIndexByID: StringTable = {
    var m = StringTable(capacity: dealCount)
    for (i, d) in folder.deals.enumerated() { m.insert(d.id, Int32(i)) }
    return m
  }()

  /// Stage name to index in `folder.stages`.
  lazy var stageIndexByName: [String: Int] = {
    var m: [String: Int] = [:]
    for (i, s) in folder.stages.enumerated() { m[s.name] = i }
    return m
  }()

  /// Each deal's stage at as-of: the stage of its last history row; -1 without history or when the
  /// stage is not in the pipeline definition.
  lazy var currentStage: [Int32] = {
    var out = [Int32](repeating: -1, count: dealCount)
    guard let history = folder.history else { return out }
    var lastName = ""
    var lastIndex: Int32 = -1
    for i in 0..<min(dealCount, folder.historyRanges.count) {
      let r = folder.historyRanges[i]
      guard let k = r.last else { continue }
      let name = history[k].stage
      if name != lastName {
        lastName = name
        lastIndex = Int32(stageIndexByName[name] ?? -1)
      }
      out[i] = lastIndex
    }
    return out
  }()

  /// Leads created in the window.
  lazy var leadWindow: [Int] = {
    var out: [Int] = []
    guard let leads = folder.leads else { return out }
    leads.withUnsafeBufferPointer { buf in
      for k in 0..<buf.count where inWindow(buf[k].createdOn.day.index) { out.append(k) }
    }
    return out
  }()

  /// The last lead owner looked up and its group (leads often come in runs by owner).
  var lastLeadOwner: (name: String?, group: Int32) = (nil, -1)

  /// Activity rows the activity KPIs need, found in one pass over activities.csv: the done
  /// activities of the window and the planned ones.
  lazy var activityRows: (window: [Int32], planned: [Int32]) = {
    var window: [Int32] = []
    var planned: [Int32] = []
    guard let activities = folder.activities else { return (window, planned) }
    activities.withUnsafeBufferPointer { buf in
      for k in 0..<buf.count {
        if buf[k].status == .planned {
          planned.append(Int32(k))
        } else {
          let day = buf[k].occurredOn.day.index
          if day >= start && day < end { window.append(Int32(k)) }
        }
      }
    }
    return (window, planned)
  }()

  /// Accounts: ids from deals and accounts.csv, interned.
  lazy var accountTable: AccountTable = AccountTable(context: self)
}

/// Accounts as dense indices, with each deal's account and, from accounts.csv, when each account
/// became a customer and churned.
struct AccountTable {
  var ids = Interner()
  /// Account of each deal; -1 when the deal has none.
  var dealAccount: [Int32]
  /// From accounts.csv (`Int32.max` when unknown or absent).
  var became: [Int32] = []
  var churned: [Int32] = []
  var segment: [String?] = []
  /// Whether any deal carries an account id.
  var dealsHaveAccounts = false

  init(context c: KPIContext) {
    dealAccount = [Int32](repeating: -1, count: c.dealCount)
    ids = Interner(capacity: max(16, c.dealCount / 2))
    var lastName = ""
    var lastIndex: Int32 = -1
    for (i, d) in c.folder.deals.enumerated() {
      guard let a = d.accountID else { continue }
      if a != lastName || lastIndex < 0 {
        lastName = a
        lastIndex = ids.intern(a)
      }
      dealAccount[i] = lastIndex
      dealsHaveAccounts = true
    }
    if let accounts = c.folder.accounts {
      let index = accounts.map { ids.intern($0.id) }
      became = [Int32](repeating: .max, count: ids.names.count)
      churned = [Int32](repeating: .max, count: ids.names.count)
      segment = [String?](repeating: nil, count: ids.names.count)
      for (a, k) in zip(accounts, index.lazy.map { Int($0) }) {
        if let b = a.becameCustomerOn?.day.index, b <= c.asOf { became[k] = b }
        if let ch = a.churnedOn?.day.index, ch <= c.asOf { churned[k] = ch }
        segment[k] = a.segment
      }
    }
  }

  var count: Int { ids.names.count }

  /// A customer at the start of `day` (became before it, not churned before it).
  func isCustomer(_ k: Int, before day: Int32) -> Bool {
    became[k] < day && churned[k] >= day
  }
}
