import Foundation
import LinearAlgebra
import Testing
@testable import Statistics

/// References from statsmodels 0.15 (`/tmp` script, reproduced here):
///
///     import statsmodels.api as sm
///     sp = sm.datasets.spector.load_pandas().data
///     X = sm.add_constant(sp[["GPA", "TUCE", "PSI"]])
///     r = sm.GLM(sp.GRADE, X, family=sm.families.Binomial()).fit()
///     r.params, r.bse, r.deviance, r.llf, r.aic, r.pearson_chi2
///
/// statsmodels' default `bse` uses the IRLS weights of the *previous* iteration (tol 1e-8), which
/// differ from the converged ones by ~1e-5 relative; the standard errors below are from
/// `.fit(tol=1e-14)`, and equal sqrt(diag(inv(-m.hessian(r.params)))) to 1e-10.
///
/// These are also the published logit estimates for Spector & Mazzeo (1980) in Greene,
/// Econometric Analysis (−13.021, 2.826, 0.095, 2.379).
enum Spector {
  static let gpa: [Double] = [2.66, 2.89, 3.28, 2.92, 4.0, 2.86, 2.76, 2.87, 3.03, 3.92, 2.63, 3.32, 3.57, 3.26, 3.53, 2.74, 2.75, 2.83, 3.12, 3.16, 2.06, 3.62, 2.89, 3.51, 3.54, 2.83, 3.39, 2.67, 3.65, 4.0, 3.1, 2.39]
  static let tuce: [Double] = [20, 22, 24, 12, 21, 17, 17, 21, 25, 29, 20, 23, 23, 25, 26, 19, 25, 19, 23, 25, 22, 28, 14, 26, 24, 27, 17, 24, 21, 23, 21, 19]
  static let psi: [Double] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
  static let grade: [Double] = [0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 1, 1, 0, 1, 1, 0, 1]
}

func designMatrix(_ columns: [[Double]]) -> Matrix {
  let n = columns[0].count
  return Matrix(rows: n, columns: columns.count + 1, columnMajor: Array(repeating: 1, count: n) + columns.flatMap { $0 })
}

@Suite struct GLMTests {
  @Test func logisticRegressionReproducesSpectorMazzeo() throws {
    let model = GeneralizedLinearModel(
      family: .binomial, response: Spector.grade, design: designMatrix([Spector.gpa, Spector.tuce, Spector.psi]),
      predictorNames: ["const", "GPA", "TUCE", "PSI"])
    let fit = try model.fit()
    let params = [-13.021346856307579, 2.8261125945593775, 0.09515766129565045, 2.3786876548124924]
    let bse = [4.931324212989591, 1.2629410755278812, 0.14155420566544116, 1.0645642544095653]
    for j in 0..<4 {
      #expect(relativeError(fit.coefficients[j], params[j]) < 1e-7)
      #expect(relativeError(fit.standardErrors[j], bse[j]) < 1e-6)
    }
    #expect(abs(fit.deviance - 25.779268444262826) < 1e-8)
    #expect(abs(fit.logLikelihood - -12.889634222131413) < 1e-8)
    #expect(abs(fit.aic - 33.779268444262826) < 1e-8)
    #expect(abs(fit.pearsonChiSquare - 27.257118800666554) < 1e-6)
    #expect(!fit.separationDetected)
    #expect(fit.fittedMeans.allSatisfy { $0 > 0 && $0 < 1 })
  }

