import Foundation
import LinearAlgebra

/// A small binomial-logit / Poisson-log GLM by iteratively reweighted least squares, on grouped
/// rows (each row: covariates, successes or count, trials or exposure weight).
///
/// Internal to PipelineModel until the Statistics module's GLM lands; it does only what the
/// fitter needs: grouped data (so a million stays collapse to a few hundred rows), an optional
/// ridge penalty λ‖β₁…‖² on the non-intercept coefficients, and a separation check — when a
/// fitted probability reaches 0 or 1 within 1e-8 or a linear predictor exceeds ±30, the
/// maximum-likelihood estimate is at infinity (Albert & Anderson 1984), and the caller refits
/// with a ridge.
struct GroupedGLM {
  enum Family { case logistic, poisson }

  struct Result {
    var coefficients: [Double]
    /// Inverse of the (penalised) information, row-major.
    var covariance: [Double]
    var logLikelihood: Double
    var separated: Bool
    var converged: Bool
    /// Fitted means per row (probabilities or expected counts).
    var fitted: [Double]
  }

  var family: Family
  /// Row-major design, `rows × columns`, first column the intercept.
  var design: [Double]
  var columns: Int
  /// Logistic: successes; Poisson: counts.
  var response: [Double]
  /// Logistic: trials; Poisson: unused (exposure 1).
  var trials: [Double]
  var ridge: Double = 0
  /// Penalise the intercept too (needed when every outcome is the same).
  var ridgeIntercept = false

  var rows: Int { response.count }

  func fit(maxIterations: Int = 50) -> Result {
    let k = columns
    var beta = [Double](repeating: 0, count: k)
    if family == .poisson {
      let total = response.reduce(0, +)
      beta[0] = log(max(total, 0.5) / Double(max(rows, 1)))
    } else {
      let s = response.reduce(0, +)
      let n = trials.reduce(0, +)
      let p = min(max((s + 0.5) / (n + 1), 1e-6), 1 - 1e-6)
      beta[0] = log(p / (1 - p))
    }
    var converged = false
    var separated = false
    var information = [Double](repeating: 0, count: k * k)
    var previousLL = -Double.infinity
    for _ in 0..<maxIterations {
      var xtwx = [Double](repeating: 0, count: k * k)
      var score = [Double](repeating: 0, count: k)
      design.withUnsafeBufferPointer { x in
        for r in 0..<rows {
          var eta = 0.0
          for c in 0..<k { eta += x[r * k + c] * beta[c] }
          let w: Double
          let resid: Double
          switch family {
          case .logistic:
            let p = 1 / (1 + exp(-eta))
            w = trials[r] * p * (1 - p)
            resid = response[r] - trials[r] * p
          case .poisson:
            let mu = exp(min(eta, 700))
            w = mu
            resid = response[r] - mu
          }
          for a in 0..<k {
            let xa = x[r * k + a]
            score[a] += xa * resid
            for b in a..<k { xtwx[a * k + b] += xa * w * x[r * k + b] }
          }
        }
      }
      for a in 0..<k { for b in 0..<a { xtwx[a * k + b] = xtwx[b * k + a] } }
      for a in (ridgeIntercept ? 0 : 1)..<k {
        xtwx[a * k + a] += 2 * ridge
        score[a] -= 2 * ridge * beta[a]
      }
      information = xtwx
      let matrix = Matrix(rows: k, columns: k, columnMajor: xtwx)
      guard let step = try? LinearAlgebra.solveSymmetricPositiveDefinite(matrix, score),
        step.allSatisfy(\.isFinite)
      else {
        separated = true
        break
      }
      // Step halving on the penalised log-likelihood.
      var scale = 1.0
      var accepted = false
      for _ in 0..<30 {
        let candidate = zip(beta, step).map { $0 + scale * $1 }
        let ll = penalisedLogLikelihood(candidate)
        if ll.isFinite && ll >= previousLL - 1e-10 * abs(previousLL) {
          let change = zip(candidate, beta).map { abs($0 - $1) / (1 + abs($1)) }.max() ?? 0
          beta = candidate
          previousLL = ll
          accepted = true
          if change < 1e-10 { converged = true }
          break
        }
        scale *= 0.5
      }
      if !accepted { converged = true }
      if converged { break }
    }
    let fitted = means(beta)
    if family == .logistic {
      for r in 0..<rows where trials[r] > 0 {
        var eta = 0.0
        for c in 0..<k { eta += design[r * k + c] * beta[c] }
        if abs(eta) > 30 || fitted[r] < 1e-8 || fitted[r] > 1 - 1e-8 { separated = true }
      }
    }
    if beta.contains(where: { abs($0) > 1e4 }) { separated = true }
    var covariance = [Double](repeating: 0, count: k * k)
    if let inverse = try? LinearAlgebra.inverseSymmetricPositiveDefinite(
      Matrix(rows: k, columns: k, columnMajor: information))
    {
      for a in 0..<k { for b in 0..<k { covariance[a * k + b] = inverse[a, b] } }
    } else {
      separated = true
    }
    return Result(
      coefficients: beta, covariance: covariance, logLikelihood: logLikelihood(beta),
      separated: separated || !covariance.allSatisfy(\.isFinite), converged: converged,
      fitted: fitted)
  }

  func means(_ beta: [Double]) -> [Double] {
    (0..<rows).map { r in
      var eta = 0.0
      for c in 0..<columns { eta += design[r * columns + c] * beta[c] }
      return family == .logistic ? 1 / (1 + exp(-eta)) : exp(min(eta, 700))
    }
  }

