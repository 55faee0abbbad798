import CRMData
import Foundation
@testable import PipelineModel
@testable import Simulation
import Statistics
import Testing

@Suite struct SimulationTests {
  func options(
    periods: [Period] = Fixtures.quarters(2), trials: Int = 2_000, seed: UInt64 = 7, threads: Int = 1,
    scope: SimulationScope = .open, groupBy: GroupDimension? = nil, uncertainty: Bool = false
  ) -> SimulationOptions {
    SimulationOptions(
      periods: periods, trials: trials, seed: seed, threads: threads, scope: scope, groupBy: groupBy,
      parameterUncertainty: uncertainty)
  }

  func json(_ r: ForecastResult) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .throw
    return String(decoding: try encoder.encode(r), as: UTF8.self)
  }

  /// Fresh deals in every stage: the simulated eventual win rate against the absorbing chain's
  /// closed form built from the same model's implied probabilities. 200 000 deal-trials per stage
  /// give a standard error ≤ 0.0011; the tolerance is 4.5 standard errors (the 30-year horizon
  /// truncates a negligible tail).
  @Test func freshWinProbabilityMatchesAbsorbingChain() throws {
    let model = Fixtures.model()
    let perStage = 50
    let deals = Fixtures.openDeals(count: 4 * perStage, age: { _ in 0 })
    let sim = try PipelineSimulator(
      model: model, openDeals: deals, asOf: Fixtures.asOf,
      options: options(periods: Fixtures.quarters(120), trials: 4_000))
    let result = sim.run()
    for s in 0..<4 {
      var wins = 0
      for (i, d) in deals.enumerated() where d.stage == s { wins += result.dealWinCounts[i] }
      let n = Double(perStage * result.trials)
      let simulated = Double(wins) / n
      let exact = model.stages[s].winProbability
      let se = (exact * (1 - exact) / n).squareRoot()
      #expect(abs(simulated - exact) < 4.5 * se, "stage \(s): simulated \(simulated), closed form \(exact)")
    }
  }

  /// The conditional remaining time given survival to `age` against S(age + r) / S(age).
  @Test(arguments: [
    DurationDistribution.logNormal(mu: log(20), sigma: 0.9), .logNormal(mu: log(20), sigma: 0.3),
    .gamma(shape: 2.5, scale: 6), .gamma(shape: 0.6, scale: 30), .weibull(shape: 1.4, scale: 25),
    .exponential(rate: 0.05),
  ], [0.3, 1.0, 4.0])
  func conditionalStayMatchesSurvival(distribution: DurationDistribution, ageInMedians: Double) {
    var table = [Double](repeating: 0, count: StageRow.stride(stages: 1))
    ParameterSet.writeDistribution(distribution, into: &table, at: 0)
    let age = ageInMedians * distribution.median
    let n = 100_000
    var rng = SimulationRandom(seed: 11, block: 0)
    var remaining = [Double]()
    table.withUnsafeBufferPointer { t in
      let slots = TrialSlots(periods: 0, groups: 0, bookings: .allocate(capacity: 1), wonDeals: .allocate(capacity: 1),
        fromOpen: .allocate(capacity: 1), fromNew: .allocate(capacity: 1), groupBookings: nil, groupFromOpen: nil, groupWonDeals: nil)
      let kernel = TrialKernel(table: t.baseAddress!, stride: t.count, z: .shared, horizon: 1, periodOfDay: UnsafePointer(bitPattern: 8)!,
        slots: slots, leverStart: 0, cycleMultiplier: 1, sizeMultiplier: 1)
      remaining = (0..<n).map { _ in
        let (r, logTotal) = kernel.conditionalStay(
          t.baseAddress!, age: age, logAge: log(age),
          conditioning: TrialKernel.conditioning(t.baseAddress!, logAge: log(age)), rng: &rng)
        #expect(abs(exp(logTotal) - (age + r)) <= 1e-9 * (age + r) + 1e-9)
        return r
      }
    }
    let logSAge = distribution.logSurvival(age)
    for q in [0.1, 0.5, 0.9] {
      // The q-quantile of the remaining time, from the exact conditional survival.
      let r = distribution.inverseLogSurvival(logSAge + log(1 - q)) - age
      let empirical = Double(remaining.filter { $0 <= r }.count) / Double(n)
      let se = (q * (1 - q) / Double(n)).squareRoot()
      #expect(abs(empirical - q) < 5 * se, "\(distribution) age \(age): P(R ≤ \(r)) = \(empirical), expected \(q)")
    }
  }

  /// The four-stage model with never-ending stays (π = 0.1, 0.25, 0, 0.15) and its chain.
  static func neverEndingModel() -> FittedPipeline {
    var model = Fixtures.model()
    for (s, pi) in [0.1, 0.25, 0, 0.15].enumerated() {
      model.stages[s].neverEnds = NeverEndingStays(
        probability: pi, fittedProbability: pi, family: model.stages[s].timeInStage.family,
        likelihoodRatio: 0, pValue: 1, aicWith: 0, aicWithout: 0, covariance: [])
    }
    let chain = StageFitting.chain(model.stages, shift: 0)!
    for s in model.stages.indices { model.stages[s].winProbability = chain.winProbability[s] }
    return model
  }

  /// With never-ending stays, fresh deals' simulated eventual win rate still matches the
  /// absorbing chain (whose rows leave π to stays that never end); tolerance as above.
  @Test func freshWinProbabilityWithNeverEndingStaysMatchesChain() throws {
    let model = Self.neverEndingModel()
    let plain = Fixtures.model()
    let perStage = 50
    let deals = Fixtures.openDeals(count: 4 * perStage, age: { _ in 0 })
    let sim = try PipelineSimulator(
      model: model, openDeals: deals, asOf: Fixtures.asOf,
      options: options(periods: Fixtures.quarters(120), trials: 4_000))
    let result = sim.run()
    for s in 0..<4 {
      var wins = 0
      for (i, d) in deals.enumerated() where d.stage == s { wins += result.dealWinCounts[i] }
      let n = Double(perStage * result.trials)
      let simulated = Double(wins) / n
      let exact = model.stages[s].winProbability
      #expect(exact < plain.stages[s].winProbability - 0.02)
      let se = (exact * (1 - exact) / n).squareRoot()
      #expect(abs(simulated - exact) < 4.5 * se, "stage \(s): simulated \(simulated), closed form \(exact)")
    }
  }

  /// An open deal aged a in the last stage wins with (1 − z(a)) (1 − L(a)), z(a) =
  /// π / (π + (1 − π) S₀(a)) the chance its stay never ends: simulated against the closed form.
  @Test(arguments: [0.0, 5, 20, 60])
  func ageConditionedNeverEndingProbability(age: Double) throws {
    let model = Self.neverEndingModel()
    let stage = model.stages[3]
    let z = stage.neverEndingProbability(givenAgeDays: age)
    let pi = 0.15
    let s = stage.timeInStage.distribution.survival(age)
    #expect(abs(z - pi / (pi + (1 - pi) * s)) < 1e-12)
    let exact = (1 - z) * (1 - stage.lossProbability(givenAgeDays: age))
    let deals = (0..<100).map { OpenDealInput(id: "D\($0)", stage: 3, ageDays: age, amount: 1) }
    let result = try PipelineSimulator(
      model: model, openDeals: deals, asOf: Fixtures.asOf,
      options: options(periods: Fixtures.quarters(40), trials: 2_000)
    ).run()
    let n = Double(100 * result.trials)
    let simulated = Double(result.dealWinCounts.reduce(0, +)) / n
    let se = (exact * (1 - exact) / n).squareRoot()
    #expect(abs(simulated - exact) < 4.5 * se, "age \(age): simulated \(simulated), closed form \(exact)")
  }

  /// π = 0 everywhere (the field absent, as in old model files) leaves the draws untouched.
  @Test func zeroNeverEndingShareReproducesTheBaseline() throws {
    var zero = Fixtures.model()
    for s in zero.stages.indices {
      zero.stages[s].neverEnds = NeverEndingStays(
        probability: 0, fittedProbability: 0.01, family: "gamma", likelihoodRatio: 0.3, pValue: 0.3,
        aicWith: 10, aicWithout: 9, covariance: [])
    }
    let deals = Fixtures.openDeals(count: 200)
    func run(_ m: FittedPipeline) throws -> SimulationTrials {
      try PipelineSimulator(
        model: m, openDeals: deals, asOf: Fixtures.asOf, options: options(trials: 300, uncertainty: true)
      ).run()
    }
    let a = try run(Fixtures.model())
    let b = try run(zero)
    #expect(a.bookings == b.bookings && a.dealWinCounts == b.dealWinCounts)
  }

  /// A deal far beyond its stage's median closes later than a fresh one and, with P(lost | t)
  /// rising in t, wins less.
  @Test func ageConditioningDelaysAndLowersWins() throws {
    let spec = Fixtures.StageSpec(
      name: "Proposal", distribution: .logNormal(mu: log(20), sigma: 1), loss: [-3, 0.8], winShare: 1,
      moveShares: [0])
    let model = Fixtures.model([spec])
    func run(age: Double) throws -> (winRate: Double, meanMonth: Double) {
      let deals = (0..<100).map { OpenDealInput(id: "D\($0)", stage: 0, ageDays: age, amount: 1) }
      let sim = try PipelineSimulator(
        model: model, openDeals: deals, asOf: Fixtures.asOf, options: options(periods: Fixtures.months(120), trials: 500))
      let r = sim.run()
      var weighted = 0.0
      for i in 0..<r.trials { for p in 0..<120 { weighted += Double(p) * r.wonDeals[i * 120 + p] } }
      let won = r.wonDeals.reduce(0, +)
      return (won / Double(100 * r.trials), weighted / won)
    }
    let fresh = try run(age: 0)
    let old = try run(age: 150)  // 7.5 medians
    #expect(old.winRate < fresh.winRate - 0.05, "win rate fresh \(fresh.winRate), old \(old.winRate)")
    #expect(old.meanMonth > fresh.meanMonth + 0.5, "mean win month fresh \(fresh.meanMonth), old \(old.meanMonth)")
  }

  func fullSimulator(
    threads: Int, trials: Int = 600, seed: UInt64 = 3, by: GroupDimension? = .owner, uncertainty: Bool = true
  ) throws -> PipelineSimulator {
    try PipelineSimulator(
      model: Fixtures.model(funnel: true, reps: true, accounts: true), openDeals: Fixtures.openDeals(count: 300),
      asOf: Fixtures.asOf,
      options: options(trials: trials, seed: seed, threads: threads, scope: .all, groupBy: by, uncertainty: uncertainty))
  }

  @Test func sameSeedSameOutputAnyThreadCount() throws {
    let one = try fullSimulator(threads: 1).run()
    let again = try fullSimulator(threads: 1).run()
    let two = try fullSimulator(threads: 2).run()
    let three = try fullSimulator(threads: 3).run()
    #expect(one.bookings == again.bookings)
    #expect(one.bookings == two.bookings && one.bookings == three.bookings)
    #expect(one.groupBookings == two.groupBookings)
    #expect(one.dealWinCounts == two.dealWinCounts)
    let quotas = [Quota(ownerID: "ana", period: Fixtures.quarters(1)[0], amount: 100_000)]
    let a = try json(ForecastResult(trials: one, target: 1_000_000, quotas: quotas))
    let b = try json(ForecastResult(trials: two, target: 1_000_000, quotas: quotas))
    #expect(a == b)
    #expect(!a.contains("nan") && !a.contains("inf"))
    let other = try fullSimulator(threads: 1, seed: 4).run()
    #expect(other.bookings != one.bookings)
  }

  @Test func summariesAreOrderedAndNonNegative() throws {
    let trials = try fullSimulator(threads: 2).run()
    let result = ForecastResult(trials: trials, target: 500_000)
    #expect(trials.bookings.allSatisfy { $0 >= 0 && $0.isFinite })
    var all = result.periods
    for g in result.groups ?? [] { all += g.periods }
    for p in all {
      for s in [p.bookings, p.wonDeals, p.fromOpenPipeline, p.fromNewDeals] {
        let q = [s.p5, s.p10, s.p25, s.p50, s.p75, s.p90, s.p95]
        #expect(zip(q, q.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(s.p5 >= 0)
      }
      if let prob = p.probabilityOfTarget { #expect(prob >= 0 && prob <= 1) }
    }
    #expect(result.periods.allSatisfy { $0.fromNewDeals.mean > 0 && $0.fromOpenPipeline.mean >= 0 })
    // Group totals add up to the company total trial by trial (means add; quantiles need not).
    let groups = trials.groupNames.count
    for i in 0..<trials.trials {
      var sum = 0.0
      for g in 0..<groups { sum += trials.groupBookings[(i * groups + g) * 2] }
      #expect(abs(sum - trials.bookings[i * 2]) <= 1e-6 * max(1, sum))
    }
  }

  @Test func doublingTrialsKeepsPrefixAndMovesQuantilesWithinError() throws {
    // Without parameter draws the trials are independent, so textbook quantile errors apply
    // (with draws, the 64 trials of a block share parameters and the error is per block).
    let small = try fullSimulator(threads: 1, trials: 1_000, by: nil, uncertainty: false).run()
    let large = try fullSimulator(threads: 2, trials: 2_000, by: nil, uncertainty: false).run()
    #expect(Array(large.bookings.prefix(small.bookings.count)) == small.bookings)
    let a = ForecastResult(trials: small).periods[0].bookings
    let b = ForecastResult(trials: large).periods[0].bookings
    let values = small.column(small.bookings, period: 0)
    let mean = values.reduce(0, +) / Double(values.count)
    let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)).squareRoot()
    // The two estimates share the first 1000 trials: the difference has sd ≈ 0.04 sd of the
    // bookings at P10/P90 (normal approximation, √(q(1−q)/2000)/φ(z_q)); 0.2 sd is ≈ 5 of those.
    for (x, y) in [(a.p10, b.p10), (a.p50, b.p50), (a.p90, b.p90), (a.mean, b.mean)] {
      #expect(abs(x - y) < 0.2 * sd, "\(x) vs \(y), sd \(sd)")
    }
  }

  @Test func identityAdjustmentsReproduceBaselineAndLeversAct() throws {
    let sim = try fullSimulator(threads: 2, by: .source)
    let base = sim.run()
    let identity = sim.run(adjustments: .identity)
    #expect(base.bookings == identity.bookings && base.groupBookings == identity.groupBookings)
    let doubled = sim.run(adjustments: SimulationAdjustments(dealSizeMultiplier: 2))
    #expect(zip(base.bookings, doubled.bookings).allSatisfy { $0 * 2 == $1 })
    let moreLeads = sim.run(adjustments: SimulationAdjustments(leadVolumeMultiplier: ["web": 2]))
    #expect(moreLeads.fromOpenPipeline == base.fromOpenPipeline)  // common random numbers
    #expect(moreLeads.fromNewDeals.reduce(0, +) > base.fromNewDeals.reduce(0, +))
  }

  @Test func scopeOpenHasNoNewDeals() throws {
    let sim = try PipelineSimulator(
      model: Fixtures.model(funnel: true, reps: true, accounts: true), openDeals: Fixtures.openDeals(count: 100),
      asOf: Fixtures.asOf, options: options(trials: 200, scope: .open))
    let r = sim.run()
    #expect(r.fromNewDeals.allSatisfy { $0 == 0 })
    #expect(r.bookings == r.fromOpenPipeline)
  }

  /// On a model fitted from few stays, drawing the parameters widens the P10–P90 interval.
  @Test func parameterUncertaintyWidensIntervals() throws {
    var specs = Fixtures.fourStageSpecs
    for i in specs.indices {
      specs[i].covariance = specs[i].distribution.family == .exponential ? [0.09] : [0.09, 0, 0, 0.04]
      specs[i].lossCovariance = specs[i].loss.count == 1 ? [0.25] : specs[i].loss.count == 2 ? [0.25, 0, 0, 0.04] : [0.25, 0, 0, 0, 0.04, 0, 0, 0, 0.01]
      specs[i].completed = ExitCounts(advanced: 10, won: 3, lost: 5, skipped: 2, movedBack: 1)
    }
    let model = Fixtures.model(specs)
    func width(_ uncertainty: Bool) throws -> Double {
      let sim = try PipelineSimulator(
        model: model, openDeals: Fixtures.openDeals(count: 200), asOf: Fixtures.asOf,
        options: options(trials: 3_000, uncertainty: uncertainty))
      let s = ForecastResult(trials: sim.run()).periods[0].bookings
      return s.p90 - s.p10
    }
    let point = try width(false)
    let drawn = try width(true)
    #expect(drawn > 1.1 * point, "P10–P90 width point \(point), with parameter draws \(drawn)")
  }

  @Test(arguments: [
    (SimulationOptions(periods: [], trials: 10), SimulationError.noPeriods),
    (SimulationOptions(periods: Fixtures.quarters(1), trials: 0), .invalidTrials(0)),
    (SimulationOptions(periods: Fixtures.quarters(1), trials: 5, threads: 0), .invalidThreads(0)),
    (SimulationOptions(periods: [Fixtures.quarters(3)[0], Fixtures.quarters(3)[2]], trials: 5),
      .periodsNotConsecutive(after: "2026-Q2")),
  ])
  func invalidOptionsThrow(options: SimulationOptions, error: SimulationError) {
    #expect(throws: error) {
      _ = try PipelineSimulator(model: Fixtures.model(), openDeals: [], asOf: Fixtures.asOf, options: options)
    }
  }
}
