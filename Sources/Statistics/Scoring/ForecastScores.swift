import Foundation

/// Scores for forecasts against what happened. Lower is better for every loss here.
public enum ForecastScores {
  // MARK: Distributional

  /// CRPS of an ensemble (e.g. simulated trials) for outcome y, in its energy form
  ///
  ///     CRPS = E|X − y| − ½ E|X − X′|,
  ///
  /// with both expectations over the empirical distribution of the samples (divisor n², the
  /// CRPS of the step-function CDF the samples define). E|X − X′| uses the sorted samples:
  /// (2/n²) Σᵢ (2i − n − 1) x₍ᵢ₎, so the cost is the sort.
  /// - Complexity: O(n log n) (O(n) with `samplesAreSorted`).
  public static func crps(samples: [Double], outcome y: Double, samplesAreSorted: Bool = false) -> Double {
    precondition(!samples.isEmpty, "CRPS needs samples")
    let x = samplesAreSorted ? samples : samples.sorted()
    let n = Double(x.count)
    var absolute = 0.0
    var spread = 0.0
    for (i, v) in x.enumerated() {
      absolute += abs(v - y)
      spread += (2 * Double(i + 1) - n - 1) * v
    }
    return absolute / n - spread / (n * n)
  }

  /// Closed-form CRPS of a Normal(μ, σ²) forecast (Gneiting et al. 2005):
  /// σ [z(2Φ(z) − 1) + 2φ(z) − 1/√π], z = (y − μ)/σ.
  public static func crpsNormal(mean: Double, sd: Double, outcome y: Double) -> Double {
    precondition(sd > 0, "sd must be positive")
    let z = (y - mean) / sd
    return sd * (z * (2 * Special.normalCDF(z) - 1) + 2 * Special.normalPDF(z) - 1 / Double.pi.squareRoot())
  }

  /// Pinball (quantile) loss of quantile forecast q at level τ: τ(y − q) if y ≥ q, else
  /// (1 − τ)(q − y). Twice its integral over τ in (0, 1) is the CRPS.
  public static func pinball(quantile q: Double, level tau: Double, outcome y: Double) -> Double {
    precondition(tau > 0 && tau < 1, "level must be in (0, 1)")
    return y >= q ? tau * (y - q) : (1 - tau) * (q - y)
  }

  /// Probability integral transform: the forecast CDF at the outcome, from samples, with ties
  /// counted half ((#{x < y} + ½ #{x = y}) / n). Uniform on [0, 1] for a calibrated forecast.
  public static func pit(samples: [Double], outcome y: Double) -> Double {
    precondition(!samples.isEmpty, "PIT needs samples")
    var below = 0.0
    for x in samples { below += x < y ? 1 : (x == y ? 0.5 : 0) }
    return below / Double(samples.count)
  }

  /// Share of outcomes inside their [lower, upper] intervals (bounds included) and the mean
  /// width. Report both: wide intervals buy coverage.
  public static func intervalCoverage(lower: [Double], upper: [Double], outcomes: [Double]) -> (coverage: Double, meanWidth: Double) {
    precondition(lower.count == upper.count && upper.count == outcomes.count && !outcomes.isEmpty, "lengths differ or empty")
    var inside = 0
    var width = 0.0
    for i in outcomes.indices {
      if outcomes[i] >= lower[i] && outcomes[i] <= upper[i] { inside += 1 }
      width += upper[i] - lower[i]
    }
    let n = Double(outcomes.count)
    return (Double(inside) / n, width / n)
  }

  // MARK: Probabilities

  /// Brier score: mean (pᵢ − oᵢ)², o ∈ {0, 1}.
  public static func brier(probabilities: [Double], outcomes: [Bool]) -> Double {
    precondition(probabilities.count == outcomes.count && !outcomes.isEmpty, "lengths differ or empty")
    var total = 0.0
    for (p, o) in zip(probabilities, outcomes) {
      let d = p - (o ? 1 : 0)
      total += d * d
    }
    return total / Double(outcomes.count)
  }

