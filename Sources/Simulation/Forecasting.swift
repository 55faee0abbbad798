import CRMData
import PipelineModel

/// The whole `pipecast forecast` job as a library call: simulate, summarise, and add what is
/// already booked in a period that has started.
public enum Forecasting {
  /// Simulates `model` over `options.periods` from the point-in-time `folder` and summarises.
  ///
  /// When the first period began on or before as-of, the deals already won in it (closed_on from
  /// the period start through as-of) are added to every trial's bookings and won-deal count of
  /// that period, and a note says how much: finance asks for the quarter's total, not its rest.
  /// Quantiles shift by that constant exactly, so nothing else changes.
  public static func forecast(
    model: FittedPipeline, folder: CRMFolder, options: SimulationOptions,
    adjustments: SimulationAdjustments = .identity, target: Double? = nil,
    periodTargets: [String: Double] = [:]
  ) throws(SimulationError) -> ForecastResult {
    let simulator = try PipelineSimulator(model: model, folder: folder, options: options)
    var trials = simulator.run(adjustments: adjustments)
    addBookedToDate(folder: folder, trials: &trials)
    return ForecastResult(
      trials: trials, target: target, quotas: folder.quotas ?? [], periodTargets: periodTargets)
  }

  /// Adds wins already closed in started periods to each trial's totals (company and groups).
  public static func addBookedToDate(folder: CRMFolder, trials: inout SimulationTrials) {
    guard let first = trials.periods.first, first.start <= folder.asOf else { return }
    var booked = 0.0
    var count = 0.0
    var byGroup = [Double](repeating: 0, count: trials.groupNames.count)
    var groupIndex: [String: Int] = [:]
    for (i, name) in trials.groupNames.enumerated() { groupIndex[name] = i }
    for deal in folder.deals where deal.status == .won {
      guard let closed = deal.closedOn?.day, first.contains(closed), closed <= folder.asOf else { continue }
      booked += deal.amount
      count += 1
      if let key = trials.groupKey(of: deal, in: folder), let g = groupIndex[key] { byGroup[g] += deal.amount }
    }
    guard count > 0 else { return }
    trials.addConstant(bookings: booked, wonDeals: count, groupBookings: byGroup, period: 0)
    trials.notes.append(
      "\(first.label) includes \(Int(booked.rounded())) already booked in \(Int(count)) won deals up to \(folder.asOf)")
  }
}
