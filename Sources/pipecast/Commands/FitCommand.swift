import ArgumentParser
import CRMData
import Foundation
import PipelineModel
import Reports

/// `pipecast fit`: fits the pipeline model and prints its one-screen summary.
struct FitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fit",
    abstract: "Fit the pipeline model from history (censoring-aware) and save it.",
    discussion: """
      Fits stage conversion and time in stage (open deals are censored, never dropped), cycle
      length, deal sizes, the lead funnel, reps' ramp-up and pooled win rates, close-date slip,
      expansion and churn (docs/MODEL.md). --output saves the versioned model file that forecast,
      backtest and whatif load with --model; the summary still goes to standard output.

      Example:
        pipecast fit --data Samples/demo-crm --output model.json
      """
  )

  @OptionGroup var dataOptions: DataOptions

  @Option(name: .long, help: "table or json (the model file's JSON) on standard output.")
  var format: OutputFormat = .table

  @Option(name: .long, help: "Save the model file here (atomically).")
  var output: String?

  func validate() throws {
    if format == .csv { throw ValidationError("fit prints table or json") }
  }

  func run() throws {
    let loaded = try dataOptions.load()
    let progress = Progress()
    progress.update("fitting the model")
    let model = try PipelineFitter().fit(folder: loaded.folder)
    progress.finish()
    let json = try model.jsonData()
    if let output {
      try AtomicFile.write(json, to: URL(fileURLWithPath: output))
    }
    let text: String
    switch format {
    case .json: text = String(decoding: json, as: UTF8.self)
    default: text = model.summaryLines.joined(separator: "\n")
    }
    FileHandle.standardOutput.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
  }
}
