// Simulation benchmark: the open-pipeline Monte Carlo on a synthetic model and pipeline built in
// memory. The same parameters are used by `numpy_reference.py` (keep them in step).
import CRMData
import Foundation
import PipelineModel
import Simulation

/// The synthetic benchmark world: five lognormal stages with rising P(lost | t), forward and
/// backward moves, deals spread over stages with ages 0–119 days, a one-year horizon.
enum SimulationBenchmarkWorld {
  static let asOf = Day(year: 2026, month: 3, day: 31)!
  static let medianDays = [10.0, 14, 20, 12, 8]
  static let sigma = [0.9, 0.8, 0.7, 0.8, 0.6]
  static let lossIntercept = [-1.2, -1.6, -2.0, -2.2, -2.5]
  static let lossSlope = [0.25, 0.3, 0.3, 0.35, 0.3]
  static let winShare = [0.02, 0.05, 0.10, 0.30, 1.0]
  static let backShare = [0.0, 0.05, 0.05, 0.05, 0.0]

  static func stage(_ i: Int) -> DealAge { DealAge(stage: i % 5, age: Double(i * 37 % 120), amount: Double(1_000 + i * 7_919 % 50_000)) }
  struct DealAge { var stage: Int; var age: Double; var amount: Double }

  /// The model, through its public Codable form (the memberwise initialisers are internal).
  static func model() throws -> FittedPipeline {
    let n = medianDays.count
    let p: [String: Any] = ["value": 0.5, "lower": 0.5, "upper": 0.5, "count": 0]
    let stages: [[String: Any]] = (0..<n).map { i in
      var moves = [Double](repeating: 0, count: n)
      if i + 1 < n { moves[i + 1] = 1 - winShare[i] - backShare[i] }
      if i > 0 { moves[i - 1] = backShare[i] }
      return [
        "name": "S\(i)", "order": i, "entered": 0, "censored": 0,
        "exit_counts": ["advanced": 0, "won": 0, "lost": 0, "skipped": 0, "moved_back": 0],
        "advance_probability": p, "loss_probability": p, "win_direct_probability": 0,
        "move_probabilities": moves, "win_probability": 0, "expected_remaining_steps": 0,
        "suggested_crm_probability": 0,
        "time_in_stage": [
          "distribution": ["family": "lognormal", "mu": log(medianDays[i]), "sigma": sigma[i]],
          "covariance": [Double](), "median_days": medianDays[i], "p10_days": 0, "p90_days": 0,
          "aic": [String: Double](), "max_survival_gap": 0, "events": 0, "censored": 0,
        ],
        "loss_given_time": ["coefficients": [lossIntercept[i], lossSlope[i]], "covariance": [Double]()],
        "win_share": winShare[i], "move_shares": moves,
      ]
    }
    let group: [String: Any] = [
      "key": "all", "mu": log(20_000.0), "sigma": 0.6, "count": 100, "share": 1,
      "median_amount": 20_000, "mean_amount": 24_000,
    ]
    let json: [String: Any] = [
      "format_version": FittedPipeline.currentFormatVersion, "as_of": asOf.description, "stages": stages,
      "cycle_length": [String: Any](),
      "deal_size": [
        "overall": group, "by_segment": [Any](), "by_source": [Any](), "by_type": [Any](),
        "close_to_create_ratio": 1, "won_to_all_ratio": 1,
      ],
      "notes": [String](),
    ]
    let data = try JSONSerialization.data(withJSONObject: json)
    return try JSONDecoder().decode(FittedPipeline.self, from: data)
  }

  static func openDeals(_ count: Int) -> [OpenDealInput] {
    (0..<count).map { i in
      let d = stage(i)
      return OpenDealInput(id: "D\(i)", stage: d.stage, ageDays: d.age, amount: d.amount)
    }
  }

  static func periods() -> [Period] {
    var p = FiscalCalendar.standard.quarter(containing: asOf.advanced(by: 1))
    return (0..<4).map { _ in
      defer { p = p.next }
      return p
    }
  }
}

/// What one benchmark run measured.
public struct SimulationBenchmarkResult: Sendable {
  public var deals: Int
  public var trials: Int
  public var threads: Int
  public var seconds: Double
  public var stageSteps: Int
  public var stageStepsPerSecond: Double { Double(stageSteps) / seconds }
  public var dealTrialsPerSecond: Double { Double(deals * trials) / seconds }
  public var meanBookingsFirstPeriod: Double
}

/// Simulates `trials` trials of a synthetic open pipeline of `deals` deals on `threads` threads
/// (point parameters, scope open) and reports stage steps and deal-trials per second; the
/// compile step (model → flat arrays) is excluded from the timing.
public func runSimulationBenchmark(deals: Int, trials: Int, threads: Int) throws -> SimulationBenchmarkResult {
  let world = SimulationBenchmarkWorld.self
  let simulator = try PipelineSimulator(
    model: try world.model(), openDeals: world.openDeals(deals), asOf: world.asOf,
    options: SimulationOptions(
      periods: world.periods(), trials: trials, seed: 1, threads: threads, scope: .open,
      parameterUncertainty: false))
  let clock = ContinuousClock()
  var trialsResult: SimulationTrials?
  let elapsed = clock.measure { trialsResult = simulator.run() }
  let r = trialsResult!
  let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
  let first = r.column(r.bookings, period: 0)
  return SimulationBenchmarkResult(
    deals: deals, trials: trials, threads: threads, seconds: seconds, stageSteps: r.stageSteps,
    meanBookingsFirstPeriod: first.reduce(0, +) / Double(first.count))
}

/// What the forecast benchmark measured: a whole run on a CRM folder.
public struct ForecastBenchmarkResult: Sendable {
  public var scope: SimulationScope
  public var openDeals: Int
  public var trials: Int
  public var threads: Int
  public var seconds: Double
  public var stageSteps: Int
  public var newDeals: Int
  /// Deals simulated per trial: the open ones plus those created in the horizon.
  public var dealsPerTrial: Double { Double(openDeals) + Double(newDeals) / Double(trials) }
  public var dealTrialsPerSecond: Double { dealsPerTrial * Double(trials) / seconds }
  public var stageStepsPerSecond: Double { Double(stageSteps) / seconds }
}

/// Fits the folder (not timed), then times the simulation of the next two quarters, with the
/// deals still to be created (`scope` all) or the open pipeline only, parameter uncertainty on:
/// what `pipecast forecast` runs.
public func runForecastBenchmark(
  folder path: String, trials: Int, threads: Int, scope: SimulationScope = .all
) throws -> ForecastBenchmarkResult {
  let folder = try CRMFolderLoader.load(at: URL(fileURLWithPath: path), options: LoadOptions()).folder
  let model = try PipelineFitter().fit(folder: folder)
  var quarter = FiscalCalendar.standard.quarter(containing: folder.asOf.advanced(by: 1))
  let periods = (0..<2).map { _ in
    defer { quarter = quarter.next }
    return quarter
  }
  let simulator = try PipelineSimulator(
    model: model, folder: folder,
    options: SimulationOptions(periods: periods, trials: trials, seed: 1, threads: threads, scope: scope))
  let clock = ContinuousClock()
  var trialsResult: SimulationTrials?
  let elapsed = clock.measure { trialsResult = simulator.run() }
  let r = trialsResult!
  return ForecastBenchmarkResult(
    scope: scope, openDeals: r.dealIDs.count, trials: trials, threads: threads,
    seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
    stageSteps: r.stageSteps, newDeals: r.newDealCount)
}
