import CRMData
import Foundation
import PipelineModel
import Simulation
import Statistics

/// A plain-language reason to look at a deal. Each is a fact a reviewer can check against the
/// row it is printed on (docs/INSPECTION.md, "Flags").
public enum RiskFlag: String, Codable, CaseIterable, Sendable, Hashable {
  /// In its stage longer than the stage's fitted P90 time in stage.
  case stalled
  /// The CRM close date was pushed later at least `slipsForFlag` times.
  case slippedRepeatedly = "slipped_repeatedly"
  /// The CRM expected close date is before the as-of date and the deal is still open.
  case overdue
  /// No done activity on the deal (or since its creation) for `quietDays` days or more.
  case goneQuiet = "gone_quiet"
  /// No planned activity on the deal dated on or after the as-of date.
  case noNextStep = "no_next_step"
  /// Amount at or above the large-deal threshold and P(ever) below the low-probability one.
  case largeLowProbability = "large_low_probability"
}

/// How `pipecast deals` orders its rows. Every order is descending, ties broken by deal id.
public enum DealSort: String, Sendable, CaseIterable, Codable {
  /// By attention value, amount × (P(in period | on track) − P(in period)).
  case risk
  /// By amount.
  case value
  /// By P(won within the period).
  case probability
  /// By expected contribution to the period, amount × P(in period).
  case expected
}

/// Settings of a deal inspection; every default is stated in docs/INSPECTION.md.
public struct DealInspectionOptions: Sendable {
  /// The period whose bookings the deals are measured against.
  public var period: Period
  /// `gone_quiet` when the last done activity (or the creation, without any) is this many days
  /// before as-of or more. Three weeks: a deal nobody touched for a sprint is worth a question.
  public var quietDays: Int = 21
  /// `slipped_repeatedly` from this many pushes of the close date.
  public var slipsForFlag: Int = 2
  /// A deal is large from this amount; nil: the `largeAmountQuantile` of the open amounts.
  public var largeAmount: Double? = nil
  public var largeAmountQuantile: Double = 0.8
  /// `large_low_probability` below this P(ever).
  public var lowProbability: Double = 0.2
  /// How far the model's median close date is searched, in days after as-of (two years).
  public var closeDateHorizonDays: Int = 730

  public init(period: Period) { self.period = period }
}

/// One open deal, as `pipecast deals` prints it. JSON keys are snake_case; a value that cannot
/// be computed is `null`.
public struct InspectedDeal: Encodable, Sendable, Equatable {
  public var dealID: String
  public var stage: String
  public var amount: Double
  public var ownerID: String
  /// The rep's own call (forecast_category), as of as-of.
  public var forecastCategory: ForecastCategory?
  /// Days in the current stage at the end of the as-of day (the model's age).
  public var daysInStage: Double?
  public var stageMedianDays: Double?
  public var stageP90Days: Double?
  /// P(won within the period) and P(ever won), both conditioned on the age in stage.
  public var probabilityInPeriod: Double?
  public var probabilityEver: Double?
  /// amount × probabilityInPeriod.
  public var expectedValue: Double?
  /// expectedValue / the period's simulated P50 bookings.
  public var shareOfP50: Double?
  /// P(won within the period) were the deal on track: the same deal just entered its stage.
  public var probabilityInPeriodOnTrack: Double?
  /// amount × (probabilityInPeriodOnTrack − probabilityInPeriod): the period's expected bookings
  /// the deal has lost by its age in stage, which attention could win back; the `--sort risk`
  /// key. Negative when its age makes a win in the period likelier than for a fresh entry.
  public var attentionValue: Double?
  /// The median win date given a win; nil when beyond the search horizon or never.
  public var modelCloseOn: Day?
  public var crmCloseOn: Day?
  /// Pushes of the CRM close date to a later date, in history up to as-of.
  public var slips: Int
  public var lastActivityOn: Day?
  public var daysSinceActivity: Int?
  /// A planned activity dated on or after as-of; nil when the export has no planned activities.
  public var nextStepPlanned: Bool?
  public var flags: [RiskFlag]

