import Foundation
import LinearAlgebra

/// A duration distribution fitted by censored maximum likelihood, with its uncertainty.
///
/// Immutable. `estimates` are the *unconstrained* parameters the optimiser used (logs of the
/// positive parameters; `mu` stays as is) and `covariance` is their covariance, the inverse of
/// the observed information at the maximum. Natural-scale standard errors follow by the delta
/// method (`summary`).
public struct DurationFit: Sendable, Codable, Equatable {
  /// The fitted distribution.
  public let distribution: DurationDistribution
  /// Names of the unconstrained parameters, e.g. `["log_scale", "log_shape"]`.
  public let parameterNames: [String]
  /// Maximum-likelihood estimates of the unconstrained parameters.
  public let estimates: [Double]
  /// Covariance of `estimates` (row-major, k × k) from the inverse observed information.
  public let covariance: [[Double]]
  /// Maximised log-likelihood (includes every constant, comparable across families).
  public let logLikelihood: Double
  /// Number of observations (rows), and the weighted sums of all and of observed events.
  public let observationCount: Int
  public let weightedCount: Double
  public let weightedEvents: Double
  /// Newton iterations used.
  public let iterations: Int
  /// The duration floor that replaced zero durations (see `DurationFitter.durationFloor`).
  public let durationFloor: Double

  public var family: DurationFamily { distribution.family }
  /// Akaike's information criterion −2 log L + 2k, k = `distribution.parameterCount` (for the
  /// piecewise family more than `estimates.count`: its cuts and zero hazards count too).
  public var aic: Double { -2 * logLikelihood + 2 * Double(distribution.parameterCount) }
  /// Standard errors of the unconstrained estimates.
  public var standardErrors: [Double] { covariance.indices.map { covariance[$0][$0].squareRoot() } }

  /// The largest vertical distance between the fitted survival and the Kaplan–Meier curve over
  /// the KM event times, comparing with both the value before and after each KM step (a
  /// Kolmogorov-style supremum). A quick goodness-of-fit check: large values (≳ 0.05 with
  /// hundreds of events) say the family misses the shape of the data.
  public func maxSurvivalGap(to km: KaplanMeier) -> Double {
    var gap = 0.0
    var previous = 1.0
    for (t, s) in zip(km.times, km.survival) {
      let fitted = distribution.survival(t)
      gap = max(gap, abs(fitted - s), abs(fitted - previous))
      previous = s
    }
    return gap
  }

  /// A printable table of estimates with standard errors and 95% Wald intervals.
  public var summary: String {
    var lines = ["\(family.rawValue) fit: n=\(observationCount), events=\(weightedEvents), "
      + "log-lik=\(formatted(logLikelihood)), AIC=\(formatted(aic)), iterations=\(iterations)"]
    lines.append("parameter      estimate        se          lower 95%     upper 95%")
    for (i, name) in parameterNames.enumerated() {
      let se = standardErrors[i]
      let e = estimates[i]
      lines.append(
        [name.padding(toLength: 14, withPad: " ", startingAt: 0), formatted(e), formatted(se),
         formatted(e - 1.959964 * se), formatted(e + 1.959964 * se)].joined(separator: " "))
    }
    lines.append("median=\(formatted(distribution.median)) mean=\(formatted(distribution.mean))")
    return lines.joined(separator: "\n")
  }

  private func formatted(_ x: Double) -> String {
    String(format: "%-13.6g", x)
  }
}

/// One family's attempt in `DurationFitter.fitAll`.
public struct DurationFitAttempt: Sendable {
  public let family: DurationFamily
  public let result: Result<DurationFit, StatisticsError>
}

