import ArgumentParser
import CRMData
import Inspection
import PipelineModel
import Reports

/// `pipecast deals`: every open deal, what the model expects of it, and why to look at it.
struct DealsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "deals",
    abstract: "Inspect open deals: age in stage, age-conditioned probabilities, risk flags.",
    discussion: """
      Fits the model on the data as of --as-of, then lists every open deal: age in stage against
      the stage's fitted median and P90, P(won within the period) and P(ever won) given its age
      (deterministic numerical integration, docs/INSPECTION.md), expected contribution and share
      of the period's simulated P50, CRM close date against the model's median close date, close
      date slips, days since the last activity, next step, the rep's forecast category and risk
      flags. --sort risk orders by attention = amount × (P(period) had the deal just entered
      its stage − P(period)): the period's expected bookings lost to its age in stage.

      Example:
        pipecast deals --data Samples/demo-crm --sort risk --limit 10
      """
  )

  @OptionGroup var dataOptions: DataOptions
  @OptionGroup var outputOptions: OutputOptions
  @OptionGroup var runOptions: RunOptions

  @Option(
    name: .long, help: "The period, YYYY-Qn or YYYY-MM. Default: the quarter after as-of's end.")
  var period: String?

  @Option(name: .long, help: "Only deals owned by this rep.")
  var owner: String?

  @Option(name: .long, help: "Only deals owned by reps of this team (reps.csv).")
  var team: String?

  @Option(name: .long, help: "risk, value, probability or expected (all descending).")
  var sort: DealSort = .risk

  @Option(name: .long, help: "Show at most this many deals.")
  var limit: Int?

  @Option(
    name: .customLong("quiet-days"), help: "gone_quiet after this many days without activity.")
  var quietDays: Int = 21

  @Option(
    name: .customLong("slips-for-flag"),
    help: "slipped_repeatedly from this many close-date pushes.")
  var slipsForFlag: Int = 2

  @Option(
    name: .customLong("large-amount"),
    help: "Large deal from this amount (default: P80 of open amounts).")
  var largeAmount: Double?

  @Option(
    name: .customLong("low-probability"), help: "large_low_probability below this P(ever), 0-1.")
  var lowProbability: Double = 0.2

  @Option(name: .long, help: "Simulation trials for the period's P50 (0: skip the share of P50).")
  var trials: Int = 2_000

  func validate() throws {
    if owner != nil && team != nil { throw ValidationError("use --owner or --team, not both") }
    if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    if quietDays < 1 { throw ValidationError("--quiet-days must be at least 1") }
    if slipsForFlag < 1 { throw ValidationError("--slips-for-flag must be at least 1") }
    if !(0...1).contains(lowProbability) {
      throw ValidationError("--low-probability must be in 0...1")
    }
    if trials < 0 { throw ValidationError("--trials must not be negative") }
  }

  func run() throws {
    let calendar = dataOptions.calendar
    var chosen: Period? = nil
    if let period {
      guard let p = calendar.period(period) else {
        throw UsageError("--period '\(period)' is not a period; expected YYYY-Qn or YYYY-MM")
      }
      chosen = p
    }
    let folder = try dataOptions.load().folder
    let target = chosen ?? calendar.quarter(containing: folder.asOf.advanced(by: 1))
    let model: FittedPipeline
    do {
      model = try PipelineFitter().fit(folder: folder)
    } catch {
      throw DataError(error.description)
    }
    var p50: Double? = nil
    if trials > 0 {
      p50 = try DealInspector.periodP50(
        model: model, folder: folder, period: target, trials: trials, seed: runOptions.seed,
        threads: runOptions.threadCount)
    }
    var options = DealInspectionOptions(period: target)
    options.quietDays = quietDays
    options.slipsForFlag = slipsForFlag
    options.largeAmount = largeAmount
    options.lowProbability = lowProbability
    var report: DealInspection
    do {
      report = try DealInspector.inspect(
        folder: folder, model: model, options: options, periodP50: p50)
    } catch {
      throw UsageError(error.description)
    }
    if let owner { report = report.filtered(owners: [owner]) }
    if let team {
      let members = Set((folder.reps ?? []).filter { $0.team == team }.map(\.id))
      if members.isEmpty {
        throw UsageError("--team '\(team)': no rep of reps.csv is in that team")
      }
      report = report.filtered(owners: members)
    }
    report = report.sorted(by: sort)
    if let limit { report = report.prefix(limit) }
    switch outputOptions.format {
    case .json: try outputOptions.emit(try JSONOutput.encode(report))
    case .csv: try outputOptions.emit(DealsTable.csv(report))
    case .table: try outputOptions.emit(DealsTable.render(report))
    }
  }
}

extension DealSort: ExpressibleByArgument {}