  enum CodingKeys: String, CodingKey {
    case dealID = "deal_id"
    case stage, amount
    case ownerID = "owner_id"
    case forecastCategory = "forecast_category"
    case daysInStage = "days_in_stage"
    case stageMedianDays = "stage_median_days"
    case stageP90Days = "stage_p90_days"
    case probabilityInPeriod = "probability_in_period"
    case probabilityEver = "probability_ever"
    case expectedValue = "expected_value"
    case shareOfP50 = "share_of_p50"
    case probabilityInPeriodOnTrack = "probability_in_period_on_track"
    case attentionValue = "attention_value"
    case modelCloseOn = "model_close_on"
    case crmCloseOn = "crm_close_on"
    case slips
    case lastActivityOn = "last_activity_on"
    case daysSinceActivity = "days_since_activity"
    case nextStepPlanned = "next_step_planned"
    case flags
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(dealID, forKey: .dealID)
    try c.encode(stage, forKey: .stage)
    try c.encode(amount, forKey: .amount)
    try c.encode(ownerID, forKey: .ownerID)
    try c.encode(forecastCategory, forKey: .forecastCategory)
    try c.encode(daysInStage, forKey: .daysInStage)
    try c.encode(stageMedianDays, forKey: .stageMedianDays)
    try c.encode(stageP90Days, forKey: .stageP90Days)
    try c.encode(probabilityInPeriod, forKey: .probabilityInPeriod)
    try c.encode(probabilityEver, forKey: .probabilityEver)
    try c.encode(expectedValue, forKey: .expectedValue)
    try c.encode(shareOfP50, forKey: .shareOfP50)
    try c.encode(probabilityInPeriodOnTrack, forKey: .probabilityInPeriodOnTrack)
    try c.encode(attentionValue, forKey: .attentionValue)
    try c.encode(modelCloseOn, forKey: .modelCloseOn)
    try c.encode(crmCloseOn, forKey: .crmCloseOn)
    try c.encode(slips, forKey: .slips)
    try c.encode(lastActivityOn, forKey: .lastActivityOn)
    try c.encode(daysSinceActivity, forKey: .daysSinceActivity)
    try c.encode(nextStepPlanned, forKey: .nextStepPlanned)
    try c.encode(flags, forKey: .flags)
  }

  /// The value `sort` orders by (missing values count as 0).
  public func sortKey(_ sort: DealSort) -> Double {
    switch sort {
    case .risk: return attentionValue ?? 0
    case .value: return amount
    case .probability: return probabilityInPeriod ?? 0
    case .expected: return expectedValue ?? 0
    }
  }
}

/// The thresholds the flags used, printed with the table so every flag can be checked.
public struct FlagThresholds: Encodable, Sendable, Equatable {
  public var quietDays: Int
  public var slipsForFlag: Int
  public var largeAmount: Double
  public var lowProbability: Double

  enum CodingKeys: String, CodingKey {
    case quietDays = "quiet_days"
    case slipsForFlag = "slips_for_flag"
    case largeAmount = "large_amount"
    case lowProbability = "low_probability"
  }
}

/// What `pipecast deals` reports.
public struct DealInspection: Encodable, Sendable, Equatable {
  public var asOf: Day
  public var period: Period
  /// The period's simulated P50 bookings (nil when not computed).
  public var periodP50: Double?
  public var thresholds: FlagThresholds
  public var deals: [InspectedDeal]
  public var notes: [String]

  enum CodingKeys: String, CodingKey {
    case asOf = "as_of"
    case period
    case periodP50 = "period_p50"
    case thresholds, deals, notes
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(asOf, forKey: .asOf)
    try c.encode(period, forKey: .period)
    try c.encode(periodP50, forKey: .periodP50)
    try c.encode(thresholds, forKey: .thresholds)
    try c.encode(deals, forKey: .deals)
    try c.encode(notes, forKey: .notes)
  }

  /// The rows ordered by `sort`, descending, ties by deal id.
  public func sorted(by sort: DealSort) -> DealInspection {
    var copy = self
    copy.deals.sort { a, b in
      let (ka, kb) = (a.sortKey(sort), b.sortKey(sort))
      return ka != kb ? ka > kb : a.dealID < b.dealID
    }
    return copy
  }

  /// Only the deals owned by one of `owners`.
  public func filtered(owners: Set<String>) -> DealInspection {
    var copy = self
    copy.deals = deals.filter { owners.contains($0.ownerID) }
    return copy
  }