/// Fits duration distributions to right-censored data by maximum likelihood.
///
/// Likelihood: L(θ) = ∏ f(tᵢ)^{wᵢ δᵢ} S(tᵢ)^{wᵢ (1 − δᵢ)}, with δᵢ = 1 for an observed event and
/// 0 for a right-censored duration (still open: it lasted at least tᵢ). Weights are frequency
/// weights. Assumes censoring is independent of the duration given the family (non-informative).
///
/// Optimisation: Newton's method on unconstrained parameters (logs of positive parameters) with
/// the analytic observed information (the gamma family differentiates log Q(k, x) in k
/// numerically), Levenberg damping when the information is not positive definite, and step
/// halving until the log-likelihood does not fall. Event contributions enter through sufficient
/// statistics where the family allows, so one pass over the data per iteration suffices.
///
/// Zero durations have log-density −∞ for the lognormal, Weibull (shape > 1) and gamma families,
/// so they are replaced by `durationFloor`: by default half the smallest positive duration — for
/// durations recorded in whole days, the midpoint of [0, 1), where a same-day duration lies.
public struct DurationFitter: Sendable {
  /// Newton iteration limit.
  public var maxIterations: Int
  /// Convergence when every unconstrained parameter moves less than `tolerance · (1 + |θ|)`.
  public var tolerance: Double
  /// Replacement for zero durations; `nil` means half the smallest positive duration.
  public var durationFloor: Double?

  public init(maxIterations: Int = 100, tolerance: Double = 1e-9, durationFloor: Double? = nil) {
    self.maxIterations = maxIterations
    self.tolerance = tolerance
    self.durationFloor = durationFloor
  }

  /// Fits one family.
  /// - Parameters:
  ///   - durations: time to event or censoring, ≥ 0 and finite.
  ///   - observed: true for an event, false for right-censored.
  ///   - weights: optional frequency weights ≥ 0.
  /// - Throws: `StatisticsError.emptyData`, `.invalidValue`, `.noEvents` (all censored),
  ///   `.insufficientData` (a two-parameter family with events at fewer than two distinct
  ///   times: its MLE is on the boundary), `.didNotConverge`, `.linearAlgebra`.
  /// - Complexity: O(n) per Newton iteration (gamma: three incomplete-gamma evaluations per
  ///   distinct censored duration).
  public func fit(
    _ family: DurationFamily, durations: [Double], observed: [Bool], weights: [Double]? = nil
  ) throws(StatisticsError) -> DurationFit {
    let data = try PreparedDurations(
      durations: durations, observed: observed, weights: weights, floor: durationFloor,
      collapseCensored: family == .gamma)
    if family.parameterCount == 2 && data.distinctEventTimes < 2 {
      throw .insufficientData(
        what: "distinct event times for a \(family.rawValue) fit",
        observed: data.distinctEventTimes, required: 2)
    }
    switch family {
    case .exponential: return try maximise(ExponentialLikelihood(), data)
    case .logNormal: return try maximise(LogNormalLikelihood(), data)
    case .gamma: return try maximise(GammaLikelihood(), data)
    case .weibull: return try maximise(WeibullLikelihood(), data)
    case .piecewiseExponential: return try PiecewiseExponentialFitter().fit(data)
    }
  }

  /// Fits a cause-specific duration: events of `cause` are events, every other outcome
  /// (another cause, or censored) is censored at its time. This estimates the cause-specific
  /// hazard; its "survival" is not the probability of avoiding that cause in a world with
  /// competing exits (use `AalenJohansen` for cumulative incidence).
  public func fitCauseSpecific(
    _ family: DurationFamily, durations: [Double], causes: [Int?], cause: Int,
    weights: [Double]? = nil
  ) throws(StatisticsError) -> DurationFit {
    try fit(
      family, durations: durations, observed: CompetingRisks.causeSpecificObserved(causes, cause: cause),
      weights: weights)
  }

  /// Fits every family in `families` (in that order), keeping failures.
  public func fitAll(
    families: [DurationFamily] = DurationFamily.allCases, durations: [Double], observed: [Bool],
    weights: [Double]? = nil
  ) -> [DurationFitAttempt] {
    families.map { family in
      do throws(StatisticsError) {
        return DurationFitAttempt(
          family: family,
          result: .success(try fit(family, durations: durations, observed: observed, weights: weights)))
      } catch {
        return DurationFitAttempt(family: family, result: .failure(error))
      }
    }
  }

