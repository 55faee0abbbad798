import ArgumentParser
import CRMData
import Foundation
import PipelineModel
import Reports
import Simulation

/// `pipecast forecast`: the distribution of bookings per period by Monte Carlo simulation.
struct ForecastCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "forecast",
    abstract: "Simulate bookings per period: quantiles, won deals, chance of reaching a target.",
    discussion: """
      Simulates every open deal from its current stage and age, and (with --scope all) the deals
      still to be created, trial by trial, with the model's parameters drawn per block of trials.
      The same seed gives the same output whatever --threads is.

      Example:
        pipecast forecast --data Samples/demo-crm --horizon 2q --trials 10000 --target 2500000
      """
  )

  @OptionGroup var dataOptions: DataOptions
  @OptionGroup var periodOptions: PeriodOptions
  @OptionGroup var runOptions: RunOptions
  @OptionGroup var outputOptions: OutputOptions

  @Option(name: .long, help: "A model saved by `pipecast fit --output` (default: fit the data now).")
  var model: String?

  @Option(name: .long, help: "Number of simulated trials.")
  var trials: Int = 10_000

  @Option(name: .long, help: "all (open pipeline and deals yet to be created) or open.")
  var scope: SimulationScope = .all

  @Option(name: .long, help: "Split by owner, team, source or segment.")
  var by: GroupDimension?

  @Option(name: .long, help: "A bookings target per period: prints the probability of reaching it.")
  var target: Double?

  func validate() throws {
    guard trials >= 100, trials <= 10_000_000 else { throw ValidationError("--trials must be between 100 and 10,000,000") }
    if let target, !(target >= 0 && target.isFinite) { throw ValidationError("--target must be a non-negative amount") }
  }

  func run() throws {
    let loaded = try dataOptions.load()
    let folder = loaded.folder
    let progress = Progress()
    progress.update("fitting the model")
    let fitted = try ModelSource.model(path: model, folder: folder)
    let periods = try periodOptions.resolve(asOf: folder.asOf, calendar: dataOptions.calendar)
    progress.update("simulating \(trials) trials")
    let result = try Forecasting.forecast(
      model: fitted, folder: folder,
      options: SimulationOptions(
        periods: periods, trials: trials, seed: runOptions.seed, threads: runOptions.threadCount,
        scope: scope, groupBy: by),
      target: target)
    progress.finish()
    switch outputOptions.format {
    case .json: try outputOptions.emit(try JSONOutput.encode(result))
    case .csv: try outputOptions.emit(ForecastTable.csv(result))
    case .table: try outputOptions.emit(ForecastTable.render(result))
    }
  }
}

extension SimulationScope: ExpressibleByArgument {}
extension GroupDimension: ExpressibleByArgument {}