  /// The first `count` rows.
  public func prefix(_ count: Int) -> DealInspection {
    var copy = self
    copy.deals = Array(deals.prefix(count))
    return copy
  }
}

/// Builds the deal inspection of a point-in-time folder against a fitted model.
public enum DealInspector {
  /// The period's P50 bookings from the simulator (scope all: open pipeline, deals still to be
  /// created, and what is already booked in a started period), the denominator of
  /// `share_of_p50`. Deterministic for a seed.
  public static func periodP50(
    model: FittedPipeline, folder: CRMFolder, period: Period, trials: Int = 2_000,
    seed: UInt64 = 1, threads: Int = 1
  ) throws(SimulationError) -> Double {
    let options = SimulationOptions(periods: [period], trials: trials, seed: seed, threads: threads)
    let result = try Forecasting.forecast(model: model, folder: folder, options: options)
    return result.periods.first?.bookings.p50 ?? 0
  }

  /// Every deal open at `folder.asOf`, in deals.csv order (sort with `DealInspection.sorted`).
  ///
  /// - Parameters:
  ///   - folder: the point-in-time view (`CRMFolder.asOf(_:)` already applied).
  ///   - model: fitted on the same view.
  ///   - periodP50: the period's P50 bookings (e.g. `periodP50(model:folder:...)`), for each
  ///     deal's share; nil leaves `share_of_p50` null.
  /// - Throws: `InspectionError.periodOver` when the period ends on or before as-of;
  ///   `.noStages` for a model without stages.
  public static func inspect(
    folder: CRMFolder, model: FittedPipeline, options: DealInspectionOptions,
    periodP50: Double? = nil
  ) throws(InspectionError) -> DealInspection {
    guard !model.stages.isEmpty else { throw .noStages }
    let asOf = folder.asOf
    let period = options.period
    guard period.end > asOf.advanced(by: 1) else {
      throw .periodOver(period: period.label, asOf: asOf)
    }
    let window = period.dayOffsets(after: asOf)
    var timing = WinTiming(
      model: model, horizonDays: max(window.upperBound, options.closeDateHorizonDays, 1))
    let shifts = RepShifts(model: model)
    let open = DealSnapshot.all(of: folder, model: model).filter { $0.status == .open }
    let activity = ActivityIndex(folder: folder)
    var notes: [String] = []

    let amounts = open.map(\.amount).sorted()
    let large =
      options.largeAmount
      ?? Self.quantile(sorted: amounts, options.largeAmountQuantile)
    let thresholds = FlagThresholds(
      quietDays: options.quietDays, slipsForFlag: options.slipsForFlag, largeAmount: large,
      lowProbability: options.lowProbability)

    var rows: [InspectedDeal] = []
    var unplaced = 0
    for deal in open {
      var row = InspectedDeal(
        dealID: deal.id, stage: folder.currentStage(ofDeal: deal.index) ?? "(none)",
        amount: deal.amount, ownerID: deal.ownerID, forecastCategory: deal.forecastCategory,
        daysInStage: nil, stageMedianDays: nil, stageP90Days: nil, probabilityInPeriod: nil,
        probabilityEver: nil, expectedValue: nil, shareOfP50: nil, probabilityInPeriodOnTrack: nil,
        attentionValue: nil,
        modelCloseOn: nil, crmCloseOn: deal.expectedCloseOn,
        slips: Self.slips(folder.historyRows(ofDeal: deal.index)), lastActivityOn: nil,
        daysSinceActivity: nil, nextStepPlanned: nil, flags: [])
      if let s = deal.stage {
        let stage = model.stages[s]
        let age = deal.ageDays(asOf: asOf)
        let position = DealPosition(
          stage: s, ageDays: age,
          lossLogOddsShift: shifts.shift(owner: deal.ownerID, createdOn: deal.createdOn))
        let inPeriod = timing.probabilityOfWin(position, inDays: window)
        let ever = max(inPeriod, timing.probabilityEver(position))
        row.stage = stage.name
        row.daysInStage = age
        row.stageMedianDays = stage.timeInStage.medianDays
        row.stageP90Days = stage.timeInStage.p90Days
        row.probabilityInPeriod = inPeriod
        row.probabilityEver = ever
        row.expectedValue = deal.amount * inPeriod
        if let p50 = periodP50, p50 > 0 { row.shareOfP50 = deal.amount * inPeriod / p50 }
        var fresh = position
        fresh.ageDays = 0
        let onTrack = timing.probabilityOfWin(fresh, inDays: window)
        row.probabilityInPeriodOnTrack = onTrack
        row.attentionValue = deal.amount * (onTrack - inPeriod)
        row.modelCloseOn = timing.medianWinDay(position).map { asOf.advanced(by: 1 + $0) }
      } else {
        unplaced += 1
      }
      if let a = activity {
        let last = a.lastDone[deal.id]
        row.lastActivityOn = last
        row.daysSinceActivity = last.map { $0.distance(to: asOf) }
        if a.plannedAvailable { row.nextStepPlanned = a.planned.contains(deal.id) }
      }
      row.flags = Self.flags(
        row, createdOn: deal.createdOn, asOf: asOf, activitiesKnown: activity != nil,
        thresholds: thresholds)
      rows.append(row)
    }

    notes.append(
      "P(in period) and P(ever) are the model's, conditioned on each deal's age in stage and its "
        + "owner's skill; computed by numerical integration (no sampling), see docs/INSPECTION.md.")
    if unplaced > 0 {
      notes.append("\(unplaced) open deals have no stage the model knows: no probabilities.")
    }
    if activity == nil {
      notes.append(
        "no activities.csv: days since activity, gone_quiet and next steps not computed.")
    } else if activity?.plannedAvailable == false {
      notes.append(
        "no planned activities in this view (the export has none, or --as-of is before the export "
          + "date): next steps unknown, no_next_step not flagged.")
    }
    if periodP50 == nil { notes.append("period P50 not computed: share_of_p50 left empty.") }
    return DealInspection(
      asOf: asOf, period: period, periodP50: periodP50, thresholds: thresholds, deals: rows,
      notes: notes)
  }