  func logLikelihood(_ beta: [Double]) -> Double {
    var ll = 0.0
    for r in 0..<rows {
      var eta = 0.0
      for c in 0..<columns { eta += design[r * columns + c] * beta[c] }
      switch family {
      case .logistic:
        // s·η − n·log(1 + e^η), computed stably.
        let softplus = eta > 0 ? eta + log1p(exp(-eta)) : log1p(exp(eta))
        ll += response[r] * eta - trials[r] * softplus
      case .poisson:
        ll += response[r] * eta - exp(min(eta, 700)) - lgamma(response[r] + 1)
      }
    }
    return ll
  }

  func penalisedLogLikelihood(_ beta: [Double]) -> Double {
    var penalty = 0.0
    for a in (ridgeIntercept ? 0 : 1)..<columns { penalty += beta[a] * beta[a] }
    return logLikelihood(beta) - ridge * penalty
  }
}

/// Logistic regression of a binary outcome on a polynomial in one covariate, with the degree
/// chosen by AIC, fewer terms when events are few, and a ridge on separation.
enum PolynomialLogistic {
  struct Fit {
    var coefficients: [Double]
    var covariance: [Double]
    var ridged: Bool
    var degree: Int
  }

  /// - Parameters:
  ///   - x, successes, trials: grouped rows.
  ///   - maxDegree: 0 (intercept), 1 or 2.
  /// Degree cap: the smaller outcome count m must reach 10 per extra term (m < 10: intercept
  /// only; m < 20: at most linear) — the usual events-per-variable rule. The covariate is
  /// standardised for the fit and the coefficients and covariance are mapped back to raw x.
  static func fit(x: [Double], successes: [Double], trials: [Double], maxDegree: Int = 2) -> Fit {
    let totalS = successes.reduce(0, +)
    let totalN = trials.reduce(0, +)
    let minority = min(totalS, totalN - totalS)
    let cap = minority < 10 ? 0 : (minority < 20 ? 1 : 2)
    let top = min(maxDegree, cap)
    var mean = 0.0
    var sq = 0.0
    if totalN > 0 {
      for i in x.indices { mean += trials[i] * x[i] }
      mean /= totalN
      for i in x.indices { sq += trials[i] * (x[i] - mean) * (x[i] - mean) }
    }
    let sd = totalN > 0 && sq > 1e-12 ? (sq / totalN).squareRoot() : 1
    let degreeLimit = sq > 1e-12 ? top : 0
    var best: (fit: GroupedGLM.Result, degree: Int, aic: Double, ridged: Bool)?
    for degree in 0...degreeLimit {
      let k = degree + 1
      var design = [Double](repeating: 0, count: x.count * k)
      for i in x.indices {
        let z = (x[i] - mean) / sd
        var power = 1.0
        for c in 0..<k {
          design[i * k + c] = power
          power *= z
        }
      }
      var glm = GroupedGLM(
        family: .logistic, design: design, columns: k, response: successes, trials: trials)
      var result = glm.fit()
      var ridged = false
      if result.separated {
        glm.ridge = 0.5
        glm.ridgeIntercept = degree == 0 || minority == 0
        result = glm.fit()
        ridged = true
      }
      let aic = -2 * result.logLikelihood + 2 * Double(k)
      if best == nil || (aic < best!.aic - 1e-9 && !(ridged && !best!.ridged)) {
        best = (result, degree, aic, ridged)
      }
    }
    let chosen = best!
    // Map back: z = (x − m)/s, so a polynomial in z is one in x with coefficients A·c'.
    let k = chosen.degree + 1
    var a = [Double](repeating: 0, count: k * k)  // a[row * k + col]: raw coefficient row from z col
    for col in 0..<k {
      // z^col = Σ_row binom(col,row) x^row (−m)^(col−row) / s^col
      for row in 0...col {
        a[row * k + col] = binomial(col, row) * pow(-mean, Double(col - row)) / pow(sd, Double(col))
      }
    }
    var coefficients = [Double](repeating: 0, count: k)
    for row in 0..<k { for col in 0..<k { coefficients[row] += a[row * k + col] * chosen.fit.coefficients[col] } }
    var covariance = [Double](repeating: 0, count: k * k)
    for i in 0..<k {
      for j in 0..<k {
        var s = 0.0
        for p in 0..<k { for q in 0..<k { s += a[i * k + p] * chosen.fit.covariance[p * k + q] * a[j * k + q] } }
        covariance[i * k + j] = s
      }
    }
    return Fit(coefficients: coefficients, covariance: covariance, ridged: chosen.ridged, degree: chosen.degree)
  }

  private static func binomial(_ n: Int, _ k: Int) -> Double {
    var r = 1.0
    if k == 0 { return 1 }
    for i in 1...k { r = r * Double(n - k + i) / Double(i) }
    return r
  }
}

/// Small dense helpers for parameter draws.
enum Dense {
  /// Lower Cholesky factor of a row-major symmetric k × k matrix; nil if not positive definite
  /// (after adding a tiny jitter).
  static func cholesky(_ m: [Double], _ k: Int) -> [Double]? {
    var l = [Double](repeating: 0, count: k * k)
    for i in 0..<k {
      for j in 0...i {
        var s = m[i * k + j]
        for p in 0..<j { s -= l[i * k + p] * l[j * k + p] }
        if i == j {
          if !(s > 0) { return nil }
          l[i * k + i] = s.squareRoot()
        } else {
          l[i * k + j] = s / l[j * k + j]
        }
      }
    }
    return l.allSatisfy(\.isFinite) ? l : nil
  }

  /// Quantile of a sample by linear interpolation (type 7), p in [0, 1].
  static func quantile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let h = Double(sorted.count - 1) * p
    let lo = Int(h.rounded(.down))
    let hi = min(lo + 1, sorted.count - 1)
    return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
  }

  static func median(_ values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    return quantile(values.sorted(), 0.5)
  }
}
