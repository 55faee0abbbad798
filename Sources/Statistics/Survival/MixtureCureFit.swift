import Foundation
import LinearAlgebra

/// A mixture "cure" duration model fitted by censored maximum likelihood: a share π of stays
/// never ends, the rest last T ~ S₀ (one of the `DurationFamily` families).
///
/// Population survival S(t) = π + (1 − π) S₀(t). Likelihood with frequency weights wᵢ:
/// L(π, θ) = ∏ [(1 − π) f₀(tᵢ; θ)]^{wᵢ δᵢ} [π + (1 − π) S₀(tᵢ; θ)]^{wᵢ (1 − δᵢ)}.
/// π and θ are estimated jointly. π is identified only by the censored durations: open stays
/// much older than the ended ones say that some stays will not end, while open stays no older
/// than the ended ones are explained by S₀'s tail. π = 0 lies on the boundary of the parameter
/// space, so the likelihood-ratio statistic LR = 2(ℓ̂ − ℓ̂₀) against the same family without a
/// cure share follows ½χ²₀ + ½χ²₁ under π = 0 (Self & Liang 1987): `pValue` = ½ P(χ²₁ > LR).
public struct MixtureCureFit: Sendable, Equatable {
  /// π, the share of durations that never end.
  public let cureFraction: Double
  /// S₀, the distribution of the durations that do end.
  public let distribution: DurationDistribution
  /// Unconstrained estimates: logit π, then the family's parameters in `DurationFit` order
  /// (exponential: log rate; lognormal: μ, log σ; gamma: log shape, log scale; Weibull: log scale,
  /// log shape).
  public let estimates: [Double]
  /// Covariance of `estimates` (row-major k × k), the inverse of the numerical observed
  /// information; empty when the information is not positive definite (π on the boundary).
  public let covariance: [Double]
  /// Maximised log-likelihood, and that of the same family with π = 0 (comparable constants).
  public let logLikelihood: Double
  public let noCureLogLikelihood: Double

  public var family: DurationFamily { distribution.family }
  /// LR = 2(ℓ̂ − ℓ̂₀) ≥ 0.
  public var likelihoodRatio: Double { max(0, 2 * (logLikelihood - noCureLogLikelihood)) }
  /// One-sided boundary p-value of H₀: π = 0, ½ P(χ²₁ > LR) (1 when LR = 0).
  public var pValue: Double {
    let lr = likelihoodRatio
    return lr > 0 ? 0.5 * erfc((0.5 * lr).squareRoot()) : 1
  }
  /// AIC with one parameter more than the family alone.
  public var aic: Double { -2 * logLikelihood + 2 * Double(estimates.count) }

  /// P(the duration never ends | it has lasted `age`): π / (π + (1 − π) S₀(age)), on the log
  /// scale so it stays exact when S₀(age) underflows.
  public func cureProbability(givenSurvived age: Double) -> Double {
    Self.cureProbability(cureFraction, distribution, givenSurvived: age)
  }

  /// π / (π + (1 − π) S₀(age)) for any π and S₀ (0 when π = 0, 1 when S₀(age) = 0 < π).
  public static func cureProbability(
    _ pi: Double, _ distribution: DurationDistribution, givenSurvived age: Double
  ) -> Double {
    guard pi > 0 else { return 0 }
    guard pi < 1 else { return 1 }
    let logS = distribution.logSurvival(max(0, age))
    guard logS.isFinite else { return 1 }
    // 1 / (1 + (1 − π) S₀ / π)
    let r = exp(log1p(-pi) + logS - log(pi))
    let z = 1 / (1 + r)
    return z.isFinite ? min(1, max(0, z)) : 0
  }

  /// The unconstrained parameters of a distribution, in `DurationFit` order.
  public static func unconstrained(_ d: DurationDistribution) -> [Double] {
    switch d {
    case .exponential(let rate): return [log(rate)]
    case .logNormal(let mu, let sigma): return [mu, log(sigma)]
    case .gamma(let shape, let scale): return [log(shape), log(scale)]
    case .weibull(let shape, let scale): return [log(scale), log(shape)]
    case .piecewiseExponential(let p): return p.hazards.filter { $0 > 0 }.map { log($0) }
    }
  }

