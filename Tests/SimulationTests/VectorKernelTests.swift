import CRMData
import Foundation
@testable import PipelineModel
@testable import Simulation
import Statistics
import Testing

/// The AVX-512 C kernel must give exactly what the Swift lane loop gives: the same draws per
/// deal, the same rounding, the same order of summation. Every total is compared bit for bit.
@Suite(.enabled(if: VectorKernel.available, "needs a processor with AVX-512"))
struct VectorKernelTests {
  /// Six lognormal stages (with `mixedFamilies`: three lognormal, one exponential, two Weibull)
  /// with forward, skip and backward moves, a quadratic loss curve, and stays that never end in
  /// one stage; with reps, their skill and ramp shifts.
  static func model(reps: Bool = true, mixedFamilies: Bool = false) -> FittedPipeline {
    var specs: [Fixtures.StageSpec] = [
      .init(name: "New", distribution: .logNormal(mu: log(6), sigma: 1.1), loss: [-1.2, 0.2],
            winShare: 0.01, moveShares: [0, 0.85, 0.1, 0, 0, 0]),
      .init(name: "Discovery", distribution: .logNormal(mu: log(14), sigma: 0.8), loss: [-1.5, 0.3],
            winShare: 0.05, moveShares: [0.05, 0, 0.85, 0.05, 0, 0]),
      .init(name: "Proposal", distribution: .logNormal(mu: log(20), sigma: 0.7), loss: [-2.0, 0.3, 0.04],
            winShare: 0.1, moveShares: [0, 0.1, 0, 0.8, 0, 0]),
      .init(name: "Negotiation", distribution: .logNormal(mu: log(12), sigma: 0.9), loss: [-2.2, 0.35],
            winShare: 0.3, moveShares: [0, 0, 0.1, 0, 0.6, 0]),
      .init(name: "Contract", distribution: .logNormal(mu: log(8), sigma: 0.6), loss: [-2.5, 0.3],
            winShare: 0.9, moveShares: [0, 0, 0, 0.1, 0, 0]),
      .init(name: "Legal", distribution: .logNormal(mu: log(30), sigma: 0.5), loss: [-3], winShare: 1,
            moveShares: [0, 0, 0, 0, 0, 0]),
    ]
    if mixedFamilies {
      specs[1].distribution = .exponential(rate: 1 / 14)
      specs[3].distribution = .weibull(shape: 1.4, scale: 13)
      specs[5].distribution = .weibull(shape: 0.8, scale: 30)
    }
    var model = Fixtures.model(specs, reps: reps)
    model.stages[1].neverEnds = NeverEndingStays(
      probability: 0.15, fittedProbability: 0.15, family: "lognormal", likelihoodRatio: 12, pValue: 0.001,
      aicWith: 0, aicWithout: 10, covariance: [])
    return model
  }

  /// Ages from 0 (fresh) to far past every median (Robert's tail proposal), and a few deals so
  /// old their conditioning is extreme.
  static func deals(_ count: Int) -> [OpenDealInput] {
    Fixtures.openDeals(count: count, stageCount: 6, age: { i in i % 97 == 0 ? 2_000 : Double(i * 13 % 240) })
  }

