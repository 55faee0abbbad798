import CRMData
import Foundation
import PipelineModel
import Simulation

/// What a quota plan is asked for.
public struct QuotaRequest: Sendable {
  public var period: Period
  /// The chance each quota should be reached with; the quota is the (1 − confidence) quantile of
  /// the simulated bookings. 0.6 by default: a quota most reps reach, not a coin flip.
  public var confidence: Double
  public var by: GroupDimension
  public var companyTarget: Double?
  public var trials: Int
  public var seed: UInt64
  public var threads: Int
  /// Find the hires and lead volume that reach `companyTarget` (extra simulations).
  public var reverseFunnel: Bool

  public init(
    period: Period, confidence: Double = 0.6, by: GroupDimension = .owner,
    companyTarget: Double? = nil, trials: Int = 2_000, seed: UInt64 = 1, threads: Int = 1,
    reverseFunnel: Bool = true
  ) {
    self.period = period
    self.confidence = confidence
    self.by = by
    self.companyTarget = companyTarget
    self.trials = trials
    self.seed = seed
    self.threads = threads
    self.reverseFunnel = reverseFunnel
  }
}

/// A rep's or a team's quota and how its bookings are spread around it.
public struct QuotaLine: Encodable, Sendable, Equatable {
  public var group: String
  public var team: String?
  public var role: String?
  /// Whole months of tenure at the period's start (nil without a hire date).
  public var tenureMonthsAtPeriodStart: Int?
  /// The (1 − confidence) quantile of the simulated bookings in the period.
  public var quota: Double
  public var bookings: DistributionSummary
  /// Bookings / quota: P10, P50, P90 and mean of the attainment (0 when the quota is 0).
  public var attainment: DifferenceSummary
  /// Share of trials reaching 100% of the quota (≈ confidence by construction).
  public var probabilityOfQuota: Double
  /// Sum of the rep quotas in the team (teams only): compare with `quota`, the team's own
  /// quantile — quantiles do not add.
  public var sumOfRepQuotas: Double?

  enum CodingKeys: String, CodingKey {
    case group, team, role, quota, bookings, attainment
    case tenureMonthsAtPeriodStart = "tenure_months_at_period_start"
    case probabilityOfQuota = "probability_of_quota", sumOfRepQuotas = "sum_of_rep_quotas"
  }
}

/// Leads, meetings and opportunities by source needed for the target.
public struct FunnelNeed: Encodable, Sendable, Equatable {
  public var source: String
  /// Expected leads arriving from the day after as-of to the period's end, at the baseline rate
  /// and at the rate that reaches the target.
  public var baselineLeads: Double
  public var neededLeads: Double
  /// Qualified leads (the first meeting), and opportunities (deals created from them).
  public var neededMeetings: Double
  public var neededOpportunities: Double

  enum CodingKeys: String, CodingKey {
    case source
    case baselineLeads = "baseline_leads", neededLeads = "needed_leads"
    case neededMeetings = "needed_meetings", neededOpportunities = "needed_opportunities"
  }
}

/// What `pipecast quota` reports.
public struct QuotaPlan: Encodable, Sendable {
  public var asOf: Day
  public var period: String
  public var confidence: Double
  public var trials: Int
  public var seed: UInt64
  public var lines: [QuotaLine]
  public var teams: [QuotaLine]
  /// The company's own (1 − confidence) quantile and the sum of the rep quotas.
  public var companyQuota: Double
  public var sumOfRepQuotas: Double
  public var companyBookings: DistributionSummary
  public var companyTarget: Double?
  /// Target − company quota (positive: the plan falls short at this confidence).
  public var gap: Double?
  /// P(company bookings ≥ target).
  public var probabilityOfTarget: Double?
  /// Lead volume multiplier (every source) reaching the target with `confidence`; nil when the
  /// target is met already or cannot be met with up to 5× the leads.
  public var leadVolumeMultiplier: Double?
  public var funnel: [FunnelNeed]
  /// AEs to hire the day after as-of to reach the target with `confidence` (nil: not within 50).
  public var hiresToCloseGap: Int?
  public var notes: [String]

  enum CodingKeys: String, CodingKey {
    case asOf = "as_of", period, confidence, trials, seed, lines, teams, notes, gap, funnel
    case companyQuota = "company_quota", sumOfRepQuotas = "sum_of_rep_quotas"
    case companyBookings = "company_bookings", companyTarget = "company_target"
    case probabilityOfTarget = "probability_of_target"
    case leadVolumeMultiplier = "lead_volume_multiplier", hiresToCloseGap = "hires_to_close_gap"
  }
}

