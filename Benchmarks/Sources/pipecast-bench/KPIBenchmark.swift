// KPI engine benchmark (`pipecast-bench kpi`). Builds a synthetic CRMFolder in
// memory and times KPIEngine.compute for one quarter by owner: first the deal and lead KPIs, then
// the activity KPIs. Issue #3's targets (release build): deals + leads < 5 s on a million deals
// with five million history rows; activities < 10 s on ten million activities.
import CRMData
import Foundation
import KPI
import Statistics

extension RandomStream {
  /// A uniform integer in 0..<n (modulo bias is negligible for benchmark data).
  mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
  mutating func unit() -> Double { nextUniform() }
}

/// Timings in seconds.
public struct KPIBenchmarkResult: Sendable {
  public var generateSeconds: Double
  public var dealAndLeadSeconds: Double
  public var activitySeconds: Double
  public var kpiCount: Int
}

/// A synthetic folder: `deals` deals over two years ending at as-of 2026-07-10, five history rows
/// per deal, one lead per deal, `activities` activities, 200 reps in 10 teams, quotas, accounts.
func makeBenchmarkFolder(deals dealCount: Int, activities activityCount: Int) -> CRMFolder {
  var rng = RandomStream(seed: 7)
  let asOf = Day("2026-07-10")!
  let first = Int(asOf.index) - 730
  let stageNames = ["Qualify", "Discover", "Propose", "Negotiate"]
  let stages =
    stageNames.enumerated().map {
      StageDefinition(
        name: $0.element, order: $0.offset + 1, kind: .open,
        probability: 0.1 + 0.2 * Double($0.offset))
    } + [
      StageDefinition(name: "Won", order: 5, kind: .won, probability: 1),
      StageDefinition(name: "Lost", order: 6, kind: .lost, probability: 0),
    ]
  let reps = (0..<200).map { Rep(id: "r\($0)", team: "t\($0 % 10)", role: .ae) }
  let sources = ["web", "referral", "event", "outbound", "partner"]
  let segments = ["SMB", "Mid", "Ent"]
  let accountCount = max(1, dealCount / 3)
  var deals: [Deal] = []
  deals.reserveCapacity(dealCount)
  var history: [DealHistoryRow] = []
  history.reserveCapacity(dealCount * 5)
  var ranges: [Range<Int>] = []
  ranges.reserveCapacity(dealCount)
  var leads: [Lead] = []
  leads.reserveCapacity(dealCount)
  for i in 0..<dealCount {
    let created = first + rng.below(720)
    let cycle = 10 + rng.below(150)
    let closeDay = created + cycle
    let u = rng.unit()
    let status: DealStatus = closeDay > Int(asOf.index) ? .open : (u < 0.35 ? .won : .lost)
    let id = "d\(i)"
    let owner = "r\(rng.below(200))"
    let expected = Moment(Day(index: Int32(created + cycle + rng.below(30) - 15)))
    deals.append(
      Deal(
        id: id, createdOn: Moment(Day(index: Int32(created))), ownerID: owner,
        amount: Double(1000 + rng.below(50_000)), status: status,
        closedOn: status == .open ? nil : Moment(Day(index: Int32(closeDay))),
        expectedCloseOn: expected, accountID: "a\(rng.below(accountCount))",
        source: sources[rng.below(sources.count)], segment: segments[rng.below(segments.count)],
        type: rng.below(4) == 0 ? .expansion : .new, leadID: "l\(i)"))
    let lo = history.count
    for k in 0..<5 {
      let on = created + cycle * k / 5
      guard on <= Int(asOf.index) else { break }
      let stage =
        k < 4 ? stageNames[k] : (status == .won ? "Won" : status == .lost ? "Lost" : stageNames[3])
      history.append(
        DealHistoryRow(
          dealID: id, changedOn: Moment(Day(index: Int32(on))), stage: stage,
          expectedCloseOn: expected,
          ownerID: owner))
    }
    ranges.append(lo..<history.count)
    let leadCreated = Moment(
      secondsSinceEpoch: Int64(created - 3) * 86_400 + Int64(rng.below(86_400)))
    leads.append(
      Lead(
        id: "l\(i)", createdOn: leadCreated, source: sources[rng.below(sources.count)],
        ownerID: owner,
        firstContactOn: Moment(
          secondsSinceEpoch: leadCreated.secondsSinceEpoch + Int64(rng.below(200_000))),
        qualifiedOn: rng.below(2) == 0 ? Moment(Day(index: Int32(created - 1))) : nil, dealID: id))
  }
  let kinds: [ActivityKind] = [.call, .email, .meeting, .demo, .task, .other]
  var activities: [Activity] = []
  activities.reserveCapacity(activityCount)
  for i in 0..<activityCount {
    let d = rng.below(max(1, dealCount))
    activities.append(
      Activity(
        id: "x\(i)", occurredOn: Moment(Day(index: Int32(first + rng.below(730)))),
        ownerID: "r\(rng.below(200))", kind: kinds[rng.below(kinds.count)], dealID: "d\(d)",
        accountID: rng.below(2) == 0 ? "a\(rng.below(accountCount))" : nil,
        durationMinutes: Double(rng.below(30)), status: rng.below(50) == 0 ? .planned : .done))
  }
  let cal = FiscalCalendar.standard
  let quarter = cal.quarter(containing: asOf)
  let quotas = reps.map { Quota(ownerID: $0.id, period: quarter, amount: 500_000) }
  let accounts = (0..<accountCount).map { k -> Account in
    let became = first + rng.below(700)
    return Account(
      id: "a\(k)", segment: segments[k % 3], becameCustomerOn: Moment(Day(index: Int32(became))),
      churnedOn: rng.below(10) == 0
        ? Moment(Day(index: Int32(min(Int(asOf.index), became + 200)))) : nil)
  }
  let costs = cal.periods(
    from: cal.month(containing: Day(index: Int32(first))), through: cal.month(containing: asOf)
  )
  .filter { $0.end <= asOf }
  .flatMap { p in
    [
      Cost(period: p, category: .marketing, source: "web", amount: 50_000),
      Cost(period: p, category: .sales, amount: 80_000),
    ]
  }
  return CRMFolder(
    deals: deals, history: history, stages: stages, stagesFromFile: true, leads: leads,
    activities: activities, reps: reps, quotas: quotas, accounts: accounts, costs: costs,
    asOf: asOf, calendar: cal, historyRanges: ranges)
}