  /// The distribution of a parametric family for unconstrained parameters in `DurationFit`
  /// order. The piecewise family has no fixed layout (its cuts are not in `t`): use
  /// `PiecewiseHazard.replacingPositiveHazards(logHazards:)` on the fitted hazard instead.
  public static func distribution(_ family: DurationFamily, unconstrained t: [Double]) -> DurationDistribution {
    switch family {
    case .exponential: return .exponential(rate: exp(t[0]))
    case .logNormal: return .logNormal(mu: t[0], sigma: exp(t[1]))
    case .gamma: return .gamma(shape: exp(t[0]), scale: exp(t[1]))
    case .weibull: return .weibull(shape: exp(t[1]), scale: exp(t[0]))
    case .piecewiseExponential: preconditionFailure("piecewise hazards need their cuts")
    }
  }
}

/// Fits `MixtureCureFit` by maximising the joint likelihood in (logit π, θ).
///
/// Optimisation: Nelder–Mead from a few starts (the family's own MLE and its fit to the ended
/// durations only, each with several π), restarted at the best point until it stops improving,
/// then the covariance from a central-difference Hessian. The likelihood is cheap on grouped
/// data (one row per distinct duration and status), and derivative-free search is robust where
/// the likelihood is flat in π (π near 0, or S₀ with a very long tail). logit π is kept in
/// [−30, 30]. Zero durations are replaced by half the smallest positive one, as `DurationFitter`
/// does, so `noCureLogLikelihood` matches its log-likelihood.
public struct MixtureCureFitter: Sendable {
  public var maxEvaluations: Int

  public init(maxEvaluations: Int = 4000) {
    self.maxEvaluations = maxEvaluations
  }

  struct Rows {
    var eventTimes: [Double] = []
    var eventWeights: [Double] = []
    var censoredTimes: [Double] = []
    var censoredWeights: [Double] = []
  }