/// Quotas from the simulated bookings of each rep and team (METHODS.md: quantiles do not add).
///
/// The simulation runs from as-of through the quota period; each rep's bookings in the period
/// include its open deals (with their age) and the deals it is expected to create, both following
/// its tenure on the fitted ramps (pipeline creation and win rate) and its pooled skill. A rep in
/// the first months of ramp-up therefore gets a lower quota. Reps listed: active at as-of, role
/// AE (every active rep when the data has no roles).
public enum QuotaPlanner {
  public static func plan(
    model: FittedPipeline, folder: CRMFolder, request: QuotaRequest, calendar: FiscalCalendar
  ) throws -> QuotaPlan {
    let asOf = folder.asOf
    guard request.period.end > asOf.advanced(by: 1) else {
      throw SimulationError.horizonBeforeAsOf(lastPeriod: request.period.label, asOf: asOf.description)
    }
    let first = calendar.period(request.period.length, containing: asOf.advanced(by: 1))
    let periods = calendar.periods(from: first, through: request.period)
    let level = 1 - request.confidence
    func options(_ by: GroupDimension?) -> SimulationOptions {
      SimulationOptions(
        periods: periods, trials: request.trials, seed: request.seed, threads: request.threads,
        groupBy: by)
    }
    let p = periods.count - 1
    let fitted = model.reps?.reps ?? []
    var notes: [String] = []

    // Reps.
    let owners = try PipelineSimulator(model: model, folder: folder, options: options(.owner))
    var byOwner = owners.run()
    Forecasting.addBookedToDate(folder: folder, trials: &byOwner)
    let hasRoles = fitted.contains { $0.role != nil }
    let listed = fitted.filter { $0.active && (!hasRoles || $0.role == "ae") }
    func line(_ name: String, _ values: [Double]) -> QuotaLine {
      let sorted = values.sorted()
      let quota = max(0, DistributionSummary.quantile(sorted: sorted, level))
      let reached = values.filter { $0 >= quota }.count
      return QuotaLine(
        group: name, quota: quota, bookings: DistributionSummary(values: values),
        attainment: DifferenceSummary(values: quota > 0 ? values.map { $0 / quota } : values.map { _ in 0 }),
        probabilityOfQuota: Double(reached) / Double(max(1, values.count)))
    }
    var lines: [QuotaLine] = []
    for rep in listed {
      guard let g = byOwner.groupNames.firstIndex(of: rep.id) else { continue }
      var l = line(rep.id, byOwner.groupColumn(byOwner.groupBookings, group: g, period: p))
      l.team = rep.team
      l.role = rep.role
      l.tenureMonthsAtPeriodStart = rep.hiredOn.map {
        max(0, Int(Double($0.distance(to: request.period.start)) / 30.4375))
      }
      lines.append(l)
    }
    lines.sort { $0.group < $1.group }

    // Teams: each team's own quantile from the simulated team totals.
    var teams: [QuotaLine] = []
    if fitted.contains(where: { $0.team != nil }) {
      let teamSim = try PipelineSimulator(model: model, folder: folder, options: options(.team))
      var byTeam = teamSim.run()
      Forecasting.addBookedToDate(folder: folder, trials: &byTeam)
      for (g, name) in byTeam.groupNames.enumerated() where name != "(none)" {
        var l = line(name, byTeam.groupColumn(byTeam.groupBookings, group: g, period: p))
        l.sumOfRepQuotas = lines.filter { $0.team == name }.reduce(0) { $0 + $1.quota }
        teams.append(l)
      }
    }

    // Company.
    let company = byOwner.column(byOwner.bookings, period: p)
    let companyLine = line("(company)", company)
    let sumOfRepQuotas = lines.reduce(0) { $0 + $1.quota }
    notes.append(
      "Quotas are the \(Int((level * 100).rounded()))th percentile of each rep's simulated bookings; the company's own percentile (\(Int(companyLine.quota.rounded()))) is not the sum of the reps' (\(Int(sumOfRepQuotas.rounded()))): quantiles do not add, and bookings of reps not listed (open deals of former reps, unassigned) count only in the company total.")

    var plan = QuotaPlan(
      asOf: asOf, period: request.period.label, confidence: request.confidence,
      trials: request.trials, seed: request.seed, lines: lines, teams: teams,
      companyQuota: companyLine.quota, sumOfRepQuotas: sumOfRepQuotas,
      companyBookings: companyLine.bookings, companyTarget: request.companyTarget, gap: nil,
      probabilityOfTarget: nil, leadVolumeMultiplier: nil, funnel: [], hiresToCloseGap: nil,
      notes: notes)

    guard let target = request.companyTarget else { return plan }
    plan.gap = target - companyLine.quota
    plan.probabilityOfTarget = Double(company.filter { $0 >= target }.count) / Double(max(1, company.count))
    guard request.reverseFunnel else { return plan }

    // Reverse funnel: common random numbers make P(≥ target) nearly monotone in the lever, so
    // bisection on the lever is stable.
    let sim = try PipelineSimulator(model: model, folder: folder, options: options(nil))
    // Wins already booked in the period (when it has started) are a constant in every trial.
    let raw = sim.run()
    var booked = raw
    Forecasting.addBookedToDate(folder: folder, trials: &booked)
    let alreadyBooked = booked.bookings[p] - raw.bookings[p]
    func reaches(_ adjustments: SimulationAdjustments) -> Bool {
      let t = sim.run(adjustments: adjustments)
      let v = t.column(t.bookings, period: p)
      let hits = v.filter { $0 + alreadyBooked >= target }.count
      return Double(hits) / Double(max(1, v.count)) >= request.confidence
    }
    let start = asOf.advanced(by: 1)
    if let funnel = model.leadFunnel, !funnel.sources.isEmpty, (plan.probabilityOfTarget ?? 0) < request.confidence {
      func volume(_ m: Double) -> SimulationAdjustments {
        var a = SimulationAdjustments(startDay: start)
        for s in funnel.sources { a.leadVolumeMultiplier[s.source] = m }
        return a
      }
      if reaches(volume(5)) {
        var lo = 1.0
        var hi = 5.0
        for _ in 0..<10 {
          let mid = 0.5 * (lo + hi)
          if reaches(volume(mid)) { hi = mid } else { lo = mid }
        }
        plan.leadVolumeMultiplier = hi
      } else {
        plan.notes.append("Even 5× the leads of every source do not reach the target with \(Int(request.confidence * 100))% chance.")
      }
    }
    if let funnel = model.leadFunnel {
      let weeks = Double(start.distance(to: request.period.end)) / 7
      let m = plan.leadVolumeMultiplier ?? 1
      let contact = funnel.contactRate
      let qualify = funnel.qualificationRate
      plan.funnel = funnel.sources.map { s in
        let leads = s.weeklyRateAtAsOf * weeks
        return FunnelNeed(
          source: s.source, baselineLeads: leads, neededLeads: leads * m,
          neededMeetings: leads * m * contact * qualify,
          neededOpportunities: leads * m * contact * qualify * funnel.dealConversionRate)
      }.sorted { $0.source < $1.source }
      plan.notes.append(
        "Reverse funnel: every source's leads scaled by one factor from \(start); meetings = contacted and qualified leads (rates \(String(format: "%.2f", contact)) × \(String(format: "%.2f", qualify)) at the fitted load), opportunities = deals created from them (× \(String(format: "%.2f", funnel.dealConversionRate))). Counts are over \(start) … \(request.period.end.advanced(by: -1)), the lead time included.")
    }
    if model.reps != nil, (plan.probabilityOfTarget ?? 0) < request.confidence {
      func hires(_ k: Int) -> SimulationAdjustments {
        SimulationAdjustments(startDay: start, hires: k > 0 ? [StaffChange(day: start, count: k)] : [])
      }
      // Doubling then bisection on the count.
      var hi = 1
      while hi <= 50 && !reaches(hires(hi)) { hi *= 2 }
      if hi <= 50 || reaches(hires(50)) {
        var lo = hi / 2
        hi = min(hi, 50)
        while hi - lo > 1 {
          let mid = (lo + hi) / 2
          if reaches(hires(mid)) { hi = mid } else { lo = mid }
        }
        plan.hiresToCloseGap = hi
      } else {
        plan.notes.append("Even 50 AEs hired on \(start) do not reach the target with \(Int(request.confidence * 100))% chance: new AEs ramp up.")
      }
    } else if model.reps != nil {
      plan.hiresToCloseGap = 0
    }
    return plan
  }
}
