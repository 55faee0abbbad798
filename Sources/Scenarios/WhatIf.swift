import CRMData
import PipelineModel
import Simulation

/// The per-trial difference scenario − baseline in one period (or over all of them).
///
/// With common random numbers trial i of the scenario and of the baseline share their random
/// streams, so the difference is that of the lever plus the noise the lever itself adds, far
/// smaller than the spread of either forecast.
public struct DifferenceSummary: Codable, Sendable, Equatable {
  public var mean: Double
  public var p10: Double
  public var p50: Double
  public var p90: Double

  public init(values: [Double]) {
    let sorted = values.sorted()
    mean = values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    p10 = DistributionSummary.quantile(sorted: sorted, 0.1)
    p50 = DistributionSummary.quantile(sorted: sorted, 0.5)
    p90 = DistributionSummary.quantile(sorted: sorted, 0.9)
  }
}

/// One scenario against the baseline.
public struct ScenarioOutcome: Encodable, Sendable {
  public var name: String
  public var description: String?
  public var forecast: ForecastResult
  /// By period label.
  public var difference: [String: DifferenceSummary]
  /// Over all periods (per-trial sums).
  public var differenceTotal: DifferenceSummary
  /// Share of trials in which the scenario's total bookings exceed the baseline's (ties, when the
  /// lever changed nothing in a trial, do not count).
  public var probabilityBetter: Double
  public var probabilityBetterByPeriod: [String: Double]
  /// Per-trial totals over all periods (not encoded; for sensitivity and tests).
  public var trialTotals: [Double] = []

  enum CodingKeys: String, CodingKey {
    case name, description, forecast, difference
    case differenceTotal = "difference_total", probabilityBetter = "probability_better"
    case probabilityBetterByPeriod = "probability_better_by_period"
  }
}

/// What `pipecast whatif` reports.
public struct WhatIfResult: Encodable, Sendable {
  public var baseline: ForecastResult
  public var scenarios: [ScenarioOutcome]
  /// Baseline per-trial totals over all periods (not encoded).
  public var baselineTotals: [Double] = []

  enum CodingKeys: String, CodingKey { case baseline, scenarios }
}

/// Runs the baseline and scenarios with common random numbers: one simulator (one compiled
/// model, one seed), `run(adjustments:)` per scenario, so trial i of every run draws from the same
/// streams (METHODS.md, "Reproducibility").
public enum WhatIf {
  /// - Parameters:
  ///   - folder: the point-in-time folder the model was fitted on (its as-of is the origin).
  ///   - options: periods, trials, seed, threads; `scope` is `.all` (levers act on new deals).
  /// - Throws: `ScenarioError` for a scenario that does not fit the model (all scenarios are
  ///   checked before anything runs), `SimulationError` for bad options.
  public static func run(
    model: FittedPipeline, folder: CRMFolder, scenarios: [Scenario], options: SimulationOptions
  ) throws -> WhatIfResult {
    var problems: [ScenarioDiagnostic] = []
    var adjustments: [SimulationAdjustments] = []
    for s in scenarios {
      do {
        adjustments.append(try ScenarioCompiler.adjustments(for: s, model: model, asOf: folder.asOf))
      } catch {
        problems += error.diagnostics
      }
    }
    if !problems.isEmpty { throw ScenarioError.invalid(problems) }
    let simulator = try PipelineSimulator(model: model, folder: folder, options: options)
    return run(simulator: simulator, folder: folder, scenarios: zip(scenarios, adjustments).map { ($0.name, $0.description, $1) })
  }

  /// The same with already compiled adjustments (sensitivity uses this).
  public static func run(
    simulator: PipelineSimulator, folder: CRMFolder,
    scenarios: [(name: String, description: String?, adjustments: SimulationAdjustments)]
  ) -> WhatIfResult {
    var base = simulator.run(adjustments: .identity)
    Forecasting.addBookedToDate(folder: folder, trials: &base)
    let quotas = folder.quotas ?? []
    let baseline = ForecastResult(trials: base, quotas: quotas)
    let n = base.periods.count
    let baseTotals = totals(base)
    var outcomes: [ScenarioOutcome] = []
    for s in scenarios {
      var t = simulator.run(adjustments: s.adjustments)
      Forecasting.addBookedToDate(folder: folder, trials: &t)
      var difference: [String: DifferenceSummary] = [:]
      var better: [String: Double] = [:]
      for p in 0..<n {
        let d = (0..<t.trials).map { t.bookings[$0 * n + p] - base.bookings[$0 * n + p] }
        difference[t.periods[p].label] = DifferenceSummary(values: d)
        better[t.periods[p].label] = Double(d.filter { $0 > 0 }.count) / Double(max(1, d.count))
      }
      let scenarioTotals = totals(t)
      let d = zip(scenarioTotals, baseTotals).map { $0 - $1 }
      outcomes.append(
        ScenarioOutcome(
          name: s.name, description: s.description, forecast: ForecastResult(trials: t, quotas: quotas),
          difference: difference, differenceTotal: DifferenceSummary(values: d),
          probabilityBetter: Double(d.filter { $0 > 0 }.count) / Double(max(1, d.count)),
          probabilityBetterByPeriod: better, trialTotals: scenarioTotals))
    }
    return WhatIfResult(baseline: baseline, scenarios: outcomes, baselineTotals: baseTotals)
  }

  /// Per-trial bookings summed over the periods.
  static func totals(_ t: SimulationTrials) -> [Double] {
    let n = t.periods.count
    return (0..<t.trials).map { i in (0..<n).reduce(0) { $0 + t.bookings[i * n + $1] } }
  }
}