  /// - Parameters:
  ///   - noCure: the family's ordinary censored MLE on the same data (`DurationFitter`), the
  ///     null model and a start; fitted here when nil.
  /// - Throws: `StatisticsError.emptyData`, `.noEvents`, `.insufficientData` (no censored
  ///   durations: π is not identified), `.didNotConverge`, `.unsupportedFamily` for the
  ///   piecewise-exponential family (a last hazard of 0 is its own never-ending share).
  public func fit(
    _ family: DurationFamily, durations: [Double], observed: [Bool], weights: [Double]? = nil,
    noCure: DurationFit? = nil
  ) throws(StatisticsError) -> MixtureCureFit {
    precondition(durations.count == observed.count, "durations and observed differ in length")
    if family == .piecewiseExponential {
      throw .unsupportedFamily(family, estimator: "the mixture cure fit")
    }
    guard !durations.isEmpty else { throw .emptyData(what: "durations") }
    var smallest = Double.infinity
    for (i, t) in durations.enumerated() {
      guard t >= 0 && t.isFinite else { throw .invalidValue(name: "duration", index: i, value: t) }
      if t > 0 { smallest = min(smallest, t) }
    }
    let floor = smallest.isFinite ? 0.5 * smallest : 1
    var rows = Rows()
    for i in durations.indices {
      let w = weights?[i] ?? 1
      guard w > 0 else { continue }
      let t = max(durations[i], floor)
      if observed[i] {
        rows.eventTimes.append(t)
        rows.eventWeights.append(w)
      } else {
        rows.censoredTimes.append(t)
        rows.censoredWeights.append(w)
      }
    }
    let eventWeight = rows.eventWeights.reduce(0, +)
    let censoredWeight = rows.censoredWeights.reduce(0, +)
    guard eventWeight > 0 else { throw .noEvents(observations: durations.count) }
    guard censoredWeight > 0 else {
      throw .insufficientData(what: "censored durations for a cure fraction", observed: 0, required: 1)
    }
    let null: DurationFit
    if let noCure {
      null = noCure
    } else {
      null = try DurationFitter().fit(family, durations: durations, observed: observed, weights: weights)
    }
    let nullTheta = MixtureCureFit.unconstrained(null.distribution)
    let k = nullTheta.count + 1
    let nullLL = Self.logLikelihood(rows, family, logitPi: nil, theta: nullTheta)
    func objective(_ x: [Double]) -> Double {
      guard abs(x[0]) <= 30, x.allSatisfy({ $0.isFinite && abs($0) < 700 }) else { return .infinity }
      let ll = Self.logLikelihood(rows, family, logitPi: x[0], theta: Array(x.dropFirst()))
      return ll.isFinite ? -ll : .infinity
    }

    // Starts: θ from the family's MLE and from the ended durations alone; π a few values below
    // the censored share (every censored duration cannot be a cure).
    var thetas = [nullTheta]
    if let eventsOnly = try? DurationFitter().fit(
      family, durations: rows.eventTimes, observed: rows.eventTimes.map { _ in true },
      weights: rows.eventWeights)
    {
      thetas.append(MixtureCureFit.unconstrained(eventsOnly.distribution))
    }
    let censoredShare = censoredWeight / (censoredWeight + eventWeight)
    let pis = [0.02, 0.25, 0.6, 0.95].map { min(max($0 * censoredShare, 1e-4), 0.999) }
    var starts: [(Double, [Double])] = []
    for theta in thetas {
      for p in pis {
        let x = [log(p / (1 - p))] + theta
        starts.append((objective(x), x))
      }
    }
    starts.sort { $0.0 < $1.0 }
    var best: (value: Double, x: [Double])? = nil
    for start in starts.prefix(2) where start.0.isFinite {
      var point = start.1
      var value = start.0
      for _ in 0..<4 {
        let result = Self.nelderMead(objective, start: point, step: 0.5, maxEvaluations: maxEvaluations)
        let improved = result.value < value - 1e-9 * (1 + abs(value))
        point = result.x
        value = result.value
        if !improved { break }
      }
      if best == nil || value < best!.value { best = (value, point) }
    }
    guard let best, best.value.isFinite else {
      throw .didNotConverge(iterations: maxEvaluations, lastChange: .infinity)
    }
    var x = best.x
    var ll = -best.value
    if ll < nullLL {
      // The search did not beat the boundary: π → 0 with the family's own MLE.
      x = [-30] + nullTheta
      ll = nullLL
    }
    let covariance = Self.covariance(objective, at: x, k: k)
    return MixtureCureFit(
      cureFraction: 1 / (1 + exp(-x[0])),
      distribution: MixtureCureFit.distribution(family, unconstrained: Array(x.dropFirst())),
      estimates: x, covariance: covariance, logLikelihood: ll, noCureLogLikelihood: nullLL)
  }

  /// ℓ(π, θ); `logitPi` nil means π = 0.
  static func logLikelihood(
    _ rows: Rows, _ family: DurationFamily, logitPi: Double?, theta: [Double]
  ) -> Double {
    let d = MixtureCureFit.distribution(family, unconstrained: theta)
    var logPi = -Double.infinity
    var logOneMinusPi = 0.0
    if let a = logitPi {
      logPi = -softplus(-a)
      logOneMinusPi = -softplus(a)
    }
    var ll = 0.0
    for (t, w) in zip(rows.eventTimes, rows.eventWeights) {
      ll += w * (logOneMinusPi + d.logPDF(t))
    }
    for (t, w) in zip(rows.censoredTimes, rows.censoredWeights) {
      let a = logPi
      let b = logOneMinusPi + d.logSurvival(t)
      let m = max(a, b)
      ll += w * (m.isFinite ? m + log(exp(a - m) + exp(b - m)) : m)
    }
    return ll
  }

  /// log(1 + eˣ) without overflow.
  static func softplus(_ x: Double) -> Double { x > 30 ? x : log1p(exp(x)) }

