import CRMData
import Foundation
import Statistics
import Testing
@testable import PipelineModel

@Suite struct LossCurveTests {
  /// Completed stays with t ~ lognormal and P(lost | t) = logistic(−1 + 0.8 log t): the grouped
  /// IRLS fit recovers the coefficients within 4 standard errors, and its standard errors match
  /// the spread implied by n = 20 000.
  @Test func recoversKnownCoefficients() {
    var g = RandomStream(seed: 7)
    var t: [Double] = []
    var lost: [Bool] = []
    for _ in 0..<20_000 {
      let d = (Sampling.logNormal(mu: 2.5, sigma: 1, using: &g) * 2).rounded() / 2 + 0.5
      t.append(d)
      lost.append(Sampling.bernoulli(1 / (1 + exp(-(-1 + 0.8 * log(d)))), using: &g))
    }
    let grouped = GroupedDurations(durations: t, observed: lost)
    let fit = PolynomialLogistic.fit(
      x: grouped.times.map { log($0) }, successes: grouped.events,
      trials: zip(grouped.events, grouped.censored).map { $0 + $1 }, maxDegree: 1)
    #expect(fit.degree == 1)
    #expect(!fit.ridged)
    let se0 = fit.covariance[0].squareRoot()
    let se1 = fit.covariance[3].squareRoot()
    #expect(abs(fit.coefficients[0] + 1) < 4 * se0)
    #expect(abs(fit.coefficients[1] - 0.8) < 4 * se1)
    #expect(se1 > 0.005 && se1 < 0.05)
  }

  /// Every stay lost: the MLE intercept is +∞; the fit detects separation and ridges.
  @Test func separationIsRidged() {
    let fit = PolynomialLogistic.fit(x: [0, 1, 2], successes: [5, 6, 7], trials: [5, 6, 7])
    #expect(fit.ridged)
    #expect(fit.coefficients.allSatisfy { $0.isFinite })
    #expect(fit.coefficients[0] > 2)
  }

  /// Few events: the degree is capped (events-per-term rule).
  @Test func fewEventsKeepInterceptOnly() {
    let fit = PolynomialLogistic.fit(
      x: [0, 1, 2, 3], successes: [1, 2, 1, 3], trials: [10, 10, 10, 10])
    #expect(fit.degree == 0)
  }
}

@Suite struct PipelineFitterTests {
  /// Recovery on a world simulated from known stage distributions with heavy censoring.
  /// Tolerances: implied probabilities within 0.03 absolute (≈ 3 standard errors at n ≈ 2 500),
  /// medians within 8% (lognormal) and 10% (Weibull stage, fewer entries).
  @Test func recoversStageTruthUnderCensoring() throws {
    let (folder, naiveA) = Fixtures.twoStageWorld(count: 5000, windowDays: 90, seed: 11)
    let model = try PipelineFitter().fit(folder: folder)
    let a = model.stages[0]
    let b = model.stages[1]
    #expect(model.stages.map(\.name) == ["Discovery", "Proposal"])
    #expect(a.censored > 500)  // heavy censoring is the point
    let lossA = Fixtures.truthA.impliedLoss
    let lossB = Fixtures.truthB.impliedLoss
    #expect(abs(a.lossProbability.value - lossA) < 0.03, "A loss \(a.lossProbability.value) vs \(lossA)")
    #expect(abs(a.advanceProbability.value - (1 - lossA)) < 0.03)
    #expect(abs(b.lossProbability.value - lossB) < 0.03, "B loss \(b.lossProbability.value) vs \(lossB)")
    // The last stage's advance is its direct win.
    #expect(abs(b.advanceProbability.value - (1 - lossB)) < 0.03)
    #expect(abs(a.winProbability - (1 - lossA) * (1 - lossB)) < 0.03)
    // Intervals cover the point and are not absurdly wide.
    #expect(a.lossProbability.lower <= a.lossProbability.value && a.lossProbability.value <= a.lossProbability.upper)
    #expect(a.lossProbability.upper - a.lossProbability.lower < 0.1)
    let medianA = Fixtures.truthA.time.median
    let medianB = Fixtures.truthB.time.median
    #expect(abs(a.timeInStage.medianDays / medianA - 1) < 0.08, "A median \(a.timeInStage.medianDays) vs \(medianA)")
    #expect(abs(b.timeInStage.medianDays / medianB - 1) < 0.10, "B median \(b.timeInStage.medianDays) vs \(medianB)")
    #expect(a.timeInStage.family == "lognormal")
    // The naive closed-stays-only median is biased short; the censoring-aware one is not.
    #expect(naiveA < 0.85 * medianA, "naive \(naiveA) vs truth \(medianA)")
    if let km = a.timeInStage.kaplanMeierMedianDays { #expect(abs(km / medianA - 1) < 0.08) }
    #expect(a.timeInStage.maxSurvivalGap < 0.05)
    // Cycle length: the censoring-aware median exceeds the naive one.
    print("RECOVERY lossA \(a.lossProbability) truth \(lossA); lossB \(b.lossProbability) truth \(lossB); medA \(a.timeInStage.medianDays) km \(String(describing: a.timeInStage.kaplanMeierMedianDays)) naive \(naiveA) truth \(medianA); medB \(b.timeInStage.medianDays) \(b.timeInStage.family) truth \(medianB); censored A \(a.censored)/\(a.entered)")
    let cycle = model.cycleLength
    #expect((cycle.medianDays ?? 0) > (cycle.naiveMedianDays ?? .infinity))
    // Suggested CRM probability is the fitted win probability.
    #expect(a.suggestedCRMProbability == a.winProbability)
  }

  /// Exit counts, shares and the reported probabilities are one consistent model.
  @Test func probabilitiesAreConsistent() throws {
    let (folder, _) = Fixtures.twoStageWorld(count: 600, windowDays: 200, seed: 3)
    let model = try PipelineFitter().fit(folder: folder)
    for s in model.stages {
      let total = s.lossProbability.value + s.winDirectProbability + s.moveProbabilities.reduce(0, +)
      #expect(abs(total - 1) < 1e-9)
      #expect(abs(s.winShare + s.moveShares.reduce(0, +) - 1) < 1e-9)
      #expect(s.entered == s.censored + s.exitCounts.advanced + s.exitCounts.won + s.exitCounts.lost
        + s.exitCounts.skipped + s.exitCounts.movedBack)
      #expect(abs(s.impliedLossProbability() - s.lossProbability.value) < 1e-12)
      #expect((0...1).contains(s.winProbability))
    }
    // A positive loss shift lowers the chain's win probability.
    let base = try #require(model.chain()).winProbability[0]
    let shifted = try #require(model.chain(lossLogOddsShift: 1)).winProbability[0]
    #expect(shifted < base)
    // Age-conditioned loss at age 0 is the fresh-entry loss.
    let s0 = model.stages[0]
    #expect(abs(s0.lossProbability(givenAgeDays: 0) - s0.lossProbability.value) < 1e-12)
  }