  /// Fits each family and returns the one with the lowest AIC (ties: earlier in `families`).
  /// Families that fail are skipped; if all fail, the first family's error is thrown.
  public func fitBest(
    families: [DurationFamily] = DurationFamily.allCases, durations: [Double], observed: [Bool],
    weights: [Double]? = nil
  ) throws(StatisticsError) -> DurationFit {
    precondition(!families.isEmpty, "fitBest needs at least one family")
    let attempts = fitAll(families: families, durations: durations, observed: observed, weights: weights)
    var best: DurationFit?
    for attempt in attempts {
      if case .success(let fit) = attempt.result, best == nil || fit.aic < best!.aic { best = fit }
    }
    if let best { return best }
    if case .failure(let error) = attempts[0].result { throw error }
    fatalError("unreachable")
  }

  // MARK: Newton's method

  private func maximise<L: CensoredLikelihood>(_ model: L, _ data: PreparedDurations) throws(StatisticsError) -> DurationFit {
    let k = L.parameterNames.count
    var theta = model.start(data)
    var current = model.evaluate(theta, data, derivatives: true)
    guard current.logLikelihood.isFinite else {
      throw .didNotConverge(iterations: 0, lastChange: .infinity)
    }
    var iterations = 0
    var lastChange = Double.infinity
    var converged = false
    while iterations < maxIterations {
      iterations += 1
      var step = newtonStep(information: current.information, gradient: current.gradient, k: k)
      // Keep a single step within a factor e^5 on the log scale.
      let largest = step.map(abs).max() ?? 0
      if largest > 5 { step = step.map { $0 * 5 / largest } }
      var scale = 1.0
      var accepted = false
      for _ in 0..<50 {
        let candidate = zip(theta, step).map { $0 + scale * $1 }
        // The full step is usually accepted, so evaluate it with derivatives; halved steps
        // first check the log-likelihood alone when derivatives are expensive.
        let withDerivatives = L.derivativesAreCheap || scale == 1
        let value = model.evaluate(candidate, data, derivatives: withDerivatives)
        if value.logLikelihood.isFinite
          && value.logLikelihood >= current.logLikelihood - 1e-12 * abs(current.logLikelihood)
        {
          lastChange = zip(candidate, theta).map { abs($0 - $1) / (1 + abs($1)) }.max() ?? 0
          theta = candidate
          current = withDerivatives ? value : model.evaluate(candidate, data, derivatives: true)
          accepted = true
          break
        }
        scale *= 0.5
      }
      if !accepted {
        // No point along the Newton direction improves: at the maximum to working precision
        // if the predicted gain is negligible.
        let predictedGain = zip(step, current.gradient).map(*).reduce(0, +)
        if predictedGain < 1e-8 * (1 + abs(current.logLikelihood)) { converged = true }
        break
      }
      if lastChange < tolerance {
        converged = true
        break
      }
    }
    guard converged else { throw .didNotConverge(iterations: iterations, lastChange: lastChange) }
    let covariance: Matrix
    do {
      covariance = try LinearAlgebra.inverseSymmetricPositiveDefinite(
        Matrix(rows: k, columns: k, columnMajor: current.information))
    } catch {
      throw .linearAlgebra(error)
    }
    guard theta.allSatisfy(\.isFinite), covariance.storage.allSatisfy(\.isFinite) else {
      throw .didNotConverge(iterations: iterations, lastChange: lastChange)
    }
    return DurationFit(
      distribution: model.distribution(theta), parameterNames: L.parameterNames, estimates: theta,
      covariance: (0..<k).map { covariance.row($0) }, logLikelihood: current.logLikelihood,
      observationCount: data.count, weightedCount: data.weightedCount,
      weightedEvents: data.eventWeight, iterations: iterations, durationFloor: data.floor)
  }

