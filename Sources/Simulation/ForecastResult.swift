import CRMData
import Foundation
import Statistics

/// Mean and quantiles of one simulated quantity across trials.
///
/// Quantiles are Hyndman & Fan type 7 (linear interpolation between order statistics, R's and
/// numpy's default) of the trial values. Group and company figures are each taken from their own
/// simulated totals: quantiles do not add (METHODS.md).
public struct DistributionSummary: Codable, Sendable, Equatable {
  public var mean: Double
  public var p5: Double
  public var p10: Double
  public var p25: Double
  public var p50: Double
  public var p75: Double
  public var p90: Double
  public var p95: Double

  public static let levels = [0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95]

  public init(values: [Double]) {
    let finite = values.map { $0.isFinite ? $0 : 0 }
    let sorted = finite.sorted()
    mean = sorted.isEmpty ? 0 : finite.reduce(0, +) / Double(finite.count)
    let q = Self.levels.map { Self.quantile(sorted: sorted, $0) }
    (p5, p10, p25, p50, p75, p90, p95) = (q[0], q[1], q[2], q[3], q[4], q[5], q[6])
  }

  /// Type-7 quantile of already sorted values (0 when empty).
  public static func quantile(sorted: [Double], _ level: Double) -> Double {
    sorted.isEmpty ? 0 : Quantiles.type7(sorted: sorted, level)
  }
}

/// One period's forecast: bookings, won deals and the split between today's pipeline and deals
/// yet to be created, with the probability of reaching the target when one is set.
public struct PeriodForecast: Encodable, Sendable, Equatable {
  public var period: String
  public var bookings: DistributionSummary
  public var wonDeals: DistributionSummary
  public var fromOpenPipeline: DistributionSummary
  public var fromNewDeals: DistributionSummary
  /// The target (`--target`, or the group's quota) and the share of trials reaching it.
  public var target: Double?
  public var probabilityOfTarget: Double?

  enum CodingKeys: String, CodingKey {
    case period, bookings, target
    case wonDeals = "won_deals", fromOpenPipeline = "from_open_pipeline"
    case fromNewDeals = "from_new_deals", probabilityOfTarget = "probability_of_target"
  }
}

/// The forecast of one `--by` group.
public struct GroupForecast: Encodable, Sendable, Equatable {
  public var group: String
  public var periods: [PeriodForecast]
}

/// What `pipecast forecast` reports (`--format json` encodes this with sorted keys).
public struct ForecastResult: Encodable, Sendable, Equatable {
  public var asOf: Day
  public var trials: Int
  public var seed: UInt64
  public var scope: SimulationScope
  public var by: GroupDimension?
  public var periods: [PeriodForecast]
  /// One entry per group, sorted by name; nil without `--by`.
  public var groups: [GroupForecast]?
  public var notes: [String]

  enum CodingKeys: String, CodingKey {
    case asOf = "as_of", trials, seed, scope, by, periods, groups, notes
  }

  /// Summarises `trials`.
  /// - Parameters:
  ///   - target: bookings target applied to every period's company total.
  ///   - quotas: per-group targets (a quota whose owner id is the group's name and whose period is
  ///     the forecast period), giving each group its probability of reaching quota.
  ///   - periodTargets: a target per period label, overriding `target` for that period.
  public init(
    trials t: SimulationTrials, target: Double? = nil, quotas: [Quota] = [],
    periodTargets: [String: Double] = [:]
  ) {
    asOf = t.asOf
    trials = t.trials
    seed = t.seed
    scope = t.scope
    by = t.groupBy
    notes = t.notes
    /// columns: bookings, won deals, from open pipeline, from new deals (values across trials).
    func forecast(_ p: Int, _ columns: [[Double]], target: Double?) -> PeriodForecast {
      let bookings = columns[0]
      return PeriodForecast(
        period: t.periods[p].label, bookings: DistributionSummary(values: bookings),
        wonDeals: DistributionSummary(values: columns[1]),
        fromOpenPipeline: DistributionSummary(values: columns[2]),
        fromNewDeals: DistributionSummary(values: columns[3]),
        target: target,
        probabilityOfTarget: target.map { goal in
          Double(bookings.filter { $0 >= goal }.count) / Double(max(1, bookings.count))
        })
    }
    periods = t.periods.indices.map { p in
      forecast(
        p,
        [t.bookings, t.wonDeals, t.fromOpenPipeline, t.fromNewDeals].map { t.column($0, period: p) },
        target: periodTargets[t.periods[p].label] ?? target)
    }
    if t.groupBy != nil {
      groups = t.groupNames.enumerated().map { g, name in
        GroupForecast(
          group: name,
          periods: t.periods.indices.map { p in
            let label = t.periods[p].label
            let quota = quotas.first { $0.ownerID == name && $0.period.label == label }?.amount
            let total = t.groupColumn(t.groupBookings, group: g, period: p)
            let open = t.groupColumn(t.groupFromOpenPipeline, group: g, period: p)
            // New = total − open per trial (clamped: the two sums round differently).
            let new = zip(total, open).map { max(0, $0 - $1) }
            return forecast(
              p, [total, t.groupColumn(t.groupWonDeals, group: g, period: p), open, new],
              target: quota)
          })
      }
    } else {
      groups = nil
    }
  }
}
