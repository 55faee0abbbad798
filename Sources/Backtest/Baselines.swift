import CRMData
import PipelineModel

/// The forecasts people already use, each computed from the same point-in-time folder as
/// Pipecast's forecast.
///
/// The expected-close-based baselines (CRM weighted, commit) see only deals already open at the
/// origin: deals created later and won inside the period are invisible to them by construction.
/// That is what those numbers are; they are not corrected here. With an origin inside the target
/// period (monthly/weekly), bookings already won in the period on or before as-of are added to
/// CRM weighted, fitted weighted and commit (they are known); run rate and seasonal naive are
/// whole-period figures and are left as they are.
public struct BaselineForecasts: Sendable, Equatable {
  /// Σ amount × stages.csv probability of the deal's current stage, over open deals whose
  /// expected close date falls in the target period. nil when no stage has a CRM probability, or
  /// no deal open at the origin has an expected close date (there is nothing to filter on).
  public var crmWeighted: Double?
  /// Σ amount × the fitted P(won inside the period | stage, age in stage) over all open deals
  /// (the fitted probability already accounts for timing, so no expected-close filter). nil when
  /// the forecaster gives no deal-level probabilities.
  public var fittedWeighted: Double?
  /// Σ amount of open deals expected to close in the period that are in commit: forecast_category
  /// `commit` when the deal has a forecast category, else being in the last open stage. nil when
  /// no deal open at the origin has an expected close date.
  public var commit: Double?
  /// Bookings of the last complete period of the target's length ending on or before as-of.
  public var runRate: Double
  /// Bookings of the target period a year earlier × the year's growth (trailing year over the year
  /// before); falls back to the run rate without a year of history (see `notes`).
  public var seasonalNaive: Double
  public var notes: [String]

  /// Values by method key, in `BacktestMethod.baselines` order.
  public func value(of method: BacktestMethod) -> Double? {
    switch method {
    case .crmWeighted: return crmWeighted
    case .fittedWeighted: return fittedWeighted
    case .commit: return commit
    case .runRate: return runRate
    case .seasonalNaive: return seasonalNaive
    case .pipecast: return nil
    }
  }
}

/// The point-in-time quantities the baselines need, computed once per origin.
public struct PointInTimePipeline: Sendable {
  /// One deal open at as-of.
  public struct OpenDeal: Sendable, Hashable {
    public var id: String
    public var amount: Double
    /// Name of the current stage (nil when the history does not place it).
    public var stage: String?
    /// The CRM (stages.csv) probability of that stage.
    public var crmProbability: Double?
    public var isLastOpenStage: Bool
    public var expectedCloseOn: Day?
    public var forecastCategory: ForecastCategory?
  }

  public var asOf: Day
  public var openDeals: [OpenDeal]
  /// Won bookings by closing day (known at as-of: closed deals keep their final values).
  var wins: [(day: Day, amount: Double)]
  /// First day a deal was created (start of the usable history).
  public var historyStart: Day?
  public var hasCRMProbabilities: Bool

  /// - Parameter folder: the as-of view (`CRMFolder.asOf(_:)`).
  public init(folder: CRMFolder) {
    asOf = folder.asOf
    let episodes = StageEpisodes(folder: folder)
    let lastOpen = folder.openStages.last?.name
    hasCRMProbabilities = folder.stagesFromFile && folder.stages.contains { $0.probability != nil }
    var probability: [String: Double] = [:]
    for s in folder.stages { if let p = s.probability { probability[s.name] = p } }
    var open: [OpenDeal] = []
    var wins: [(day: Day, amount: Double)] = []
    var start: Day?
    for (i, deal) in folder.deals.enumerated() {
      let created = deal.createdOn.day
      if start.map({ created < $0 }) ?? true { start = created }
      switch deal.status {
      case .open:
        let stage = episodes.currentStage[i].map { episodes.stages[$0].name }
        open.append(
          OpenDeal(
            id: deal.id, amount: deal.amount, stage: stage,
            crmProbability: stage.flatMap { probability[$0] },
            isLastOpenStage: stage != nil && stage == lastOpen,
            expectedCloseOn: deal.expectedCloseOn?.day, forecastCategory: deal.forecastCategory))
      case .won:
        if let closed = deal.closedOn?.day { wins.append((closed, deal.amount)) }
      default:
        break
      }
    }
    openDeals = open
    self.wins = wins
    historyStart = start
  }

