import ArgumentParser
import CRMData
import Reports

/// `pipecast validate`: checks a CRM folder against the data format and summarises it.
struct ValidateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "validate",
    abstract: "Check a CRM folder: every problem with file:line:column, exit 65 on errors.",
    discussion: """
      Errors (exit 65) name file, line and column and say how to fix them; warnings (things real
      CRMs do, like stage history going backwards) go to standard error and do not fail.

      Example:
        pipecast validate --data Samples/demo-crm
      """
  )

  @OptionGroup var dataOptions: DataOptions
  @OptionGroup var outputOptions: OutputOptions

  func run() throws {
    let loaded = try dataOptions.load(allWarnings: true)
    let summary = FolderSummary(loaded)
    switch outputOptions.format {
    case .json: try outputOptions.emit(try JSONOutput.encode(summary))
    case .csv: try outputOptions.emit(summary.table.renderCSV())
    case .table: try outputOptions.emit(summary.table.render())
    }
  }
}
