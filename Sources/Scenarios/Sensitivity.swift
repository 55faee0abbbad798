import CRMData
import PipelineModel
import Simulation

/// One lever moved by its standard step, and its effect on bookings over the periods.
public struct SensitivityRow: Encodable, Sendable {
  public var lever: String
  public var step: String
  public var difference: DifferenceSummary
  public var probabilityBetter: Double
  /// Mean difference over the baseline mean (0 when the baseline is 0).
  public var relativeEffect: Double

  enum CodingKeys: String, CodingKey {
    case lever, step, difference
    case probabilityBetter = "probability_better", relativeEffect = "relative_effect"
  }
}

/// The tornado: every lever by a standard step, ranked by |mean effect| on bookings.
public struct SensitivityResult: Encodable, Sendable {
  public var baseline: ForecastResult
  public var rows: [SensitivityRow]
}

/// Standard steps (one "unit of effort" per lever, each a change a sales chief could make):
/// contact rate × 1.10, response time × 0.90, lead volume (every source) × 1.10, stage
/// conversion +0.02 at every open stage, deal size × 1.10, cycle length × 0.90, one AE hired at
/// the start, one AE leaving at the start. Levers the model cannot support (no lead funnel, no
/// reps) are left out.
public enum Sensitivity {
  public static func standardSteps(model: FittedPipeline) -> [(lever: String, step: String, change: Scenario.Change)] {
    var steps: [(String, String, Scenario.Change)] = []
    if model.leadFunnel != nil {
      steps.append(("contact_rate", "+10%", .contactRate(.scale(1.1))))
      steps.append(("lead_response_time", "−10%", .leadResponseTime(.scale(0.9))))
      steps.append(("lead_volume", "+10%", .leadVolume(source: nil, .scale(1.1))))
    }
    steps.append(("stage_conversion", "+0.02 every stage", .stageConversion(stage: nil, .add(0.02))))
    steps.append(("deal_size", "+10%", .dealSize(.scale(1.1))))
    steps.append(("cycle_length", "−10%", .cycleLength(.scale(0.9))))
    if let reps = model.reps, reps.reps.contains(where: { $0.active && ($0.role ?? "ae") == "ae" }) {
      steps.append(("hire", "+1 AE", .hire(count: 1, role: "ae", team: nil, on: nil)))
      steps.append(("attrition", "−1 AE", .attrition(count: 1, role: "ae", team: nil, rep: nil, on: nil)))
    }
    return steps
  }

  public static func run(
    model: FittedPipeline, folder: CRMFolder, options: SimulationOptions, starts: Day? = nil
  ) throws -> SensitivityResult {
    let steps = standardSteps(model: model)
    let scenarios = try steps.map { s in
      let scenario = Scenario(name: s.lever, starts: starts, changes: [s.change])
      return (name: s.lever, description: s.step as String?,
        adjustments: try ScenarioCompiler.adjustments(for: scenario, model: model, asOf: folder.asOf))
    }
    let simulator = try PipelineSimulator(model: model, folder: folder, options: options)
    let result = WhatIf.run(simulator: simulator, folder: folder, scenarios: scenarios)
    let baseMean = result.baselineTotals.reduce(0, +) / Double(max(1, result.baselineTotals.count))
    let rows = zip(steps, result.scenarios).map { step, outcome in
      SensitivityRow(
        lever: step.lever, step: step.step, difference: outcome.differenceTotal,
        probabilityBetter: outcome.probabilityBetter,
        relativeEffect: baseMean > 0 ? outcome.differenceTotal.mean / baseMean : 0)
    }.sorted { (abs($0.difference.mean), $1.lever) > (abs($1.difference.mean), $0.lever) }
    return SensitivityResult(baseline: result.baseline, rows: rows)
  }
}
