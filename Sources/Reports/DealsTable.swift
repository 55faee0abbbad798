import Inspection

/// Renders a `DealInspection` (`pipecast deals`) as a table or CSV.
public enum DealsTable {
  static let headers = [
    "deal", "stage", "owner", "amount", "days in stage", "median", "P90", "P(period)", "P(ever)",
    "category", "expected", "% of P50", "attention", "CRM close", "model close", "slips",
    "days quiet", "next step", "flags",
  ]

  /// The table: one row per deal, then the thresholds the flags used and the notes.
  public static func render(_ report: DealInspection, title: String? = nil) -> String {
    var table = TextTable(
      title: title ?? "Open deals as of \(report.asOf), period \(report.period.label)"
        + (report.periodP50.map { " (P50 \(NumberFormatting.amount($0)))" } ?? ""),
      headers: headers)
    for i in [1, 2, 9, 13, 14, 17, 18] { table.alignments[i] = .left }
    for d in report.deals {
      table.append([
        d.dealID, d.stage, d.ownerID, NumberFormatting.amount(d.amount),
        NumberFormatting.fixed(d.daysInStage), NumberFormatting.fixed(d.stageMedianDays),
        NumberFormatting.fixed(d.stageP90Days), NumberFormatting.percent(d.probabilityInPeriod),
        NumberFormatting.percent(d.probabilityEver), d.forecastCategory?.rawValue ?? "–",
        NumberFormatting.amount(d.expectedValue), NumberFormatting.percent(d.shareOfP50),
        NumberFormatting.amount(d.attentionValue), d.crmCloseOn?.description ?? "–",
        d.modelCloseOn?.description ?? "–", String(d.slips),
        d.daysSinceActivity.map(String.init) ?? "–",
        d.nextStepPlanned.map { $0 ? "yes" : "no" } ?? "–",
        d.flags.map(\.rawValue).joined(separator: ", "),
      ])
    }
    let t = report.thresholds
    table.footnotes =
      [
        "flags: stalled = days in stage > P90; slipped_repeatedly = close date pushed ≥ \(t.slipsForFlag) times; "
          + "overdue = CRM close before as-of; gone_quiet = no activity for ≥ \(t.quietDays) days; "
          + "no_next_step = no planned activity; large_low_probability = amount ≥ "
          + "\(NumberFormatting.amount(t.largeAmount)) and P(ever) < \(NumberFormatting.percent(t.lowProbability, digits: 0)).",
        "attention = amount × (P(period) if just entered its stage − P(period)): period value lost to age in stage.",
      ] + report.notes.map { "note: \($0)" }
    return table.render()
  }

  /// CSV with machine-readable values (probabilities as fractions, flags separated by `;`).
  public static func csv(_ report: DealInspection) -> String {
    var table = TextTable(headers: [
      "deal_id", "stage", "owner_id", "amount", "forecast_category", "days_in_stage",
      "stage_median_days", "stage_p90_days", "probability_in_period", "probability_ever",
      "expected_value", "share_of_p50", "probability_in_period_on_track", "attention_value",
      "crm_close_on", "model_close_on",
      "slips", "days_since_activity", "next_step_planned", "flags",
    ])
    func number(_ x: Double?) -> String { x.map { String($0) } ?? "" }
    for d in report.deals {
      table.append([
        d.dealID, d.stage, d.ownerID, String(d.amount), d.forecastCategory?.rawValue ?? "",
        number(d.daysInStage), number(d.stageMedianDays), number(d.stageP90Days),
        number(d.probabilityInPeriod), number(d.probabilityEver), number(d.expectedValue),
        number(d.shareOfP50), number(d.probabilityInPeriodOnTrack), number(d.attentionValue),
        d.crmCloseOn?.description ?? "",
        d.modelCloseOn?.description ?? "", String(d.slips),
        d.daysSinceActivity.map(String.init) ?? "", d.nextStepPlanned.map { String($0) } ?? "",
        d.flags.map(\.rawValue).joined(separator: ";"),
      ])
    }
    return table.renderCSV()
  }
}
