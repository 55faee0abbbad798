import CRMData
import Foundation
import Statistics

/// FunnelAnalysis: what happens to leads after first contact, with censoring handled.
///
/// Imports CRMData and Statistics.
public enum FunnelAnalysisModule {}

/// How leads are grouped into rows.
public enum LeadGrouping: String, Sendable, Codable, CaseIterable {
  /// The lead's source (Olist: its marketing origin).
  case source
  /// The calendar month of first contact (a cohort).
  case month
}

/// Settings of a lead-funnel analysis.
public struct LeadFunnelOptions: Sendable, Codable, Equatable {
  /// Days after first contact at which the cumulative incidence of a win is reported, ascending.
  public var horizons: [Int]
  public var grouping: LeadGrouping
  /// Groups with fewer leads are merged into one "other (< N leads)" row; 0 keeps every group.
  public var minimumLeads: Int
  /// Two-sided level of the intervals.
  public var level: Double
  /// Only leads whose first contact is on or after this day (a cohort window); nil: no bound.
  public var contactedFrom: Day?
  /// Only leads whose first contact is on or before this day; nil: no bound.
  public var contactedThrough: Day?

  public init(
    horizons: [Int] = [30, 90, 180], grouping: LeadGrouping = .source, minimumLeads: Int = 0,
    level: Double = 0.95,
    contactedFrom: Day? = nil, contactedThrough: Day? = nil
  ) {
    self.horizons = horizons
    self.grouping = grouping
    self.minimumLeads = minimumLeads
    self.level = level
    self.contactedFrom = contactedFrom
    self.contactedThrough = contactedThrough
  }
}

/// The probability of a win by `days` after first contact, with its interval.
public struct IncidenceAt: Sendable, Codable, Equatable {
  public var days: Int
  /// F̂(days); nil when the group has no lead followed that long.
  public var value: Double?
  public var lower: Double?
  public var upper: Double?
  /// Leads still without an exit and not censored just before `days`.
  public var atRisk: Int
}

/// One row of the funnel table: a group of leads followed from first contact.
public struct LeadFunnelRow: Sendable, Codable, Equatable {
  public var group: String
  public var leads: Int
  /// Leads whose deal was won on or before the export date.
  public var wins: Int
  /// Leads that left without a win (disqualified, or their deal lost): the competing exit.
  public var losses: Int
  /// Leads with neither: censored at the export date.
  public var censored: Int
  /// wins / leads: what "every lead without a win is lost" gives.
  public var naiveConversion: Double
  /// Jeffreys interval of `naiveConversion`.
  public var naiveLower: Double
  public var naiveUpper: Double
  /// F̂ at each horizon: the censoring-aware probability of a win by then.
  public var incidence: [IncidenceAt]
  /// F̂ at the last follow-up of the group (the plateau the data can see).
  public var incidenceAtEnd: Double
  /// Days from first contact to the export date: the shortest and longest follow-up in the group.
  public var minFollowUpDays: Double
  public var maxFollowUpDays: Double
  /// Median and 90th percentile of the days to win among leads that win within the last horizon,
  /// from F̂ (censoring-aware): the smallest t with F̂(t) ≥ q · F̂(last horizon). nil without
  /// wins or when the group is not followed that long.
  public var medianDaysToWin: Double?
  public var p90DaysToWin: Double?
  /// Median of the observed days to win over the wins seen (biased short by censoring: the slow
  /// wins of recent leads are not seen yet). Shown for comparison.
  public var observedMedianDaysToWin: Double?
}

/// The result of `LeadFunnel.analyze`.
public struct LeadFunnelResult: Sendable, Codable, Equatable {
  public var options: LeadFunnelOptions
  /// The export date: every lead without an exit is censored at the end of this day.
  public var exportDate: Day
  /// "kaplan-meier" when no lead has a competing (lost) exit, else "aalen-johansen".
  public var estimator: String
  public var total: LeadFunnelRow
  /// Sorted by leads (descending), then name; months in date order.
  public var rows: [LeadFunnelRow]
  public var notes: [String]
}

/// Why a funnel analysis cannot run.
public enum LeadFunnelError: Error, Equatable, CustomStringConvertible {
  case noLeads
  case badHorizons([Int])

  public var description: String {
    switch self {
    case .noLeads:
      return
        "no leads to follow: the folder has no leads.csv, or no lead was first contacted in the window"
    case .badHorizons(let h):
      return
        "horizons must be positive days in ascending order (got \(h.map(String.init).joined(separator: ",")))"
    }
  }
}

