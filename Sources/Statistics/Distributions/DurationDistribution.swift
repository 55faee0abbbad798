import Foundation

/// The parametric families offered for durations (time in stage, time to close, ...).
public enum DurationFamily: String, Codable, CaseIterable, Sendable, Hashable {
  /// Constant hazard; one parameter. The memoryless baseline.
  case exponential
  /// log T ~ Normal(μ, σ²): a hazard that rises then falls; common for cycle lengths.
  case logNormal = "lognormal"
  /// Gamma(shape, scale): a hazard that rises (shape > 1) or falls (< 1) towards 1/scale.
  case gamma
  /// Weibull(shape, scale): a monotone hazard, rising when shape > 1.
  case weibull
  /// A constant hazard on each of a few intervals (`PiecewiseHazard`): any shape, including
  /// several modes and a hazard that falls to 0 after the last observed exit.
  case piecewiseExponential = "piecewise_exponential"

  /// Number of free parameters (for AIC). The piecewise family's depends on its intervals
  /// (`DurationDistribution.parameterCount`); 1 here is its minimum.
  public var parameterCount: Int {
    switch self {
    case .exponential, .piecewiseExponential: return 1
    case .logNormal, .gamma, .weibull: return 2
    }
  }
}

/// A fully specified duration distribution: a family with its parameters.
///
/// Parametrisations (all durations in the caller's unit, e.g. days):
/// - `exponential(rate:)`: S(t) = exp(−rate·t), mean 1/rate.
/// - `logNormal(mu:sigma:)`: log T ~ N(mu, sigma²); S(t) = 1 − Φ((log t − mu)/sigma).
/// - `gamma(shape:scale:)`: density t^(k−1) e^(−t/s) / (Γ(k) s^k); S(t) = Q(k, t/s).
/// - `weibull(shape:scale:)`: S(t) = exp(−(t/scale)^shape) (lifelines' ρ and λ).
/// - `piecewiseExponential(_:)`: hazard hⱼ on interval j, S_H(t) = exp(−Λ(t)). When the last
///   hazard is 0 a share S∞ = `neverEndingProbability` never ends, and every function here
///   describes the stays that *end*: S(t) = (S_H(t) − S∞) / (1 − S∞) (see `PiecewiseHazard`).
///   For the other families `neverEndingProbability` is 0.
///
/// Encoded to JSON flat, e.g. `{"family":"weibull","scale":30,"shape":1.4}` or
/// `{"cuts":[3,9],"family":"piecewise_exponential","hazards":[0.2,0.05,0]}`.
public enum DurationDistribution: Sendable, Hashable {
  case exponential(rate: Double)
  case logNormal(mu: Double, sigma: Double)
  case gamma(shape: Double, scale: Double)
  case weibull(shape: Double, scale: Double)
  case piecewiseExponential(PiecewiseHazard)

  public var family: DurationFamily {
    switch self {
    case .exponential: return .exponential
    case .logNormal: return .logNormal
    case .gamma: return .gamma
    case .weibull: return .weibull
    case .piecewiseExponential: return .piecewiseExponential
    }
  }

  /// Number of free parameters (for AIC): the family's, or for the piecewise family one hazard
  /// per interval plus one per cut (the cuts are chosen from the data too).
  public var parameterCount: Int {
    if case .piecewiseExponential(let p) = self { return p.hazards.count + p.cuts.count }
    return family.parameterCount
  }

  /// The share of stays that never end (S_H(∞) of a piecewise hazard whose last piece is 0; 0
  /// for every other family). The rest of this type describes the stays that do end.
  public var neverEndingProbability: Double {
    if case .piecewiseExponential(let p) = self { return p.neverEndingProbability }
    return 0
  }

  /// Log density at t > 0 (−∞ at t ≤ 0).
  public func logPDF(_ t: Double) -> Double {
    guard t > 0 else { return -.infinity }
    switch self {
    case .exponential(let rate):
      return log(rate) - rate * t
    case .logNormal(let mu, let sigma):
      let z = (log(t) - mu) / sigma
      return -log(t) - log(sigma) - Special.logSqrt2Pi - 0.5 * z * z
    case .gamma(let shape, let scale):
      return (shape - 1) * log(t) - t / scale - lgamma(shape) - shape * log(scale)
    case .weibull(let shape, let scale):
      let y = log(t / scale)
      return log(shape / scale) + (shape - 1) * y - exp(shape * y)
    case .piecewiseExponential(let p):
      return p.endingLogDensity(t)
    }
  }

