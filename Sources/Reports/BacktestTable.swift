import Backtest
import CRMData

/// The `--format table` (and `csv`) output of `pipecast backtest`: a row per origin, a summary
/// ranking the methods, Pipecast's distribution scores, and the stage calibration.
public enum BacktestTable {
  /// One row per origin: as-of, period, actual, Pipecast mean and P10–P90, each baseline.
  public static func origins(_ result: BacktestResult) -> TextTable {
    var table = TextTable(
      title: "Backtest: \(result.origins.count) origins, \(result.settings.from) … "
        + "\(result.settings.to), origin \(result.settings.origin), lead \(result.settings.lead), "
        + "\(result.settings.trials) trials",
      headers: ["as of", "period", "actual", "Pipecast", "P10", "P90"]
        + BacktestMethod.baselines.map(\.title),
      alignments: [.left, .left]
        + Array(repeating: .right, count: 4 + BacktestMethod.baselines.count))
    for o in result.origins {
      table.append(
        [
          o.asOf.description, o.period, NumberFormatting.amount(o.actual),
          NumberFormatting.amount(o.forecast.mean), NumberFormatting.amount(o.forecast.p10),
          NumberFormatting.amount(o.forecast.p90),
        ]
          + BacktestMethod.baselines.map { NumberFormatting.amount(o.baselines.value(of: $0)) })
    }
    return table
  }

  /// The methods ranked by WAPE, with MAPE, bias, bias share and RMSE; Pipecast's CRPS in the
  /// footnotes with coverage and widths (CRPS is in currency: compare it with the baselines' mean
  /// absolute error, which is the CRPS of a point forecast).
  public static func summary(_ result: BacktestResult) -> TextTable {
    var table = TextTable(
      title: "Methods ranked by WAPE (lower is better)",
      headers: [
        "rank", "method", "WAPE", "MAPE", "bias (MPE)", "bias share", "RMSE", "MAE/CRPS", "origins",
      ],
      alignments: [.right, .left] + Array(repeating: .right, count: 7))
    let n = Double(max(1, result.origins.count))
    for (rank, m) in result.ranking.enumerated() {
      let s = result.summary[m]!
      // A point forecast's CRPS is its absolute error, so MAE and Pipecast's CRPS compare directly.
      let mae: Double? =
        m == .pipecast
        ? s.distribution?.crps
        : (s.point.origins == result.origins.count
          ? result.origins.compactMap { o in o.value(of: m).map { abs($0 - o.actual) } }
            .reduce(0, +) / n
          : nil)
      table.append([
        String(rank + 1), m.rawValue, NumberFormatting.percent(s.point.wape),
        NumberFormatting.percent(s.point.mape), NumberFormatting.percent(s.point.bias),
        NumberFormatting.percent(s.point.biasShare), NumberFormatting.amount(s.point.rmse),
        NumberFormatting.amount(mae), String(s.point.origins),
      ])
    }
    if let d = result.summary[.pipecast]?.distribution {
      table.footnotes.append(
        "Pipecast CRPS \(NumberFormatting.amount(d.crps)) (the MAE/CRPS column: CRPS for "
          + "Pipecast, mean absolute error for point forecasts, which is their CRPS).")
      table.footnotes.append(
        "Pipecast intervals: 50% covered \(NumberFormatting.percent(d.coverage50, digits: 0)) "
          + "(mean width \(NumberFormatting.amount(d.width50))), 80% covered "
          + "\(NumberFormatting.percent(d.coverage80, digits: 0)) (\(NumberFormatting.amount(d.width80))), "
          + "90% covered \(NumberFormatting.percent(d.coverage90, digits: 0)) "
          + "(\(NumberFormatting.amount(d.width90))).")
      table.footnotes.append(
        "Pinball P10/P50/P90: \(NumberFormatting.amount(d.pinballP10)) / "
          + "\(NumberFormatting.amount(d.pinballP50)) / \(NumberFormatting.amount(d.pinballP90)); "
          + "WAPE of the median \(NumberFormatting.percent(d.wapeP50)); "
          + "PIT histogram (10 bins) \(d.pitHistogram.map(String.init).joined(separator: " ")).")
    }
    return table
  }

