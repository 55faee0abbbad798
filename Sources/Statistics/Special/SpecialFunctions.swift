import Foundation

/// Special functions the distributions and estimators need, in double precision.
///
/// Built on Foundation's `lgamma`, `erf` and `erfc` (glibc, accurate to a few ulp). Each function
/// states its method; all were checked against SciPy (see `SpecialFunctionTests`).
public enum Special {
  static let sqrt2 = 2.0.squareRoot()
  static let sqrt2Pi = (2 * Double.pi).squareRoot()
  static let logSqrt2Pi = 0.5 * log(2 * Double.pi)

  // MARK: Normal distribution

  /// Standard normal density φ(z).
  @inlinable
  public static func normalPDF(_ z: Double) -> Double {
    exp(-0.5 * z * z) / 2.5066282746310002
  }

  /// Standard normal CDF Φ(z) = ½ erfc(−z/√2); relative accuracy a few ulp in both tails
  /// (`erfc` of a positive argument does not cancel).
  @inlinable
  public static func normalCDF(_ z: Double) -> Double {
    0.5 * erfc(-z / 1.4142135623730951)
  }

  /// Upper tail 1 − Φ(z) = ½ erfc(z/√2), accurate deep into the right tail.
  @inlinable
  public static func normalSurvival(_ z: Double) -> Double {
    0.5 * erfc(z / 1.4142135623730951)
  }

  /// log(1 − Φ(z)), finite for every finite z: `erfc` up to z = 30, then the Mills-ratio
  /// continued fraction (where `erfc` would underflow).
  public static func logNormalSurvival(_ z: Double) -> Double {
    if z < 30 { return log(0.5 * erfc(z / sqrt2)) }
    return -0.5 * z * z - logSqrt2Pi + log(millsRatio(z))
  }

  /// Inverse Mills ratio φ(z) / (1 − Φ(z)), the hazard of the standard normal; stable for large z
  /// (it tends to z).
  public static func normalHazard(_ z: Double) -> Double {
    if z < 30 { return normalPDF(z) / normalSurvival(z) }
    return 1 / millsRatio(z)
  }

  /// Mills ratio (1 − Φ(z)) / φ(z) for large z by its continued fraction
  /// 1/(z + 1/(z + 2/(z + 3/(z + …)))), evaluated bottom-up.
  static func millsRatio(_ z: Double) -> Double {
    var tail = z
    for k in stride(from: 60, through: 1, by: -1) { tail = z + Double(k) / tail }
    return 1 / tail
  }

  /// Standard normal quantile Φ⁻¹(p) for p in (0, 1); ±∞ at 0 and 1.
  ///
  /// Acklam's rational approximation (relative error < 1.2e-9) refined by two Halley steps on
  /// Φ(x) − p, which brings it to about 1e-15. For p > ½ it uses Φ⁻¹(p) = −Φ⁻¹(1 − p), where
  /// 1 − p is exact, so the lower tail is always the one computed.
  public static func normalQuantile(_ p: Double) -> Double {
    precondition(p >= 0 && p <= 1, "probability must be in [0, 1]")
    if p == 0 { return -.infinity }
    if p == 1 { return .infinity }
    if p == 0.5 { return 0 }
    if p > 0.5 { return -normalQuantile(1 - p) }
    var x: Double
    if p < 0.02425 {
      let q = (-2 * log(p)).squareRoot()
      x = (((((-7.784894002430293e-03 * q - 3.223964580411365e-01) * q - 2.400758277161838e+00) * q
        - 2.549732539343734e+00) * q + 4.374664141464968e+00) * q + 2.938163982698783e+00)
        / ((((7.784695709041462e-03 * q + 3.224671290700398e-01) * q + 2.445134137142996e+00) * q
          + 3.754408661907416e+00) * q + 1)
    } else {
      let q = p - 0.5
      let r = q * q
      x = (((((-3.969683028665376e+01 * r + 2.209460984245205e+02) * r - 2.759285104469687e+02) * r
        + 1.383577518672690e+02) * r - 3.066479806614716e+01) * r + 2.506628277459239e+00) * q
        / (((((-5.447609879822406e+01 * r + 1.615858368580409e+02) * r - 1.556989798598866e+02) * r
          + 6.680131188771972e+01) * r - 1.328068155288572e+01) * r + 1)
    }
    for _ in 0..<2 {
      let density = normalPDF(x)
      if density == 0 || !density.isFinite { break }
      let u = (normalCDF(x) - p) / density
      x -= u / (1 + 0.5 * x * u)
    }
    return x
  }

  // MARK: Gamma function family

  /// log Γ(x) for x > 0.
  @inlinable
  public static func logGamma(_ x: Double) -> Double { lgamma(x) }

  /// log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b).
  @inlinable
  public static func logBeta(_ a: Double, _ b: Double) -> Double {
    lgamma(a) + lgamma(b) - lgamma(a + b)
  }

