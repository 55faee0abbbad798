import CRMData
import PipelineModel
import Simulation

/// What a forecaster returns for one origin: simulated bookings of the target period and, for
/// the deals open at the origin, their probability of winning within it.
public struct ForecastSample: Sendable {
  /// Bookings won *after* the as-of day and inside the target period, one value per trial. The
  /// backtest adds what was already booked in the period on or before as-of.
  public var trials: [Double]
  /// Deal id → P(won inside the target period, after as-of | what was known at as-of), for deals
  /// open at the origin. Conditioned on each deal's stage and age in stage (METHODS.md). Deals the
  /// forecaster could not place are absent. Empty when the forecaster has no deal-level view.
  public var dealWinProbabilities: [String: Double]
  public var notes: [String]
  /// Mean bookings in the target from deals open at as-of and from deals created later (nil when
  /// the forecaster does not split them): where a miss comes from.
  public var meanFromOpenPipeline: Double?
  public var meanFromNewDeals: Double?

  public init(
    trials: [Double], dealWinProbabilities: [String: Double] = [:], notes: [String] = [],
    meanFromOpenPipeline: Double? = nil, meanFromNewDeals: Double? = nil
  ) {
    self.trials = trials
    self.dealWinProbabilities = dealWinProbabilities
    self.notes = notes
    self.meanFromOpenPipeline = meanFromOpenPipeline
    self.meanFromNewDeals = meanFromNewDeals
  }
}

/// Anything that forecasts bookings from a point-in-time CRM folder.
///
/// The folder passed in is already the as-of view (`CRMFolder.asOf(_:)`); a conforming type must
/// use nothing else about the world (no cached fit from a later date), or the backtest leaks.
/// Must be deterministic in (`folder`, `horizon`, `trials`, `seed`).
public protocol BookingsForecaster: Sendable {
  /// - Parameters:
  ///   - horizon: consecutive periods from the one containing the day after `folder.asOf`
  ///     through the target period (the last).
  func forecast(folder: CRMFolder, horizon: [Period], trials: Int, seed: UInt64) throws
    -> ForecastSample
}

/// Pipecast itself: `PipelineFitter` on the as-of folder, then `PipelineSimulator` over the
/// horizon (open pipeline and deals still to be created, parameter uncertainty on).
///
/// Per-deal win probabilities are the share of trials in which the deal was won inside the target
/// period: the simulation starts each deal from its current stage and age, so they are the fitted
/// model's P(win in period | stage, age in stage, rep). With lead 1 (a horizon of two periods) a
/// second, open-pipeline-only run over the periods before the target gives P(won before the
/// target), which is subtracted (same seed: common random numbers).
public struct PipecastForecaster: BookingsForecaster {
  public var fitterOptions: PipelineFitter.Options
  /// Simulation threads per origin; the backtest parallelises across origins, so 1 by default.
  public var simulationThreads: Int
  public var parameterUncertainty: Bool

  public init(
    fitterOptions: PipelineFitter.Options = .init(), simulationThreads: Int = 1,
    parameterUncertainty: Bool = true
  ) {
    self.fitterOptions = fitterOptions
    self.simulationThreads = simulationThreads
    self.parameterUncertainty = parameterUncertainty
  }

  public func forecast(folder: CRMFolder, horizon: [Period], trials: Int, seed: UInt64) throws
    -> ForecastSample
  {
    let model = try PipelineFitter(options: fitterOptions).fit(folder: folder)
    let (openDeals, skipped) = OpenDealInput.openDeals(of: folder, model: model)
    func run(_ periods: [Period], scope: SimulationScope) throws -> SimulationTrials {
      let options = SimulationOptions(
        periods: periods, trials: trials, seed: seed, threads: simulationThreads, scope: scope,
        parameterUncertainty: parameterUncertainty)
      return try PipelineSimulator(
        model: model, openDeals: openDeals, asOf: folder.asOf, options: options
      ).run()
    }
    let full = try run(horizon, scope: .all)
    var winFrequency = full.dealWinFrequencies
    if horizon.count > 1 {
      let before = try run(Array(horizon.dropLast()), scope: .open).dealWinFrequencies
      winFrequency = zip(winFrequency, before).map { max(0, $0 - $1) }
    }
    var probabilities: [String: Double] = [:]
    for (id, p) in zip(full.dealIDs, winFrequency) { probabilities[id] = p }
    var notes = model.notes + full.notes
    if skipped > 0 { notes.append("\(skipped) open deals without a known stage left out") }
    func mean(_ metric: [Double]) -> Double {
      let column = full.column(metric, period: horizon.count - 1)
      return column.reduce(0, +) / Double(max(1, column.count))
    }
    return ForecastSample(
      trials: full.column(full.bookings, period: horizon.count - 1),
      dealWinProbabilities: probabilities, notes: notes,
      meanFromOpenPipeline: mean(full.fromOpenPipeline), meanFromNewDeals: mean(full.fromNewDeals))
  }
}
