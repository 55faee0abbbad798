import Foundation

/// The negative-binomial (NB2) count model: y ~ NB(mean μ, size r), Var y = μ + μ²/r.
///
/// Used when a Poisson GLM's `dispersion` (Pearson χ²/dof) is well above 1, as lead counts
/// usually are. The size r is estimated *given* the means μᵢ (for example a Poisson GLM's fitted
/// means, which remain consistent under over-dispersion); r → ∞ recovers the Poisson.
public enum NegativeBinomial {
  public enum Method: String, Sendable, Codable {
    /// Maximises Σ log NB(yᵢ; μᵢ, r) over r (Newton on log r with digamma/trigamma).
    case maximumLikelihood
    /// 1/r = Σ[(yᵢ − μᵢ)² − yᵢ] / Σ μᵢ² (unbiased given μ, no iteration).
    case methodOfMoments
  }

  /// log P(Y = y) for NB with mean `mean` and size `size`.
  public static func logPMF(_ y: Double, mean: Double, size: Double) -> Double {
    lgamma(y + size) - lgamma(size) - lgamma(y + 1) + size * log(size / (size + mean))
      + (y > 0 ? y * log(mean / (size + mean)) : 0)
  }

  /// Estimates the size r given counts and their means.
  /// - Returns: r, or `nil` when the counts show no over-dispersion (the likelihood keeps rising
  ///   as r → ∞, or the moment estimate of 1/r is ≤ 0): keep the Poisson.
  /// - Throws: `.emptyData`, `.invalidValue` (negative counts, non-positive means),
  ///   `.didNotConverge`.
  public static func estimateSize(
    counts: [Double], means: [Double], weights: [Double]? = nil,
    method: Method = .maximumLikelihood
  ) throws(StatisticsError) -> Double? {
    precondition(counts.count == means.count, "counts and means differ in length")
    guard !counts.isEmpty else { throw .emptyData(what: "counts") }
    for i in counts.indices {
      guard counts[i] >= 0 && counts[i].isFinite else { throw .invalidValue(name: "count", index: i, value: counts[i]) }
      guard means[i] > 0 && means[i].isFinite else { throw .invalidValue(name: "mean", index: i, value: means[i]) }
    }
    var numerator = 0.0
    var denominator = 0.0
    for i in counts.indices {
      let w = weights?[i] ?? 1
      let r = counts[i] - means[i]
      numerator += w * (r * r - counts[i])
      denominator += w * means[i] * means[i]
    }
    let momentInverse = numerator / denominator
    // Σ[(y − μ)² − y] is also twice the ML score for 1/r at 1/r = 0: when it is ≤ 0 the
    // likelihood is maximised at the Poisson boundary for either method.
    if momentInverse <= 0 { return nil }
    if method == .methodOfMoments { return 1 / momentInverse }

    func derivatives(_ r: Double) -> (Double, Double, Double) {
      var ll = 0.0, g = 0.0, h = 0.0
      let psiR = Special.digamma(r)
      let triR = Special.trigamma(r)
      let lgR: Double = lgamma(r)
      for i in counts.indices {
        let w = weights?[i] ?? 1
        let y = counts[i]
        let mu = means[i]
        let rm = r + mu
        ll += w * ((lgamma(y + r) as Double) - lgR + r * log(r / rm) + (y > 0 ? y * log(mu / rm) : 0))
        g += w * (Special.digamma(y + r) - psiR + log(r / rm) + 1 - (r + y) / rm)
        h += w * (Special.trigamma(y + r) - triR + 1 / r - 1 / rm - (mu - y) / (rm * rm))
      }
      return (ll, g, h)
    }
    // Newton on u = log r from the moment estimate; r beyond 1e8 is Poisson for any count data.
    var u = log(min(max(1 / momentInverse, 1e-3), 1e6))
    var (ll, g, h) = derivatives(exp(u))
    for iteration in 1...200 {
      let r = exp(u)
      let gu = r * g
      let hu = r * r * h + r * g
      var step = hu < 0 ? -gu / hu : (gu > 0 ? 1 : -1)
      step = max(min(step, 3), -3)
      var accepted = false
      for _ in 0..<40 {
        let candidate = u + step
        let value = derivatives(exp(candidate))
        if value.0.isFinite && value.0 >= ll - 1e-12 * abs(ll) {
          u = candidate
          (ll, g, h) = value
          accepted = true
          break
        }
        step *= 0.5
      }
      if u > log(1e8) { return nil }
      if !accepted || abs(step) < 1e-10 { return u > log(1e8) ? nil : exp(u) }
      if iteration == 200 { throw .didNotConverge(iterations: iteration, lastChange: abs(step)) }
    }
    return exp(u)
  }
}
