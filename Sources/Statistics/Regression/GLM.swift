import Foundation
import LinearAlgebra

/// The response distributions (with their canonical links) the GLM supports.
public enum GLMFamily: String, Codable, Sendable, Hashable {
  /// Counts with a log link: log E[y] = offset + xβ. Dispersion fixed at 1.
  case poisson
  /// Successes out of `trials` with a logit link: logit P(success) = offset + xβ.
  case binomial
}

/// What to do when a binomial fit shows (quasi-)complete separation.
public enum SeparationPolicy: Sendable, Hashable {
  /// Throw `StatisticsError.perfectSeparation(predictor:)`.
  case throwError
  /// Refit with this ridge penalty λ (on ½λ‖β‖², intercept excluded) and flag the result.
  case addRidge(Double)
}

/// Options for `GeneralizedLinearModel.fit`.
public struct GLMFitOptions: Sendable {
  public var maxIterations: Int
  /// Convergence when |D_new − D_old| / (|D_new| + 0.1) < tolerance (R's `glm` criterion).
  public var tolerance: Double
  /// Ridge penalty λ: maximises ℓ(β) − ½ λ Σ_{j unpenalised excluded} β_j². 0 = plain MLE.
  public var ridge: Double
  /// The default adds a ridge of λ = 1 (a N(0, 1) prior on each logit coefficient), as
  /// METHODS.md asks: detect separation, add a small ridge, and say so (`separationDetected`).
  public var separation: SeparationPolicy

  public init(
    maxIterations: Int = 100, tolerance: Double = 1e-10, ridge: Double = 0,
    separation: SeparationPolicy = .addRidge(1)
  ) {
    self.maxIterations = maxIterations
    self.tolerance = tolerance
    self.ridge = ridge
    self.separation = separation
  }
}

/// A generalised linear model specification (family, link, data), kept apart from its fitted
/// result as in statsmodels' `GLM(...).fit()`.
///
/// Estimation is iteratively reweighted least squares: with working weights
/// Wᵢ = wᵢ (dμ/dη)² / V(μᵢ) and working response zᵢ = ηᵢ − oᵢ + (yᵢ − μᵢ)(dη/dμ), each step solves
/// the weighted least-squares problem min Σ Wᵢ (zᵢ − xᵢβ)² (+ λ‖β‖² as extra rows) by LAPACK's QR
/// (`LinearAlgebra.leastSquares`) — Fisher scoring, which is Newton's method for canonical
/// links. Assumes independent observations given the predictors and a correct mean model;
/// standard errors come from (XᵀWX + λP)⁻¹ with dispersion 1 (check `dispersion`, the Pearson
/// χ² over residual degrees of freedom: well above 1 means over-dispersion — use
/// `NegativeBinomial.estimateSize` or robust errors).
///
/// Columns that are constant (an intercept) are never penalised. Add the intercept column
/// yourself, as in statsmodels.
public struct GeneralizedLinearModel: Sendable {
  public let family: GLMFamily
  /// Counts (Poisson) or successes (binomial), ≥ 0.
  public let response: [Double]
  /// n × p design matrix.
  public let design: Matrix
  public let predictorNames: [String]
  /// Added to the linear predictor (Poisson: log exposure).
  public let offset: [Double]?
  /// Binomial trials per row (default 1: Bernoulli).
  public let trials: [Double]?
  /// Frequency weights.
  public let weights: [Double]?

  public init(
    family: GLMFamily, response: [Double], design: Matrix, predictorNames: [String]? = nil,
    offset: [Double]? = nil, trials: [Double]? = nil, weights: [Double]? = nil
  ) {
    precondition(design.rows == response.count, "design has \(design.rows) rows, response \(response.count)")
    precondition(offset.map { $0.count == response.count } ?? true, "offset length")
    precondition(trials.map { $0.count == response.count } ?? true, "trials length")
    precondition(weights.map { $0.count == response.count } ?? true, "weights length")
    precondition(trials == nil || family == .binomial, "trials apply to the binomial family only")
    let names = predictorNames ?? (0..<design.columns).map { "x\($0)" }
    precondition(names.count == design.columns, "one name per column")
    self.family = family
    self.response = response
    self.design = design
    self.predictorNames = names
    self.offset = offset
    self.trials = trials
    self.weights = weights
  }