  /// statsmodels: rng = np.random.default_rng(7); n = 30; x1 = round(N(0,1), 3);
  /// x2 = integers(0, 2); exposure = round(U(0.5, 3), 2); y ~ Poisson(exp(0.3 + 0.5 x1 − 0.7 x2)·exposure);
  /// sm.GLM(y, add_constant([x1, x2]), family=Poisson(), offset=log(exposure)).fit()
  @Test func poissonWithOffsetMatchesStatsmodels() throws {
    let x1: [Double] = [0.001, 0.299, -0.274, -0.891, -0.455, -0.992, 0.06, 1.34, -0.492, -0.62, 0.49, 0.357, 0.105, -0.93, -0.029, 0.695, -1.344, -0.458, -1.901, -1.29, -1.842, -0.235, -1.267, 0.271, 0.157, -0.187, -2.517, -0.539, -0.049, 0.113]
    let x2: [Double] = [0, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0, 1, 0, 0, 0, 1, 1, 1, 0, 1, 0, 1, 1, 0, 1, 1, 1, 1, 1]
    let exposure: [Double] = [2.35, 0.73, 1.85, 1.77, 2.68, 1.4, 2.0, 0.65, 1.47, 1.31, 0.88, 2.54, 1.45, 2.95, 1.97, 2.01, 2.09, 2.19, 0.88, 1.6, 1.1, 1.51, 0.74, 2.92, 1.04, 2.18, 1.25, 2.69, 2.16, 0.83]
    let y: [Double] = [5, 2, 4, 1, 2, 1, 0, 1, 0, 2, 1, 7, 1, 3, 1, 5, 0, 0, 0, 2, 0, 4, 1, 3, 1, 1, 1, 3, 2, 0]
    let fit = try GeneralizedLinearModel(
      family: .poisson, response: y, design: designMatrix([x1, x2]), offset: exposure.map { log($0) }
    ).fit()
    let params = [0.4684085631462436, 0.41177781909001476, -0.7383295557721917]
    let bse = [0.1646452865800304, 0.21667991346267362, 0.301061252101262]
    for j in 0..<3 {
      #expect(relativeError(fit.coefficients[j], params[j]) < 1e-8)
      #expect(relativeError(fit.standardErrors[j], bse[j]) < 1e-6)
    }
    #expect(abs(fit.deviance - 27.428820577774797) < 1e-8)
    #expect(abs(fit.logLikelihood - -43.38658964639692) < 1e-8)
    #expect(abs(fit.aic - 92.77317929279384) < 1e-8)
    #expect(abs(fit.pearsonChiSquare - 21.163062287976768) < 1e-6)
    #expect(fit.residualDegreesOfFreedom == 27)
    #expect(abs(fit.dispersion - 21.163062287976768 / 27) < 1e-8)
    // Score equations hold at the MLE: Xᵀ(y − μ) = 0.
    let residual = zip(y, fit.fittedMeans).map { $0 - $1 }
    #expect(abs(zip(residual, x1).map(*).reduce(0, +)) < 1e-8)
  }

  /// statsmodels: sm.GLM(column_stack([succ, tri − succ]), add_constant(dose), family=Binomial()).fit()
  /// (standard errors from `.fit(tol=1e-14)`, see `Spector`).
  @Test func groupedBinomialWithTrialsMatchesStatsmodels() throws {
    let fit = try GeneralizedLinearModel(
      family: .binomial, response: [2, 5, 9, 14, 18], design: designMatrix([[0, 1, 2, 3, 4]]),
      trials: [20, 20, 22, 25, 24]
    ).fit()
    #expect(relativeError(fit.coefficients[0], -1.9856369495381063) < 1e-8)
    #expect(relativeError(fit.coefficients[1], 0.7686529475598697) < 1e-8)
    #expect(relativeError(fit.standardErrors[0], 0.4577083993170525) < 1e-6)
    #expect(relativeError(fit.standardErrors[1], 0.1723294143518746) < 1e-6)
    #expect(abs(fit.deviance - 0.2100340738182503) < 1e-8)
    #expect(abs(fit.logLikelihood - -8.248062407773507) < 1e-8)
  }

  /// Complete (x ≤ 3 all fail, x ≥ 4 all win) and quasi-complete separation (a tie at x = 3).
  @Test(arguments: [
    [0.0, 0, 0, 1, 1, 1], [0.0, 0, 0, 1, 1, 1, 1],
  ])
  func separationIsDetected(outcomes: [Double]) throws {
    let xs: [Double] = outcomes.count == 6 ? [1, 2, 3, 4, 5, 6] : [1, 2, 3, 3, 4, 5, 6]
    let ys: [Double] = outcomes.count == 6 ? outcomes : [0, 0, 0, 1, 1, 1, 1]
    let model = GeneralizedLinearModel(
      family: .binomial, response: ys, design: designMatrix([xs]), predictorNames: ["const", "stage_age"])
    #expect(throws: StatisticsError.perfectSeparation(predictor: "stage_age")) {
      try model.fit(options: GLMFitOptions(separation: .throwError))
    }
    let ridged = try model.fit()
    #expect(ridged.separationDetected)
    #expect(ridged.separatedPredictor == "stage_age")
    #expect(ridged.ridge == 1)
    #expect(ridged.coefficients.allSatisfy { $0.isFinite && abs($0) < 50 })
    #expect(ridged.standardErrors.allSatisfy { $0.isFinite })
  }

  /// Ridge: the penalised score equation Xⱼᵀ(y − μ) = λβⱼ holds for penalised columns and
  /// the intercept's score is 0.
  @Test func ridgeSolvesPenalisedScoreEquations() throws {
    let fit = try GeneralizedLinearModel(
      family: .binomial, response: Spector.grade, design: designMatrix([Spector.gpa, Spector.tuce, Spector.psi])
    ).fit(options: GLMFitOptions(ridge: 2))
    let residual = zip(Spector.grade, fit.fittedMeans).map { $0 - $1 }
    #expect(abs(residual.reduce(0, +)) < 1e-8)
    for (j, column) in [Spector.gpa, Spector.tuce, Spector.psi].enumerated() {
      let score: Double = zip(residual, column).map { $0 * $1 }.reduce(0, +)
      #expect(abs(score - 2 * fit.coefficients[j + 1]) < 1e-8)
    }
  }

  @Test func invalidInputsThrow() {
    #expect(throws: StatisticsError.invalidValue(name: "response", index: 1, value: -1)) {
      try GeneralizedLinearModel(family: .poisson, response: [1, -1], design: designMatrix([[1, 2]])).fit()
    }
    #expect(throws: StatisticsError.self) {
      // Collinear columns.
      try GeneralizedLinearModel(family: .poisson, response: [1, 2, 3], design: designMatrix([[1, 2, 3], [2, 4, 6]])).fit()
    }
  }
}

