import Foundation
import LinearAlgebra

/// A group's pooled estimate: the Beta posterior of its rate.
public struct PooledRate: Sendable, Codable, Equatable {
  public let successes: Double
  public let trials: Double
  /// Posterior mean (α + k)/(α + β + n).
  public let mean: Double
  /// Equal-tailed credible interval at the requested level.
  public let lower: Double
  public let upper: Double
  /// Posterior Beta parameters α + k and β + n − k (draw from these to carry parameter
  /// uncertainty into a simulation).
  public let posteriorAlpha: Double
  public let posteriorBeta: Double
}

/// Beta-binomial empirical Bayes: partial pooling of rates across groups (reps, segments).
///
/// Model: group i has rate pᵢ ~ Beta(α, β) and kᵢ | pᵢ ~ Binomial(nᵢ, pᵢ). (α, β) are estimated
/// by maximising the beta-binomial marginal likelihood Σ log B(kᵢ+α, nᵢ−kᵢ+β) − log B(α, β),
/// by Newton's method on (logit m, log κ) with m = α/(α+β) the pooled rate and κ = α+β the
/// prior's weight in deals. Each group's posterior is Beta(α + kᵢ, β + nᵢ − kᵢ): a group with few
/// deals stays near m, one with many keeps its own rate. Assumes groups exchangeable and deals
/// independent within a group.
///
/// Boundaries, documented rather than hidden:
/// - κ → ∞ (groups no more different than binomial noise): κ is capped at 1e6 and
///   `completePooling` is set — every group gets ≈ the pooled rate.
/// - κ → 0 (groups look all-or-nothing): κ is floored at 1, a prior worth one deal, so a group
///   with 5 wins out of 5 never gets 100%. `priorFloored` says so.
/// - No successes anywhere, or no failures anywhere: there is no interior maximum; the prior
///   falls back to Jeffreys Beta(½, ½) and `jeffreysFallback` is set.
public struct BetaBinomialPooling: Sendable, Codable, Equatable {
  public let alpha: Double
  public let beta: Double
  /// Marginal log-likelihood at (α, β), without the binomial coefficients.
  public let logLikelihood: Double
  public let completePooling: Bool
  public let priorFloored: Bool
  public let jeffreysFallback: Bool

  /// The prior mean α/(α+β).
  public var pooledRate: Double { alpha / (alpha + beta) }
  /// α + β: how many deals the prior is worth.
  public var priorStrength: Double { alpha + beta }

  static let maximumStrength = 1e6
  static let minimumStrength = 1.0

  public init(alpha: Double, beta: Double, logLikelihood: Double = .nan, completePooling: Bool = false,
              priorFloored: Bool = false, jeffreysFallback: Bool = false) {
    self.alpha = alpha
    self.beta = beta
    self.logLikelihood = logLikelihood
    self.completePooling = completePooling
    self.priorFloored = priorFloored
    self.jeffreysFallback = jeffreysFallback
  }