  /// Bit-for-bit equality of every total, reporting the first difference (not whole arrays).
  static func expectIdentical(_ a: SimulationTrials, _ b: SimulationTrials) {
    func same<T: Equatable>(_ x: [T], _ y: [T], _ what: String) {
      #expect(x.count == y.count, "\(what): \(x.count) against \(y.count) values")
      if let i = zip(x, y).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
        let differing = zip(x, y).filter { $0 != $1 }.count
        Issue.record("\(what): \(differing) of \(x.count) differ; first at \(i): \(x[i]) against \(y[i])")
      }
    }
    same(a.bookings, b.bookings, "bookings")
    same(a.wonDeals, b.wonDeals, "won deals")
    same(a.fromOpenPipeline, b.fromOpenPipeline, "from open pipeline")
    same(a.groupBookings, b.groupBookings, "group bookings")
    same(a.groupWonDeals, b.groupWonDeals, "group won deals")
    same(a.groupFromOpenPipeline, b.groupFromOpenPipeline, "group from open pipeline")
    same(a.dealWinCounts, b.dealWinCounts, "deal win counts")
    #expect(a.stageSteps == b.stageSteps)
  }

  @Test(arguments: [false, true])
  func sameTotalsAsTheSwiftLoop(mixedFamilies: Bool) throws {
    var sim = try PipelineSimulator(
      model: Self.model(mixedFamilies: mixedFamilies), openDeals: Self.deals(1_500), asOf: Fixtures.asOf,
      options: SimulationOptions(
        periods: Fixtures.months(9), trials: 300, seed: 17, threads: 2, scope: .open, groupBy: .owner,
        parameterUncertainty: true))
    let vector = sim.run()
    sim.allowsVectorKernel = false
    let swift = sim.run()
    Self.expectIdentical(vector, swift)
    #expect(vector.bookings.reduce(0, +) > 0)
  }

  /// Levers from a start day (longer cycle, advance lever, bigger deals) and odd lane counts;
  /// no reps and no grouping, so the kernel's constant columns (no ramp shift, one group) serve.
  @Test func sameTotalsWithLeversAndAnyLaneCount() throws {
    let adjustments = SimulationAdjustments(
      startDay: Fixtures.asOf.advanced(by: 40), dealSizeMultiplier: 1.2, cycleLengthMultiplier: 0.7,
      stageAdvanceAdd: [0, 0.05, 0.1, 0, 0, 0])
    for lanes in [1, 7, 256] {
      var sim = try PipelineSimulator(
        model: Self.model(reps: false), openDeals: Self.deals(600), asOf: Fixtures.asOf,
        options: SimulationOptions(
          periods: Fixtures.quarters(3), trials: 120, seed: 5, threads: 1, scope: .open,
          parameterUncertainty: false))
      sim.laneCount = lanes
      let vector = sim.run(adjustments: adjustments)
      sim.allowsVectorKernel = false
      let swift = sim.run(adjustments: adjustments)
      Self.expectIdentical(vector, swift)
    }
  }

  /// The kernel draws lognormal, exponential and Weibull stays: a model with a gamma (or
  /// piecewise) stage runs the Swift loop.
  @Test func appliesToTheFamiliesItDraws() throws {
    func applies(_ model: FittedPipeline) throws -> Bool {
      let sim = try PipelineSimulator(
        model: model, openDeals: Fixtures.openDeals(count: 10, stageCount: model.stages.count),
        asOf: Fixtures.asOf,
        options: SimulationOptions(periods: Fixtures.quarters(1), trials: 1, seed: 1, threads: 1, scope: .open))
      var none: SimulationRandom? = nil
      let params = ParameterSet(compiled: sim.compiled, adjustments: .identity, draw: &none)
      return params.stageTable.withUnsafeBufferPointer {
        VectorKernel.applies(table: $0.baseAddress!, stride: params.stride)
      }
    }
    #expect(try applies(Self.model()))
    #expect(try applies(Self.model(mixedFamilies: true)))
    // The four-stage fixture has a gamma stage.
    #expect(try !applies(Fixtures.model()))
  }

  /// Random models of 1, 2, 9 and 16 stages (16 fills both halves of the kernel's two-register
  /// stage lookup), each stage lognormal, exponential or Weibull, with random moves, loss curves,
  /// never-ending shares and ages: the kernel and the Swift loop agree bit for bit on every one.
  @Test(arguments: [1, 2, 9, 16])
  func randomModelsAgree(stages n: Int) throws {
    var rng = SimulationRandom(key: 99, n)
    var specs: [Fixtures.StageSpec] = []
    for i in 0..<n {
      var moves = [Double](repeating: 0, count: n)
      for j in 0..<n where j != i && rng.uniform() < 0.4 { moves[j] = rng.uniform() }
      if i + 1 < n { moves[i + 1] += 0.5 }
      let winShare = i == n - 1 ? 1 : 0.3 * rng.uniform()
      let median = 3 + 40 * rng.uniform()
      let family = rng.uniform()
      let distribution: DurationDistribution =
        family < 0.5 ? .logNormal(mu: log(median), sigma: 0.3 + rng.uniform())
        : family < 0.75 ? .exponential(rate: 1 / median) : .weibull(shape: 0.6 + rng.uniform(), scale: median)
      specs.append(Fixtures.StageSpec(
        name: "S\(i)", distribution: distribution,
        loss: [-3 + 2 * rng.uniform(), 0.5 * rng.uniform(), 0.05 * (rng.uniform() - 0.5)],
        winShare: winShare, moveShares: moves))
    }
    var model = Fixtures.model(specs, reps: n % 2 == 0)
    let pi = 0.3 * rng.uniform()
    model.stages[0].neverEnds = NeverEndingStays(
      probability: pi, fittedProbability: pi, family: model.stages[0].timeInStage.family,
      likelihoodRatio: 12, pValue: 0.001,
      aicWith: 0, aicWithout: 10, covariance: [])
    let deals = Fixtures.openDeals(count: 900, stageCount: n, age: { i in Double((i * 7_919) % 400) / 2 })
    var sim = try PipelineSimulator(
      model: model, openDeals: deals, asOf: Fixtures.asOf,
      options: SimulationOptions(
        periods: Fixtures.months(7), trials: 80, seed: UInt64(n), threads: 2, scope: .open,
        groupBy: n % 2 == 0 ? .segment : nil, parameterUncertainty: n > 2))
    let vector = sim.run()
    sim.allowsVectorKernel = false
    let swift = sim.run()
    Self.expectIdentical(vector, swift)
    // Deals move on (more than one stay per deal) wherever there is a next stage.
    #expect(n == 1 ? vector.stageSteps == deals.count * 80 : vector.stageSteps > deals.count * 80)
  }
}
