import ArgumentParser
import CRMData
import Foundation
import Inspection
import PipelineModel
import Reports

/// `pipecast bridge`: why the period's expected bookings moved between two dates.
struct BridgeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bridge",
    abstract: "The forecast waterfall between two as-of dates: won, lost, slipped, moves, refit.",
    discussion: """
      Fits the model at --from and at --to, each on its own point-in-time view, and attributes
      the change of the period's expected bookings (booked + Σ amount × P(won in the rest of the
      period)) sequentially: won, lost, slipped, pulled in, time passing, stage moves, amount
      changes, owner changes, new deals, model refit. The lines sum exactly to the change; each
      line's change is given the lines above it (docs/INSPECTION.md).

      Example:
        pipecast bridge --data Samples/demo-crm --from 2025-12-01 --to 2025-12-08
      """
  )

  @Option(name: .long, help: "The CRM folder (CSV files in the canonical format).")
  var data: String

  @Option(name: .long, help: "The earlier as-of date, YYYY-MM-DD.")
  var from: String

  @Option(name: .long, help: "The later as-of date, YYYY-MM-DD (at most the export date).")
  var to: String

  @Option(name: .long, help: "The period, YYYY-Qn or YYYY-MM. Default: the quarter after --from.")
  var period: String?

  @Option(name: .customLong("fiscal-year-start"), help: "First month of the fiscal year, 01-12.")
  var fiscalYearStart: Int = 1

  @Option(name: .long, help: "Top movers listed per line.")
  var top: Int = 5

  @OptionGroup var outputOptions: OutputOptions

  func validate() throws {
    guard Day(from) != nil else {
      throw ValidationError("--from '\(from)' is not a date; expected YYYY-MM-DD")
    }
    guard Day(to) != nil else {
      throw ValidationError("--to '\(to)' is not a date; expected YYYY-MM-DD")
    }
    guard FiscalCalendar(startMonth: fiscalYearStart) != nil else {
      throw ValidationError("--fiscal-year-start must be a month from 01 to 12")
    }
    if top < 0 { throw ValidationError("--top must not be negative") }
  }

  func run() throws {
    let calendar = FiscalCalendar(startMonth: fiscalYearStart)!
    let fromDay = Day(from)!
    let toDay = Day(to)!
    var target = calendar.quarter(containing: fromDay.advanced(by: 1))
    if let period {
      guard let p = calendar.period(period) else {
        throw UsageError("--period '\(period)' is not a period; expected YYYY-Qn or YYYY-MM")
      }
      target = p
    }
    let progress = Progress()
    progress.update("reading \(data)")
    let loaded = try CRMFolderLoader.load(
      at: URL(fileURLWithPath: data), options: LoadOptions(calendar: calendar))
    progress.finish()
    for warning in loaded.warnings { StandardError.write(warning.description) }
    let report: BridgeReport
    do {
      report = try ForecastBridge.compute(
        folder: loaded.folder, from: fromDay, to: toDay, period: target, top: top)
    } catch let error as InspectionError {
      throw UsageError(error.description)
    } catch let error as PipelineModelError {
      throw DataError(error.description)
    }
    switch outputOptions.format {
    case .json: try outputOptions.emit(try JSONOutput.encode(report))
    case .csv: try outputOptions.emit(BridgeTable.csv(report))
    case .table: try outputOptions.emit(BridgeTable.render(report))
    }
  }
}