  /// Solves I·step = g by Cholesky; when I is not positive definite (far from the maximum),
  /// adds Levenberg damping λ·diag until it is.
  private func newtonStep(information: [Double], gradient: [Double], k: Int) -> [Double] {
    var damping = 0.0
    let diagonalScale = (0..<k).map { max(abs(information[$0 * k + $0]), 1e-8) }
    for _ in 0..<30 {
      var matrix = Matrix(rows: k, columns: k, columnMajor: information)
      for i in 0..<k { matrix[i, i] += damping * diagonalScale[i] }
      if let step = try? LinearAlgebra.solveSymmetricPositiveDefinite(matrix, gradient),
        step.allSatisfy(\.isFinite)
      {
        return step
      }
      damping = damping == 0 ? 1e-4 : damping * 10
    }
    // Gradient ascent as a last resort.
    return zip(gradient, diagonalScale).map { $0 / $1 }
  }
}

// MARK: - Data

/// Validated durations split into events and censored observations, with the sufficient
/// statistics of the events.
struct PreparedDurations {
  var eventTimes: [Double] = []
  var eventLogTimes: [Double] = []
  var eventWeights: [Double] = []
  var censoredTimes: [Double] = []
  var censoredLogTimes: [Double] = []
  var censoredWeights: [Double] = []
  /// Σw, Σw log t, Σw t, Σw (log t − mean)² over events.
  var eventWeight = 0.0
  var eventLogSum = 0.0
  var eventTimeSum = 0.0
  var eventLogMean = 0.0
  var eventLogSquares = 0.0
  var censoredTimeSum = 0.0
  var weightedCount = 0.0
  var count = 0
  var distinctEventTimes = 0
  var floor = 0.0

  init(
    durations: [Double], observed: [Bool], weights: [Double]?, floor requestedFloor: Double?,
    collapseCensored: Bool
  ) throws(StatisticsError) {
    precondition(durations.count == observed.count, "durations and observed differ in length")
    if let weights { precondition(weights.count == durations.count, "weights differ in length") }
    guard !durations.isEmpty else { throw .emptyData(what: "durations") }
    var smallestPositive = Double.infinity
    for (i, t) in durations.enumerated() {
      guard t >= 0 && t.isFinite else { throw .invalidValue(name: "duration", index: i, value: t) }
      if t > 0 && t < smallestPositive { smallestPositive = t }
      if let weights, !(weights[i] >= 0 && weights[i].isFinite) {
        throw .invalidValue(name: "weight", index: i, value: weights[i])
      }
    }
    let floor = requestedFloor ?? (smallestPositive.isFinite ? 0.5 * smallestPositive : 1)
    self.floor = floor
    count = durations.count
    eventTimes.reserveCapacity(durations.count)
    eventLogTimes.reserveCapacity(durations.count)
    eventWeights.reserveCapacity(durations.count)
    for i in durations.indices {
      let w = weights?[i] ?? 1
      if w == 0 { continue }
      let t = max(durations[i], floor)
      weightedCount += w
      if observed[i] {
        eventTimes.append(t)
        eventLogTimes.append(log(t))
        eventWeights.append(w)
      } else {
        censoredTimes.append(t)
        censoredWeights.append(w)
      }
    }
    if collapseCensored && censoredTimes.count > 1 {
      // Merge tied censored durations (exact: the likelihood depends only on distinct values).
      let order = censoredTimes.indices.sorted { censoredTimes[$0] < censoredTimes[$1] }
      var times: [Double] = []
      var ws: [Double] = []
      for i in order {
        if let last = times.last, last == censoredTimes[i] {
          ws[ws.count - 1] += censoredWeights[i]
        } else {
          times.append(censoredTimes[i])
          ws.append(censoredWeights[i])
        }
      }
      censoredTimes = times
      censoredWeights = ws
    }
    censoredLogTimes = censoredTimes.map { log($0) }
    censoredTimeSum = zip(censoredTimes, censoredWeights).reduce(0) { $0 + $1.0 * $1.1 }
    for i in eventTimes.indices {
      let w = eventWeights[i]
      eventWeight += w
      eventLogSum += w * eventLogTimes[i]
      eventTimeSum += w * eventTimes[i]
    }
    guard eventWeight > 0 else { throw .noEvents(observations: durations.count) }
    eventLogMean = eventLogSum / eventWeight
    var distinct = 0
    var first = eventTimes.first!
    for i in eventTimes.indices {
      let d = eventLogTimes[i] - eventLogMean
      eventLogSquares += eventWeights[i] * d * d
      if distinct < 2 {
        if distinct == 0 { distinct = 1; first = eventTimes[i] } else if eventTimes[i] != first { distinct = 2 }
      }
    }
    distinctEventTimes = distinct
  }
}

