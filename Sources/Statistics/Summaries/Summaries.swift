import Foundation

/// Sample quantiles and weighted quantiles.
public enum Quantiles {
  /// The type-7 sample quantile (R's default, NumPy's `linear`) of an ascending array:
  /// h = (n − 1)p, Q = x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]).
  /// - Precondition: `sorted` is non-empty and ascending; p in [0, 1].
  /// - Complexity: O(1).
  public static func type7(sorted: [Double], _ p: Double) -> Double {
    precondition(!sorted.isEmpty, "quantile of an empty sample")
    precondition(p >= 0 && p <= 1, "quantile level must be in [0, 1]")
    let h = Double(sorted.count - 1) * p
    let lower = Int(h.rounded(.down))
    let upper = min(lower + 1, sorted.count - 1)
    return sorted[lower] + (h - Double(lower)) * (sorted[upper] - sorted[lower])
  }

  /// Several type-7 quantiles of an unsorted sample (sorts once).
  public static func type7(_ values: [Double], levels: [Double]) -> [Double] {
    let sorted = values.sorted()
    return levels.map { type7(sorted: sorted, $0) }
  }

  /// The weighted p-quantile: the smallest value whose cumulative weight reaches p·W (the
  /// inverse of the weighted empirical CDF; with equal weights this is type 1). Zero-weight
  /// values are ignored.
  /// - Complexity: O(n log n).
  public static func weighted(_ values: [Double], weights: [Double], _ p: Double) -> Double {
    precondition(values.count == weights.count, "values and weights differ in length")
    precondition(p >= 0 && p <= 1, "quantile level must be in [0, 1]")
    precondition(weights.allSatisfy { $0 >= 0 }, "weights must be non-negative")
    let order = values.indices.filter { weights[$0] > 0 }.sorted { values[$0] < values[$1] }
    precondition(!order.isEmpty, "weighted quantile needs a positive total weight")
    let total = order.reduce(0) { $0 + weights[$1] }
    let target = p * total
    var cumulative = 0.0
    for i in order {
      cumulative += weights[i]
      if cumulative >= target * (1 - 1e-12) { return values[i] }
    }
    return values[order.last!]
  }
}

/// Running mean and variance by Welford's algorithm: one pass, no catastrophic cancellation.
public struct RunningMoments: Sendable, Equatable, Codable {
  public private(set) var count = 0
  public private(set) var mean = 0.0
  private var m2 = 0.0

  public init() {}

  public init<S: Sequence>(_ values: S) where S.Element == Double {
    for v in values { add(v) }
  }

  public mutating func add(_ x: Double) {
    count += 1
    let delta = x - mean
    mean += delta / Double(count)
    m2 += delta * (x - mean)
  }

  /// Sample variance (divisor n − 1); 0 for fewer than two values.
  public var variance: Double { count > 1 ? m2 / Double(count - 1) : 0 }
  /// Population variance (divisor n).
  public var populationVariance: Double { count > 0 ? m2 / Double(count) : 0 }
  public var standardDeviation: Double { variance.squareRoot() }
  /// Coefficient of variation sd/|mean| (sample sd); `nil` when the mean is 0.
  public var coefficientOfVariation: Double? { mean == 0 ? nil : standardDeviation / abs(mean) }
}