  /// Fits by IRLS.
  /// - Throws: `.emptyData`, `.invalidValue` (negative counts, successes above trials),
  ///   `.insufficientData` (fewer rows than columns), `.perfectSeparation` (policy
  ///   `.throwError`), `.didNotConverge`, `.linearAlgebra` (collinear columns).
  public func fit(options: GLMFitOptions = GLMFitOptions()) throws(StatisticsError) -> GLMResult {
    let n = response.count
    guard n > 0 else { throw .emptyData(what: "response") }
    guard n >= design.columns else {
      throw .insufficientData(what: "GLM rows", observed: n, required: design.columns)
    }
    for i in 0..<n {
      let y = response[i]
      let m = trials?[i] ?? 1
      guard y >= 0 && y.isFinite else { throw .invalidValue(name: "response", index: i, value: y) }
      if family == .binomial && (y > m || m <= 0) {
        throw .invalidValue(name: "successes above trials", index: i, value: y)
      }
      if let w = weights?[i], !(w >= 0 && w.isFinite) { throw .invalidValue(name: "weight", index: i, value: w) }
    }
    let first = try irls(ridge: options.ridge, options: options)
    if family == .binomial, let predictor = separatedPredictor(first) {
      switch options.separation {
      case .throwError:
        throw .perfectSeparation(predictor: predictor)
      case .addRidge(let lambda):
        var second = try irls(ridge: max(options.ridge, lambda), options: options)
        guard second.converged else {
          throw .didNotConverge(iterations: second.iterations, lastChange: second.lastChange)
        }
        if let error = second.covarianceError { throw .linearAlgebra(error) }
        second.separationDetected = true
        second.separatedPredictor = predictor
        return second
      }
    }
    guard first.converged else {
      throw .didNotConverge(iterations: first.iterations, lastChange: first.lastChange)
    }
    if let error = first.covarianceError { throw .linearAlgebra(error) }
    return first
  }

  // MARK: IRLS

  private var constantColumns: [Bool] {
    (0..<design.columns).map { c in
      let column = design.column(c)
      return column.allSatisfy { $0 == column[0] }
    }
  }

  private func irls(ridge: Double, options: GLMFitOptions) throws(StatisticsError) -> GLMResult {
    let n = response.count
    let p = design.columns
    let penalised = constantColumns.map { !$0 }
    let penaltyRows = ridge > 0 ? penalised.filter { $0 }.count : 0
    // Start from μ near the data (R's mustart), then a first WLS step.
    var eta = (0..<n).map { i -> Double in
      let y = response[i]
      switch family {
      case .poisson: return log(y + 0.1) - (offset?[i] ?? 0)
      case .binomial:
        let m = trials?[i] ?? 1
        let pr = (y + 0.5) / (m + 1)
        return log(pr / (1 - pr)) - (offset?[i] ?? 0)
      }
    }
    var beta = [Double](repeating: 0, count: p)
    var previousObjective = Double.infinity
    var iterations = 0
    var lastChange = Double.infinity
    var converged = false
    var firstStep = true
    while iterations < options.maxIterations {
      iterations += 1
      // Working weights and response at the current linear predictor (without offset).
      var a = Matrix(rows: n + penaltyRows, columns: p)
      var z = [Double](repeating: 0, count: n + penaltyRows)
      for i in 0..<n {
        let (w, working) = workingValues(i, etaWithoutOffset: eta[i])
        let root = w.squareRoot()
        z[i] = root * working
        for c in 0..<p { a[i, c] = root * design[i, c] }
      }
      if penaltyRows > 0 {
        var row = n
        let root = ridge.squareRoot()
        for c in 0..<p where penalised[c] {
          a[row, c] = root
          row += 1
        }
      }
      var candidate: [Double]
      do {
        candidate = try LinearAlgebra.leastSquares(a, z)
      } catch {
        throw .linearAlgebra(error)
      }
      // Step halving if the penalised deviance rises (never on the first step).
      var objective = penalisedDeviance(candidate, ridge: ridge, penalised: penalised)
      var halvings = 0
      while !firstStep && !(objective <= previousObjective * (1 + 1e-12)) && halvings < 30 {
        candidate = zip(beta, candidate).map { 0.5 * ($0 + $1) }
        objective = penalisedDeviance(candidate, ridge: ridge, penalised: penalised)
        halvings += 1
      }
      firstStep = false
      lastChange = abs(objective - previousObjective) / (abs(objective) + 0.1)
      beta = candidate
      eta = design.multiply(beta)
      if lastChange < options.tolerance {
        converged = true
        break
      }
      previousObjective = objective
    }
    return try result(beta: beta, ridge: ridge, penalised: penalised, iterations: iterations,
                      converged: converged, lastChange: lastChange)
  }