  /// Pushes of the expected close date: rows whose date is later than the last date recorded
  /// before them (pull-ins and first settings are not slips).
  static func slips(_ rows: ArraySlice<DealHistoryRow>) -> Int {
    var last: Day? = nil
    var count = 0
    for row in rows {
      guard let d = row.expectedCloseOn?.day else { continue }
      if let previous = last, d > previous { count += 1 }
      last = d
    }
    return count
  }

  static func flags(
    _ row: InspectedDeal, createdOn: Day, asOf: Day, activitiesKnown: Bool,
    thresholds: FlagThresholds
  ) -> [RiskFlag] {
    var flags: [RiskFlag] = []
    if let age = row.daysInStage, let p90 = row.stageP90Days, age > p90 { flags.append(.stalled) }
    if row.slips >= thresholds.slipsForFlag { flags.append(.slippedRepeatedly) }
    if let close = row.crmCloseOn, close < asOf { flags.append(.overdue) }
    if activitiesKnown {
      let since = max(row.lastActivityOn ?? createdOn, createdOn)
      if since.distance(to: asOf) >= thresholds.quietDays { flags.append(.goneQuiet) }
    }
    if row.nextStepPlanned == false { flags.append(.noNextStep) }
    if row.amount >= thresholds.largeAmount, let ever = row.probabilityEver,
      ever < thresholds.lowProbability
    {
      flags.append(.largeLowProbability)
    }
    return flags
  }

  /// Type-7 quantile of sorted values (0 when empty).
  static func quantile(sorted: [Double], _ level: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    let h = Double(sorted.count - 1) * min(1, max(0, level))
    let lo = Int(h.rounded(.down))
    let hi = min(lo + 1, sorted.count - 1)
    return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
  }
}

/// Last done activity and planned next steps per deal, from activities.csv (nil without it).
struct ActivityIndex {
  var lastDone: [String: Day] = [:]
  var planned: Set<String> = []
  /// True when the view has planned activities at all (only the export date has them).
  var plannedAvailable = false

  init?(folder: CRMFolder) {
    guard let activities = folder.activities else { return nil }
    let asOf = folder.asOf
    for a in activities {
      guard let deal = a.dealID else {
        if a.status == .planned { plannedAvailable = true }
        continue
      }
      let day = a.occurredOn.day
      switch a.status {
      case .done:
        if day <= asOf, lastDone[deal].map({ day > $0 }) ?? true { lastDone[deal] = day }
      case .planned:
        plannedAvailable = true
        if day >= asOf { planned.insert(deal) }
      }
    }
  }
}