  /// Density at t.
  public func pdf(_ t: Double) -> Double { exp(logPDF(t)) }

  /// log S(t) = log P(T > t); finite far into the tail (0 at t ≤ 0).
  public func logSurvival(_ t: Double) -> Double {
    guard t > 0 else { return 0 }
    switch self {
    case .exponential(let rate):
      return -rate * t
    case .logNormal(let mu, let sigma):
      return Special.logNormalSurvival((log(t) - mu) / sigma)
    case .gamma(let shape, let scale):
      return Special.logGammaQ(shape, t / scale)
    case .weibull(let shape, let scale):
      return -pow(t / scale, shape)
    case .piecewiseExponential(let p):
      return p.endingLogSurvival(t)
    }
  }

  /// S(t) = P(T > t).
  public func survival(_ t: Double) -> Double { exp(logSurvival(t)) }

  /// F(t) = P(T ≤ t), computed directly (not as 1 − S) so small probabilities keep precision.
  public func cdf(_ t: Double) -> Double {
    guard t > 0 else { return 0 }
    switch self {
    case .exponential(let rate):
      return -expm1(-rate * t)
    case .logNormal(let mu, let sigma):
      return Special.normalCDF((log(t) - mu) / sigma)
    case .gamma(let shape, let scale):
      return Special.gammaP(shape, t / scale)
    case .weibull(let shape, let scale):
      return -expm1(-pow(t / scale, shape))
    case .piecewiseExponential(let p):
      let sInf = p.neverEndingProbability
      return min(1, -expm1(-p.cumulativeHazard(t)) / (1 - sInf))
    }
  }

  /// Hazard f(t)/S(t).
  public func hazard(_ t: Double) -> Double { exp(logPDF(t) - logSurvival(t)) }

  /// The p-quantile, p in [0, 1].
  public func quantile(_ p: Double) -> Double {
    precondition(p >= 0 && p <= 1, "quantile level must be in [0, 1]")
    switch self {
    case .exponential(let rate):
      return -log1p(-p) / rate
    case .logNormal(let mu, let sigma):
      return exp(mu + sigma * Special.normalQuantile(p))
    case .gamma(let shape, let scale):
      return scale * Special.inverseGammaP(shape, p)
    case .weibull(let shape, let scale):
      return scale * pow(-log1p(-p), 1 / shape)
    case .piecewiseExponential(let hazard):
      return hazard.endingInverseLogSurvival(p == 1 ? -.infinity : log1p(-p))
    }
  }

  /// The time t with log S(t) = `logSurvival` (≤ 0): the survival-scale inverse, precise where
  /// S is far below machine epsilon.
  public func inverseLogSurvival(_ logSurvival: Double) -> Double {
    precondition(logSurvival <= 0, "log survival must be ≤ 0")
    if logSurvival == 0 { return 0 }
    switch self {
    case .exponential(let rate):
      return -logSurvival / rate
    case .piecewiseExponential(let p):
      return p.endingInverseLogSurvival(logSurvival)
    case .weibull(let shape, let scale):
      return scale * pow(-logSurvival, 1 / shape)
    case .logNormal(let mu, let sigma):
      let z: Double
      if logSurvival > -700 {
        z = -Special.normalQuantile(exp(logSurvival))
      } else {
        // Newton on log(1 − Φ(z)) = ℓ; derivative −hazard(z). Start from √(−2ℓ).
        var zz = (-2 * logSurvival).squareRoot()
        for _ in 0..<50 {
          let step = (Special.logNormalSurvival(zz) - logSurvival) / Special.normalHazard(zz)
          zz += step
          if abs(step) < 1e-14 * zz { break }
        }
        z = zz
      }
      return exp(mu + sigma * z)
    case .gamma(let shape, let scale):
      if logSurvival > -700 { return scale * Special.inverseGammaQ(shape, exp(logSurvival)) }
      // Newton on log Q(k, x) = ℓ in x; d log Q / dx = −(density / Q).
      var x = max(shape, -logSurvival)
      for _ in 0..<100 {
        let logQ = Special.logGammaQ(shape, x)
        let logDensity = (shape - 1) * log(x) - x - lgamma(shape)
        let step = (logQ - logSurvival) / exp(logDensity - logQ)
        let next = x + step
        x = next > 0 ? next : 0.5 * x
        if abs(step) < 1e-14 * x { break }
      }
      return scale * x
    }
  }

