import CRMData
import Simulation
import Foundation
@testable import PipelineModel
import Statistics

/// Hand-built models with internally consistent implied probabilities (computed by numerical
/// integration of P(lost | t) against the stay-length density), for the simulation tests.
enum Fixtures {
  static let asOf = Day(year: 2026, month: 3, day: 31)!

  struct StageSpec {
    var name: String
    var distribution: DurationDistribution
    var loss: [Double]
    var winShare: Double
    var moveShares: [Double]
    var covariance: [Double] = []
    var lossCovariance: [Double] = []
    var completed = ExitCounts(advanced: 0, won: 0, lost: 0, skipped: 0, movedBack: 0)
  }

  /// P(lost) = ∫ f(t) logistic(c(log t)) dt, trapezoid on x = log t over the central 1 − 2e−12.
  static func impliedLoss(_ d: DurationDistribution, _ curve: LogisticCurve) -> Double {
    let lo = log(d.quantile(1e-12))
    let hi = log(d.quantile(1 - 1e-12))
    let n = 20_000
    let h = (hi - lo) / Double(n)
    var sum = 0.0
    for i in 0...n {
      let x = lo + Double(i) * h
      let density = exp(d.logPDF(exp(x)) + x)
      let w = (i == 0 || i == n) ? 0.5 : 1
      sum += w * density * curve.probability(atLogDays: x)
    }
    return sum * h
  }

  static func estimate(_ d: DurationDistribution, covariance: [Double] = []) -> DurationEstimate {
    DurationEstimate(
      distribution: d, covariance: covariance, medianDays: d.median, p10Days: d.quantile(0.1),
      p90Days: d.quantile(0.9), kaplanMeierMedianDays: nil, aic: [:], maxSurvivalGap: 0,
      events: 0, censored: 0)
  }

  static func probability(_ p: Double) -> EstimatedProbability {
    EstimatedProbability(value: p, lower: p, upper: p, count: 0)
  }

  static func stages(_ specs: [StageSpec]) -> [FittedStage] {
    let n = specs.count
    let losses = specs.map { impliedLoss($0.distribution, LogisticCurve(coefficients: $0.loss, covariance: [])) }
    let moves = specs.indices.map { i in specs[i].moveShares.map { $0 * (1 - losses[i]) } }
    let wins = specs.indices.map { specs[$0].winShare * (1 - losses[$0]) }
    let chain = try! AbsorbingChain(moves: moves, win: wins, loss: losses)
    return specs.enumerated().map { i, s in
      FittedStage(
        name: s.name, order: i, crmProbability: nil, entered: 0, censored: 0,
        exitCounts: s.completed,
        advanceProbability: probability(i + 1 < n ? moves[i][i + 1] : wins[i]),
        lossProbability: probability(losses[i]), winDirectProbability: wins[i],
        moveProbabilities: moves[i], winProbability: chain.winProbability[i],
        expectedRemainingSteps: chain.expectedSteps[i], suggestedCRMProbability: chain.winProbability[i],
        timeInStage: estimate(s.distribution, covariance: s.covariance),
        lossGivenTime: LogisticCurve(coefficients: s.loss, covariance: s.lossCovariance),
        winShare: s.winShare, moveShares: s.moveShares)
    }
  }

  /// Four stages, one of each duration family, with forward, skip and backward moves.
  static let fourStageSpecs: [StageSpec] = [
    StageSpec(
      name: "Discovery", distribution: .logNormal(mu: log(14), sigma: 0.8), loss: [-1.5, 0.3],
      winShare: 0.05, moveShares: [0, 0.9, 0.05, 0]),
    StageSpec(
      name: "Proposal", distribution: .weibull(shape: 1.3, scale: 20), loss: [-2.0, 0.4],
      winShare: 0.1, moveShares: [0.1, 0, 0.8, 0]),
    StageSpec(
      name: "Negotiation", distribution: .gamma(shape: 2, scale: 8), loss: [-1.0, 0.1, 0.05],
      winShare: 0.6, moveShares: [0, 0.1, 0, 0.3]),
    StageSpec(
      name: "Contract", distribution: .exponential(rate: 0.1), loss: [-2], winShare: 1,
      moveShares: [0, 0, 0, 0]),
  ]

  static func dealSize(mu: Double = log(20_000), sigma: Double = 0.6, count: Int = 200) -> DealSizeModel {
    func group(_ key: String, _ mu: Double, _ share: Double) -> DealSizeModel.Group {
      DealSizeModel.Group(
        key: key, mu: mu, sigma: sigma, count: count, share: share, medianAmount: exp(mu),
        meanAmount: exp(mu + sigma * sigma / 2))
    }
    return DealSizeModel(
      overall: group("all", mu, 1), bySegment: [group("smb", mu - 0.5, 0.7), group("enterprise", mu + 1, 0.3)],
      bySource: [], byType: [group("expansion", mu - 0.7, 1)], closeToCreateRatio: 1,
      wonToAllRatio: 1.1)
  }

