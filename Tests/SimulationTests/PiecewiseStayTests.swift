import CRMData
import Foundation
@testable import PipelineModel
@testable import Simulation
import Statistics
import Testing

/// The piecewise-exponential stay in the trial loop: exact fresh and age-conditioned draws, and
/// deals older than every observed exit that never win.
@Suite struct PiecewiseStayTests {
  static let hazards: [PiecewiseHazard] = [
    PiecewiseHazard(cuts: [5, 30], hazards: [0.1, 0.01, 0.06])!,
    // Bimodal with a dead gap and a stop after the last exit (S∞ ≈ 0.26).
    PiecewiseHazard(cuts: [15, 45, 138], hazards: [0.06, 0, 0.01, 0])!,
  ]

  /// Runs `draw` on a kernel reading `distribution` from a one-stage table, as the trial loop does.
  static func withKernel<T>(
    _ distribution: DurationDistribution,
    _ draw: (TrialKernel, UnsafePointer<Double>, inout SimulationRandom) -> T
  ) -> T {
    var table = [Double](repeating: 0, count: StageRow.stride(stages: 1))
    ParameterSet.writeDistribution(distribution, into: &table, at: 0)
    var rng = SimulationRandom(seed: 17, block: 0)
    return table.withUnsafeBufferPointer { t in
      let slots = TrialSlots(
        periods: 0, groups: 0, bookings: .allocate(capacity: 1), wonDeals: .allocate(capacity: 1),
        fromOpen: .allocate(capacity: 1), fromNew: .allocate(capacity: 1), groupBookings: nil,
        groupFromOpen: nil, groupWonDeals: nil)
      let kernel = TrialKernel(
        table: t.baseAddress!, stride: StageRow.stride(stages: 1), z: .shared, horizon: 1,
        periodOfDay: UnsafePointer(bitPattern: 8)!, slots: slots, leverStart: 0, cycleMultiplier: 1,
        sizeMultiplier: 1)
      return draw(kernel, t.baseAddress!, &rng)
    }
  }

  /// Fresh stays of the stays that end: P(T ≤ F⁻¹(q)) = q for q = 0.05 … 0.95, from 100 000 draws
  /// (binomial standard error ≤ 0.0016; tolerance 5 standard errors), and log length = log T.
  @Test(arguments: hazards)
  func freshStaysMatchSurvival(hazard: PiecewiseHazard) {
    let d = DurationDistribution.piecewiseExponential(hazard)
    let n = 100_000
    let stays = Self.withKernel(d) { kernel, row, rng in
      (0..<n).map { _ in
        let (t, logT) = kernel.freshStay(row, rng: &rng)
        #expect(abs(exp(logT) - t) <= 1e-9 * t)
        return t
      }
    }
    for q in [0.05, 0.25, 0.5, 0.75, 0.95] {
      let empirical = Double(stays.filter { $0 <= d.quantile(q) }.count) / Double(n)
      let se = (q * (1 - q) / Double(n)).squareRoot()
      #expect(abs(empirical - q) < 5 * se, "q = \(q): \(empirical)")
    }
  }

  /// T | T > age against S₀(age + r) / S₀(age), ages inside an interval, at a cut, in a
  /// zero-hazard gap and in the open last interval; same tolerance.
  @Test(arguments: hazards, [3.0, 5, 20, 60, 137])
  func conditionalStaysMatchSurvival(hazard: PiecewiseHazard, age: Double) {
    let d = DurationDistribution.piecewiseExponential(hazard)
    let n = 100_000
    let remaining = Self.withKernel(d) { kernel, row, rng in
      (0..<n).map { _ in
        let (r, logTotal) = kernel.conditionalStay(
          row, age: age, logAge: log(age), conditioning: TrialKernel.conditioning(row, logAge: log(age)), rng: &rng)
        #expect(r >= 0 && abs(exp(logTotal) - (age + r)) <= 1e-9 * (age + r))
        return r
      }
    }
    let logSAge = d.logSurvival(age)
    for q in [0.1, 0.5, 0.9] {
      let r = d.inverseLogSurvival(logSAge + log(1 - q)) - age
      let empirical = Double(remaining.filter { $0 <= r }.count) / Double(n)
      let se = (q * (1 - q) / Double(n)).squareRoot()
      #expect(abs(empirical - q) < 5 * se, "age \(age) q \(q): \(empirical)")
    }
  }

