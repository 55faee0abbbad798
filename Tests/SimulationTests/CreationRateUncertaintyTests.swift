import CRMData
import Foundation
@testable import PipelineModel
@testable import Simulation
import Testing

/// Parameter uncertainty of the new-deal creation rates: expansion and renewal deals per
/// customer-month and each rep's outbound deals per week are drawn per block of trials from
/// their Gamma(count, rate / count) posteriors, the renewal schedule's open share from its Beta.
@Suite struct CreationRateUncertaintyTests {
  static let outboundCount = 25

  static func simulator(outboundCounts: Bool = true) throws -> PipelineSimulator {
    var model = Fixtures.model(funnel: true, reps: true, accounts: true)
    if outboundCounts {
      for i in model.reps!.reps.indices { model.reps!.reps[i].outboundDeals = outboundCount }
    }
    return try PipelineSimulator(
      model: model, openDeals: Fixtures.openDeals(count: 50), asOf: Fixtures.asOf,
      options: SimulationOptions(periods: Fixtures.quarters(2), trials: 64, seed: 3))
  }

  static func parameters(_ sim: PipelineSimulator, block: UInt64?) -> ParameterSet {
    var stream = block.map { SimulationRandom(seed: 3, block: $0 | 1 << 63) }
    return ParameterSet(compiled: sim.compiled, adjustments: .identity, draw: &stream)
  }

  /// Mean = the estimate and relative sd = 1 / √count, over 20 000 draws (the mean is within
  /// 4 standard errors: 4 × 0.2 / √20000 ≈ 0.6%; the sd within 5%).
  @Test(arguments: [1.0, 25, 400]) func gammaPosteriorMoments(count: Double) {
    var g: SimulationRandom? = SimulationRandom(seed: 9, block: 2)
    let n = 20_000
    let draws = (0..<n).map { _ in ParameterSet.drawPoissonRate(0.5, count: count, using: &g) }
    let mean = draws.reduce(0, +) / Double(n)
    let sd = (draws.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n - 1)).squareRoot()
    let expectedSD = 0.5 / count.squareRoot()
    #expect(abs(mean - 0.5) < 4 * expectedSD / Double(n).squareRoot())
    #expect(abs(sd / expectedSD - 1) < 0.05, "sd \(sd), expected \(expectedSD)")
  }

  @Test func estimatesKeptWithoutGeneratorOrCount() {
    var none: SimulationRandom? = nil
    #expect(ParameterSet.drawPoissonRate(0.5, count: 25, using: &none) == 0.5)
    var g: SimulationRandom? = SimulationRandom(seed: 9, block: 2)
    #expect(ParameterSet.drawPoissonRate(0.5, count: 0.4, using: &g) == 0.5)
    #expect(ParameterSet.drawPoissonRate(0, count: 25, using: &g) == 0)
  }

  @Test func ratesAreDrawnPerBlockDeterministically() throws {
    let sim = try Self.simulator()
    let point = Self.parameters(sim, block: nil)
    let accounts = Fixtures.accountModel()
    #expect(point.expansionDealsPerCustomerMonth == accounts.expansionDealsPerCustomerMonth)
    #expect(point.renewalDealsPerCustomerMonth == accounts.renewalDealsPerCustomerMonth)
    #expect(point.repOutboundPerWeek == [0.5, 0.5, 0.5, 0.5, 0])
    let a = Self.parameters(sim, block: 0)
    let again = Self.parameters(sim, block: 0)
    let b = Self.parameters(sim, block: 1)
    #expect(a.repOutboundPerWeek == again.repOutboundPerWeek)
    #expect(a.expansionDealsPerCustomerMonth == again.expansionDealsPerCustomerMonth)
    #expect(a.repOutboundPerWeek != b.repOutboundPerWeek)
    #expect(a.expansionDealsPerCustomerMonth != b.expansionDealsPerCustomerMonth)
    #expect(a.renewalDealsPerCustomerMonth != b.renewalDealsPerCustomerMonth)
    #expect(a.repOutboundPerWeek.last == 0)
    // Over 400 blocks one rep's rate averages its estimate: relative sd 1/√25 = 0.2 per block,
    // so 4 standard errors are 4 × 0.2 / √400 = 4%.
    let rates = (0..<400).map { Self.parameters(sim, block: UInt64($0)).repOutboundPerWeek[0] }
    let mean = rates.reduce(0, +) / Double(rates.count)
    #expect(abs(mean / 0.5 - 1) < 0.04, "mean drawn rate \(mean)")
  }

  /// The rates are drawn after every other parameter: a block's other draws are those of a model
  /// without the counts (so adding them moved nothing else).
  @Test func otherDrawsOfABlockAreUnchanged() throws {
    let with = Self.parameters(try Self.simulator(outboundCounts: true), block: 5)
    let without = Self.parameters(try Self.simulator(outboundCounts: false), block: 5)
    #expect(with.stageTable == without.stageTable)
    #expect(with.repShift == without.repShift)
    #expect(with.sourceRates == without.sourceRates)
    #expect(with.monthlyChurnHazard == without.monthlyChurnHazard)
    #expect(with.expansionDealsPerCustomerMonth == without.expansionDealsPerCustomerMonth)
    #expect(with.repOutboundPerWeek != without.repOutboundPerWeek)
    #expect(without.repOutboundPerWeek == [0.5, 0.5, 0.5, 0.5, 0])
  }

  /// The renewal schedule's open share: Beta(renewals, anniversaries − renewals) per block
  /// (90 of 100: sd 0.03; the mean of 400 blocks within 4 standard errors, 0.006).
  @Test func renewalOpenShareIsDrawnFromItsBeta() throws {
    var model = Fixtures.model(funnel: true, reps: true, accounts: true)
    let schedule = NewDealModel.RenewalSchedule(
      leadDays: 30, alignedShare: 0.9, openShare: 0.9, renewals: 90, anniversaries: 100,
      upcomingOpenDays: [5, 20, 40])
    model.newDeals = NewDealModel(
      origins: [], renewalSchedule: schedule, segmentSpeeds: [], pendingLeads: [], notes: [])
    let sim = try PipelineSimulator(
      model: model, openDeals: Fixtures.openDeals(count: 20), asOf: Fixtures.asOf,
      options: SimulationOptions(periods: Fixtures.quarters(2), trials: 64, seed: 3))
    #expect(Self.parameters(sim, block: nil).renewalOpenShare == 0.9)
    let shares = (0..<400).map { Self.parameters(sim, block: UInt64($0)).renewalOpenShare }
    #expect(Set(shares).count > 300)
    let mean = shares.reduce(0, +) / Double(shares.count)
    let sd = (shares.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(shares.count - 1)).squareRoot()
    #expect(abs(mean - 0.9) < 0.006, "mean \(mean)")
    #expect(abs(sd / (0.09 / 101).squareRoot() - 1) < 0.2, "sd \(sd)")
  }
}