  /// A rep with five deals, all won, is pulled toward the company rate.
  @Test func repWinRatesArePooled() throws {
    var (folder, _) = Fixtures.twoStageWorld(count: 1500, windowDays: 300, seed: 5)
    var added: [Deal] = []
    for k in 0..<5 {
      added.append(
        Deal(
          id: "LUCKY\(k)", createdOn: Fixtures.moment(10), ownerID: "LUCKY", amount: 1000, status: .won,
          closedOn: Fixtures.moment(40)))
    }
    folder.deals += added
    folder.historyRanges += Array(repeating: 0..<0, count: 5)
    let model = try PipelineFitter().fit(folder: folder)
    let reps = try #require(model.reps)
    let lucky = try #require(reps.reps.first { $0.id == "LUCKY" })
    #expect(lucky.wonDeals == 5 && lucky.closedDeals == 5)
    #expect(lucky.pooledWinRate < 0.8)
    #expect(lucky.winRateMultiplier > 1)
    #expect(lucky.lossLogOddsShift < 0)
    #expect(model.notes.contains { $0.contains("no reps.csv") })
  }

  /// Missing optional files: nil components with notes, never NaN (the JSON encoder would throw).
  @Test func missingFilesDegradeGracefully() throws {
    let deals = [
      Deal(id: "A", createdOn: Moment("2025-01-01")!, ownerID: "r", amount: 100, status: .won, closedOn: Moment("2025-01-20")!),
      Deal(id: "B", createdOn: Moment("2025-01-05")!, ownerID: "r", amount: 0, status: .open),
      Deal(id: "C", createdOn: Moment("2025-01-07")!, ownerID: "s", amount: 50, status: .lost, closedOn: Moment("2025-01-07")!),
    ]
    let folder = Fixtures.folder(deals: deals, history: nil, stages: [], asOf: Day("2025-02-01")!)
    let model = try PipelineFitter().fit(folder: folder)
    #expect(model.stages.count == 1 && model.stages[0].name == "Pipeline")
    #expect(model.leadFunnel == nil && model.accounts == nil && model.slip == nil)
    #expect(model.notes.contains { $0.contains("no leads.csv") })
    #expect(model.notes.contains { $0.contains("exponential") })
    _ = try model.jsonData()
  }

  @Test func emptyFolderThrows() {
    let folder = Fixtures.folder(deals: [], history: nil, stages: [], asOf: Day("2025-02-01")!)
    #expect(throws: PipelineModelError.noDeals(asOf: Day("2025-02-01")!)) {
      try PipelineFitter().fit(folder: folder)
    }
  }
}