  /// Won bookings with closing day in [from, to).
  public func bookings(from: Day, to: Day) -> Double {
    var total = 0.0
    for w in wins where w.day >= from && w.day < to { total += w.amount }
    return total
  }

  /// Won bookings in `period` on or before as-of.
  public func bookedSoFar(in period: Period) -> Double {
    bookings(from: period.start, to: min(period.end, asOf.advanced(by: 1)))
  }

  /// The baselines for `target`.
  /// - Parameter fittedWinProbabilities: deal id → fitted P(won inside the target | stage, age).
  public func baselines(
    target: Period, calendar: FiscalCalendar, fittedWinProbabilities: [String: Double]
  ) -> BaselineForecasts {
    var notes: [String] = []
    let booked = bookedSoFar(in: target)
    func expectedIn(_ d: OpenDeal) -> Bool { d.expectedCloseOn.map(target.contains) ?? false }

    // Without any expected close date the two expected-close baselines are not defined: a 0
    // would score the CRM's number as a 100% miss when the export simply lacks the column.
    let hasExpectedClose = openDeals.contains { $0.expectedCloseOn != nil }
    if !hasExpectedClose && !openDeals.isEmpty {
      notes.append("no expected close dates on the open deals: CRM weighted and commit not computed")
    }
    var crm: Double? = nil
    if hasCRMProbabilities, hasExpectedClose || openDeals.isEmpty {
      var total = booked
      for d in openDeals where expectedIn(d) { total += d.amount * (d.crmProbability ?? 0) }
      crm = total
    } else if !hasCRMProbabilities {
      notes.append("no stage probabilities in stages.csv: CRM weighted pipeline not computed")
    }

    var fitted: Double? = nil
    if !fittedWinProbabilities.isEmpty {
      var total = booked
      for d in openDeals { total += d.amount * (fittedWinProbabilities[d.id] ?? 0) }
      fitted = total
    }

    var commit: Double? = nil
    if hasExpectedClose || openDeals.isEmpty {
      var total = booked
      for d in openDeals where expectedIn(d) {
        let inCommit = d.forecastCategory.map { $0 == .commit } ?? d.isLastOpenStage
        if inCommit { total += d.amount }
      }
      commit = total
    }

    // Run rate: the last complete period of the same length.
    let dayAfter = asOf.advanced(by: 1)
    var last = calendar.period(target.length, containing: asOf)
    if last.end > dayAfter { last = last.previous }
    let runRate = bookings(from: last.start, to: last.end)

    let yearAgo = target.yearEarlier
    var seasonal = runRate
    if let start = historyStart, yearAgo.start >= start, yearAgo.end <= dayAfter {
      let trailingStart = last.yearEarlier.end
      let priorStart = last.yearEarlier.yearEarlier.end
      let trailing = bookings(from: trailingStart, to: last.end)
      let prior = bookings(from: priorStart, to: trailingStart)
      var growth = 1.0
      if priorStart >= start && prior > 0 {
        growth = trailing / prior
      } else {
        notes.append(
          "seasonal naive: less than two years of history before \(last.end): growth not estimated (×1)"
        )
      }
      seasonal = bookings(from: yearAgo.start, to: yearAgo.end) * growth
    } else {
      notes.append("seasonal naive: no history for \(yearAgo.label): fell back to the run rate")
    }
    return BaselineForecasts(
      crmWeighted: crm, fittedWeighted: fitted, commit: commit, runRate: runRate,
      seasonalNaive: seasonal, notes: notes)
  }
}
