import ArgumentParser
import CRMData
import Foundation
import PipelineModel
import Reports
import Scenarios
import Simulation

/// `pipecast whatif`: the baseline forecast and each scenario with common random numbers.
struct WhatIfCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "whatif",
    abstract: "Forecast what-if scenarios against the baseline (Scenarios/README.md).",
    discussion: """
      Every scenario is simulated with the same random streams as the baseline, so the per-trial
      differences are precise with few trials. --sensitivity moves each lever by a standard step
      and ranks them (tornado).

      Example:
        pipecast whatif Scenarios/hire-two-aes.yaml --data Samples/demo-crm --horizon 2q
      """
  )

  @Argument(help: "Scenario YAML files.")
  var scenarios: [String] = []

  @OptionGroup var dataOptions: DataOptions
  @OptionGroup var periodOptions: PeriodOptions
  @OptionGroup var runOptions: RunOptions
  @OptionGroup var outputOptions: OutputOptions

  @Option(name: .long, help: "A fitted model file (pipecast fit); default: fit the data.")
  var model: String?

  @Option(name: .long, help: "Monte Carlo trials.")
  var trials: Int = 2_000

  @Flag(name: .long, help: "Move each lever by a standard step and rank the effects.")
  var sensitivity = false

  func validate() throws {
    if scenarios.isEmpty && !sensitivity { throw ValidationError("give scenario files or --sensitivity") }
    if trials < 1 { throw ValidationError("--trials must be at least 1") }
  }

  func run() throws {
    var parsed: [Scenario] = []
    var problems: [ScenarioDiagnostic] = []
    for path in scenarios {
      guard FileManager.default.fileExists(atPath: path) else { throw UsageError("scenario file '\(path)' not found") }
      do { parsed.append(try ScenarioParser.load(contentsOf: URL(fileURLWithPath: path))) } catch {
        if case .unreadable = error { throw DataError(error.description) }
        problems += error.diagnostics
      }
    }
    if !problems.isEmpty { throw DataError(ScenarioError.invalid(problems).description.replacingOccurrences(of: ": error: ", with: ": ")) }
    let folder = try dataOptions.load().folder
    let fitted: FittedPipeline
    if let model {
      do { fitted = try FittedPipeline.load(from: URL(fileURLWithPath: model)) } catch {
        throw DataError("\(model): \(error)")
      }
    } else {
      fitted = try PipelineFitter().fit(folder: folder)
    }
    let periods = try periodOptions.resolve(asOf: folder.asOf, calendar: dataOptions.calendar)
    let options = SimulationOptions(
      periods: periods, trials: trials, seed: runOptions.seed, threads: runOptions.threadCount)
    if sensitivity {
      let result = try Sensitivity.run(model: fitted, folder: folder, options: options)
      switch outputOptions.format {
      case .json: try outputOptions.emit(try JSONOutput.encode(result))
      case .csv, .table: try outputOptions.emit(ScenarioTables.tornado(result))
      }
      return
    }
    let result: WhatIfResult
    do {
      result = try WhatIf.run(model: fitted, folder: folder, scenarios: parsed, options: options)
    } catch let error as ScenarioError {
      throw DataError(error.description)
    }
    switch outputOptions.format {
    case .json: try outputOptions.emit(try JSONOutput.encode(result))
    case .csv: try outputOptions.emit(ScenarioTables.whatIfCSV(result))
    case .table: try outputOptions.emit(ScenarioTables.whatIf(result))
    }
  }
}
