import Statistics

/// The methods a backtest scores, with their stable JSON keys.
public enum BacktestMethod: String, Sendable, Codable, CaseIterable, Comparable {
  case pipecast
  case crmWeighted = "crm_weighted"
  case fittedWeighted = "fitted_weighted"
  case commit
  case runRate = "run_rate"
  case seasonalNaive = "seasonal_naive"

  public static let baselines: [BacktestMethod] = [
    .crmWeighted, .fittedWeighted, .commit, .runRate, .seasonalNaive,
  ]

  /// Column header in tables.
  public var title: String {
    switch self {
    case .pipecast: return "Pipecast"
    case .crmWeighted: return "CRM weighted"
    case .fittedWeighted: return "Fitted weighted"
    case .commit: return "Commit"
    case .runRate: return "Run rate"
    case .seasonalNaive: return "Seasonal naive"
    }
  }

  public static func < (a: Self, b: Self) -> Bool {
    allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
  }
}

/// Point-forecast scores of one method over the origins where it had a value.
///
/// - `mape`: mean |a − f| / |a| over origins with a ≠ 0.
/// - `wape`: Σ|a − f| / Σ|a| (big periods weigh more; robust near zero).
/// - `bias`: mean signed percentage error mean (f − a)/|a|, positive = over-forecast.
/// - `biasShare`: (Σf − Σa) / Σ|a|.
/// - `rmse`: √(mean (f − a)²), in currency.
/// Each is nil when undefined (no origin, or every actual 0), never NaN.
public struct PointScores: Sendable, Equatable, Encodable {
  public var origins: Int
  public var mape: Double?
  public var wape: Double?
  public var bias: Double?
  public var biasShare: Double?
  public var rmse: Double?

  public init(forecasts: [Double?], actuals: [Double]) {
    precondition(forecasts.count == actuals.count, "lengths differ")
    let pairs = zip(forecasts, actuals).compactMap { f, a in f.map { ($0, a) } }
    let f = pairs.map(\.0)
    let a = pairs.map(\.1)
    origins = pairs.count
    mape = finiteOrNil(ForecastScores.mape(forecasts: f, actuals: a))
    wape = finiteOrNil(ForecastScores.wape(forecasts: f, actuals: a))
    bias = finiteOrNil(ForecastScores.meanPercentageError(forecasts: f, actuals: a))
    biasShare = finiteOrNil(ForecastScores.biasShare(forecasts: f, actuals: a))
    rmse = pairs.isEmpty ? nil : finiteOrNil(ForecastScores.rmse(forecasts: f, actuals: a))
  }

  enum CodingKeys: String, CodingKey {
    case origins, mape, wape, bias, rmse
    case biasShare = "bias_share"
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(origins, forKey: .origins)
    try c.encode(mape, forKey: .mape)
    try c.encode(wape, forKey: .wape)
    try c.encode(bias, forKey: .bias)
    try c.encode(biasShare, forKey: .biasShare)
    try c.encode(rmse, forKey: .rmse)
  }
}

/// One origin's distributional figures, computed from its trials (bookings already known at the
/// origin included).
public struct OriginDistribution: Sendable, Equatable {
  public var mean: Double
  public var p5: Double
  public var p10: Double
  public var p25: Double
  public var p50: Double
  public var p75: Double
  public var p90: Double
  public var p95: Double
  /// CRPS in its energy form over the trials (`ForecastScores.crps`).
  public var crps: Double
  /// The forecast CDF at the actual, ties counted half.
  public var pit: Double

  /// - Parameter trials: the simulated totals of the target period (not empty).
  public init(trials: [Double], actual: Double) {
    precondition(!trials.isEmpty, "no trials")
    let sorted = trials.sorted()
    func q(_ level: Double) -> Double { Quantiles.type7(sorted: sorted, level) }
    mean = sorted.reduce(0, +) / Double(sorted.count)
    (p5, p10, p25, p50, p75, p90, p95) = (
      q(0.05), q(0.10), q(0.25), q(0.5), q(0.75), q(0.9), q(0.95)
    )
    crps = ForecastScores.crps(samples: sorted, outcome: actual, samplesAreSorted: true)
    pit = ForecastScores.pit(samples: sorted, outcome: actual)
  }

