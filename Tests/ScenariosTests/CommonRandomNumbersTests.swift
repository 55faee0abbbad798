import CRMData
import Foundation
import PipelineModel
import Scenarios
import Simulation
import Synthetic
import Testing

/// A scenario changes a trial only through its lever (common random numbers, docs: Scenarios/README.md).
@Suite(.serialized) struct CommonRandomNumbersTests {
  static let afterHorizon = Day(year: 2026, month: 3, day: 1)!

  static func run(_ changes: [[Scenario.Change]], trials: Int = 200) throws -> WhatIfResult {
    let f = try #require(WorldFixture.fitted)
    let scenarios = changes.enumerated().map {
      Scenario(name: "s\($0.offset)", starts: WorldFixture.starts, changes: $0.element)
    }
    return try WhatIf.run(
      model: f.model, folder: f.folder, scenarios: scenarios,
      options: SimulationOptions(periods: WorldFixture.periods, trials: trials, seed: 5, threads: 2))
  }

  /// Staffing changes that start after the horizon leave every trial exactly as it was.
  @Test func staffingAfterTheHorizonChangesNoTrial() throws {
    let later = Self.afterHorizon
    let r = try Self.run([
      [.hire(count: 2, role: "ae", team: nil, on: later)],
      [.hire(count: 1, role: "sdr", team: nil, on: later)],
      [.attrition(count: 1, role: "ae", team: nil, rep: nil, on: later)],
    ])
    for s in r.scenarios {
      #expect(s.trialTotals == r.baselineTotals, "\(s.name)")
      #expect(s.differenceTotal == DifferenceSummary(values: [0]), "\(s.name)")
      for (_, d) in s.difference { #expect(d == DifferenceSummary(values: [0]), "\(s.name)") }
      #expect(s.probabilityBetter == 0)
    }
  }

  /// A hire moves a trial by far less than trials differ from each other: the difference
  /// distribution is much narrower than the baseline's spread (before the per-lead streams its
  /// P10…P90 was about as wide as the baseline's, P(better) ≈ ½).
  @Test func hireDifferencesAreMuchNarrowerThanTheBaselineSpread() throws {
    let r = try Self.run([
      [.hire(count: 2, role: "ae", team: nil, on: nil)],
      [.hire(count: 1, role: "sdr", team: nil, on: nil)],
      [.leadVolume(source: nil, .scale(1.1))],
      [.contactRate(.scale(1.1))],
    ])
    let base = DifferenceSummary(values: r.baselineTotals)
    let baseWidth = base.p90 - base.p10
    for s in r.scenarios {
      let d = s.differenceTotal
      let width = d.p90 - d.p10
      print("CRN \(s.name): difference P10 \(Int(d.p10)) P50 \(Int(d.p50)) P90 \(Int(d.p90)) mean \(Int(d.mean)); baseline P10–P90 width \(Int(baseWidth)); ratio \(width / baseWidth); P(better) \(s.probabilityBetter)")
      #expect(width < 0.25 * baseWidth, "\(s.name): \(width) vs \(baseWidth)")
    }
    // An SDR hire only adds contact capacity: the same leads are contacted and more, so no trial
    // gets worse (up to the rounding of a sum in another order).
    let sdr = r.scenarios[1]
    #expect(zip(sdr.trialTotals, r.baselineTotals).allSatisfy { $0 - $1 >= -1e-6 * abs($1) })
  }

  /// The contact-versus-load curve's load is leads per lead owner (leads.csv owner_id, SDRs in
  /// the sample world); the model records how many owners were active at as-of.
  @Test func leadOwnersAreTheActiveSDRs() throws {
    let f = try #require(WorldFixture.fitted)
    let owners = try #require(f.model.leadFunnel?.leadOwnersAtAsOf)
    let asOfEnd = Moment(f.folder.asOf.advanced(by: 1))
    let sdrs = (f.folder.reps ?? []).filter {
      $0.role == .sdr && ($0.leftOn.map { $0 >= asOfEnd } ?? true) && ($0.hiredOn.map { $0 < asOfEnd } ?? true)
    }
    print("lead owners at as-of: \(owners), active SDRs: \(sdrs.count)")
    #expect(owners > 0)
    #expect(abs(owners - sdrs.count) <= 1)
  }
}