/// Lead-funnel analysis: from first contact to a win, per lead source or cohort month.
///
/// Each lead is followed from first contact (`first_contact_on`, else `created_on`):
/// - **won** when its deal is won (at the deal's `closed_on`);
/// - **lost** when it was disqualified or its deal lost (a competing exit);
/// - otherwise **censored** at the end of the export date: it has gone this long without a win,
///   and nothing says it never will. Counting those leads as lost biases conversion low; dropping
///   them biases it high (METHODS.md, "Censoring and competing risks").
///
/// The probability of a win by day t is the cumulative incidence F̂(t): the Aalen–Johansen
/// estimate with lost as the competing cause, which is 1 − Kaplan–Meier when no lead is lost
/// (Olist records only wins). Intervals: with no competing exits, the log(−log) transform of
/// Greenwood's variance of Ŝ; with competing exits none are given (noted).
public enum LeadFunnel {
  /// One lead's follow-up.
  struct Subject {
    var group: String
    var days: Double
    /// 0 won, 1 lost, nil censored.
    var cause: Int?
  }

  public static func analyze(folder: CRMFolder, options: LeadFunnelOptions = LeadFunnelOptions())
    throws -> LeadFunnelResult
  {
    guard let leads = folder.leads, !leads.isEmpty else { throw LeadFunnelError.noLeads }
    guard !options.horizons.isEmpty, options.horizons.allSatisfy({ $0 > 0 }),
      zip(options.horizons, options.horizons.dropFirst()).allSatisfy({ $0 < $1 })
    else { throw LeadFunnelError.badHorizons(options.horizons) }

    var dealByID: [String: Int] = [:]
    for (i, d) in folder.deals.enumerated() { dealByID[d.id] = i }
    let exportEnd = Moment(folder.asOf.advanced(by: 1))
    var subjects: [Subject] = []
    subjects.reserveCapacity(leads.count)
    var clamped = 0
    var openDeals = 0
    var notes: [String] = []
    var outside = 0
    for lead in leads {
      let start = lead.firstContactOn ?? lead.createdOn
      if let from = options.contactedFrom, start.day < from {
        outside += 1
        continue
      }
      if let through = options.contactedThrough, start.day > through {
        outside += 1
        continue
      }
      var end = exportEnd
      var cause: Int? = nil
      if let id = lead.dealID, let i = dealByID[id] {
        let deal = folder.deals[i]
        switch deal.status {
        case .won:
          if let c = deal.closedOn { (end, cause) = (c, 0) }
        case .lost:
          if let c = deal.closedOn { (end, cause) = (c, 1) }
        case .open:
          openDeals += 1
        }
      } else if let dq = lead.disqualifiedOn {
        (end, cause) = (dq, 1)
      }
      var days = start.days(to: end)
      if days < 0 {
        clamped += 1
        days = 0
      }
      let group: String
      switch options.grouping {
      case .source: group = lead.source
      case .month:
        let (y, m, _) = start.day.components
        group = String(format: "%04d-%02d", y, m)
      }
      subjects.append(Subject(group: group, days: days, cause: cause))
    }
    if outside > 0 {
      notes.append(
        "\(outside) lead(s) first contacted outside \(options.contactedFrom?.description ?? "the first lead") … "
          + "\(options.contactedThrough?.description ?? "the export date") left out")
    }
    guard !subjects.isEmpty else { throw LeadFunnelError.noLeads }
    if clamped > 0 {
      notes.append(
        "\(clamped) lead(s) exited before their first contact: time to exit set to 0 days")
    }
    if openDeals > 0 {
      notes.append("\(openDeals) lead(s) have a deal still open at the export date: censored there")
    }

    // Groups: sources by size, months in order; small groups pooled when asked.
    var byGroup: [String: [Int]] = [:]
    for (i, s) in subjects.enumerated() { byGroup[s.group, default: []].append(i) }
    var names = byGroup.keys.sorted()
    if options.grouping == .source {
      names.sort { (byGroup[$0]!.count, $1) > (byGroup[$1]!.count, $0) }
    }
    var rows: [LeadFunnelRow] = []
    var pooled: [Int] = []
    var pooledNames: [String] = []
    for name in names {
      let members = byGroup[name]!
      if members.count < options.minimumLeads {
        pooled += members
        pooledNames.append(name)
      } else {
        rows.append(row(name, members.map { subjects[$0] }, options))
      }
    }
    if !pooled.isEmpty {
      rows.append(
        row(
          "other (< \(options.minimumLeads) leads)", pooled.sorted().map { subjects[$0] }, options))
      notes.append(
        "pooled into \"other (< \(options.minimumLeads) leads)\": \(pooledNames.joined(separator: ", "))"
      )
    }
    let total = row("all leads", subjects, options)
    let competing = subjects.contains { $0.cause == 1 }
    if competing {
      notes.append(
        "lost leads are a competing exit (Aalen–Johansen); no intervals are given for the incidence"
      )
    } else {
      notes.append(
        "no lead has a lost exit: F̂ = 1 − Kaplan–Meier, leads without a win censored at the export date \(folder.asOf)"
      )
    }
    return LeadFunnelResult(
      options: options, exportDate: folder.asOf,
      estimator: competing ? "aalen-johansen" : "kaplan-meier",
      total: total, rows: rows, notes: notes)
  }

