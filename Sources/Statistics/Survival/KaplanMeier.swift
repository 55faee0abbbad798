/// The Kaplan–Meier estimate of a survival curve from right-censored durations.
///
/// Ŝ(t) = ∏_{tᵢ ≤ t} (1 − dᵢ / nᵢ), where dᵢ events happen at distinct time tᵢ and nᵢ subjects are
/// still at risk just before tᵢ. A censored subject counts as at risk up to and including its own
/// time (ties: events before censorings, the usual convention). Greenwood's formula gives the
/// variance. The curve never rises; when the last observation is censored it never reaches zero,
/// and quantiles beyond its floor are `nil` (not known), never guessed.
public struct KaplanMeier: Sendable, Equatable {
  /// Distinct event times, ascending.
  public let times: [Double]
  /// Ŝ just after each of `times`.
  public let survival: [Double]
  /// Subjects at risk just before each of `times`.
  public let atRisk: [Int]
  /// Events at each of `times`.
  public let events: [Int]
  /// Greenwood variance of Ŝ at each of `times`.
  public let variance: [Double]
  /// Number of subjects.
  public let count: Int
  /// Number of observed events (not censored).
  public let eventCount: Int

  /// Fits the curve.
  /// - Parameters:
  ///   - durations: time to event or to censoring, ≥ 0.
  ///   - observed: true when the event happened at that time, false when censored.
  /// - Complexity: O(n log n).
  public init(durations: [Double], observed: [Bool]) {
    precondition(durations.count == observed.count, "durations and observed differ in length")
    let order = durations.indices.sorted {
      durations[$0] != durations[$1] ? durations[$0] < durations[$1] : (observed[$0] && !observed[$1])
    }
    var times: [Double] = []
    var survival: [Double] = []
    var atRisk: [Int] = []
    var events: [Int] = []
    var variance: [Double] = []
    var s = 1.0
    var greenwoodSum = 0.0
    var remaining = durations.count
    var i = 0
    while i < order.count {
      let t = durations[order[i]]
      var d = 0
      var c = 0
      while i < order.count, durations[order[i]] == t {
        if observed[order[i]] { d += 1 } else { c += 1 }
        i += 1
      }
      if d > 0 {
        let n = remaining
        s *= 1 - Double(d) / Double(n)
        if n > d { greenwoodSum += Double(d) / (Double(n) * Double(n - d)) }
        times.append(t)
        survival.append(s)
        atRisk.append(n)
        events.append(d)
        variance.append(s * s * greenwoodSum)
      }
      remaining -= d + c
    }
    self.times = times
    self.survival = survival
    self.atRisk = atRisk
    self.events = events
    self.variance = variance
    self.count = durations.count
    self.eventCount = events.reduce(0, +)
  }

  /// Ŝ(t): the estimated probability of surviving past `t`.
  public func survival(at t: Double) -> Double {
    // Index of the last event time ≤ t.
    var lo = 0
    var hi = times.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if times[mid] <= t { lo = mid + 1 } else { hi = mid }
    }
    return lo == 0 ? 1 : survival[lo - 1]
  }

  /// The smallest time at which Ŝ drops to `1 − p` or below (the p-quantile of the duration);
  /// `nil` when the curve never gets that low because of censoring.
  public func quantile(_ p: Double) -> Double? {
    precondition(p > 0 && p < 1, "quantile level must be in (0, 1)")
    let target = 1 - p
    for (t, s) in zip(times, survival) where s <= target + 1e-12 { return t }
    return nil
  }

  /// The median duration (`quantile(0.5)`).
  public var median: Double? { quantile(0.5) }
}