  /// One row of a reliability table.
  public struct ReliabilityBin: Sendable, Equatable, Codable {
    public let lower: Double
    public let upper: Double
    public let count: Int
    /// Mean forecast probability in the bin (nil when empty).
    public let meanForecast: Double?
    /// Observed frequency of the event in the bin (nil when empty).
    public let observedFrequency: Double?
  }

  /// Reliability table over `bins` equal-width bins of [0, 1]; bin j holds p in
  /// [j/bins, (j+1)/bins), the last bin also p = 1. A calibrated forecast has
  /// observedFrequency ≈ meanForecast in every bin.
  public static func reliability(probabilities: [Double], outcomes: [Bool], bins: Int = 10) -> [ReliabilityBin] {
    precondition(probabilities.count == outcomes.count && bins > 0, "lengths differ or no bins")
    var count = [Int](repeating: 0, count: bins)
    var sumP = [Double](repeating: 0, count: bins)
    var hits = [Double](repeating: 0, count: bins)
    for (p, o) in zip(probabilities, outcomes) {
      precondition(p >= 0 && p <= 1, "probability outside [0, 1]")
      let j = min(Int(p * Double(bins)), bins - 1)
      count[j] += 1
      sumP[j] += p
      hits[j] += o ? 1 : 0
    }
    return (0..<bins).map { j in
      ReliabilityBin(
        lower: Double(j) / Double(bins), upper: Double(j + 1) / Double(bins), count: count[j],
        meanForecast: count[j] > 0 ? sumP[j] / Double(count[j]) : nil,
        observedFrequency: count[j] > 0 ? hits[j] / Double(count[j]) : nil)
    }
  }

  // MARK: Point forecasts

  /// Mean absolute percentage error mean |aᵢ − fᵢ| / |aᵢ| over periods with aᵢ ≠ 0 (zero
  /// actuals are skipped: their percentage error is undefined); `nil` if every actual is 0.
  /// Explodes near zero and rewards forecasting low: report WAPE and bias next to it.
  public static func mape(forecasts: [Double], actuals: [Double]) -> Double? {
    precondition(forecasts.count == actuals.count, "lengths differ")
    var total = 0.0
    var n = 0
    for (f, a) in zip(forecasts, actuals) where a != 0 {
      total += abs(a - f) / abs(a)
      n += 1
    }
    return n > 0 ? total / Double(n) : nil
  }

  /// Weighted absolute percentage error Σ|aᵢ − fᵢ| / Σ|aᵢ|; `nil` if every actual is 0.
  public static func wape(forecasts: [Double], actuals: [Double]) -> Double? {
    precondition(forecasts.count == actuals.count, "lengths differ")
    let denominator = actuals.map(abs).reduce(0, +)
    guard denominator > 0 else { return nil }
    return zip(forecasts, actuals).map { abs($1 - $0) }.reduce(0, +) / denominator
  }

  /// Mean signed percentage error mean (fᵢ − aᵢ)/|aᵢ| over aᵢ ≠ 0: positive = over-forecast.
  public static func meanPercentageError(forecasts: [Double], actuals: [Double]) -> Double? {
    precondition(forecasts.count == actuals.count, "lengths differ")
    var total = 0.0
    var n = 0
    for (f, a) in zip(forecasts, actuals) where a != 0 {
      total += (f - a) / abs(a)
      n += 1
    }
    return n > 0 ? total / Double(n) : nil
  }

  /// Bias as a share of actuals: (Σfᵢ − Σaᵢ) / Σ|aᵢ|. Positive = over-forecast in total. Unlike
  /// the mean percentage error, big periods count in proportion to their size.
  public static func biasShare(forecasts: [Double], actuals: [Double]) -> Double? {
    precondition(forecasts.count == actuals.count, "lengths differ")
    let denominator = actuals.map(abs).reduce(0, +)
    guard denominator > 0 else { return nil }
    return (forecasts.reduce(0, +) - actuals.reduce(0, +)) / denominator
  }

  /// Root mean squared error.
  public static func rmse(forecasts: [Double], actuals: [Double]) -> Double {
    precondition(forecasts.count == actuals.count && !actuals.isEmpty, "lengths differ or empty")
    let total = zip(forecasts, actuals).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
    return (total / Double(actuals.count)).squareRoot()
  }
}
