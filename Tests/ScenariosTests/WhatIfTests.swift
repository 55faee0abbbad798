import CRMData
import Foundation
import PipelineModel
import Scenarios
import Simulation
import Synthetic
import Testing

@Suite(.serialized) struct WhatIfTests {
  static func options(trials: Int = 400) -> SimulationOptions {
    SimulationOptions(periods: WorldFixture.periods, trials: trials, seed: 3, threads: 2)
  }

  static func run(_ changes: [Scenario.Change], trials: Int = 400) throws -> (WhatIfResult, ScenarioOutcome) {
    let f = try #require(WorldFixture.fitted)
    let scenario = Scenario(name: "test", starts: WorldFixture.starts, changes: changes)
    let r = try WhatIf.run(model: f.model, folder: f.folder, scenarios: [scenario], options: options(trials: trials))
    return (r, r.scenarios[0])
  }

  @Test func noChangeReproducesTheBaselineByteIdentically() throws {
    let f = try #require(WorldFixture.fitted)
    let r = try WhatIf.run(model: f.model, folder: f.folder, scenarios: [.unchanged], options: Self.options(trials: 100))
    #expect(try encodeJSON(r.baseline) == encodeJSON(r.scenarios[0].forecast))
    #expect(r.scenarios[0].differenceTotal == DifferenceSummary(values: [0]))
    #expect(r.scenarios[0].probabilityBetter == 0)
    // The same as `Forecasting.forecast` (what `pipecast forecast` prints).
    let forecast = try Forecasting.forecast(model: f.model, folder: f.folder, options: Self.options(trials: 100))
    #expect(try encodeJSON(forecast) == encodeJSON(r.baseline))
  }

  /// New and expansion deals ×1.10 exactly (common random numbers); renewals keep their amounts.
  @Test func dealSizeRaisesNewDealBookingsByTenPercent() throws {
    let f = try #require(WorldFixture.fitted)
    var options = Self.options()
    options.groupBy = .source
    let scenario = Scenario(name: "test", starts: WorldFixture.starts, changes: [.dealSize(.scale(1.10))])
    let r = try WhatIf.run(model: f.model, folder: f.folder, scenarios: [scenario], options: options)
    let s = r.scenarios[0]
    for (b, p) in zip(r.baseline.periods, s.forecast.periods) {
      #expect(p.fromOpenPipeline == b.fromOpenPipeline)
    }
    let scenarioGroups = try #require(s.forecast.groups)
    let baselineGroups = try #require(r.baseline.groups)
    #expect(baselineGroups.contains { $0.group == "renewal" })
    for (b, g) in zip(baselineGroups, scenarioGroups) {
      for (bp, gp) in zip(b.periods, g.periods) {
        let factor = b.group == "renewal" ? 1 : 1.10
        #expect(gp.fromNewDeals.mean.isApproximatelyEqual(to: factor * bp.fromNewDeals.mean, relativeTolerance: 1e-9), "\(b.group)")
      }
    }
  }

  /// Customers keep their account owner: an AE hire moves no expansion or renewal deal, so those
  /// bookings are trial for trial those of the baseline (common random numbers).
  @Test func hiresTakeNoCustomerDeals() throws {
    let f = try #require(WorldFixture.fitted)
    var options = Self.options(trials: 200)
    options.groupBy = .source
    let scenario = Scenario(
      name: "test", starts: WorldFixture.starts, changes: [.hire(count: 3, role: "ae", team: "East", on: nil)])
    let r = try WhatIf.run(model: f.model, folder: f.folder, scenarios: [scenario], options: options)
    let scenarioGroups = try #require(r.scenarios[0].forecast.groups)
    let baselineGroups = try #require(r.baseline.groups)
    for (b, g) in zip(baselineGroups, scenarioGroups) where ["expansion", "renewal"].contains(b.group) {
      #expect(b == g, "\(b.group)")
    }
    #expect(r.scenarios[0].differenceTotal.mean != 0)
  }

  /// (changes from worst to best; the bookings must rise along the list).
  static let ladders: [(String, [[Scenario.Change]])] = [
    ("contact_rate", [0.8, 1.0, 1.2].map { [.contactRate(.scale($0))] }),
    ("lead_response_time", [2.0, 1.0, 0.5].map { [.leadResponseTime(.scale($0))] }),
    ("lead_volume", [0.8, 1.0, 1.25].map { [.leadVolume(source: nil, .scale($0))] }),
    ("stage_conversion", [-0.05, 0, 0.05].map { [.stageConversion(stage: nil, .add($0))] }),
    ("deal_size", [0.9, 1.0, 1.1].map { [.dealSize(.scale($0))] }),
    ("cycle_length", [1.25, 1.0, 0.8].map { [.cycleLength(.scale($0))] }),
    ("hire", [[], [.hire(count: 2, role: "ae", team: nil, on: nil)], [.hire(count: 4, role: "ae", team: nil, on: nil)]]),
    ("attrition", [[.attrition(count: 2, role: "ae", team: nil, rep: nil, on: nil)], [.attrition(count: 1, role: "ae", team: nil, rep: nil, on: nil)], []]),
  ]

  @Test(arguments: ladders) func leversMoveBookingsMonotonically(lever: String, ladder: [[Scenario.Change]]) throws {
    let f = try #require(WorldFixture.fitted)
    let scenarios = ladder.enumerated().map { Scenario(name: "\(lever) \($0.offset)", starts: WorldFixture.starts, changes: $0.element) }
    let r = try WhatIf.run(model: f.model, folder: f.folder, scenarios: scenarios, options: Self.options(trials: 300))
    let means = r.scenarios.map(\.differenceTotal.mean)
    print("LADDER \(lever): \(means.map { Int($0) })")
    #expect(means[0] < means[1] && means[1] < means[2], "\(lever): \(means)")
  }
}

/// Sorted-key JSON, as `pipecast --format json` writes it.
func encodeJSON(_ value: some Encodable) throws -> String {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
  return String(decoding: try encoder.encode(value), as: UTF8.self)
}

extension Double {
  func isApproximatelyEqual(to other: Double, relativeTolerance: Double) -> Bool {
    abs(self - other) <= relativeTolerance * max(abs(self), abs(other))
  }
}
