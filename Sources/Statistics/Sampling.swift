import Foundation

/// Draws from the standard distributions, each from a caller-supplied generator so that every
/// stream is reproducible. Uniforms come from the open interval (0, 1).
public enum Sampling {
  /// A uniform double in (0, 1).
  @inlinable
  public static func uniform(using generator: inout some RandomNumberGenerator) -> Double {
    (Double(generator.next() >> 11) + 0.5) * 0x1.0p-53
  }

  /// True with probability `p`.
  @inlinable
  public static func bernoulli(_ p: Double, using generator: inout some RandomNumberGenerator) -> Bool {
    uniform(using: &generator) < p
  }

  /// A standard normal draw (Marsaglia's polar method).
  public static func standardNormal(using generator: inout some RandomNumberGenerator) -> Double {
    while true {
      let u = 2 * uniform(using: &generator) - 1
      let v = 2 * uniform(using: &generator) - 1
      let s = u * u + v * v
      if s > 0 && s < 1 { return u * (-2 * log(s) / s).squareRoot() }
    }
  }

  /// A normal draw with the given mean and standard deviation.
  public static func normal(mean: Double, sd: Double, using generator: inout some RandomNumberGenerator) -> Double {
    mean + sd * standardNormal(using: &generator)
  }

  /// A lognormal draw: `exp(N(mu, sigma²))`.
  public static func logNormal(mu: Double, sigma: Double, using generator: inout some RandomNumberGenerator) -> Double {
    exp(mu + sigma * standardNormal(using: &generator))
  }

  /// An exponential draw with the given rate (mean 1/rate).
  public static func exponential(rate: Double, using generator: inout some RandomNumberGenerator) -> Double {
    -log(uniform(using: &generator)) / rate
  }

  /// A Weibull draw with shape k and scale λ: `λ (−log U)^{1/k}`.
  public static func weibull(shape: Double, scale: Double, using generator: inout some RandomNumberGenerator) -> Double {
    scale * pow(-log(uniform(using: &generator)), 1 / shape)
  }

  /// A gamma draw with the given shape and scale (Marsaglia & Tsang 2000; shape < 1 by boosting).
  public static func gamma(shape: Double, scale: Double, using generator: inout some RandomNumberGenerator) -> Double {
    precondition(shape > 0 && scale > 0, "gamma needs positive shape and scale")
    if shape < 1 {
      let boost = pow(uniform(using: &generator), 1 / shape)
      return gamma(shape: shape + 1, scale: scale, using: &generator) * boost
    }
    let d = shape - 1.0 / 3
    let c = 1 / (9 * d).squareRoot()
    while true {
      var x: Double
      var v: Double
      repeat {
        x = standardNormal(using: &generator)
        v = 1 + c * x
      } while v <= 0
      v = v * v * v
      let u = uniform(using: &generator)
      if u < 1 - 0.0331 * x * x * x * x { return d * v * scale }
      if log(u) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v * scale }
    }
  }

  /// A beta draw, from two gamma draws.
  public static func beta(_ a: Double, _ b: Double, using generator: inout some RandomNumberGenerator) -> Double {
    let x = gamma(shape: a, scale: 1, using: &generator)
    let y = gamma(shape: b, scale: 1, using: &generator)
    return x / (x + y)
  }

  /// A Poisson draw with mean `lambda`: multiplication of uniforms below 30, else the
  /// transformed-rejection method PTRS (Hörmann 1993).
  public static func poisson(_ lambda: Double, using generator: inout some RandomNumberGenerator) -> Int {
    if lambda <= 0 { return 0 }
    if lambda < 30 {
      let limit = exp(-lambda)
      var k = 0
      var product = uniform(using: &generator)
      while product > limit {
        k += 1
        product *= uniform(using: &generator)
      }
      return k
    }
    let slam = lambda.squareRoot()
    let loglam = log(lambda)
    let b = 0.931 + 2.53 * slam
    let a = -0.059 + 0.02483 * b
    let invalpha = 1.1239 + 1.1328 / (b - 3.4)
    let vr = 0.9277 - 3.6224 / (b - 2)
    while true {
      let u = uniform(using: &generator) - 0.5
      let v = uniform(using: &generator)
      let us = 0.5 - abs(u)
      let k = floor((2 * a / us + b) * u + lambda + 0.43)
      if us >= 0.07 && v <= vr { return Int(k) }
      if k < 0 || (us < 0.013 && v > us) { continue }
      if log(v) + log(invalpha) - log(a / (us * us) + b) <= -lambda + k * loglam - lgamma(k + 1) {
        return Int(k)
      }
    }
  }

  /// A negative-binomial draw with mean `mean` and dispersion `size` (variance mean + mean²/size),
  /// as a gamma–Poisson mixture.
  public static func negativeBinomial(mean: Double, size: Double, using generator: inout some RandomNumberGenerator) -> Int {
    if mean <= 0 { return 0 }
    let rate = gamma(shape: size, scale: mean / size, using: &generator)
    return poisson(rate, using: &generator)
  }

  /// An index drawn with probability proportional to `weights` (linear scan; weights ≥ 0).
  public static func categorical(_ weights: [Double], using generator: inout some RandomNumberGenerator) -> Int {
    let total = weights.reduce(0, +)
    precondition(total > 0, "categorical needs a positive total weight")
    var u = uniform(using: &generator) * total
    for (i, w) in weights.enumerated() {
      u -= w
      if u < 0 { return i }
    }
    return weights.lastIndex { $0 > 0 } ?? 0
  }
}