/// Builds the folder and times the KPI engine: deal and lead KPIs, then activity KPIs, for the
/// quarter containing as-of (2026-Q3 started 2026-07-01, so the full 2026-Q2), by owner.
@discardableResult
public func runKPIBenchmark(deals: Int = 1_000_000, activities: Int = 10_000_000)
  -> KPIBenchmarkResult
{
  let clock = ContinuousClock()
  var folder: CRMFolder?
  let generate = clock.measure {
    folder = makeBenchmarkFolder(deals: deals, activities: activities)
  }
  let data = folder!
  let period = FiscalCalendar.standard.period("2026-Q2")!
  var dealRequest = KPIRequest(period: period, by: .owner)
  dealRequest.only = Set(KPIEngine.catalogue).subtracting(KPIEngine.activityKPIs).union([
    "active_customers"
  ])
  var activityRequest = KPIRequest(period: period, by: .owner)
  activityRequest.only = KPIEngine.activityKPIs
  var count = 0
  let dealTime = clock.measure {
    count += KPIEngine.compute(folder: data, request: dealRequest).kpis.count
  }
  let activityTime = clock.measure {
    count += KPIEngine.compute(folder: data, request: activityRequest).kpis.count
  }
  func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
  }
  let result = KPIBenchmarkResult(
    generateSeconds: seconds(generate), dealAndLeadSeconds: seconds(dealTime),
    activitySeconds: seconds(activityTime), kpiCount: count)
  print(
    "KPI benchmark: \(deals) deals (\(data.history?.count ?? 0) history rows, \(data.leads?.count ?? 0) leads), \(activities) activities; generate \(String(format: "%.2f", result.generateSeconds)) s; deal+lead KPIs by owner \(String(format: "%.2f", result.dealAndLeadSeconds)) s (target 5 s); activity KPIs \(String(format: "%.2f", result.activitySeconds)) s (target 10 s)"
  )
  return result
}