  /// The bare sampler, hand-checked: one interval of hazard 0.1 is the exponential (T = E / 0.1,
  /// memoryless given age); with a stop at 10 after hazard 0.1, Λ∞ = 1 and a draw E gives
  /// Λ(T) = −log(e^{−1} + (1 − e^{−1}) e^{−E}).
  @Test func samplerHandChecks() {
    var table: [Double] = []
    let flat = PiecewiseStay.append(PiecewiseHazard(cuts: [], hazards: [0.1])!, to: &table)
    let stop = PiecewiseStay.append(PiecewiseHazard(cuts: [10], hazards: [0.1, 0])!, to: &table)
    table.withUnsafeBufferPointer { t in
      let a = t.baseAddress! + flat
      #expect(abs(PiecewiseStay.fresh(a, exponential: 0.7).length - 7) < 1e-12)
      #expect(abs(PiecewiseStay.conditional(a, age: 30, exponential: 0.7).remaining - 7) < 1e-9)
      let b = t.baseAddress! + stop
      let lambda = -log(exp(-1) + (1 - exp(-1)) * exp(-0.7))
      #expect(abs(PiecewiseStay.fresh(b, exponential: 0.7).length - lambda / 0.1) < 1e-12)
      #expect(PiecewiseStay.fresh(b, exponential: 800).length <= 10)
      #expect(PiecewiseStay.conditional(b, age: 12, exponential: 0.7).remaining == 0)
    }
  }

  /// A stage whose exits stop at 138 days (bimodal, 1–15 or 45–138, as in the Maven export) with
  /// many open stays far older: the fit is piecewise with a zero last hazard; deals 200 days old
  /// never win in a forecast (every trial, with parameter draws), deals 5 days old often do.
  @Test func dealsOlderThanEveryExitDoNotWin() throws {
    var rng = RandomStream(seed: 31)
    var durations: [Double] = []
    var observed: [Bool] = []
    for _ in 0..<1_500 {
      let u = Sampling.uniform(using: &rng)
      durations.append(u < 0.6 ? 1 + 14 * Sampling.uniform(using: &rng) : 45 + 93 * Sampling.uniform(using: &rng))
      observed.append(true)
    }
    for i in 0..<600 {
      durations.append(i < 400 ? 150 + 250 * Sampling.uniform(using: &rng) : 30 * Sampling.uniform(using: &rng))
      observed.append(false)
    }
    let (estimate, cure, note) = DurationEstimation.estimateAllowingNeverEnding(
      GroupedDurations(durations: durations, observed: observed), minEvents: 10, what: "time in stage Engaging")
    guard case .piecewiseExponential(let p) = estimate.distribution else {
      Issue.record("chose \(estimate.family)")
      return
    }
    #expect(p.hazards.last == 0 && abs(p.cuts.last! - durations.prefix(1_500).max()!) < 1e-9)
    #expect(cure?.probability ?? 0 == 0)
    #expect(note?.contains("never end") == true, "\(note ?? "no note")")

    var model = Fixtures.model([
      Fixtures.StageSpec(
        name: "Engaging", distribution: estimate.distribution, loss: [-0.5], winShare: 1, moveShares: [0])
    ])
    model.stages[0].timeInStage = estimate
    let stage = model.stages[0]
    #expect(stage.neverEndingShare > 0.1 && stage.neverEndingShare < 0.5)
    #expect(stage.neverEndingProbability(givenAgeDays: 200) == 1)

    let deals = Fixtures.openDeals(count: 100, stageCount: 1, age: { $0 < 50 ? 200 : 5 })
    let sim = try PipelineSimulator(
      model: model, openDeals: deals, asOf: Fixtures.asOf,
      options: SimulationOptions(
        periods: Fixtures.quarters(4), trials: 2_000, seed: 3, threads: 1, scope: .open, groupBy: nil,
        parameterUncertainty: true))
    let result = sim.run()
    let oldWins = (0..<50).reduce(0) { $0 + result.dealWinCounts[$1] }
    let youngWins = (50..<100).reduce(0) { $0 + result.dealWinCounts[$1] }
    #expect(oldWins == 0)
    #expect(Double(youngWins) / Double(50 * result.trials) > 0.2)
  }
}