  /// Deal-level Brier scores and the per-stage recalibration table.
  public static func calibration(_ result: BacktestResult) -> TextTable {
    let c = result.calibration
    var table = TextTable(
      title: "Stage calibration (deals open at the origins)",
      headers: [
        "stage", "CRM p", "observed eventual", "95% interval", "win in period",
        "Pipecast in period", "deals",
      ],
      alignments: [.left] + Array(repeating: .right, count: 6))
    for s in c.stages {
      table.append([
        s.stage, NumberFormatting.percent(s.crmProbability, digits: 0),
        NumberFormatting.percent(s.observedEventualWinRate, digits: 0)
          + " (\(s.wonEventually)/\(s.resolvedDeals))",
        s.eventualLower == nil
          ? "–"
          : NumberFormatting.percent(s.eventualLower, digits: 0) + "–"
            + NumberFormatting.percent(s.eventualUpper, digits: 0),
        NumberFormatting.percent(s.observedWinInPeriodRate, digits: 0),
        NumberFormatting.percent(s.pipecastMeanWinInPeriod, digits: 0), String(s.observations),
      ])
    }
    if let p = c.pipecast {
      table.footnotes.append(
        "Brier (won inside the period, \(p.deals) deal-origin pairs): Pipecast "
          + NumberFormatting.fixed(p.brier, digits: 4)
          + (c.crm.map {
            ", CRM (stage probability if expected to close in the period) "
              + NumberFormatting.fixed($0.brier, digits: 4)
          } ?? ""))
      let bins = p.reliability.filter { $0.count > 0 }.map {
        "\(NumberFormatting.percent($0.lower, digits: 0))–\(NumberFormatting.percent($0.upper, digits: 0)): "
          + "\(NumberFormatting.percent($0.meanForecast, digits: 0)) → "
          + "\(NumberFormatting.percent($0.observedFrequency, digits: 0)) (n=\($0.count))"
      }
      table.footnotes.append(
        "Pipecast reliability (forecast → observed): " + bins.joined(separator: "; "))
    }
    table.footnotes += c.messages
    return table
  }

  /// Where each period's bookings came from: deals open at the origin and deals created later,
  /// actual (final amounts) against Pipecast's mean.
  public static func split(_ result: BacktestResult) -> TextTable {
    var table = TextTable(
      title: "Where the bookings came from (actual vs Pipecast mean)",
      headers: [
        "as of", "period", "booked before", "open: actual", "open: Pipecast", "new: actual",
        "new: Pipecast",
      ],
      alignments: [.left, .left] + Array(repeating: .right, count: 5))
    for o in result.origins {
      table.append([
        o.asOf.description, o.period, NumberFormatting.amount(o.bookedBeforeAsOf),
        NumberFormatting.amount(o.split.actualFromOpenPipeline),
        NumberFormatting.amount(o.split.forecastFromOpenPipeline),
        NumberFormatting.amount(o.split.actualFromNewDeals),
        NumberFormatting.amount(o.split.forecastFromNewDeals),
      ])
    }
    return table
  }

  /// All four tables and the notes, as `--format table` prints them.
  /// The reps' commit call over the same origins, next to Pipecast's company score.
  public static func commitCalls(_ result: BacktestResult) -> TextTable? {
    guard let calls = result.commitCalls else { return nil }
    var table = TextTable(
      title: "Reps' commit call on the same origins (won so far + open commit deals)",
      headers: ["level", "key", "origins", "call", "actual", "WAPE", "bias"])
    table.alignments[1] = .left
    for row in calls.rows {
      table.append([
        row.level, row.key, String(row.origins), NumberFormatting.amount(row.call),
        NumberFormatting.amount(row.actual), NumberFormatting.percent(row.wape),
        NumberFormatting.percent(row.bias),
      ])
    }
    let pipecast = result.summary[.pipecast]?.point
    table.footnotes = [
      "Pipecast (company, same origins): WAPE \(NumberFormatting.percent(pipecast?.wape)), bias \(NumberFormatting.percent(pipecast?.biasShare))"
    ]
    return table
  }

  public static func render(_ result: BacktestResult) -> String {
    var out =
      origins(result).render() + "\n" + summary(result).render() + "\n"
      + split(result).render() + "\n" + calibration(result).render()
    if let calls = commitCalls(result) { out += "\n" + calls.render() }
    if !result.notes.isEmpty {
      out += "\n" + result.notes.map { "note: \($0)" }.joined(separator: "\n") + "\n"
    }
    return out
  }
}