  /// Nelder–Mead minimisation (standard coefficients 1, 2, ½, ½), stopping when the simplex's
  /// values agree to 1e-11 relative and its vertices to 1e-9, or after `maxEvaluations`.
  static func nelderMead(
    _ f: ([Double]) -> Double, start: [Double], step: Double, maxEvaluations: Int
  ) -> (x: [Double], value: Double) {
    let n = start.count
    var simplex = [start]
    for i in 0..<n {
      var p = start
      p[i] += step
      simplex.append(p)
    }
    var values = simplex.map(f)
    var evaluations = n + 1
    func combine(_ a: [Double], _ b: [Double], _ t: Double) -> [Double] {
      zip(a, b).map { $0 + t * ($1 - $0) }
    }
    while evaluations < maxEvaluations {
      let order = values.indices.sorted { values[$0] < values[$1] }
      simplex = order.map { simplex[$0] }
      values = order.map { values[$0] }
      let spread = abs(values[n] - values[0])
      var size = 0.0
      for p in simplex.dropFirst() {
        for (a, b) in zip(p, simplex[0]) { size = max(size, abs(a - b)) }
      }
      if values[0].isFinite && spread <= 1e-11 * (1 + abs(values[0])) && size < 1e-9 { break }
      var centroid = [Double](repeating: 0, count: n)
      for p in simplex.prefix(n) { for i in 0..<n { centroid[i] += p[i] / Double(n) } }
      let reflected = combine(centroid, simplex[n], -1)
      let fr = f(reflected)
      evaluations += 1
      if fr < values[0] {
        let expanded = combine(centroid, simplex[n], -2)
        let fe = f(expanded)
        evaluations += 1
        if fe < fr {
          simplex[n] = expanded
          values[n] = fe
        } else {
          simplex[n] = reflected
          values[n] = fr
        }
      } else if fr < values[n - 1] {
        simplex[n] = reflected
        values[n] = fr
      } else {
        let outside = fr < values[n]
        let contracted = outside ? combine(centroid, reflected, 0.5) : combine(centroid, simplex[n], 0.5)
        let fc = f(contracted)
        evaluations += 1
        if fc < min(fr, values[n]) {
          simplex[n] = contracted
          values[n] = fc
        } else {
          for i in 1...n {
            simplex[i] = combine(simplex[0], simplex[i], 0.5)
            values[i] = f(simplex[i])
          }
          evaluations += n
        }
      }
    }
    let i = values.indices.min { values[$0] < values[$1] }!
    return (simplex[i], values[i])
  }

  /// Inverse of the central-difference Hessian of the negative log-likelihood (row-major);
  /// empty when it is not finite or not positive definite.
  static func covariance(_ f: ([Double]) -> Double, at x: [Double], k: Int) -> [Double] {
    let h = x.map { 1e-4 * (1 + abs($0)) }
    let f0 = f(x)
    var hessian = [Double](repeating: 0, count: k * k)
    for i in 0..<k {
      var up = x
      up[i] += h[i]
      var down = x
      down[i] -= h[i]
      hessian[i * k + i] = (f(up) - 2 * f0 + f(down)) / (h[i] * h[i])
      for j in 0..<i {
        var pp = x, pm = x, mp = x, mm = x
        pp[i] += h[i]; pp[j] += h[j]
        pm[i] += h[i]; pm[j] -= h[j]
        mp[i] -= h[i]; mp[j] += h[j]
        mm[i] -= h[i]; mm[j] -= h[j]
        let v = (f(pp) - f(pm) - f(mp) + f(mm)) / (4 * h[i] * h[j])
        hessian[i * k + j] = v
        hessian[j * k + i] = v
      }
    }
    guard hessian.allSatisfy(\.isFinite),
      let inverse = try? LinearAlgebra.inverseSymmetricPositiveDefinite(
        Matrix(rows: k, columns: k, columnMajor: hessian))
    else { return [] }
    var out = [Double](repeating: 0, count: k * k)
    for r in 0..<k { for c in 0..<k { out[r * k + c] = inverse[r, c] } }
    return out.allSatisfy(\.isFinite) ? out : []
  }
}