  /// Digamma ψ(x) = d/dx log Γ(x): reflection for x ≤ 0, the recurrence ψ(x) = ψ(x+1) − 1/x up
  /// to x ≥ 10, then the asymptotic series (error < 1e-14).
  public static func digamma(_ x: Double) -> Double {
    if x <= 0 {
      if x == x.rounded() { return .nan }
      return digamma(1 - x) - Double.pi / tan(Double.pi * x)
    }
    var value = 0.0
    var y = x
    while y < 10 {
      value -= 1 / y
      y += 1
    }
    let r = 1 / (y * y)
    value += log(y) - 0.5 / y
      - r * (1.0 / 12 - r * (1.0 / 120 - r * (1.0 / 252 - r * (1.0 / 240 - r * (1.0 / 132)))))
    return value
  }

  /// Trigamma ψ′(x) for x > 0: recurrence ψ′(x) = ψ′(x+1) + 1/x² up to x ≥ 10, then the
  /// asymptotic series.
  public static func trigamma(_ x: Double) -> Double {
    precondition(x > 0, "trigamma needs x > 0")
    var value = 0.0
    var y = x
    while y < 10 {
      value += 1 / (y * y)
      y += 1
    }
    let r = 1 / (y * y)
    value += 1 / y + 0.5 * r
      + (r / y) * (1.0 / 6 - r * (1.0 / 30 - r * (1.0 / 42 - r * (1.0 / 30 - r * (5.0 / 66)))))
    return value
  }

  // MARK: Incomplete gamma

  /// Regularised lower incomplete gamma P(a, x) = γ(a, x)/Γ(a).
  public static func gammaP(_ a: Double, _ x: Double) -> Double {
    let (p, q, _) = incompleteGamma(a, x)
    _ = q
    return p
  }

  /// Regularised upper incomplete gamma Q(a, x) = 1 − P(a, x), accurate in the upper tail.
  public static func gammaQ(_ a: Double, _ x: Double) -> Double {
    incompleteGamma(a, x).q
  }

  /// log Q(a, x), finite far into the upper tail (where Q itself underflows).
  public static func logGammaQ(_ a: Double, _ x: Double) -> Double {
    incompleteGamma(a, x).logQ
  }

  /// P, Q and log Q together. Power series for x < a + 1, Lentz's continued fraction for Q
  /// otherwise (the classic split: each converges fast on its side).
  static func incompleteGamma(_ a: Double, _ x: Double) -> (p: Double, q: Double, logQ: Double) {
    incompleteGamma(a, x, logGammaA: lgamma(a))
  }

  /// As above with log Γ(a) supplied (the censored gamma fit calls this once per observation
  /// with the same a).
  @inline(__always)
  static func incompleteGamma(
    _ a: Double, _ x: Double, logGammaA: Double
  ) -> (p: Double, q: Double, logQ: Double) {
    precondition(a > 0, "incomplete gamma needs a > 0")
    if x <= 0 { return (0, 1, 0) }
    if x == .infinity { return (1, 0, -.infinity) }
    let logFront = -x + a * log(x) - logGammaA
    if x < a + 1 {
      var term = 1 / a
      var sum = term
      var n = 1.0
      while n < 100_000 {
        term *= x / (a + n)
        sum += term
        if abs(term) < abs(sum) * 1e-16 { break }
        n += 1
      }
      let p = min(1, exp(logFront) * sum)
      return (p, 1 - p, log1p(-p))
    }
    let tiny = 1e-300
    var b = x + 1 - a
    var c = 1 / tiny
    var d = 1 / b
    var h = d
    var i = 1.0
    while i < 100_000 {
      let an = -i * (i - a)
      b += 2
      d = an * d + b
      if abs(d) < tiny { d = tiny }
      c = b + an / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      let delta = d * c
      h *= delta
      if abs(delta - 1) < 1e-16 { break }
      i += 1
    }
    let logQ = logFront + log(h)
    let q = exp(logQ)
    return (1 - q, q, logQ)
  }

  /// The p-quantile of the gamma distribution with unit scale: x with P(a, x) = p.
  ///
  /// Wilson–Hilferty start, then Halley steps kept inside a shrinking bracket (bisection when a
  /// step would leave it). Works on Q for p > ½ so the upper tail keeps its precision.
  public static func inverseGammaP(_ a: Double, _ p: Double) -> Double {
    precondition(a > 0 && p >= 0 && p <= 1, "inverse gamma needs a > 0 and p in [0, 1]")
    return p > 0.5 ? inverseIncompleteGamma(a, target: 1 - p, upper: true)
      : inverseIncompleteGamma(a, target: p, upper: false)
  }

  /// x with Q(a, x) = q (the upper-tail inverse), precise for tiny q where 1 − q would round to 1.
  public static func inverseGammaQ(_ a: Double, _ q: Double) -> Double {
    precondition(a > 0 && q >= 0 && q <= 1, "inverse gamma needs a > 0 and q in [0, 1]")
    return q < 0.5 ? inverseIncompleteGamma(a, target: q, upper: true)
      : inverseIncompleteGamma(a, target: 1 - q, upper: false)
  }