  /// IRLS weight and working response for row i (η excludes the offset).
  @inline(__always)
  private func workingValues(_ i: Int, etaWithoutOffset: Double) -> (Double, Double) {
    let w = weights?[i] ?? 1
    let eta = etaWithoutOffset + (offset?[i] ?? 0)
    switch family {
    case .poisson:
      let mu = exp(eta)
      return (w * mu, etaWithoutOffset + (response[i] - mu) / mu)
    case .binomial:
      let m = trials?[i] ?? 1
      let pr = 1 / (1 + exp(-eta))
      let variance = max(pr * (1 - pr), 1e-300)
      return (w * m * variance, etaWithoutOffset + (response[i] - m * pr) / (m * variance))
    }
  }

  private func mean(_ i: Int, eta: Double) -> Double {
    switch family {
    case .poisson: return exp(eta)
    case .binomial: return (trials?[i] ?? 1) / (1 + exp(-eta))
    }
  }

  /// Unit deviance contribution of row i at mean μ.
  private func unitDeviance(_ i: Int, mu: Double) -> Double {
    let y = response[i]
    func ylog(_ y: Double, _ ratio: Double) -> Double { y > 0 ? y * log(ratio) : 0 }
    switch family {
    case .poisson:
      return 2 * (ylog(y, y / mu) - (y - mu))
    case .binomial:
      let m = trials?[i] ?? 1
      return 2 * (ylog(y, y / mu) + ylog(m - y, (m - y) / (m - mu)))
    }
  }

  private func penalisedDeviance(_ beta: [Double], ridge: Double, penalised: [Bool]) -> Double {
    let eta = design.multiply(beta)
    var total = 0.0
    for i in 0..<response.count {
      total += (weights?[i] ?? 1) * unitDeviance(i, mu: mean(i, eta: eta[i] + (offset?[i] ?? 0)))
    }
    for j in beta.indices where penalised[j] { total += ridge * beta[j] * beta[j] }
    return total.isNaN ? .infinity : total
  }

  /// Names the predictor behind (quasi-)complete separation, or nil: some row's fitted
  /// probability is within 1e-8 of 0 or 1 *and* equals its outcome. Under separation IRLS
  /// drives such rows to 0/1 while the coefficient grows without bound; an ordinary fit almost
  /// never predicts 1e-8. The named predictor is the non-constant column with the largest
  /// |βⱼ|·sd(xⱼ) (the one doing the separating).
  private func separatedPredictor(_ fit: GLMResult) -> String? {
    var separated = false
    for i in 0..<response.count {
      let m = trials?[i] ?? 1
      let pr = fit.fittedMeans[i] / m
      if (pr < 1e-8 && response[i] == 0) || (pr > 1 - 1e-8 && response[i] == m) {
        separated = true
        break
      }
    }
    guard separated else { return nil }
    var best: (String, Double)?
    for (c, constant) in constantColumns.enumerated() where !constant {
      let column = design.column(c)
      let mean = column.reduce(0, +) / Double(column.count)
      let sd = (column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(column.count)).squareRoot()
      let size = abs(fit.coefficients[c]) * sd
      if best == nil || size > best!.1 { best = (predictorNames[c], size) }
    }
    return best?.0 ?? predictorNames.first
  }

  private func result(
    beta: [Double], ridge: Double, penalised: [Bool], iterations: Int, converged: Bool,
    lastChange: Double
  ) throws(StatisticsError) -> GLMResult {
    let n = response.count
    let p = design.columns
    let eta = design.multiply(beta)
    var information = Matrix(rows: p, columns: p)
    var deviance = 0.0
    var pearson = 0.0
    var logLikelihood = 0.0
    var means = [Double](repeating: 0, count: n)
    var totalWeight = 0.0
    for i in 0..<n {
      let w = weights?[i] ?? 1
      totalWeight += w
      let mu = mean(i, eta: eta[i] + (offset?[i] ?? 0))
      means[i] = mu
      let y = response[i]
      deviance += w * unitDeviance(i, mu: mu)
      let variance: Double
      switch family {
      case .poisson:
        variance = mu
        logLikelihood += w * ((y > 0 ? y * log(mu) : 0) - mu - lgamma(y + 1))
      case .binomial:
        let m = trials?[i] ?? 1
        let pr = mu / m
        variance = m * pr * (1 - pr)
        let choose: Double = lgamma(m + 1) - lgamma(y + 1) - lgamma(m - y + 1)
        logLikelihood += w * (choose + (y > 0 ? y * log(pr) : 0) + (m - y > 0 ? (m - y) * log1p(-pr) : 0))
      }
      pearson += variance > 0 ? w * (y - mu) * (y - mu) / variance : 0
      let working = w * variance  // canonical link: W = V(μ)
      for c in 0..<p {
        let xc = design[i, c] * working
        for r in c..<p { information[r, c] += xc * design[i, r] }
      }
    }
    for c in 0..<p where penalised[c] { information[c, c] += ridge }
    for c in 0..<p { for r in 0..<c { information[r, c] = information[c, r] } }
    var covariance = Matrix(rows: p, columns: p, repeating: .infinity)
    var covarianceError: LinearAlgebraError?
    do {
      covariance = try LinearAlgebra.inverseSymmetricPositiveDefinite(information)
    } catch {
      // Separation drives weights to zero and collinear columns make XᵀWX singular; `fit`
      // decides which it is (refit with a ridge, or throw).
      covarianceError = error
    }
    let dof = totalWeight - Double(p)
    return GLMResult(
      family: family, predictorNames: predictorNames, coefficients: beta,
      covariance: (0..<p).map { covariance.row($0) }, deviance: deviance,
      pearsonChiSquare: pearson, residualDegreesOfFreedom: dof, logLikelihood: logLikelihood,
      iterations: iterations, converged: converged, lastChange: lastChange, ridge: ridge,
      separationDetected: false, separatedPredictor: nil, fittedMeans: means,
      covarianceError: covarianceError)
  }
}