  /// Direct values (tests, stubs).
  public init(
    mean: Double, p5: Double, p10: Double, p25: Double, p50: Double, p75: Double, p90: Double,
    p95: Double, crps: Double, pit: Double
  ) {
    (self.mean, self.p5, self.p10, self.p25, self.p50) = (mean, p5, p10, p25, p50)
    (self.p75, self.p90, self.p95, self.crps, self.pit) = (p75, p90, p95, crps, pit)
  }
}

/// Pipecast's distribution scores over the origins.
///
/// Coverage of the central 50/80/90% intervals ([P25, P75], [P10, P90], [P5, P95]) with their
/// mean width (coverage alone rewards wide intervals), mean CRPS, mean pinball loss at P10/P50/
/// P90, WAPE of the median, and a 10-bin PIT histogram (counts; flat when calibrated, U-shaped
/// when too narrow, hump-shaped when too wide).
public struct DistributionScores: Sendable, Equatable, Encodable {
  public var coverage50: Double?
  public var coverage80: Double?
  public var coverage90: Double?
  public var width50: Double?
  public var width80: Double?
  public var width90: Double?
  public var crps: Double?
  public var pinballP10: Double?
  public var pinballP50: Double?
  public var pinballP90: Double?
  public var wapeP50: Double?
  public var pitHistogram: [Int]

  public init(distributions: [OriginDistribution], actuals: [Double]) {
    precondition(distributions.count == actuals.count, "lengths differ")
    pitHistogram = [Int](repeating: 0, count: 10)
    for d in distributions { pitHistogram[min(9, max(0, Int(d.pit * 10)))] += 1 }
    guard !actuals.isEmpty else { return }
    let n = Double(actuals.count)
    func coverage(
      _ lo: KeyPath<OriginDistribution, Double>, _ hi: KeyPath<OriginDistribution, Double>
    )
      -> (Double, Double)
    {
      ForecastScores.intervalCoverage(
        lower: distributions.map { $0[keyPath: lo] }, upper: distributions.map { $0[keyPath: hi] },
        outcomes: actuals)
    }
    (coverage50, width50) = coverage(\.p25, \.p75)
    (coverage80, width80) = coverage(\.p10, \.p90)
    (coverage90, width90) = coverage(\.p5, \.p95)
    crps = finiteOrNil(distributions.map(\.crps).reduce(0, +) / n)
    func pinball(_ q: KeyPath<OriginDistribution, Double>, _ tau: Double) -> Double? {
      finiteOrNil(
        zip(distributions, actuals).map {
          ForecastScores.pinball(quantile: $0[keyPath: q], level: tau, outcome: $1)
        }.reduce(0, +) / n)
    }
    pinballP10 = pinball(\.p10, 0.1)
    pinballP50 = pinball(\.p50, 0.5)
    pinballP90 = pinball(\.p90, 0.9)
    wapeP50 = finiteOrNil(ForecastScores.wape(forecasts: distributions.map(\.p50), actuals: actuals))
  }

  enum CodingKeys: String, CodingKey {
    case coverage50 = "coverage_50"
    case coverage80 = "coverage_80"
    case coverage90 = "coverage_90"
    case width50 = "width_50"
    case width80 = "width_80"
    case width90 = "width_90"
    case crps
    case pinballP10 = "pinball_p10"
    case pinballP50 = "pinball_p50"
    case pinballP90 = "pinball_p90"
    case wapeP50 = "wape_p50"
    case pitHistogram = "pit_histogram"
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(coverage50, forKey: .coverage50)
    try c.encode(coverage80, forKey: .coverage80)
    try c.encode(coverage90, forKey: .coverage90)
    try c.encode(width50, forKey: .width50)
    try c.encode(width80, forKey: .width80)
    try c.encode(width90, forKey: .width90)
    try c.encode(crps, forKey: .crps)
    try c.encode(pinballP10, forKey: .pinballP10)
    try c.encode(pinballP50, forKey: .pinballP50)
    try c.encode(pinballP90, forKey: .pinballP90)
    try c.encode(wapeP50, forKey: .wapeP50)
    try c.encode(pitHistogram, forKey: .pitHistogram)
  }
}

/// nil for nil, NaN and ±∞: JSON gets `null`, never a non-number.
@inline(__always)
func finiteOrNil(_ x: Double?) -> Double? {
  guard let x, x.isFinite else { return nil }
  return x
}