@Suite struct NegativeBinomialTests {
  /// statsmodels: rng = np.random.default_rng(11); cnt = rng.negative_binomial(3, 3/9, 200);
  /// sm.NegativeBinomial(cnt, ones).fit(tol=1e-12) → alpha = 0.30625075906931487 (size 1/alpha);
  /// for NB2 with an intercept only, the fitted mean is the sample mean, so the size given
  /// means = ȳ is the joint MLE.
  @Test func sizeMatchesStatsmodelsInterceptOnlyNB2() throws {
    let counts: [Double] = [2, 4, 10, 3, 4, 1, 8, 4, 3, 1, 1, 9, 0, 9, 2, 2, 15, 2, 4, 3, 7, 5, 7, 7, 10, 6, 5, 13, 2, 3, 0, 1, 5, 2, 6, 2, 10, 10, 14, 1, 6, 9, 4, 1, 3, 0, 6, 4, 12, 6, 5, 4, 6, 6, 8, 10, 11, 4, 7, 6, 3, 5, 7, 2, 7, 6, 9, 0, 11, 13, 5, 4, 1, 11, 4, 8, 2, 5, 2, 9, 5, 6, 14, 5, 4, 1, 5, 5, 4, 16, 0, 4, 6, 0, 12, 8, 1, 8, 6, 7, 1, 5, 3, 7, 5, 3, 5, 3, 11, 7, 10, 8, 4, 6, 11, 7, 8, 3, 1, 4, 2, 14, 8, 1, 1, 4, 5, 9, 1, 2, 6, 12, 3, 4, 10, 9, 6, 8, 1, 7, 2, 0, 1, 2, 1, 6, 7, 11, 4, 4, 6, 6, 3, 15, 1, 11, 5, 1, 3, 8, 4, 4, 15, 5, 2, 7, 0, 3, 7, 6, 2, 2, 5, 2, 5, 6, 3, 1, 3, 4, 5, 7, 7, 13, 6, 5, 3, 12, 2, 2, 4, 11, 4, 16, 10, 3, 8, 9, 1, 8]
    let mean = counts.reduce(0, +) / Double(counts.count)
    let size = try #require(try NegativeBinomial.estimateSize(counts: counts, means: Array(repeating: mean, count: counts.count)))
    #expect(relativeError(size, 1 / 0.30625075906931487) < 1e-6)
    // A Poisson GLM on these counts flags the over-dispersion.
    let poisson = try GeneralizedLinearModel(
      family: .poisson, response: counts, design: Matrix(rows: counts.count, columns: 1, repeating: 1)
    ).fit()
    #expect(poisson.dispersion > 2)
  }

  /// Hand-worked moments: counts (0, 10), means (5, 5): Σ[(y−μ)² − y] = 25 + 15 = 40,
  /// Σμ² = 50, so 1/r = 0.8 and r = 1.25.
  @Test func methodOfMomentsHandWorked() throws {
    let size = try NegativeBinomial.estimateSize(counts: [0, 10], means: [5, 5], method: .methodOfMoments)
    #expect(size.map { abs($0 - 1.25) < 1e-12 } == true)
  }

  @Test func noOverDispersionGivesNil() throws {
    // Under-dispersed counts: the likelihood rises as r → ∞.
    let counts: [Double] = [4, 5, 5, 6, 5, 4, 6, 5]
    #expect(try NegativeBinomial.estimateSize(counts: counts, means: Array(repeating: 5, count: 8)) == nil)
    #expect(try NegativeBinomial.estimateSize(counts: counts, means: Array(repeating: 5, count: 8), method: .methodOfMoments) == nil)
  }
}

@Suite struct PoolingTests {
  static let successes: [Double] = [5, 3, 12, 0, 7, 30, 1, 2, 4, 25]
  static let trials: [Double] = [5, 20, 40, 15, 25, 50, 18, 30, 12, 44]