  /// Estimates (α, β) from per-group successes and trials.
  /// - Throws: `.insufficientData` with fewer than two groups that have trials, `.invalidValue`.
  public static func fit(successes: [Double], trials: [Double]) throws(StatisticsError) -> BetaBinomialPooling {
    precondition(successes.count == trials.count, "successes and trials differ in length")
    var k: [Double] = []
    var n: [Double] = []
    for i in successes.indices {
      guard trials[i] >= 0, successes[i] >= 0, successes[i] <= trials[i], trials[i].isFinite else {
        throw .invalidValue(name: "successes/trials", index: i, value: successes[i])
      }
      if trials[i] > 0 {
        k.append(successes[i])
        n.append(trials[i])
      }
    }
    guard k.count >= 2 else { throw .insufficientData(what: "groups with trials", observed: k.count, required: 2) }
    let totalK = k.reduce(0, +)
    let totalN = n.reduce(0, +)
    if totalK == 0 || totalK == totalN {
      return BetaBinomialPooling(alpha: 0.5, beta: 0.5, jeffreysFallback: true)
    }
    let m0 = totalK / totalN
    // Moment start for κ from the spread of the raw rates.
    let rates = zip(k, n).map { $0 / $1 }
    let meanRate = rates.reduce(0, +) / Double(rates.count)
    let spread = rates.map { ($0 - meanRate) * ($0 - meanRate) }.reduce(0, +) / Double(rates.count - 1)
    let meanInverseN = n.map { 1 / $0 }.reduce(0, +) / Double(n.count)
    let binomialPart = m0 * (1 - m0)
    let rho = (spread - binomialPart * meanInverseN) / (binomialPart * (1 - meanInverseN))
    let kappa0 = rho > 0 && rho < 1 ? 1 / rho - 1 : (rho >= 1 ? 2 : 1000)
    var theta = [log(m0 / (1 - m0)), log(min(max(kappa0, 1), 1e5))]

    func evaluate(_ theta: [Double]) -> (Double, [Double], [Double]) {
      let m = 1 / (1 + exp(-theta[0]))
      let kappa = exp(theta[1])
      let a = m * kappa
      let b = (1 - m) * kappa
      var ll = 0.0, ga = 0.0, gb = 0.0, haa = 0.0, hab = 0.0, hbb = 0.0
      let lbAB = Special.logBeta(a, b)
      let psiA = Special.digamma(a), psiB = Special.digamma(b), psiAB = Special.digamma(a + b)
      let triA = Special.trigamma(a), triB = Special.trigamma(b), triAB = Special.trigamma(a + b)
      for i in k.indices {
        let f = n[i] - k[i]
        ll += Special.logBeta(k[i] + a, f + b) - lbAB
        let psiN = Special.digamma(n[i] + a + b)
        let triN = Special.trigamma(n[i] + a + b)
        ga += Special.digamma(k[i] + a) - psiN - psiA + psiAB
        gb += Special.digamma(f + b) - psiN - psiB + psiAB
        haa += Special.trigamma(k[i] + a) - triN - triA + triAB
        hbb += Special.trigamma(f + b) - triN - triB + triAB
        hab += -triN + triAB
      }
      let j = kappa * m * (1 - m)  // ∂α/∂u = −∂β/∂u
      let gu = j * (ga - gb)
      let gv = a * ga + b * gb
      let huu = j * j * (haa - 2 * hab + hbb) + j * (1 - 2 * m) * (ga - gb)
      let huv = j * (ga - gb) + j * (a * (haa - hab) + b * (hab - hbb))
      let hvv = a * ga + b * gb + a * a * haa + 2 * a * b * hab + b * b * hbb
      return (ll, [gu, gv], [-huu, -huv, -huv, -hvv])
    }

    let lower = log(minimumStrength)
    let upper = log(maximumStrength)
    var (ll, gradient, information) = evaluate(theta)
    var converged = false
    for _ in 0..<200 {
      var step: [Double] = zip(gradient, [information[0], information[3]]).map { $0 / max(abs($1), 1e-8) }
      var damping = 0.0
      for _ in 0..<20 {
        var matrix = Matrix(rows: 2, columns: 2, columnMajor: information)
        matrix[0, 0] += damping * max(abs(information[0]), 1e-8)
        matrix[1, 1] += damping * max(abs(information[3]), 1e-8)
        if let s = try? LinearAlgebra.solveSymmetricPositiveDefinite(matrix, gradient) {
          step = s
          break
        }
        damping = damping == 0 ? 1e-4 : damping * 10
      }
      let largest = step.map(abs).max() ?? 0
      if largest > 3 { step = step.map { $0 * 3 / largest } }
      var scale = 1.0
      var accepted = false
      for _ in 0..<40 {
        var candidate = zip(theta, step).map { $0 + scale * $1 }
        candidate[1] = min(max(candidate[1], lower), upper)
        let value = evaluate(candidate)
        if value.0.isFinite && value.0 >= ll - 1e-12 * abs(ll) {
          let change = zip(candidate, theta).map { abs($0 - $1) }.max() ?? 0
          theta = candidate
          (ll, gradient, information) = value
          accepted = true
          if change < 1e-10 { converged = true }
          break
        }
        scale *= 0.5
      }
      if !accepted || converged { break }
    }
    let m = 1 / (1 + exp(-theta[0]))
    let kappa = exp(theta[1])
    return BetaBinomialPooling(
      alpha: m * kappa, beta: (1 - m) * kappa, logLikelihood: ll,
      completePooling: theta[1] >= upper - 1e-9, priorFloored: theta[1] <= lower + 1e-9)
  }

  /// The posterior for one group.
  /// - Parameter level: credible level of the equal-tailed interval (default 0.9).
  public func posterior(successes: Double, trials: Double, level: Double = 0.9) -> PooledRate {
    precondition(successes >= 0 && successes <= trials, "successes must be in [0, trials]")
    precondition(level > 0 && level < 1, "level must be in (0, 1)")
    let a = alpha + successes
    let b = beta + trials - successes
    return PooledRate(
      successes: successes, trials: trials, mean: a / (a + b),
      lower: Special.inverseIncompleteBeta(a, b, (1 - level) / 2),
      upper: Special.inverseIncompleteBeta(a, b, (1 + level) / 2),
      posteriorAlpha: a, posteriorBeta: b)
  }
}

/// Intervals for a single binomial proportion.
public enum ProportionInterval {
  /// The Jeffreys interval: equal-tailed quantiles of the Beta(k + ½, n − k + ½) posterior, with
  /// the lower bound 0 when k = 0 and the upper bound 1 when k = n (Brown, Cai & DasGupta 2001).
  /// Good coverage for small n; the default for a rate shown with few deals.
  public static func jeffreys(successes: Double, trials: Double, level: Double = 0.95) -> (lower: Double, upper: Double) {
    precondition(trials > 0 && successes >= 0 && successes <= trials, "need 0 ≤ successes ≤ trials, trials > 0")
    let a = successes + 0.5
    let b = trials - successes + 0.5
    let lower = successes == 0 ? 0 : Special.inverseIncompleteBeta(a, b, (1 - level) / 2)
    let upper = successes == trials ? 1 : Special.inverseIncompleteBeta(a, b, (1 + level) / 2)
    return (lower, upper)
  }

  /// The Wilson score interval: (p̂ + z²/2n ± z √(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n).
  public static func wilson(successes: Double, trials: Double, level: Double = 0.95) -> (lower: Double, upper: Double) {
    precondition(trials > 0 && successes >= 0 && successes <= trials, "need 0 ≤ successes ≤ trials, trials > 0")
    let z = Special.normalQuantile((1 + level) / 2)
    let p = successes / trials
    let z2n = z * z / trials
    let centre = (p + z2n / 2) / (1 + z2n)
    let half = z * (p * (1 - p) / trials + z2n / (4 * trials)).squareRoot() / (1 + z2n)
    return (max(0, centre - half), min(1, centre + half))
  }
}