  static func model(
    _ specs: [StageSpec] = fourStageSpecs, funnel: Bool = false, reps: Bool = false, accounts: Bool = false
  ) -> FittedPipeline {
    FittedPipeline(
      formatVersion: FittedPipeline.currentFormatVersion, asOf: asOf, stages: stages(specs),
      cycleLength: CycleLength(medianDays: nil, naiveMedianDays: nil, p10Days: nil, p90Days: nil, winRate: nil),
      dealSize: dealSize(), leadFunnel: funnel ? leadFunnel() : nil, reps: reps ? repModel() : nil,
      slip: nil, accounts: accounts ? accountModel() : nil, notes: [])
  }

  static func leadFunnel() -> LeadFunnelModel {
    let reference = asOf.startOfWeek
    func source(_ name: String, _ rate: Double, nb: Double?) -> LeadFunnelModel.SourceArrivals {
      LeadFunnelModel.SourceArrivals(
        source: name, weeklyRateAtAsOf: rate, coefficients: [log(rate), 0.1, 0.2, -0.1],
        covariance: [0.01, 0, 0, 0, 0, 0.004, 0, 0, 0, 0, 0.002, 0, 0, 0, 0, 0.002], seasonal: true,
        dispersion: nb == nil ? 1 : 2, negativeBinomialSize: nb, referenceDay: reference)
    }
    return LeadFunnelModel(
      sources: [source("web", 40, nb: nil), source("events", 10, nb: 3)], contactRate: 0.8,
      contactGivenLoad: LogisticCurve(coefficients: [2.5, -0.05], covariance: [0.04, 0, 0, 0.0001]),
      typicalWeeklyLoadPerRep: 10,
      responseTime: estimate(.logNormal(mu: log(6), sigma: 1), covariance: [0.01, 0, 0, 0.002]),
      qualificationRate: 0.3, qualificationCoefficients: [-0.2, -0.3, 0.4],
      qualificationCovariance: [0.02, 0, 0, 0, 0.003, 0, 0, 0, 0.03], qualificationSources: ["web", "events"],
      dealConversionRate: 0.7, qualifiedToDealLag: estimate(.exponential(rate: 0.2)), notes: [])
  }

  static func repModel() -> RepModel {
    func rep(_ id: String, _ team: String, tenure: Int, active: Bool = true, shift: Double) -> RepModel.FittedRep {
      RepModel.FittedRep(
        id: id, team: team, role: "ae", hiredOn: asOf.advanced(by: -tenure * 30), tenureMonths: tenure,
        active: active, outboundDealsPerWeek: 0.5, closedDeals: 30, wonDeals: 9, pooledWinRate: 0.3,
        winRateMultiplier: 1, lossLogOddsShift: shift)
    }
    return RepModel(
      reps: [rep("ana", "east", tenure: 24, shift: -0.2), rep("bo", "east", tenure: 2, shift: 0.1),
        rep("cy", "west", tenure: 12, shift: 0), rep("dee", "west", tenure: 30, active: false, shift: 0)],
      creationRamp: [0.3, 0.6, 0.9, 1], winRateRamp: [0.5, 0.8, 1], winRampLossLogOddsShift: [0.5, 0.2, 0],
      poolingAlpha: 3, poolingBeta: 7)
  }

  static func accountModel() -> AccountModel {
    AccountModel(
      activeCustomers: 300, expansionDealsPerCustomerMonth: 0.02, renewalDealsPerCustomerMonth: 0.01,
      monthlyChurnHazard: 0.01, churnEvents: 40, customerMonths: 4000)
  }

  static func openDeals(count: Int, stageCount: Int = 4, age: ((Int) -> Double)? = nil) -> [OpenDealInput] {
    let owners = ["ana", "bo", "cy", "zed"]
    let segments = ["smb", "enterprise"]
    return (0..<count).map { i in
      OpenDealInput(
        id: "D\(i)", stage: i % stageCount, ageDays: age?(i) ?? Double(i % 37),
        amount: Double(5_000 + (i * 7_919) % 60_000), ownerID: owners[i % owners.count],
        source: i % 3 == 0 ? "web" : "events", segment: segments[i % 2],
        createdOn: asOf.advanced(by: -(30 + i % 90)))
    }
  }

  static func quarters(_ count: Int) -> [Period] {
    var p = FiscalCalendar.standard.quarter(containing: asOf.advanced(by: 1))
    var result: [Period] = []
    for _ in 0..<count {
      result.append(p)
      p = p.next
    }
    return result
  }

  static func months(_ count: Int) -> [Period] {
    var p = FiscalCalendar.standard.month(containing: asOf.advanced(by: 1))
    var result: [Period] = []
    for _ in 0..<count {
      result.append(p)
      p = p.next
    }
    return result
  }
}
