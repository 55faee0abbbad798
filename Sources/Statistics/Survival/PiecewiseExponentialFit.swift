import Foundation

/// Fits the piecewise-exponential duration family by censored maximum likelihood, which is in
/// closed form once the cuts are fixed.
///
/// Likelihood with frequency weights, intervals Iⱼ and hazards hⱼ:
/// ℓ = Σⱼ (Dⱼ log hⱼ − hⱼ Eⱼ), with Dⱼ the events in Iⱼ and Eⱼ the exposure, the time every
/// duration (event or censored) spent in Iⱼ. So ĥⱼ = Dⱼ / Eⱼ, the occurrence/exposure rate, and
/// the observed information of log hⱼ is Dⱼ (covariance diag 1/Dⱼ, intervals independent).
/// Assumes non-informative censoring, as `DurationFitter` does; zero durations are floored the
/// same way, so log-likelihoods (and AIC) compare with the parametric families on the same data.
///
/// **Cuts.** K = min(`maxIntervals`, ⌊D / `minEventsPerInterval`⌋) intervals (at least 1) up
/// to the last observed exit t_max, cut at the event-weighted quantiles j/K of the exit times
/// (ties merged), so each interval holds about D/K exits wherever the exits are: bimodal exits
/// get cuts inside both modes and one wide, low-hazard interval between them. Intervals are
/// right-closed: an exit at a cut belongs to the interval that ends there.
///
/// **Beyond the last exit.** No exit is ever seen after t_max, so the MLE of a separate hazard
/// there is 0 whenever open stays reach past t_max: those stays never end. That is kept only
/// when the data support it: against the last interval's hazard carried on (one interval
/// (c_{K−1}, ∞) with hazard D_K / (E_K + E_tail)), the likelihood ratio is
/// LR = 2 D_K log(1 + E_tail / E_K); the hazard 0 lies on the boundary, so it is referred to
/// ½χ²₀ + ½χ²₁ and kept at `neverEndingLevel` (LR > 5.41 at 1%, the same test as the mixture
/// cure model). Otherwise (including E_tail = 0: nobody was watched past t_max) the last
/// interval's hazard goes on forever and every stay ends.
///
/// **Parameters for AIC**: one per hazard and one per cut (`DurationDistribution.parameterCount`):
/// the cuts are chosen from the data, and counting them keeps the family from winning on noise
/// where a two-parameter family fits.
public struct PiecewiseExponentialFitter: Sendable {
  /// Most intervals up to the last exit (6–10 is the usual range; more chase noise).
  public var maxIntervals: Int
  /// Fewest (weighted) exits per interval on average.
  public var minEventsPerInterval: Double
  /// Level of the likelihood-ratio test that keeps a zero hazard after the last exit.
  public var neverEndingLevel: Double

  public init(
    maxIntervals: Int = 8, minEventsPerInterval: Double = 10, neverEndingLevel: Double = 0.01
  ) {
    precondition(maxIntervals >= 1 && minEventsPerInterval > 0, "need at least one interval")
    self.maxIntervals = maxIntervals
    self.minEventsPerInterval = minEventsPerInterval
    self.neverEndingLevel = neverEndingLevel
  }

  /// Fits with cuts chosen from the data (see the type's notes).
  /// - Throws: `StatisticsError.emptyData`, `.invalidValue`, `.noEvents`.
  public func fit(
    durations: [Double], observed: [Bool], weights: [Double]? = nil
  ) throws(StatisticsError) -> DurationFit {
    try fit(
      PreparedDurations(
        durations: durations, observed: observed, weights: weights, floor: nil,
        collapseCensored: false))
  }

  /// The closed-form MLE for given interior cuts (no test of the last hazard: an interval with no
  /// exit simply gets hazard 0).
  /// - Throws: as `fit(durations:observed:weights:)`, and `.insufficientData` when no interval
  ///   has an exit with positive exposure.
  public func fit(
    cuts: [Double], durations: [Double], observed: [Bool], weights: [Double]? = nil
  ) throws(StatisticsError) -> DurationFit {
    precondition(
      cuts.allSatisfy({ $0 > 0 && $0.isFinite })
        && zip(cuts, cuts.dropFirst()).allSatisfy({ $0 < $1 }),
      "cuts must be positive and increasing")
    let data = try PreparedDurations(
      durations: durations, observed: observed, weights: weights, floor: nil,
      collapseCensored: false)
    return try result(cuts: cuts, counts: Self.counts(data, cuts: cuts), data: data)
  }

