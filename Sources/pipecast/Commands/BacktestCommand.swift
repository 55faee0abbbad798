import ArgumentParser
import Backtest
import CRMData
import Foundation
import Reports

/// `pipecast backtest`: forecasts at past dates with only what was known then, scored against
/// what happened and against the baselines people use today.
struct BacktestCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "backtest",
    abstract: "Score point-in-time forecasts against actual bookings and the usual baselines.",
    discussion: """
      For each origin the CRM is rebuilt as it stood that day (nothing later leaks in), the model
      is refitted, the target period is forecast, and the result is scored with the CRM weighted
      pipeline, the fitted weighted pipeline, commit, run rate and seasonal naive on the same
      origins (docs/BACKTEST.md). Default range: the last eight complete quarters.

      Example:
        pipecast backtest --data Samples/demo-crm --from 2024-Q1 --to 2025-Q4 --trials 2000
      """
  )

  @OptionGroup var dataOptions: DataOptions
  @OptionGroup var runOptions: RunOptions
  @OptionGroup var outputOptions: OutputOptions

  @Option(name: .long, help: "First target period (YYYY-Qn or YYYY-MM).")
  var from: String?

  @Option(name: .long, help: "Last target period.")
  var to: String?

  @Option(name: .long, help: "period-start, monthly or weekly origins.")
  var origin: OriginSchedule = .periodStart

  @Option(name: .long, help: "0: forecast the period starting at the origin; 1: the one after.")
  var lead: Int = 0

  @Option(name: .long, help: "Simulated trials per origin.")
  var trials: Int = 2_000

  func validate() throws {
    guard lead == 0 || lead == 1 else { throw ValidationError("--lead must be 0 or 1") }
    guard trials >= 100, trials <= 1_000_000 else { throw ValidationError("--trials must be between 100 and 1,000,000") }
    if (from == nil) != (to == nil) { throw ValidationError("--from and --to go together") }
  }

  func run() throws {
    let loaded = try dataOptions.load()
    let folder = loaded.folder
    let calendar = dataOptions.calendar
    let first: Period
    let last: Period
    if let from, let to {
      guard let f = calendar.period(from), let t = calendar.period(to) else {
        throw UsageError("--from/--to must be periods like 2024-Q1 or 2024-01")
      }
      (first, last) = (f, t)
    } else {
      let current = calendar.quarter(containing: folder.asOf)
      last = current.end == folder.asOf.advanced(by: 1) ? current : current.previous
      first = (0..<7).reduce(last) { p, _ in p.previous }
    }
    guard last.end <= folder.asOf.advanced(by: 1) else {
      throw UsageError("--to \(last.label) has not ended by the data's as-of date \(folder.asOf): there is nothing to score yet")
    }
    let progress = Progress()
    let result = try Backtest(
      options: BacktestOptions(
        from: first, to: last, schedule: origin, lead: lead, trials: trials, seed: runOptions.seed,
        threads: runOptions.threadCount)
    ).run(folder: folder, forecaster: PipecastForecaster()) { done, total in
      progress.update("origin \(done) of \(total)")
    }
    progress.finish()
    switch outputOptions.format {
    case .json: try outputOptions.emit(try JSONOutput.encode(result))
    case .csv: try outputOptions.emit(BacktestTable.origins(result).renderCSV())
    case .table: try outputOptions.emit(BacktestTable.render(result))
    }
  }
}

extension OriginSchedule: ExpressibleByArgument {}
