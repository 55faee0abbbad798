import _TestSupport
import CRMData
import Foundation
import Simulation
import Statistics
import Testing

@testable import Inspection
@testable import PipelineModel

/// A Maven-like world: one open stage (Engaging) entered by deals spread over 400 days; 30% of
/// the stays never end (zombies nobody closes), the rest last T ~ Gamma(2, 20 d) (median 34 d,
/// P99.9 ≈ 185 d) and are won 60% of the time. At as-of, hundreds of deals older than any stay
/// that ended are still open.
enum ZombieWorld {
  static let asOf = day("2026-06-30")
  static let pi = 0.3
  static let s0 = DurationDistribution.gamma(shape: 2, scale: 20)
  static let winShare = 0.6

  static let stages = [
    StageDefinition(name: "Engaging", order: 1, kind: .open, probability: 0.5),
    StageDefinition(name: "Won", order: 2, kind: .won, probability: 1),
    StageDefinition(name: "Lost", order: 3, kind: .lost, probability: 0),
  ]

  static func moment(daysBeforeAsOfEnd x: Double) -> Moment {
    let end = Moment(asOf.advanced(by: 1)).secondsSinceEpoch
    return Moment(secondsSinceEpoch: end - Int64((x * 86_400).rounded()))
  }

  static func folder(count: Int = 3_000, seed: UInt64 = 5) -> CRMFolder {
    var g = RandomStream(seed: seed)
    var deals: [Deal] = []
    var history: [DealHistoryRow] = []
    for k in 0..<count {
      let id = "Z\(k)"
      let ago = 0.5 + 399.5 * Sampling.uniform(using: &g)
      let never = Sampling.uniform(using: &g) < pi
      let t = never ? Double.infinity : s0.sample(using: &g)
      let won = Sampling.uniform(using: &g) < winShare
      let entered = moment(daysBeforeAsOfEnd: ago)
      history.append(DealHistoryRow(dealID: id, changedOn: entered, stage: "Engaging", amount: 1000))
      if t < ago {
        let closed = moment(daysBeforeAsOfEnd: ago - t)
        deals.append(
          Deal(
            id: id, createdOn: entered, ownerID: "r1", amount: 1000, status: won ? .won : .lost,
            closedOn: closed))
      } else {
        deals.append(Deal(id: id, createdOn: entered, ownerID: "r1", amount: 1000, status: .open))
      }
    }
    return makeFolder(deals: deals, history: history, stages: stages, asOf: asOf.description)
  }
}

@Suite struct NeverEndingTests {
  static let model: FittedPipeline = try! PipelineFitter().fit(folder: ZombieWorld.folder())

  /// The fitter finds the never-ending share and S₀, and the implied fresh-entry probabilities
  /// leave π to stays that never end.
  @Test func fitterRecoversNeverEndingShare() throws {
    let stage = Self.model.stages[0]
    let record = try #require(stage.neverEnds)
    #expect(abs(stage.neverEndingShare - ZombieWorld.pi) < 0.05, "π̂ = \(stage.neverEndingShare)")
    #expect(record.pValue < 1e-6)
    #expect(abs(stage.timeInStage.medianDays - ZombieWorld.s0.median) / ZombieWorld.s0.median < 0.15)
    let ending = 1 - stage.neverEndingShare
    #expect(abs(stage.lossProbability.value + stage.winDirectProbability - ending) < 1e-12)
    #expect(abs(stage.winProbability - stage.winDirectProbability) < 1e-9)
    #expect(abs(stage.winProbability - (1 - ZombieWorld.pi) * ZombieWorld.winShare) < 0.05)
    // The old model file layout (no never_ends key) still decodes, as π = 0.
    var json = try #require(try JSONSerialization.jsonObject(with: Self.model.jsonData()) as? [String: Any])
    var stages = try #require(json["stages"] as? [[String: Any]])
    stages[0]["never_ends"] = nil
    json["stages"] = stages
    let old = try FittedPipeline.decode(try JSONSerialization.data(withJSONObject: json))
    #expect(old.stages[0].neverEnds == nil && old.stages[0].neverEndingShare == 0)
  }

  /// A deal far older than any stay that ended is almost surely a zombie: near-zero chance to
  /// win in the quarter (and ever), while a young deal keeps its chance.
  @Test func oldDealHasNearZeroWinProbability() {
    let stage = Self.model.stages[0]
    #expect(abs(stage.neverEndingProbability(givenAgeDays: 0) - stage.neverEndingShare) < 1e-12)
    #expect(stage.neverEndingProbability(givenAgeDays: 300) > 0.999)
    var timing = WinTiming(model: Self.model, horizonDays: 92)
    let old = DealPosition(stage: 0, ageDays: 300)
    #expect(timing.probabilityOfWin(old, inDays: 0..<92) < 1e-3)
    #expect(timing.probabilityEver(old) < 1e-3)
    let young = DealPosition(stage: 0, ageDays: 10)
    #expect(timing.probabilityOfWin(young, inDays: 0..<92) > 0.3)
  }

  /// `pipecast deals` (WinTiming) and the simulator agree deal by deal on the in-quarter win
  /// probability, for ages from fresh to far past every ended stay.
  @Test func simulatorAgreesWithWinTiming() throws {
    let ages: [Double] = [0, 10, 40, 90, 150, 300]
    let perAge = 20
    var deals: [OpenDealInput] = []
    for (a, age) in ages.enumerated() {
      for k in 0..<perAge {
        deals.append(OpenDealInput(id: "A\(a)-\(k)", stage: 0, ageDays: age, amount: 1000))
      }
    }
    let quarter = FiscalCalendar.standard.period("2026-Q3")!
    let trials = 2_000
    let sim = try PipelineSimulator(
      model: Self.model, openDeals: deals, asOf: ZombieWorld.asOf,
      options: SimulationOptions(
        periods: [quarter], trials: trials, seed: 3, threads: 1, scope: .open,
        parameterUncertainty: false))
    let result = sim.run()
    var timing = WinTiming(model: Self.model, horizonDays: 92)
    for (a, age) in ages.enumerated() {
      var wins = 0
      for k in 0..<perAge { wins += result.dealWinCounts[a * perAge + k] }
      let n = Double(perAge * trials)
      let simulated = Double(wins) / n
      let exact = timing.probabilityOfWin(DealPosition(stage: 0, ageDays: age), inDays: 0..<92)
      let se = max((exact * (1 - exact) / n).squareRoot(), 1 / n)
      #expect(abs(simulated - exact) < 4.5 * se + 2e-3, "age \(age): simulated \(simulated), WinTiming \(exact)")
    }
  }
}