  /// SciPy: minimise −Σ betabinom.logpmf(k, n, exp(a), exp(b)) by Nelder–Mead (xatol=1e-12):
  /// alpha=0.8864305096946037, beta=1.8406090815772036, log-lik −29.618548713619113 (with the
  /// binomial coefficients); posterior of 5/5: mean 0.7617963438861772, 90% equal-tailed
  /// interval beta.ppf(0.05/0.95, a+5, b) = (0.48897604584457577, 0.9544216723630334).
  @Test func marginalMaximumLikelihoodMatchesSciPy() throws {
    let pooling = try BetaBinomialPooling.fit(successes: Self.successes, trials: Self.trials)
    #expect(relativeError(pooling.alpha, 0.8864305096946037) < 1e-6)
    #expect(relativeError(pooling.beta, 1.8406090815772036) < 1e-6)
    let binomialCoefficients = zip(Self.successes, Self.trials).map { k, n in
      (lgamma(n + 1) as Double) - lgamma(k + 1) - lgamma(n - k + 1)
    }.reduce(0, +)
    #expect(abs(pooling.logLikelihood + binomialCoefficients - -29.618548713619113) < 1e-9)
    let fiveOfFive = pooling.posterior(successes: 5, trials: 5)
    #expect(relativeError(fiveOfFive.mean, 0.7617963438861772) < 1e-6)
    #expect(relativeError(fiveOfFive.lower, 0.48897604584457577) < 1e-5)
    #expect(relativeError(fiveOfFive.upper, 0.9544216723630334) < 1e-5)
    #expect(fiveOfFive.mean < 0.8)  // five wins out of five is not 100%
  }

  @Test func shrinkageIsStrongerForSmallGroups() throws {
    let pooling = try BetaBinomialPooling.fit(successes: Self.successes, trials: Self.trials)
    let small = pooling.posterior(successes: 1, trials: 2)
    let large = pooling.posterior(successes: 50, trials: 100)
    #expect(abs(small.mean - pooling.pooledRate) < abs(0.5 - pooling.pooledRate))
    #expect(abs(large.mean - 0.5) < abs(small.mean - 0.5) + 0.2)
    for k in [0.0, 1, 2, 3] {
      let r = pooling.posterior(successes: k, trials: 3)
      #expect(r.lower >= 0 && r.lower <= r.mean && r.mean <= r.upper && r.upper <= 1)
    }
  }

  @Test func boundaryCasesAreDocumentedFallbacks() throws {
    // Homogeneous groups: complete pooling.
    let same = try BetaBinomialPooling.fit(successes: [10, 10, 10, 10], trials: [40, 40, 40, 40])
    #expect(same.completePooling)
    #expect(abs(same.posterior(successes: 10, trials: 40).mean - 0.25) < 1e-4)
    // All-or-nothing groups: κ floored at one deal, so 5/5 is not 100%.
    let extreme = try BetaBinomialPooling.fit(successes: [5, 0, 5, 0], trials: [5, 5, 5, 5])
    #expect(extreme.priorFloored)
    #expect(extreme.posterior(successes: 5, trials: 5).mean < 0.95)
    // No wins anywhere: Jeffreys prior.
    let none = try BetaBinomialPooling.fit(successes: [0, 0], trials: [3, 8])
    #expect(none.jeffreysFallback && none.alpha == 0.5)
    #expect(throws: StatisticsError.insufficientData(what: "groups with trials", observed: 1, required: 2)) {
      try BetaBinomialPooling.fit(successes: [1], trials: [4])
    }
  }

  /// statsmodels.stats.proportion.proportion_confint(x, n, 0.05, method='jeffreys' | 'wilson').
  /// statsmodels does not pin the Jeffreys bounds at 0 (x = 0) and 1 (x = n); we do, following
  /// Brown, Cai & DasGupta (2001), so only the other bound is compared there.
  @Test(arguments: [
    (0.0, 10.0, 4.7890433157581876e-05, 0.2171962675092106, 0.0, 0.27753279986288926),
    (3.0, 10.0, 0.09269459393815316, 0.6058183181486714, 0.10779126740630104, 0.6032218525388546),
    (10.0, 10.0, 0.7828037324907894, 0.9999521095668424, 0.7224672001371106, 1.0),
    (47.0, 120.0, 0.3077589813283225, 0.4807299987958047, 0.30899196972332565, 0.4810621830007269),
  ])
  func proportionIntervalsMatchStatsmodels(
    k: Double, n: Double, jLower: Double, jUpper: Double, wLower: Double, wUpper: Double
  ) {
    let j = ProportionInterval.jeffreys(successes: k, trials: n)
    if k == 0 { #expect(j.lower == 0) } else { #expect(relativeError(j.lower, jLower) < 1e-9) }
    if k == n { #expect(j.upper == 1) } else { #expect(relativeError(j.upper, jUpper) < 1e-9) }
    let w = ProportionInterval.wilson(successes: k, trials: n)
    #expect(abs(w.lower - wLower) < 1e-12)
    #expect(abs(w.upper - wUpper) < 1e-12)
  }
}
