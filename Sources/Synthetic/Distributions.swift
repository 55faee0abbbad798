import Foundation

/// A positive duration distribution (days or hours) drawn by inversion, so one uniform gives one
/// draw: two worlds that share a uniform and differ by a lever give durations that differ only by
/// the lever (common random numbers).
public enum DurationDistribution: Sendable, Hashable, Codable {
  /// `exp(N(mu, sigma²))`; median `exp(mu)`.
  case logNormal(mu: Double, sigma: Double)
  /// `scale · (−log(1−U))^(1/shape)`; median `scale · (log 2)^(1/shape)`.
  case weibull(shape: Double, scale: Double)

  /// A log-normal with the given median.
  public static func logNormal(medianDays: Double, sigma: Double) -> DurationDistribution {
    .logNormal(mu: log(medianDays), sigma: sigma)
  }

  /// The family's name as written in truth.json.
  public var family: String {
    switch self {
    case .logNormal: return "lognormal"
    case .weibull: return "weibull"
    }
  }

  /// Named parameters as written in truth.json (`mu`/`sigma` or `shape`/`scale`).
  public var parameters: [String: Double] {
    switch self {
    case .logNormal(let mu, let sigma): return ["mu": mu, "sigma": sigma]
    case .weibull(let shape, let scale): return ["shape": shape, "scale": scale]
    }
  }

  /// The median.
  public var median: Double { quantile(0.5) }

  /// The mean.
  public var mean: Double {
    switch self {
    case .logNormal(let mu, let sigma): return exp(mu + sigma * sigma / 2)
    case .weibull(let shape, let scale): return scale * tgamma(1 + 1 / shape)
    }
  }

  /// The `p`-quantile, 0 < p < 1.
  public func quantile(_ p: Double) -> Double {
    switch self {
    case .logNormal(let mu, let sigma): return exp(mu + sigma * inverseNormalCDF(p))
    case .weibull(let shape, let scale): return scale * pow(-log1p(-p), 1 / shape)
    }
  }

  /// P(T ≤ t).
  public func cdf(_ t: Double) -> Double {
    guard t > 0 else { return 0 }
    switch self {
    case .logNormal(let mu, let sigma): return 0.5 * erfc(-(log(t) - mu) / (sigma * 2.0.squareRoot()))
    case .weibull(let shape, let scale): return -expm1(-pow(t / scale, shape))
    }
  }

  /// The same distribution with every duration multiplied by `factor`.
  public func scaled(by factor: Double) -> DurationDistribution {
    switch self {
    case .logNormal(let mu, let sigma): return .logNormal(mu: mu + log(factor), sigma: sigma)
    case .weibull(let shape, let scale): return .weibull(shape: shape, scale: scale * factor)
    }
  }
}

/// The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9), enough
/// for simulation by inversion.
public func inverseNormalCDF(_ p: Double) -> Double {
  precondition(p > 0 && p < 1, "inverseNormalCDF needs 0 < p < 1")
  let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
           1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
  let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
           6.680131188771972e+01, -1.328068155288572e+01]
  let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
           -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
  let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
           3.754408661907416e+00]
  let low = 0.02425
  if p < low {
    let q = (-2 * log(p)).squareRoot()
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
      / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
  }
  if p > 1 - low {
    let q = (-2 * log1p(-p)).squareRoot()
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
      / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
  }
  let q = p - 0.5
  let r = q * q
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
    / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
}

/// The logistic function `1 / (1 + e^(−x))`.
@inline(__always)
func logistic(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