  func fit(_ data: PreparedDurations) throws(StatisticsError) -> DurationFit {
    var cuts = quantileCuts(data)
    var counts = Self.counts(data, cuts: cuts)
    // counts has cuts.count + 1 intervals; the last is (t_max, ∞) and holds no exit.
    let k = cuts.count
    let lastEvents = counts.events[k - 1]
    let lastExposure = counts.exposure[k - 1]
    let tailExposure = counts.exposure[k]
    let lr = tailExposure > 0 ? 2 * lastEvents * log1p(tailExposure / lastExposure) : 0
    let pValue = lr > 0 ? 0.5 * erfc((0.5 * lr).squareRoot()) : 1
    if !(pValue < neverEndingLevel) {
      // Merge the tail into the last interval: its hazard goes on beyond t_max.
      cuts.removeLast()
      counts.events.removeLast()
      counts.exposure[k - 1] += tailExposure
      counts.exposure.removeLast()
    }
    return try result(cuts: cuts, counts: counts, data: data)
  }

  /// Interior cuts: the quantile cuts below t_max, then t_max itself.
  func quantileCuts(_ data: PreparedDurations) -> [Double] {
    let order = data.eventTimes.indices.sorted { data.eventTimes[$0] < data.eventTimes[$1] }
    let total = data.eventWeight
    let lastExit = data.eventTimes[order.last!]
    let intervals = max(1, min(maxIntervals, Int((total / minEventsPerInterval).rounded(.down))))
    var cuts: [Double] = []
    var cumulative = 0.0
    var next = 1
    for i in order where next < intervals {
      cumulative += data.eventWeights[i]
      let t = data.eventTimes[i]
      while next < intervals && cumulative >= Double(next) / Double(intervals) * total {
        if t < lastExit && t > (cuts.last ?? 0) { cuts.append(t) }
        next += 1
      }
    }
    return cuts + [lastExit]
  }

  /// Weighted exits and exposure per interval of `cuts` (cuts.count + 1 intervals).
  static func counts(_ data: PreparedDurations, cuts: [Double]) -> (
    events: [Double], exposure: [Double]
  ) {
    var events = [Double](repeating: 0, count: cuts.count + 1)
    var exposure = [Double](repeating: 0, count: cuts.count + 1)
    func add(_ t: Double, _ w: Double, event: Bool) {
      var a = 0.0
      for j in 0...cuts.count {
        let b = j < cuts.count ? cuts[j] : Double.infinity
        if t <= b {
          exposure[j] += w * (t - a)
          if event { events[j] += w }
          return
        }
        exposure[j] += w * (b - a)
        a = b
      }
    }
    for (t, w) in zip(data.eventTimes, data.eventWeights) { add(t, w, event: true) }
    for (t, w) in zip(data.censoredTimes, data.censoredWeights) { add(t, w, event: false) }
    return (events, exposure)
  }

  /// ĥⱼ = Dⱼ / Eⱼ, ℓ, and the fit record.
  func result(
    cuts: [Double], counts: (events: [Double], exposure: [Double]), data: PreparedDurations
  ) throws(StatisticsError) -> DurationFit {
    var hazards: [Double] = []
    var logLikelihood = 0.0
    var names: [String] = []
    var estimates: [Double] = []
    var variances: [Double] = []
    for j in counts.events.indices {
      let d = counts.events[j]
      let e = counts.exposure[j]
      let h = d > 0 && e > 0 ? d / e : 0
      hazards.append(h)
      if h > 0 {
        logLikelihood += d * log(h) - d
        names.append("log_hazard_\(j + 1)")
        estimates.append(log(h))
        variances.append(1 / d)
      }
    }
    guard let hazard = PiecewiseHazard(cuts: cuts, hazards: hazards) else {
      throw .insufficientData(what: "intervals with an exit and exposure", observed: 0, required: 1)
    }
    let k = estimates.count
    let covariance = (0..<k).map { r in (0..<k).map { c in r == c ? variances[r] : 0 } }
    return DurationFit(
      distribution: .piecewiseExponential(hazard), parameterNames: names, estimates: estimates,
      covariance: covariance, logLikelihood: logLikelihood, observationCount: data.count,
      weightedCount: data.weightedCount, weightedEvents: data.eventWeight, iterations: 0,
      durationFloor: data.floor)
  }
}
