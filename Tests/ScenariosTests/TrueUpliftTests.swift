import CRMData
import Foundation
import PipelineModel
import Scenarios
import Simulation
import Synthetic
import Testing

/// The what-if's predicted uplift against the sample world's true uplift: the same world
/// generated with and without the lever from 2025-07-01 (the generator's common random numbers
/// make its difference the lever's effect on this one realisation), bookings over 2025-Q3 + Q4,
/// and the model fitted at 2025-06-30 without ever seeing the lever.
///
/// Compared as relative uplift (uplift / bookings of the same run), which cancels the
/// forecast's level error. Tolerances (absolute, on the relative uplift) are the sum of:
/// - Monte Carlo error of the predicted mean difference (common random numbers; reported);
/// - the world's own noise: its uplift is one realisation (for hires, a handful of extra deals);
/// - model error: how the fitted structure transmits the lever (e.g. the sim's contact-vs-load
///   curve and response-time effect are fitted, the world's are the truth).
@Suite(.serialized) struct TrueUpliftTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var lever: Lever.Kind
    var change: Scenario.Change
    var testDescription: String { name }
  }

  static let cases: [Case] = [
    Case(name: "contact rate ×1.2", lever: .contactRateScale(1.2), change: .contactRate(.scale(1.2))),
    Case(name: "deal size ×1.1", lever: .dealSizeScale(1.1), change: .dealSize(.scale(1.1))),
    Case(name: "response time ×0.3", lever: .responseTimeScale(0.3), change: .leadResponseTime(.scale(0.3))),
    Case(name: "hire 4 AEs", lever: .extraHires(count: 4, team: nil), change: .hire(count: 4, role: "ae", team: nil, on: nil)),
  ]

  @Test(arguments: cases) func predictedUpliftMatchesTheWorld(c: Case) throws {
    let f = try #require(WorldFixture.fitted)
    let truth = try WorldFixture.trueUplift(c.lever)
    let averaged = try WorldFixture.meanTrueRelativeUplift(c.lever, seeds: [11, 12, 13, 14])
    let scenario = Scenario(name: c.name, starts: WorldFixture.starts, changes: [c.change])
    let options = SimulationOptions(periods: WorldFixture.periods, trials: 600, seed: 5, threads: 2)
    let r = try WhatIf.run(model: f.model, folder: f.folder, scenarios: [scenario], options: options)
    let s = r.scenarios[0]
    let baseMean = r.baselineTotals.reduce(0, +) / Double(r.baselineTotals.count)
    let diffs = zip(s.trialTotals, r.baselineTotals).map { $0 - $1 }
    let sd = (diffs.map { ($0 - s.differenceTotal.mean) * ($0 - s.differenceTotal.mean) }.reduce(0, +)
      / Double(diffs.count - 1)).squareRoot()
    let mcError = sd / Double(diffs.count).squareRoot() / baseMean
    let simNew = r.baseline.periods.reduce(0) { $0 + $1.fromNewDeals.mean }
    let predicted = s.differenceTotal.mean / simNew
    let actual = averaged.mean
    print(
      "UPLIFT \(c.name): of new-deal bookings predicted \(String(format: "%.4f", predicted)) ± \(String(format: "%.4f", mcError * baseMean / simNew)) (MC se), true \(String(format: "%.4f", actual)) (4 worlds: \(averaged.each.map { String(format: "%.3f", $0) })); of all bookings predicted \(String(format: "%.4f", s.differenceTotal.mean / baseMean)), true \(String(format: "%.4f", truth.uplift / truth.baseline)); forecast mean \(Int(baseMean)) (new deals \(Int(simNew))), actual \(Int(truth.baseline)) (created from starts \(Int(truth.newDeals)))")
    // Tolerance: 2 standard errors of (world mean − prediction) + 0.03 for model error.
    let k = Double(averaged.each.count)
    let worldSD = (averaged.each.map { ($0 - actual) * ($0 - actual) }.reduce(0, +) / (k - 1)).squareRoot()
    let mc = mcError * baseMean / simNew
    let tolerance = 2 * (worldSD * worldSD / k + mc * mc).squareRoot() + 0.03
    print("UPLIFT \(c.name): |difference| \(String(format: "%.4f", abs(predicted - actual))) tolerance \(String(format: "%.4f", tolerance))")
    #expect(abs(predicted - actual) <= tolerance, "\(c.name): predicted \(predicted), true \(actual)")
  }
}
