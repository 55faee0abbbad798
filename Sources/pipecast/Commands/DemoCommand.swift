import ArgumentParser
import CRMData
import Foundation
import KPI
import PipelineModel
import Reports
import Simulation

/// `pipecast demo`: the main job on a folder: validate, KPIs, the fitted model and the forecast.
struct DemoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "demo",
    abstract: "Run the main job on a CRM folder: validation, KPIs, model, forecast.",
    discussion: """
      Prints, in order: what the folder holds, the KPIs of the last complete quarter, the fitted
      pipeline model, and the bookings forecast for the next two quarters against quota.

      Example:
        pipecast demo --data Samples/demo-crm
      """
  )

  @OptionGroup var dataOptions: DataOptions
  @OptionGroup var runOptions: RunOptions

  @Option(name: .long, help: "Trials for the forecast.")
  var trials: Int = 10_000

  func run() throws {
    let loaded = try dataOptions.load()
    let folder = loaded.folder
    section("1. Data")
    print(FolderSummary(loaded).table.render())

    let calendar = dataOptions.calendar
    let current = calendar.quarter(containing: folder.asOf)
    let lastComplete = current.end == folder.asOf.advanced(by: 1) ? current : current.previous
    section("2. KPIs, \(lastComplete.label)")
    let model = try PipelineFitter().fit(folder: folder)
    var request = KPIRequest(period: lastComplete)
    request.fittedWinProbability = Dictionary(
      model.stages.map { ($0.name, $0.winProbability) }, uniquingKeysWith: { a, _ in a })
    let report = KPIEngine.compute(folder: folder, request: request)
    print(KPITable.textTable(KPITable.summary(report)).render())

    section("3. Pipeline model (censoring-aware)")
    print(model.summaryLines.joined(separator: "\n"))

    section("4. Bookings forecast")
    let periods = [calendar.quarter(containing: folder.asOf.advanced(by: 1))]
      .flatMap { [$0, $0.next] }
    // Reps' quotas only: quotas.csv may also hold team quotas, which would count twice.
    let repIDs = Set((folder.reps ?? []).map(\.id))
    var quotas: [String: Double] = [:]
    for q in folder.quotas ?? [] where repIDs.contains(q.ownerID) && periods.contains(q.period) {
      quotas[q.period.label, default: 0] += q.amount
    }
    let forecast = try Forecasting.forecast(
      model: model, folder: folder,
      options: SimulationOptions(
        periods: periods, trials: trials, seed: runOptions.seed, threads: runOptions.threadCount),
      periodTargets: quotas)
    print(ForecastTable.render(forecast))
    for period in periods {
      if let quota = quotas[period.label] {
        print("target \(period.label): the sum of the reps' quotas, \(NumberFormatting.amount(quota))")
      }
    }
  }

  private func section(_ title: String) {
    print("\n== \(title) ==\n")
  }
}
