import ArgumentParser
import CRMData
import Foundation
import FunnelAnalysis
import Reports

/// `pipecast funnel`: lead conversion and time from first contact to a win, per lead source or
/// month of first contact, with leads that have not won censored at the export date.
struct FunnelCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "funnel",
    abstract: "Lead conversion and time to win by source, with open leads censored (not lost).",
    discussion: """
      Follows each lead from first contact. A won deal is a win; a disqualified lead or a lost
      deal is a competing exit; every other lead is censored at the export date: it has gone
      that long without a win, which is not the same as lost. Reports wins/leads next to the
      cumulative incidence of a win by each horizon (1 − Kaplan–Meier when no lead is lost,
      Aalen–Johansen otherwise), and the days to win.

      Example:
        pipecast funnel --data crm --by source --horizons 30,90,180
      """
  )

  @OptionGroup var dataOptions: DataOptions
  @OptionGroup var outputOptions: OutputOptions

  @Option(name: .long, help: "Rows: source or month (of first contact).")
  var by: LeadGrouping = .source

  @Option(
    name: .long,
    help: "Days after first contact at which to report the win probability, comma-separated.")
  var horizons: String = "30,90,180"

  @Option(
    name: .customLong("min-leads"), help: "Pool groups with fewer leads into one row (0: keep all)."
  )
  var minLeads: Int = 0

  @Option(
    name: .customLong("contacted-from"),
    help: "Only leads first contacted on or after this day (YYYY-MM-DD).")
  var contactedFrom: String?

  @Option(
    name: .customLong("contacted-through"),
    help: "Only leads first contacted on or before this day (YYYY-MM-DD).")
  var contactedThrough: String?

  @Option(name: .long, help: "markdown: the table as a Markdown table (with --format table).")
  var style: String = "text"

  func validate() throws {
    guard parsedHorizons != nil else {
      throw ValidationError("--horizons must be positive whole days, ascending, e.g. 30,90,180")
    }
    guard minLeads >= 0 else { throw ValidationError("--min-leads must be 0 or more") }
    for (flag, value) in [
      ("--contacted-from", contactedFrom), ("--contacted-through", contactedThrough),
    ] {
      if let value, Day(value) == nil {
        throw ValidationError("\(flag) '\(value)' is not a date; expected YYYY-MM-DD")
      }
    }
    guard style == "text" || style == "markdown" else {
      throw ValidationError("--style must be text or markdown")
    }
  }

  var parsedHorizons: [Int]? {
    let parts = horizons.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
    let values = parts.map { $0! }
    return zip(values, values.dropFirst()).allSatisfy { $0 < $1 } ? values : nil
  }

  func run() throws {
    let loaded = try dataOptions.load()
    let result: LeadFunnelResult
    do {
      result = try LeadFunnel.analyze(
        folder: loaded.folder,
        options: LeadFunnelOptions(
          horizons: parsedHorizons!, grouping: by, minimumLeads: minLeads,
          contactedFrom: contactedFrom.flatMap { Day($0) },
          contactedThrough: contactedThrough.flatMap { Day($0) }))
    } catch let error as LeadFunnelError {
      switch error {
      case .noLeads: throw DataError(error.description)
      case .badHorizons: throw UsageError(error.description)
      }
    }
    switch outputOptions.format {
    case .json: try outputOptions.emit(try JSONOutput.encode(result))
    case .csv: try outputOptions.emit(FunnelTable.table(result).renderCSV())
    case .table:
      try outputOptions.emit(
        style == "markdown" ? FunnelTable.markdown(result) : FunnelTable.render(result))
    }
  }
}

extension LeadGrouping: ExpressibleByArgument {}
