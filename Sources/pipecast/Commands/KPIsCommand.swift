import ArgumentParser
import CRMData
import KPI
import Reports

/// `pipecast kpis`: the KPI catalogue for a period, optionally broken down.
struct KPIsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "kpis",
    abstract: "The KPIs a sales chief steers by, for a period (docs/KPI-CATALOGUE.md).",
    discussion: """
      Default period: the fiscal quarter containing as-of (to date). Deals count in the period
      they closed in (won and lost) or were created in (pipeline creation); open deals are never
      counted as lost.

      Example:
        pipecast kpis --data Samples/demo-crm --period 2025-Q3 --by owner
      """
  )

  @OptionGroup var dataOptions: DataOptions
  @OptionGroup var outputOptions: OutputOptions

  @Option(name: .long, help: "One period, YYYY-Qn or YYYY-MM.")
  var period: String?

  @Option(name: .long, help: "First period of a range (with --to).")
  var from: String?

  @Option(name: .long, help: "Last period of a range (with --from).")
  var to: String?

  @Option(name: .long, help: "Break down by owner, team, source, segment, type or role.")
  var by: KPIDimension?

  @Option(name: .customLong("north-star"), help: "active_customers, bookings, won_deals or new_customers.")
  var northStar: NorthStarMetric = .activeCustomers

  func validate() throws {
    if period != nil && (from != nil || to != nil) {
      throw ValidationError("use --period or --from/--to, not both")
    }
    if (from == nil) != (to == nil) { throw ValidationError("--from and --to go together") }
  }

  func run() throws {
    let calendar = dataOptions.calendar
    func parse(_ label: String, _ flag: String) throws -> Period {
      guard let p = calendar.period(label) else {
        throw UsageError("\(flag) '\(label)' is not a period; expected YYYY-Qn or YYYY-MM")
      }
      return p
    }
    var request = KPIRequest(by: by, northStar: northStar)
    if let period {
      let p = try parse(period, "--period")
      request.from = p
      request.to = p
    } else if let from, let to {
      request.from = try parse(from, "--from")
      request.to = try parse(to, "--to")
      if request.to! < request.from! { throw UsageError("--to must not be before --from") }
    }
    let loaded = try dataOptions.load()
    let report = KPIEngine.compute(folder: loaded.folder, request: request)
    switch outputOptions.format {
    case .json:
      try outputOptions.emit(try JSONOutput.encode(report))
    case .csv:
      try outputOptions.emit(KPITable.textTable(KPITable.summary(report)).renderCSV())
    case .table:
      var text = KPITable.textTable(
        KPITable.summary(report), title: "KPIs for \(report.period) (as of \(report.asOf))"
      ).render()
      if by != nil {
        text += "\n" + KPITable.textTable(KPITable.breakdown(report), title: "Ranked by bookings").render()
      }
      try outputOptions.emit(text)
    }
  }
}

extension KPIDimension: ExpressibleByArgument {}
extension NorthStarMetric: ExpressibleByArgument {}
