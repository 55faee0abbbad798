import CRMData

/// Backtest: rebuilds the CRM as it stood at past origins, forecasts with only what was known
/// then, and scores Pipecast and the usual baselines against what happened.
///
/// Imports CRMData, Statistics, PipelineModel and Simulation.
public enum BacktestModule {}

/// Why a backtest cannot run.
public enum BacktestError: Error, Equatable, CustomStringConvertible {
  case invalidLead(Int)
  case invalidTrials(Int)
  case invalidThreads(Int)
  case periodLengthsDiffer(from: String, to: String)
  case periodsOutOfOrder(from: String, to: String)
  /// No origin has both history before it and a complete target period after it.
  case noUsableOrigins(firstData: String?, exportDate: String)
  /// The forecaster failed at an origin.
  case forecastFailed(asOf: String, period: String, reason: String)

  public var description: String {
    switch self {
    case .invalidLead(let l): return "--lead must be 0 or 1 (got \(l))"
    case .invalidTrials(let n): return "--trials must be at least 1 (got \(n))"
    case .invalidThreads(let n): return "--threads must be at least 1 (got \(n))"
    case .periodLengthsDiffer(let a, let b):
      return "--from \(a) and --to \(b) must both be months or both quarters"
    case .periodsOutOfOrder(let a, let b): return "--from \(a) is after --to \(b)"
    case .noUsableOrigins(let first, let export):
      return "no origin between the first deal (\(first ?? "none")) and the export date "
        + "(\(export)) has a complete target period: choose --from/--to inside the data"
    case .forecastFailed(let asOf, let period, let reason):
      return "forecast as of \(asOf) for \(period) failed: \(reason)"
    }
  }
}