// MARK: - Family likelihoods

/// Log-likelihood, gradient and observed information (−Hessian, column-major k × k).
struct LikelihoodValue {
  var logLikelihood: Double
  var gradient: [Double]
  var information: [Double]
}

/// What a family has to say: its parameters, a starting point, and its censored likelihood.
/// The shared optimiser, covariance and summaries live in `DurationFitter`.
protocol CensoredLikelihood {
  static var parameterNames: [String] { get }
  /// False when derivatives cost much more than the log-likelihood (so step halving evaluates
  /// the log-likelihood alone).
  static var derivativesAreCheap: Bool { get }
  func start(_ data: PreparedDurations) -> [Double]
  func evaluate(_ theta: [Double], _ data: PreparedDurations, derivatives: Bool) -> LikelihoodValue
  func distribution(_ theta: [Double]) -> DurationDistribution
}

/// θ = log rate. ℓ = D log λ − λ Σ w t; the MLE is λ = D / Σ w t, which is also the start.
struct ExponentialLikelihood: CensoredLikelihood {
  static let derivativesAreCheap = true
  static let parameterNames = ["log_rate"]

  func start(_ data: PreparedDurations) -> [Double] {
    [log(data.eventWeight / (data.eventTimeSum + data.censoredTimeSum))]
  }

  func evaluate(_ theta: [Double], _ data: PreparedDurations, derivatives: Bool) -> LikelihoodValue {
    let rate = exp(theta[0])
    let exposure = (data.eventTimeSum + data.censoredTimeSum) * rate
    return LikelihoodValue(
      logLikelihood: data.eventWeight * theta[0] - exposure,
      gradient: [data.eventWeight - exposure], information: [exposure])
  }

  func distribution(_ theta: [Double]) -> DurationDistribution { .exponential(rate: exp(theta[0])) }
}

/// θ = (μ, log σ), z = (log t − μ)/σ. Events: log f = −log t − log σ − ½ log 2π − z²/2, through
/// the sufficient statistics Σw, Σw log t, Σw (log t − ȳ)². Censored: log S = log(1 − Φ(z)),
/// whose derivatives use the normal hazard h(z) = φ/(1 − Φ) with h′ = h (h − z).
struct LogNormalLikelihood: CensoredLikelihood {
  static let derivativesAreCheap = true
  static let parameterNames = ["mu", "log_sigma"]

  func start(_ data: PreparedDurations) -> [Double] {
    [data.eventLogMean, 0.5 * log(max(data.eventLogSquares / data.eventWeight, 1e-12))]
  }

