import CRMData

/// Inspection: the weekly questions a forecast alone does not answer.
///
/// - `DealInspector` (`pipecast deals`): every open deal with its age in stage against the
///   stage's fitted median and P90, its age-conditioned probabilities of winning within the
///   period and ever (`WinTiming`, deterministic numerical integration of the fitted model),
///   its expected contribution, CRM facts (close date, slips, activity, next step, forecast
///   category) and plain-language risk flags.
/// - `ForecastBridge` (`pipecast bridge`): how the period's expected bookings moved between two
///   point-in-time dates, as a waterfall whose parts sum exactly to the change.
/// - `CommitCall`: the reps' commit call at an origin against what closed, per rep and team.
///
/// Imports CRMData, Statistics, PipelineModel and Simulation. See docs/INSPECTION.md.
public enum InspectionModule {}

/// What can go wrong inspecting deals or bridging two dates.
public enum InspectionError: Error, Equatable, CustomStringConvertible, Sendable {
  /// The period ends on or before the as-of date: nothing is left to forecast in it.
  case periodOver(period: String, asOf: Day)
  /// The bridge's dates are not in order, or lie after the export.
  case datesOutOfOrder(from: Day, to: Day)
  case dateAfterExport(date: Day, export: Day)
  /// The model has no stage to place deals in.
  case noStages

  public var description: String {
    switch self {
    case .periodOver(let period, let asOf):
      return "period \(period) ends on or before the as-of date \(asOf): choose a later --period"
    case .datesOutOfOrder(let from, let to):
      return "--from \(from) must be before --to \(to)"
    case .dateAfterExport(let date, let export):
      return "\(date) is after the export date \(export): the data does not know it yet"
    case .noStages:
      return "the fitted model has no open stage: nothing to place open deals in"
    }
  }
}
