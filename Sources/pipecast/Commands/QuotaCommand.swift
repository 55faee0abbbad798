import ArgumentParser
import CRMData
import Foundation
import PipelineModel
import Reports
import Scenarios
import Simulation

/// `pipecast quota`: quotas each rep and team reach with a stated probability.
struct QuotaCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "quota",
    abstract: "Quotas reached with a stated probability, per rep and team, and the gap to a target.",
    discussion: """
      A rep's quota is the (1 − confidence) quantile of its simulated bookings in the period
      (tenure and ramp-up aware). Team and company figures come from their own simulated totals:
      quantiles do not add. With --company-target: the gap, a reverse funnel (leads, meetings and
      opportunities by source needed) and the AEs to hire to reach it with the same confidence.

      Example:
        pipecast quota --data Samples/demo-crm --period 2026-Q2 --confidence 0.6 --company-target 5000000
      """
  )

  @OptionGroup var dataOptions: DataOptions
  @OptionGroup var runOptions: RunOptions
  @OptionGroup var outputOptions: OutputOptions

  @Option(name: .long, help: "The quota period, YYYY-Qn or YYYY-MM.")
  var period: String

  @Option(name: .long, help: "Chance of reaching the quota, in (0, 1).")
  var confidence: Double = 0.6

  @Option(name: .long, help: "owner or team.")
  var by: String = "owner"

  @Option(name: .customLong("company-target"), help: "Company bookings target for the period.")
  var companyTarget: Double?

  @Option(name: .long, help: "A fitted model file (pipecast fit); default: fit the data.")
  var model: String?

  @Option(name: .long, help: "Monte Carlo trials.")
  var trials: Int = 2_000

  func validate() throws {
    guard confidence > 0 && confidence < 1 else { throw ValidationError("--confidence must be between 0 and 1") }
    guard by == "owner" || by == "team" else { throw ValidationError("--by must be owner or team") }
    if let companyTarget, !(companyTarget > 0) { throw ValidationError("--company-target must be positive") }
    if trials < 1 { throw ValidationError("--trials must be at least 1") }
  }

  func run() throws {
    guard let p = dataOptions.calendar.period(period) else {
      throw UsageError("--period '\(period)' is not a period; expected YYYY-Qn or YYYY-MM")
    }
    let folder = try dataOptions.load().folder
    guard p.end > folder.asOf.advanced(by: 1) else {
      throw UsageError("--period \(period) ends before the as-of date \(folder.asOf)")
    }
    let fitted: FittedPipeline
    if let model {
      do { fitted = try FittedPipeline.load(from: URL(fileURLWithPath: model)) } catch {
        throw DataError("\(model): \(error)")
      }
    } else {
      fitted = try PipelineFitter().fit(folder: folder)
    }
    let request = QuotaRequest(
      period: p, confidence: confidence, by: by == "team" ? .team : .owner,
      companyTarget: companyTarget, trials: trials, seed: runOptions.seed,
      threads: runOptions.threadCount)
    let plan = try QuotaPlanner.plan(model: fitted, folder: folder, request: request, calendar: dataOptions.calendar)
    switch outputOptions.format {
    case .json: try outputOptions.emit(try JSONOutput.encode(plan))
    case .csv:
      var t = TextTable(headers: ["group", "team", "quota", "bookings_mean", "bookings_p10", "bookings_p50", "bookings_p90"])
      for l in (by == "team" ? plan.teams : plan.lines) {
        t.append([l.group, l.team ?? ""] + [l.quota, l.bookings.mean, l.bookings.p10, l.bookings.p50, l.bookings.p90].map { String($0) })
      }
      try outputOptions.emit(t.renderCSV())
    case .table: try outputOptions.emit(ScenarioTables.quota(plan, byTeam: by == "team"))
    }
  }
}