  func evaluate(_ theta: [Double], _ data: PreparedDurations, derivatives: Bool) -> LikelihoodValue {
    let mu = theta[0]
    let s = theta[1]
    let sigma = exp(s)
    let invSigma = 1 / sigma
    let d = data.eventWeight
    let offset = data.eventLogMean - mu
    let ss = data.eventLogSquares + d * offset * offset
    let s2 = sigma * sigma
    var ll = -data.eventLogSum - d * s - d * Special.logSqrt2Pi - 0.5 * ss / s2
    var gMu = d * offset / s2
    var gS = -d + ss / s2
    var hMuMu = -d / s2
    var hMuS = -2 * d * offset / s2
    var hSS = -2 * ss / s2
    var cl = 0.0, cgMu = 0.0, cgS = 0.0, chMuMu = 0.0, chMuS = 0.0, chSS = 0.0
    data.censoredLogTimes.withUnsafeBufferPointer { ys in
      data.censoredWeights.withUnsafeBufferPointer { ws in
        for i in 0..<ys.count {
          let w = ws[i]
          let z = (ys[i] - mu) * invSigma
          if z < 30 {
            let q = 0.5 * erfc(z * 0.7071067811865476)
            cl += w * log(q)
            if derivatives {
              let h = exp(-0.5 * z * z) * 0.3989422804014327 / q
              let hp = h * (h - z)
              cgMu += w * h
              cgS += w * h * z
              chMuMu += w * hp
              chMuS += w * (z * hp + h)
              chSS += w * (z * z * hp + h * z)
            }
          } else {
            cl += w * Special.logNormalSurvival(z)
            if derivatives {
              let h = Special.normalHazard(z)
              let hp = h * (h - z)
              cgMu += w * h
              cgS += w * h * z
              chMuMu += w * hp
              chMuS += w * (z * hp + h)
              chSS += w * (z * z * hp + h * z)
            }
          }
        }
      }
    }
    ll += cl
    gMu += cgMu * invSigma
    gS += cgS
    hMuMu -= chMuMu / s2
    hMuS -= chMuS * invSigma
    hSS -= chSS
    return LikelihoodValue(
      logLikelihood: ll, gradient: [gMu, gS], information: [-hMuMu, -hMuS, -hMuS, -hSS])
  }

  func distribution(_ theta: [Double]) -> DurationDistribution {
    .logNormal(mu: theta[0], sigma: exp(theta[1]))
  }
}

/// θ = (log λ, log ρ) for S(t) = exp(−(t/λ)^ρ), z = ρ (log t − log λ).
/// ℓ = Σ w [δ (log ρ + z − log t) − e^z]: one exponential per observation gives
/// A₀ = Σ w e^z, A₁ = Σ w e^z z, A₂ = Σ w e^z z², and the events enter through Σw and Σw log t.
struct WeibullLikelihood: CensoredLikelihood {
  static let derivativesAreCheap = true
  static let parameterNames = ["log_scale", "log_shape"]

  func start(_ data: PreparedDurations) -> [Double] {
    // Shape from the Gumbel standard deviation π/(ρ√6) of log durations; scale from the
    // closed-form MLE given the shape, λ^ρ = Σ w t^ρ / D.
    let sd = (data.eventLogSquares / data.eventWeight).squareRoot()
    let rho = min(max(sd > 0 ? Double.pi / (sd * 6.0.squareRoot()) : 1, 0.05), 20)
    var total = 0.0
    for (t, w) in zip(data.eventTimes, data.eventWeights) { total += w * pow(t, rho) }
    for (t, w) in zip(data.censoredTimes, data.censoredWeights) { total += w * pow(t, rho) }
    return [log(total / data.eventWeight) / rho, log(rho)]
  }

  func evaluate(_ theta: [Double], _ data: PreparedDurations, derivatives: Bool) -> LikelihoodValue {
    let a = theta[0]
    let rho = exp(theta[1])
    var a0 = 0.0, a1 = 0.0, a2 = 0.0
    for (ys, ws) in [(data.eventLogTimes, data.eventWeights), (data.censoredLogTimes, data.censoredWeights)] {
      ys.withUnsafeBufferPointer { ys in
        ws.withUnsafeBufferPointer { ws in
          for i in 0..<ys.count {
            let z = rho * (ys[i] - a)
            let e = ws[i] * exp(z)
            a0 += e
            a1 += e * z
            a2 += e * z * z
          }
        }
      }
    }
    let d = data.eventWeight
    let eventZ = rho * (data.eventLogSum - a * d)
    let ll = d * theta[1] + eventZ - data.eventLogSum - a0
    let gA = rho * (a0 - d)
    let gB = d + eventZ - a1
    let hAA = -rho * rho * a0
    let hAB = rho * (a0 - d) + rho * a1
    let hBB = eventZ - a2 - a1
    return LikelihoodValue(
      logLikelihood: ll, gradient: [gA, gB], information: [-hAA, -hAB, -hAB, -hBB])
  }

