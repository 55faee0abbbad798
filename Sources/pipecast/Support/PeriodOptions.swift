import ArgumentParser
import CRMData
import Foundation

/// Which periods to forecast: an explicit list or a horizon counted from as-of.
struct PeriodOptions: ParsableArguments {
  @Option(name: .long, help: "Comma-separated periods, e.g. 2026-Q3,2026-Q4 or 2026-07,2026-08.")
  var periods: String?

  @Option(name: .long, help: "Horizon from as-of: a number of quarters or months, e.g. 2q or 6m.")
  var horizon: String = "2q"

  func validate() throws {
    if periods == nil, parseHorizon(horizon) == nil {
      throw ValidationError("--horizon '\(horizon)' must look like 2q or 6m")
    }
  }

  func parseHorizon(_ text: String) -> (count: Int, length: Period.Length)? {
    let lower = text.lowercased()
    guard let unit = lower.last, let count = Int(lower.dropLast()), count >= 1, count <= 40 else { return nil }
    switch unit {
    case "q": return (count, .quarter)
    case "m": return (count, .month)
    default: return nil
    }
  }

  /// The periods to forecast. Without `--periods`: the period containing the day after as-of
  /// and the ones after it.
  func resolve(asOf: Day, calendar: FiscalCalendar) throws -> [Period] {
    if let periods {
      var result: [Period] = []
      for label in periods.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
        guard let period = calendar.period(label) else {
          throw UsageError("--periods: '\(label)' is not a period; expected YYYY-Qn or YYYY-MM")
        }
        result.append(period)
      }
      result.sort()
      for (a, b) in zip(result, result.dropFirst()) where a.next != b {
        throw UsageError("--periods must be consecutive periods of one length (\(a.label) then \(b.label))")
      }
      guard let last = result.last, last.end > asOf.advanced(by: 1) else {
        throw UsageError("--periods must end after the as-of date \(asOf)")
      }
      return result
    }
    let (count, length) = parseHorizon(horizon)!
    var period = calendar.period(length, containing: asOf.advanced(by: 1))
    var result: [Period] = []
    for _ in 0..<count {
      result.append(period)
      period = period.next
    }
    return result
  }
}