/// A fitted GLM. Immutable; `summary` prints the coefficient table.
public struct GLMResult: Sendable, Codable, Equatable {
  public let family: GLMFamily
  public let predictorNames: [String]
  public let coefficients: [Double]
  /// (XᵀWX + λP)⁻¹, row-major. With a ridge this is the posterior covariance under the implied
  /// normal prior, not a sampling covariance.
  public let covariance: [[Double]]
  public let deviance: Double
  public let pearsonChiSquare: Double
  /// Σ weights − number of coefficients.
  public let residualDegreesOfFreedom: Double
  /// Full log-likelihood including constants (log y!, log binomial coefficients): matches
  /// statsmodels' `llf`.
  public let logLikelihood: Double
  public let iterations: Int
  let converged: Bool
  let lastChange: Double
  /// The ridge penalty λ actually used.
  public let ridge: Double
  /// True when separation was detected and a ridge added (see `SeparationPolicy`).
  public internal(set) var separationDetected: Bool
  public internal(set) var separatedPredictor: String?
  /// Fitted means (Poisson: expected counts; binomial: expected successes, m·p).
  public let fittedMeans: [Double]
  var covarianceError: LinearAlgebraError? = nil

  private enum CodingKeys: String, CodingKey {
    case family, predictorNames, coefficients, covariance, deviance, pearsonChiSquare
    case residualDegreesOfFreedom, logLikelihood, iterations, converged, lastChange, ridge
    case separationDetected, separatedPredictor, fittedMeans
  }

  public var standardErrors: [Double] { covariance.indices.map { covariance[$0][$0].squareRoot() } }
  /// Pearson χ² / residual degrees of freedom; ≈ 1 when the Poisson/binomial variance holds,
  /// ≫ 1 under over-dispersion.
  public var dispersion: Double { pearsonChiSquare / residualDegreesOfFreedom }
  /// −2ℓ + 2p (p counts every coefficient, penalised or not).
  public var aic: Double { -2 * logLikelihood + 2 * Double(coefficients.count) }

  /// The mean response for one row of predictors: expected count (Poisson) or success
  /// probability (binomial).
  public func predict(_ row: [Double], offset: Double = 0) -> Double {
    precondition(row.count == coefficients.count, "row has \(row.count) values, expected \(coefficients.count)")
    let eta = zip(row, coefficients).map(*).reduce(offset, +)
    return family == .poisson ? exp(eta) : 1 / (1 + exp(-eta))
  }

  public var summary: String {
    var lines = ["\(family.rawValue) GLM: deviance=\(deviance) pearson/dof=\(dispersion) AIC=\(aic)"
      + (ridge > 0 ? " ridge=\(ridge)" : "")
      + (separationDetected ? " [separation on \(separatedPredictor ?? "?"): ridge added]" : "")]
    lines.append("predictor        coefficient    se            z")
    for (j, name) in predictorNames.enumerated() {
      let se = standardErrors[j]
      lines.append(
        name.padding(toLength: 16, withPad: " ", startingAt: 0)
          + String(format: " %-14.6g %-13.6g %-8.3f", coefficients[j], se, coefficients[j] / se))
    }
    return lines.joined(separator: "\n")
  }
}
