import Foundation
import Statistics

/// One deal open at one origin, with what each method said and what happened.
public struct DealObservation: Sendable, Hashable {
  public var origin: Int
  public var dealID: String
  public var stage: String?
  public var amount: Double
  /// The CRM's implied P(won inside the target period): the stage probability when the expected
  /// close date is in the period, else 0 (what the CRM weighted pipeline assumes). nil without
  /// stage probabilities.
  public var crmProbability: Double?
  /// The raw stages.csv probability of the deal's stage (an eventual-win probability).
  public var crmStageProbability: Double?
  /// Pipecast's P(won inside the target period | stage, age in stage).
  public var pipecastProbability: Double?
  /// Won with a closing day after as-of inside the target period (final data).
  public var wonInPeriod: Bool
  /// Eventually won (true), lost (false), or still open at export (nil).
  public var wonEventually: Bool?
}

/// Brier score and reliability table of one method's deal-level probabilities.
public struct DealLevelScores: Sendable, Equatable, Encodable {
  public struct Bin: Sendable, Equatable, Encodable {
    public var lower: Double
    public var upper: Double
    public var count: Int
    public var meanForecast: Double?
    public var observedFrequency: Double?
    enum CodingKeys: String, CodingKey {
      case lower, upper, count
      case meanForecast = "mean_forecast"
      case observedFrequency = "observed_frequency"
    }
    public func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(lower, forKey: .lower)
      try c.encode(upper, forKey: .upper)
      try c.encode(count, forKey: .count)
      try c.encode(finiteOrNil(meanForecast), forKey: .meanForecast)
      try c.encode(finiteOrNil(observedFrequency), forKey: .observedFrequency)
    }
  }

  /// Deal-origin pairs scored (a deal open at several origins counts at each).
  public var deals: Int
  public var brier: Double
  /// Ten equal-width probability bins (0–10%, …, 90–100%).
  public var reliability: [Bin]

  /// nil when there is no pair.
  public init?(probabilities: [Double], outcomes: [Bool]) {
    guard !probabilities.isEmpty else { return nil }
    let p = probabilities.map { min(1, max(0, $0)) }
    deals = p.count
    brier = ForecastScores.brier(probabilities: p, outcomes: outcomes)
    reliability = ForecastScores.reliability(probabilities: p, outcomes: outcomes, bins: 10).map {
      Bin(
        lower: $0.lower, upper: $0.upper, count: $0.count, meanForecast: $0.meanForecast,
        observedFrequency: $0.observedFrequency)
    }
  }
}

/// Observed outcomes of deals open in one stage at the origins: the recalibrated probabilities.
///
/// - `observedWinInPeriodRate`: wins inside the target period / deal-origin pairs.
/// - `observedEventualWinRate`: eventual wins / distinct deals seen in the stage and closed by the
///   export (deals still open at export are left out: this leans toward deals that resolve
///   quickly). With its 95% Jeffreys interval; `crmOutsideInterval` flags a CRM probability
///   outside it.
public struct StageCalibration: Sendable, Equatable, Encodable {
  public var stage: String
  public var crmProbability: Double?
  public var observations: Int
  public var wonInPeriod: Int
  public var observedWinInPeriodRate: Double?
  public var pipecastMeanWinInPeriod: Double?
  public var resolvedDeals: Int
  public var wonEventually: Int
  public var observedEventualWinRate: Double?
  public var eventualLower: Double?
  public var eventualUpper: Double?
  public var crmOutsideInterval: Bool

  enum CodingKeys: String, CodingKey {
    case stage, observations
    case crmProbability = "crm_probability"
    case wonInPeriod = "won_in_period"
    case observedWinInPeriodRate = "observed_win_in_period_rate"
    case pipecastMeanWinInPeriod = "pipecast_mean_win_in_period"
    case resolvedDeals = "resolved_deals"
    case wonEventually = "won_eventually"
    case observedEventualWinRate = "observed_eventual_win_rate"
    case eventualLower = "eventual_lower"
    case eventualUpper = "eventual_upper"
    case crmOutsideInterval = "crm_outside_interval"
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(stage, forKey: .stage)
    try c.encode(finiteOrNil(crmProbability), forKey: .crmProbability)
    try c.encode(observations, forKey: .observations)
    try c.encode(wonInPeriod, forKey: .wonInPeriod)
    try c.encode(finiteOrNil(observedWinInPeriodRate), forKey: .observedWinInPeriodRate)
    try c.encode(finiteOrNil(pipecastMeanWinInPeriod), forKey: .pipecastMeanWinInPeriod)
    try c.encode(resolvedDeals, forKey: .resolvedDeals)
    try c.encode(wonEventually, forKey: .wonEventually)
    try c.encode(finiteOrNil(observedEventualWinRate), forKey: .observedEventualWinRate)
    try c.encode(finiteOrNil(eventualLower), forKey: .eventualLower)
    try c.encode(finiteOrNil(eventualUpper), forKey: .eventualUpper)
    try c.encode(crmOutsideInterval, forKey: .crmOutsideInterval)
  }
}

/// A run of consecutive origins where the CRM weighted pipeline missed in the same direction.
public struct PersistentBias: Sendable, Equatable, Encodable {
  /// "over" or "under".
  public var direction: String
  public var length: Int
  public var firstAsOf: String
  public var lastAsOf: String
  enum CodingKeys: String, CodingKey {
    case direction, length
    case firstAsOf = "first_as_of"
    case lastAsOf = "last_as_of"
  }