  static func inverseIncompleteGamma(_ a: Double, target: Double, upper: Bool) -> Double {
    if target == 0 { return upper ? .infinity : 0 }
    let p = upper ? 1 - target : target
    if p >= 1 && !upper { return .infinity }
    let z = upper ? -normalQuantile(target) : normalQuantile(target)
    var x: Double
    let wh = a * pow(1 - 1 / (9 * a) + z / (3 * a.squareRoot()), 3)
    if a >= 1 && wh > 0 {
      x = wh
    } else if !upper {
      // Small-x behaviour P(a, x) ≈ x^a / Γ(a + 1).
      x = exp((log(target) + lgamma(a + 1)) / a)
      if !(x > 0) || !x.isFinite { x = max(wh, a) }
    } else {
      // Large-x behaviour Q(a, x) ≈ x^(a−1) e^(−x) / Γ(a).
      x = max(a, -log(target))
    }
    var lo = 0.0
    var hi = Double.infinity
    let logNorm: Double = lgamma(a)
    for _ in 0..<200 {
      let (pp, qq, _) = incompleteGamma(a, x)
      let f = upper ? target - qq : pp - target  // increasing in x either way
      if f == 0 { return x }
      if f < 0 { lo = x } else { hi = x }
      let density = exp((a - 1) * log(x) - x - logNorm)
      var next: Double
      if density > 0 && density.isFinite {
        let t = f / density
        let curvature = (a - 1) / x - 1
        let denominator = 1 - 0.5 * t * curvature
        next = x - (denominator > 0.1 ? t / denominator : t)
      } else {
        next = .nan
      }
      if !(next > lo && next < hi) {
        if hi.isFinite {
          next = lo > 0 ? (hi / lo < 4 ? 0.5 * (lo + hi) : (lo * hi).squareRoot()) : hi / 16
        } else {
          next = max(2 * x, 1)
        }
      }
      if abs(next - x) <= 1e-15 * x { return next }
      x = next
    }
    return x
  }

  // MARK: Incomplete beta

  /// Regularised incomplete beta I_x(a, b), by Lentz's continued fraction on whichever side
  /// converges fast (x below or above (a + 1)/(a + b + 2), using I_x(a,b) = 1 − I_{1−x}(b,a)).
  public static func incompleteBeta(_ a: Double, _ b: Double, _ x: Double) -> Double {
    precondition(a > 0 && b > 0, "incomplete beta needs a, b > 0")
    if x <= 0 { return 0 }
    if x >= 1 { return 1 }
    let logFront = a * log(x) + b * log1p(-x) - logBeta(a, b)
    if x < (a + 1) / (a + b + 2) {
      return exp(logFront) * betaContinuedFraction(a, b, x) / a
    }
    return 1 - exp(logFront) * betaContinuedFraction(b, a, 1 - x) / b
  }

  static func betaContinuedFraction(_ a: Double, _ b: Double, _ x: Double) -> Double {
    let tiny = 1e-300
    let qab = a + b
    let qap = a + 1
    let qam = a - 1
    var c = 1.0
    var d = 1 - qab * x / qap
    if abs(d) < tiny { d = tiny }
    d = 1 / d
    var h = d
    var m = 1.0
    while m < 100_000 {
      let m2 = 2 * m
      var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
      d = 1 + aa * d
      if abs(d) < tiny { d = tiny }
      c = 1 + aa / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      h *= d * c
      aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
      d = 1 + aa * d
      if abs(d) < tiny { d = tiny }
      c = 1 + aa / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      let delta = d * c
      h *= delta
      if abs(delta - 1) < 1e-16 { break }
      m += 1
    }
    return h
  }

  /// The p-quantile of Beta(a, b): x with I_x(a, b) = p.
  ///
  /// Safeguarded Newton inside a bracket on [0, 1], started from the small-x expansion
  /// I_x ≈ x^a / (a B(a, b)) or the mean; for p > ½ it solves the mirrored problem
  /// I_{1−x}(b, a) = 1 − p.
  public static func inverseIncompleteBeta(_ a: Double, _ b: Double, _ p: Double) -> Double {
    precondition(a > 0 && b > 0 && p >= 0 && p <= 1, "inverse beta needs a, b > 0, p in [0, 1]")
    if p == 0 { return 0 }
    if p == 1 { return 1 }
    if p > 0.5 { return 1 - inverseIncompleteBeta(b, a, 1 - p) }
    let logB = logBeta(a, b)
    let mean = a / (a + b)
    var x = exp((log(p) + log(a) + logB) / a)
    if !(x > 0 && x < mean) { x = mean }
    var lo = 0.0
    var hi = 1.0
    for _ in 0..<300 {
      let f = incompleteBeta(a, b, x) - p
      if f == 0 { return x }
      if f < 0 { lo = x } else { hi = x }
      let density = exp((a - 1) * log(x) + (b - 1) * log1p(-x) - logB)
      var next = density > 0 && density.isFinite ? x - f / density : .nan
      if !(next > lo && next < hi) {
        next = lo > 0 ? 0.5 * (lo + hi) : hi / 16
      }
      if abs(next - x) <= 1e-15 * x { return next }
      x = next
    }
    return x
  }
}
