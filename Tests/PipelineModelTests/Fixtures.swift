import CRMData
import Foundation
import Statistics
@testable import PipelineModel

/// Builds CRM folders in code: a two-stage pipeline whose stays are drawn from known
/// distributions, with censoring at as-of.
enum Fixtures {
  static let day0 = Day("2024-01-01")!

  static func moment(_ days: Double) -> Moment {
    Moment(secondsSinceEpoch: Moment(day0).secondsSinceEpoch + Int64((days * 86_400).rounded()))
  }

  static func folder(
    deals: [Deal], history: [DealHistoryRow]?, stages: [StageDefinition], asOf: Day,
    leads: [Lead]? = nil, reps: [Rep]? = nil, accounts: [Account]? = nil
  ) -> CRMFolder {
    var ranges: [Range<Int>] = []
    if let history {
      var start = 0
      for deal in deals {
        var end = start
        while end < history.count && history[end].dealID == deal.id { end += 1 }
        ranges.append(start..<end)
        start = end
      }
    }
    return CRMFolder(
      deals: deals, history: history, stages: stages, stagesFromFile: true, leads: leads,
      activities: nil, reps: reps, quotas: nil, accounts: accounts, costs: nil, asOf: asOf,
      calendar: .standard, historyRanges: ranges)
  }

  /// The truth of one simulated stage.
  struct StageTruth {
    var time: DurationDistribution
    var lossCoefficients: [Double]

    func lossGiven(_ t: Double) -> Double {
      LogisticCurve(coefficients: lossCoefficients, covariance: []).probability(atLogDays: log(t))
    }

    /// ∫ f(t) P(lost | t) dt by a fine midpoint quantile grid (the truth, to ~1e-5).
    var impliedLoss: Double {
      let m = 20_000
      var total = 0.0
      for g in 0..<m { total += lossGiven(time.quantile((Double(g) + 0.5) / Double(m))) }
      return total / Double(m)
    }
  }

  static let truthA = StageTruth(time: .logNormal(mu: log(20), sigma: 0.8), lossCoefficients: [-2.5, 0.6])
  static let truthB = StageTruth(time: .weibull(shape: 1.5, scale: 30), lossCoefficients: [-0.4])

  /// `count` deals created uniformly over `windowDays` before as-of, each entering stage A, then
  /// (if not lost) stage B, then won (if not lost). Stays past as-of are censored.
  static func twoStageWorld(count: Int, windowDays: Double, seed: UInt64) -> (CRMFolder, naiveMedianA: Double) {
    var g = RandomStream(seed: seed)
    let stages = [
      StageDefinition(name: "Discovery", order: 1, probability: 0.2),
      StageDefinition(name: "Proposal", order: 2, probability: 0.6),
      StageDefinition(name: "Won", order: 3, kind: .won), StageDefinition(name: "Lost", order: 4, kind: .lost),
    ]
    let asOfDays = windowDays
    let asOf = Day(index: day0.index + Int32(asOfDays) - 1)
    let asOfEnd = Double(asOfDays)
    var deals: [Deal] = []
    var history: [DealHistoryRow] = []
    var closedA: [Double] = []
    for k in 0..<count {
      let id = "D\(k)"
      let created = Sampling.uniform(using: &g) * (windowDays - 1)
      history.append(DealHistoryRow(dealID: id, changedOn: moment(created), stage: "Discovery", amount: 1000))
      let tA = truthA.time.sample(using: &g)
      let lostA = Sampling.bernoulli(truthA.lossGiven(tA), using: &g)
      var status = DealStatus.open
      var closedOn: Moment?
      if created + tA <= asOfEnd {
        closedA.append(tA)
        if lostA {
          status = .lost
          closedOn = moment(created + tA)
        } else {
          let enteredB = created + tA
          history.append(DealHistoryRow(dealID: id, changedOn: moment(enteredB), stage: "Proposal"))
          let tB = truthB.time.sample(using: &g)
          let lostB = Sampling.bernoulli(truthB.lossGiven(tB), using: &g)
          if enteredB + tB <= asOfEnd {
            status = lostB ? .lost : .won
            closedOn = moment(enteredB + tB)
          }
        }
      }
      deals.append(
        Deal(
          id: id, createdOn: moment(created), ownerID: "R\(k % 7)", amount: 1000, status: status,
          closedOn: closedOn))
    }
    return (folder(deals: deals, history: history, stages: stages, asOf: asOf), Dense.median(closedA)!)
  }
}