  func distribution(_ theta: [Double]) -> DurationDistribution {
    .weibull(shape: exp(theta[1]), scale: exp(theta[0]))
  }
}

/// θ = (log k, log s). Events: log f = (k−1) log t − t/s − log Γ(k) − k log s, through Σw,
/// Σw log t, Σw t. Censored: log Q(k, t/s); its scale derivatives are analytic (via the unit
/// gamma hazard r = pdf/Q), its shape derivatives central differences in log k (step 1e-4).
struct GammaLikelihood: CensoredLikelihood {
  static let derivativesAreCheap = false
  static let parameterNames = ["log_shape", "log_scale"]
  static let step = 1e-4

  func start(_ data: PreparedDurations) -> [Double] {
    // Method of moments on the events.
    let mean = data.eventTimeSum / data.eventWeight
    var m2 = 0.0
    for (t, w) in zip(data.eventTimes, data.eventWeights) { m2 += w * (t - mean) * (t - mean) }
    let variance = max(m2 / data.eventWeight, 1e-12 * mean * mean)
    let shape = min(max(mean * mean / variance, 0.05), 1e4)
    return [log(shape), log(mean / shape)]
  }

  func evaluate(_ theta: [Double], _ data: PreparedDurations, derivatives: Bool) -> LikelihoodValue {
    let k = exp(theta[0])
    let b = theta[1]
    let s = exp(b)
    let d = data.eventWeight
    let lg = lgamma(k) as Double
    let psi = Special.digamma(k)
    var ll = -d * lg - k * d * b + (k - 1) * data.eventLogSum - data.eventTimeSum / s
    var gA = k * (-d * psi - d * b + data.eventLogSum)
    var gB = -k * d + data.eventTimeSum / s
    var hAA = gA - k * k * d * Special.trigamma(k)
    var hAB = -k * d
    var hBB = -data.eventTimeSum / s
    let h = Self.step
    let kUp = k * exp(h)
    let kDown = k * exp(-h)
    let lgUp = lgamma(kUp) as Double
    let lgDown = lgamma(kDown) as Double
    var cl = 0.0, cgA = 0.0, cgB = 0.0, chAA = 0.0, chAB = 0.0, chBB = 0.0
    for i in data.censoredTimes.indices {
      let w = data.censoredWeights[i]
      let x = data.censoredTimes[i] / s
      let logX = data.censoredLogTimes[i] - b
      let logQ = Special.incompleteGamma(k, x, logGammaA: lg).logQ
      cl += w * logQ
      guard derivatives else { continue }
      let logQUp = Special.incompleteGamma(kUp, x, logGammaA: lgUp).logQ
      let logQDown = Special.incompleteGamma(kDown, x, logGammaA: lgDown).logQ
      // ∂/∂b log Q = x r(x) with r = pdf/Q of the unit gamma.
      func scaleDerivative(_ shape: Double, _ logGammaShape: Double, _ logQ: Double) -> (Double, Double) {
        let r = exp((shape - 1) * logX - x - logGammaShape - logQ)
        return (x * r, -x * r * (shape + x * r - x))
      }
      let (gb, hbb) = scaleDerivative(k, lg, logQ)
      let (gbUp, _) = scaleDerivative(kUp, lgUp, logQUp)
      let (gbDown, _) = scaleDerivative(kDown, lgDown, logQDown)
      cgA += w * (logQUp - logQDown) / (2 * h)
      chAA += w * (logQUp - 2 * logQ + logQDown) / (h * h)
      cgB += w * gb
      chBB += w * hbb
      chAB += w * (gbUp - gbDown) / (2 * h)
    }
    ll += cl
    gA += cgA
    gB += cgB
    hAA += chAA
    hAB += chAB
    hBB += chBB
    return LikelihoodValue(
      logLikelihood: ll, gradient: [gA, gB], information: [-hAA, -hAB, -hAB, -hBB])
  }

  func distribution(_ theta: [Double]) -> DurationDistribution {
    .gamma(shape: exp(theta[0]), scale: exp(theta[1]))
  }
}