  /// The longest run of same-signed errors (f − a) in origin order; nil when shorter than
  /// `minimum`. Exact hits (f = a) break a run.
  public static func longestRun(
    forecasts: [Double?], actuals: [Double], asOf: [String], minimum: Int = 3
  ) -> PersistentBias? {
    var best: PersistentBias?
    var start = 0
    var sign = 0
    for i in forecasts.indices {
      let s = forecasts[i].map { $0 > actuals[i] ? 1 : ($0 < actuals[i] ? -1 : 0) } ?? 0
      if s == 0 || s != sign { start = i }
      sign = s
      let length = i - start + 1
      if s != 0 && length >= minimum && length > (best?.length ?? 0) {
        best = PersistentBias(
          direction: s > 0 ? "over" : "under", length: length, firstAsOf: asOf[start],
          lastAsOf: asOf[i])
      }
    }
    return best
  }
}

/// Deal-level calibration and the CRM stage-probability check.
public struct CalibrationReport: Sendable, Equatable, Encodable {
  public var pipecast: DealLevelScores?
  public var crm: DealLevelScores?
  public var stages: [StageCalibration]
  public var crmPersistentBias: PersistentBias?
  /// Plain-language findings ("the CRM forecast over-shot 4 origins running…").
  public var messages: [String]

  enum CodingKeys: String, CodingKey {
    case pipecast, crm, stages, messages
    case crmPersistentBias = "crm_persistent_bias"
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(pipecast, forKey: .pipecast)
    try c.encode(crm, forKey: .crm)
    try c.encode(stages, forKey: .stages)
    try c.encode(crmPersistentBias, forKey: .crmPersistentBias)
    try c.encode(messages, forKey: .messages)
  }

  /// - Parameters:
  ///   - stageOrder: stage names in pipeline order (open stages).
  ///   - crmForecasts, actuals, asOf: the CRM weighted pipeline per origin, in origin order.
  public init(
    observations: [DealObservation], stageOrder: [String], stageProbabilities: [String: Double],
    crmForecasts: [Double?], actuals: [Double], asOf: [String]
  ) {
    let withPipecast = observations.filter { $0.pipecastProbability != nil }
    pipecast = DealLevelScores(
      probabilities: withPipecast.map { $0.pipecastProbability! },
      outcomes: withPipecast.map(\.wonInPeriod))
    let withCRM = observations.filter { $0.crmProbability != nil }
    crm = DealLevelScores(
      probabilities: withCRM.map { $0.crmProbability! }, outcomes: withCRM.map(\.wonInPeriod))

    var rows: [StageCalibration] = []
    for name in stageOrder {
      let here = observations.filter { $0.stage == name }
      var seen = Set<String>()
      var resolved = 0
      var eventual = 0
      for o in here where seen.insert(o.dealID).inserted {
        if let w = o.wonEventually {
          resolved += 1
          if w { eventual += 1 }
        }
      }
      let inPeriod = here.filter(\.wonInPeriod).count
      let pip = here.compactMap(\.pipecastProbability)
      let crmP = stageProbabilities[name]
      var lower: Double?
      var upper: Double?
      if resolved > 0 {
        let ci = ProportionInterval.jeffreys(successes: Double(eventual), trials: Double(resolved))
        (lower, upper) = (ci.lower, ci.upper)
      }
      let outside = crmP.flatMap { p in lower.map { p < $0 || p > upper! } } ?? false
      rows.append(
        StageCalibration(
          stage: name, crmProbability: crmP, observations: here.count, wonInPeriod: inPeriod,
          observedWinInPeriodRate: here.isEmpty ? nil : Double(inPeriod) / Double(here.count),
          pipecastMeanWinInPeriod: pip.isEmpty ? nil : pip.reduce(0, +) / Double(pip.count),
          resolvedDeals: resolved, wonEventually: eventual,
          observedEventualWinRate: resolved > 0 ? Double(eventual) / Double(resolved) : nil,
          eventualLower: lower, eventualUpper: upper, crmOutsideInterval: outside))
    }
    stages = rows

    var messages: [String] = []
    crmPersistentBias = PersistentBias.longestRun(
      forecasts: crmForecasts, actuals: actuals, asOf: asOf)
    if let run = crmPersistentBias {
      messages.append(
        "The CRM weighted pipeline \(run.direction == "over" ? "over" : "under")-forecast "
          + "\(run.length) origins running (as of \(run.firstAsOf) … \(run.lastAsOf)).")
    }
    let off = rows.filter(\.crmOutsideInterval)
    if !off.isEmpty {
      messages.append(
        "CRM stage probabilities outside the 95% interval of the observed eventual win rate: "
          + off.map { "\($0.stage)" }.joined(separator: ", ") + ".")
    }
    if crmPersistentBias != nil || !off.isEmpty {
      let text = rows.filter { $0.observedEventualWinRate != nil }.map { r in
        let crmText = r.crmProbability.map { String(format: "%.0f%%", $0 * 100) } ?? "–"
        return "\(r.stage) \(crmText) → "
          + String(format: "%.0f%%", r.observedEventualWinRate! * 100)
      }
      if !text.isEmpty {
        messages.append(
          "Recalibrated stage probabilities (CRM → observed eventual win rate): "
            + text.joined(separator: ", ") + ".")
      }
    }
    self.messages = messages
  }
}