  static func row(_ name: String, _ subjects: [Subject], _ options: LeadFunnelOptions)
    -> LeadFunnelRow
  {
    let durations = subjects.map(\.days)
    let causes = subjects.map(\.cause)
    let wins = causes.filter { $0 == 0 }.count
    let losses = causes.filter { $0 == 1 }.count
    let n = subjects.count
    let aj = AalenJohansen(durations: durations, causes: causes, causeCount: 2)
    let competing = losses > 0
    let km = competing ? nil : KaplanMeier(durations: durations, observed: causes.map { $0 == 0 })
    let maxTime = durations.max() ?? 0
    let z = Special.normalQuantile((1 + options.level) / 2)
    func incidence(_ t: Double) -> Double { aj.cumulativeIncidence(cause: 0, at: t) }
    let sortedDurations = durations.sorted()
    var horizons: [IncidenceAt] = []
    for h in options.horizons {
      let t = Double(h)
      // At risk just before t: durations ≥ t.
      let atRisk = n - lowerBound(sortedDurations, t)
      guard t <= maxTime else {
        horizons.append(IncidenceAt(days: h, value: nil, lower: nil, upper: nil, atRisk: atRisk))
        continue
      }
      let f = incidence(t)
      var lower: Double? = nil
      var upper: Double? = nil
      if let km {
        let (lo, hi) = logLogInterval(km, at: t, z: z)
        (lower, upper) = (1 - hi, 1 - lo)
      }
      horizons.append(IncidenceAt(days: h, value: f, lower: lower, upper: upper, atRisk: atRisk))
    }
    let last = Double(options.horizons.last!)
    var median: Double? = nil
    var p90: Double? = nil
    if last <= maxTime {
      let fLast = incidence(last)
      if fLast > 0 {
        median = conditionalQuantile(aj, 0.5 * fLast)
        p90 = conditionalQuantile(aj, 0.9 * fLast)
      }
    }
    let winDays = subjects.filter { $0.cause == 0 }.map(\.days).sorted()
    let (nl, nu) = ProportionInterval.jeffreys(
      successes: Double(wins), trials: Double(n), level: options.level)
    let censoredTimes = subjects.filter { $0.cause == nil }.map(\.days)
    return LeadFunnelRow(
      group: name, leads: n, wins: wins, losses: losses, censored: n - wins - losses,
      naiveConversion: Double(wins) / Double(n), naiveLower: nl, naiveUpper: nu,
      incidence: horizons,
      incidenceAtEnd: aj.incidence[0].last ?? 0,
      minFollowUpDays: censoredTimes.min() ?? 0, maxFollowUpDays: censoredTimes.max() ?? maxTime,
      medianDaysToWin: median, p90DaysToWin: p90,
      observedMedianDaysToWin: winDays.isEmpty ? nil : Quantiles.type7(sorted: winDays, 0.5))
  }

  /// The smallest event time at which F̂(win) reaches `target`.
  static func conditionalQuantile(_ aj: AalenJohansen, _ target: Double) -> Double? {
    for (j, t) in aj.times.enumerated() where aj.incidence[0][j] >= target - 1e-12 { return t }
    return nil
  }

  /// Index of the first element ≥ x in a sorted array.
  static func lowerBound(_ sorted: [Double], _ x: Double) -> Int {
    var lo = 0
    var hi = sorted.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if sorted[mid] < x { lo = mid + 1 } else { hi = mid }
    }
    return lo
  }

  /// The log(−log) interval of Ŝ(t): exp(−exp(log(−log Ŝ) ± z·σ)), σ² = Var(Ŝ) / (Ŝ log Ŝ)².
  static func logLogInterval(_ km: KaplanMeier, at t: Double, z: Double) -> (Double, Double) {
    var lo = 0
    var hi = km.times.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if km.times[mid] <= t { lo = mid + 1 } else { hi = mid }
    }
    guard lo > 0 else { return (1, 1) }
    let s = km.survival[lo - 1]
    let v = km.variance[lo - 1]
    guard s > 0, s < 1, v > 0 else { return (s, s) }
    let sigma = v.squareRoot() / abs(s * log(s))
    let c = log(-log(s))
    // Larger c means smaller S.
    let a = exp(-exp(c + z * sigma))
    let b = exp(-exp(c - z * sigma))
    return (a, b)
  }
}
