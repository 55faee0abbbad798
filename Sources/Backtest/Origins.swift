import CRMData

/// How often the backtest stands in the past and forecasts (`--origin`).
public enum OriginSchedule: String, Sendable, Codable, CaseIterable {
  /// One origin per target period: the day before it starts (lead 0).
  case periodStart = "period-start"
  /// The day before each month start inside the origin period (a quarter gets three origins).
  case monthly
  /// The day before each Monday inside the origin period (the period's first day always counts).
  case weekly
}

/// One point in the past to forecast from.
///
/// `asOf` is the last day whose data the forecast may use; `target` is the period scored. With
/// lead 0 the origin period is the target itself; with lead 1 it is the period before.
/// Origins inside the origin period (monthly, weekly) see part of it already booked.
public struct BacktestOrigin: Sendable, Hashable, Codable {
  /// Position in the run (0-based, in date order): with the run's seed it fixes the origin's seed.
  public var index: Int
  public var asOf: Day
  public var target: Period

  public init(index: Int, asOf: Day, target: Period) {
    self.index = index
    self.asOf = asOf
    self.target = target
  }

  /// The simulated horizon: the periods from the one containing the day after `asOf` through
  /// `target`, consecutive (what `SimulationOptions.periods` wants).
  public var horizon: [Period] {
    var first = target
    while first.start > asOf.advanced(by: 1) { first = first.previous }
    var periods = [first]
    while periods.last! != target { periods.append(periods.last!.next) }
    return periods
  }

  /// True when the target period started on or before `asOf` (monthly/weekly origins, lead 0):
  /// part of it is already booked and known.
  public var isInsideTarget: Bool { target.start <= asOf }
}

extension BacktestOrigin {
  /// The origins for target periods `first` … `last` (same length), in date order.
  ///
  /// For each target period P the origin period is P (lead 0) or P.previous (lead 1). Its origin
  /// days are the last day before it starts (`period-start`), plus the last day before each later
  /// month start (`monthly`) or each later Monday (`weekly`) inside it. As-of = that day.
  public static func schedule(
    from first: Period, through last: Period, schedule: OriginSchedule, lead: Int
  ) -> [BacktestOrigin] {
    precondition(lead == 0 || lead == 1, "lead must be 0 or 1")
    precondition(first.length == last.length, "from and to must be periods of the same length")
    var result: [BacktestOrigin] = []
    var target = first
    while target.start <= last.start {
      let originPeriod = lead == 0 ? target : target.previous
      var starts = [originPeriod.start]
      switch schedule {
      case .periodStart:
        break
      case .monthly:
        var m = originPeriod.start
        while true {
          let (y, mo, _) = m.components
          m = Day(year: y + mo / 12, month: mo % 12 + 1, day: 1)!
          guard m < originPeriod.end else { break }
          starts.append(m)
        }
      case .weekly:
        var d = originPeriod.start.startOfWeek.advanced(by: 7)
        while d < originPeriod.end {
          starts.append(d)
          d = d.advanced(by: 7)
        }
      }
      for s in starts {
        result.append(BacktestOrigin(index: result.count, asOf: s.advanced(by: -1), target: target))
      }
      target = target.next
    }
    return result
  }
}
