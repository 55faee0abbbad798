import CRMData

/// One origin in the output.
public struct OriginResult: Sendable, Equatable, Encodable {
  public var asOf: Day
  public var period: String
  /// Bookings won in the period (final amounts, full folder).
  public var actual: Double
  /// Bookings of the period already won on or before as-of (0 for period-start origins).
  public var bookedBeforeAsOf: Double
  /// Pipecast's distribution (already-booked included).
  public var forecast: OriginDistribution
  public var baselines: BaselineForecasts
  /// Actual and forecast bookings from the open pipeline and from new deals.
  public var split: BookingsSplit

  enum CodingKeys: String, CodingKey {
    case asOf = "as_of"
    case period, actual, forecast, baselines, crps, pit, notes, split
    case bookedBeforeAsOf = "booked_before_as_of"
  }
  enum ForecastKeys: String, CodingKey { case mean, p10, p50, p90 }
  struct MethodKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ s: String) { stringValue = s }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(asOf, forKey: .asOf)
    try c.encode(period, forKey: .period)
    try c.encode(finiteOrNil(actual), forKey: .actual)
    try c.encode(finiteOrNil(bookedBeforeAsOf), forKey: .bookedBeforeAsOf)
    var f = c.nestedContainer(keyedBy: ForecastKeys.self, forKey: .forecast)
    try f.encode(finiteOrNil(forecast.mean), forKey: .mean)
    try f.encode(finiteOrNil(forecast.p10), forKey: .p10)
    try f.encode(finiteOrNil(forecast.p50), forKey: .p50)
    try f.encode(finiteOrNil(forecast.p90), forKey: .p90)
    var b = c.nestedContainer(keyedBy: MethodKey.self, forKey: .baselines)
    for m in BacktestMethod.baselines {
      try b.encode(finiteOrNil(baselines.value(of: m)), forKey: MethodKey(m.rawValue))
    }
    try c.encode(finiteOrNil(forecast.crps), forKey: .crps)
    try c.encode(finiteOrNil(forecast.pit), forKey: .pit)
    try c.encode(baselines.notes, forKey: .notes)
    try c.encode(split, forKey: .split)
  }

  /// The point value a method gave at this origin (Pipecast: the mean of its trials).
  public func value(of method: BacktestMethod) -> Double? {
    method == .pipecast ? forecast.mean : baselines.value(of: method)
  }
}

/// A method's summary: point scores, and for Pipecast its distribution scores too.
public struct MethodSummary: Sendable, Equatable, Encodable {
  public var point: PointScores
  public var distribution: DistributionScores?

  public func encode(to encoder: any Encoder) throws {
    try point.encode(to: encoder)
    try distribution?.encode(to: encoder)
  }
}

/// What `pipecast backtest` reports; `--format json` encodes it with sorted keys.
///
/// JSON: `origins` [{`as_of`, `period`, `actual`, `forecast` {`mean`, `p10`, `p50`, `p90`},
/// `baselines` {method: value}, …}], `summary` {method: {`mape`, `wape`, `bias`, `bias_share`,
/// `rmse`, `origins`; `pipecast` also `coverage_50/80/90`, `width_50/80/90`, `crps`,
/// `pinball_p10/p50/p90`, `wape_p50`, `pit_histogram`}}, `ranking`, `calibration`, `settings`,
/// `notes`. Non-finite numbers are `null`.
public struct BacktestResult: Sendable, Equatable, Encodable {
  public struct Settings: Sendable, Equatable, Encodable {
    public var from: String
    public var to: String
    public var origin: String
    public var lead: Int
    public var trials: Int
    public var seed: UInt64
  }

  public var settings: Settings
  public var origins: [OriginResult]
  public var summary: [BacktestMethod: MethodSummary]
  /// Methods best first: by WAPE (methods without one last, in key order).
  public var ranking: [BacktestMethod]
  public var calibration: CalibrationReport
  /// Skipped origins, fall-backs and the forecaster's notes (each once, in origin order).
  public var notes: [String]
  /// The reps' commit call on the same origins (nil without forecast categories).
  public var commitCalls: CommitCallScores?

  init(options: BacktestOptions, runs: [OriginRun], folder: CRMFolder, notes: [String]) {
    settings = Settings(
      from: options.from.label, to: options.to.label, origin: options.schedule.rawValue,
      lead: options.lead, trials: options.trials, seed: options.seed)
    origins = runs.map {
      OriginResult(
        asOf: $0.origin.asOf, period: $0.origin.target.label, actual: $0.actual,
        bookedBeforeAsOf: $0.bookedBeforeAsOf, forecast: $0.distribution, baselines: $0.baselines,
        split: $0.split)
    }
    let actuals = origins.map(\.actual)
    var summary: [BacktestMethod: MethodSummary] = [:]
    for m in BacktestMethod.allCases {
      summary[m] = MethodSummary(
        point: PointScores(forecasts: origins.map { $0.value(of: m) }, actuals: actuals),
        distribution: m == .pipecast
          ? DistributionScores(distributions: origins.map(\.forecast), actuals: actuals) : nil)
    }
    self.summary = summary
    ranking = BacktestMethod.allCases.sorted { a, b in
      switch (summary[a]!.point.wape, summary[b]!.point.wape) {
      case (let x?, let y?): return x != y ? x < y : a < b
      case (.some, nil): return true
      case (nil, .some): return false
      case (nil, nil): return a < b
      }
    }
    var probabilities: [String: Double] = [:]
    for s in folder.stages { if let p = s.probability { probabilities[s.name] = p } }
    calibration = CalibrationReport(
      observations: runs.flatMap(\.observations), stageOrder: folder.openStages.map(\.name),
      stageProbabilities: folder.stagesFromFile ? probabilities : [:],
      crmForecasts: origins.map { $0.baselines.crmWeighted }, actuals: actuals,
      asOf: origins.map(\.asOf.description))
    var seen = Set<String>()
    var all: [String] = []
    for n in notes + runs.flatMap({ $0.baselines.notes + $0.forecasterNotes })
    where seen.insert(n).inserted {
      all.append(n)
    }
    self.notes = all
    commitCalls = CommitCallScores(folder: folder, origins: runs.map(\.origin))
  }

  enum CodingKeys: String, CodingKey {
    case settings, origins, summary, ranking, calibration, notes
    case commitCalls = "commit_calls"
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(settings, forKey: .settings)
    try c.encode(origins, forKey: .origins)
    var s = c.nestedContainer(keyedBy: OriginResult.MethodKey.self, forKey: .summary)
    for m in BacktestMethod.allCases {
      try s.encode(summary[m]!, forKey: OriginResult.MethodKey(m.rawValue))
    }
    try c.encode(ranking.map(\.rawValue), forKey: .ranking)
    try c.encode(calibration, forKey: .calibration)
    try c.encode(notes, forKey: .notes)
    try c.encodeIfPresent(commitCalls, forKey: .commitCalls)
  }
}

extension BaselineForecasts: Encodable {
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: OriginResult.MethodKey.self)
    for m in BacktestMethod.baselines {
      try c.encode(finiteOrNil(value(of: m)), forKey: OriginResult.MethodKey(m.rawValue))
    }
  }
}