  /// The mean duration.
  public var mean: Double {
    switch self {
    case .exponential(let rate): return 1 / rate
    case .logNormal(let mu, let sigma): return exp(mu + 0.5 * sigma * sigma)
    case .gamma(let shape, let scale): return shape * scale
    case .weibull(let shape, let scale): return scale * tgamma(1 + 1 / shape)
    case .piecewiseExponential(let p): return p.endingMoment(1)
    }
  }

  /// The variance of the duration.
  public var variance: Double {
    switch self {
    case .exponential(let rate): return 1 / (rate * rate)
    case .logNormal(let mu, let sigma):
      let s2 = sigma * sigma
      return expm1(s2) * exp(2 * mu + s2)
    case .gamma(let shape, let scale): return shape * scale * scale
    case .weibull(let shape, let scale):
      let g1 = tgamma(1 + 1 / shape)
      return scale * scale * (tgamma(1 + 2 / shape) - g1 * g1)
    case .piecewiseExponential(let p):
      let m = p.endingMoment(1)
      return max(0, p.endingMoment(2) - m * m)
    }
  }

  /// The median duration.
  public var median: Double { quantile(0.5) }

  /// One draw of the duration.
  public func sample(using generator: inout some RandomNumberGenerator) -> Double {
    switch self {
    case .exponential(let rate):
      return Sampling.exponential(rate: rate, using: &generator)
    case .logNormal(let mu, let sigma):
      return Sampling.logNormal(mu: mu, sigma: sigma, using: &generator)
    case .gamma(let shape, let scale):
      return Sampling.gamma(shape: shape, scale: scale, using: &generator)
    case .weibull(let shape, let scale):
      return Sampling.weibull(shape: shape, scale: scale, using: &generator)
    case .piecewiseExponential(let p):
      return p.endingInverseLogSurvival(log(Sampling.uniform(using: &generator)))
    }
  }

  /// A draw of the *remaining* time T − age given T > age.
  ///
  /// Inverts the conditional survival S(t)/S(age) = U on the log scale:
  /// log S(t) = log S(age) + log U, so it stays exact when S(age) is far below machine epsilon
  /// (a deal 10 medians old). If the inversion still fails to give a finite value, the remaining
  /// time is drawn from an exponential with the hazard at `age` (the local tail), and failing
  /// that, from the unconditional distribution. The result is always finite and ≥ 0.
  public func sampleRemaining(
    givenSurvived age: Double, using generator: inout some RandomNumberGenerator
  ) -> Double {
    if age <= 0 { return sample(using: &generator) }
    let u = Sampling.uniform(using: &generator)
    if case .exponential(let rate) = self { return -log(u) / rate }
    let target = logSurvival(age) + log(u)
    // A piecewise stay past the last cut only goes on if it never ends: nothing remains to draw.
    if case .piecewiseExponential = self, !target.isFinite { return 0 }
    if target.isFinite {
      let t = inverseLogSurvival(min(0, target))
      if t.isFinite && t >= age { return t - age }
      if t.isFinite { return 0 }
    }
    let h = hazard(age)
    if h.isFinite && h > 0 {
      let r = -log(u) / h
      if r.isFinite { return r }
    }
    let fresh = sample(using: &generator)
    return fresh.isFinite ? fresh : 0
  }
}

extension DurationDistribution: Codable {
  private enum CodingKeys: String, CodingKey { case family, rate, mu, sigma, shape, scale, cuts, hazards }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    switch try c.decode(DurationFamily.self, forKey: .family) {
    case .exponential: self = .exponential(rate: try c.decode(Double.self, forKey: .rate))
    case .logNormal:
      self = .logNormal(
        mu: try c.decode(Double.self, forKey: .mu), sigma: try c.decode(Double.self, forKey: .sigma))
    case .gamma:
      self = .gamma(
        shape: try c.decode(Double.self, forKey: .shape),
        scale: try c.decode(Double.self, forKey: .scale))
    case .weibull:
      self = .weibull(
        shape: try c.decode(Double.self, forKey: .shape),
        scale: try c.decode(Double.self, forKey: .scale))
    case .piecewiseExponential:
      self = .piecewiseExponential(try PiecewiseHazard(from: decoder))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(family, forKey: .family)
    switch self {
    case .exponential(let rate): try c.encode(rate, forKey: .rate)
    case .logNormal(let mu, let sigma):
      try c.encode(mu, forKey: .mu)
      try c.encode(sigma, forKey: .sigma)
    case .gamma(let shape, let scale), .weibull(let shape, let scale):
      try c.encode(shape, forKey: .shape)
      try c.encode(scale, forKey: .scale)
    case .piecewiseExponential(let p):
      try p.encode(to: encoder)
    }
  }
}
