import Scenarios
import Simulation

/// Tables for `pipecast whatif` and `pipecast quota`.
public enum ScenarioTables {
  /// Per scenario and period: baseline and scenario P10/P50/P90, the per-trial difference and the
  /// chance the scenario beats the baseline; then the totals.
  public static func whatIf(_ r: WhatIfResult) -> String {
    var out = ForecastTable.render(r.baseline)
    for s in r.scenarios {
      var table = TextTable(
        title: "\nScenario: \(s.name)" + (s.description.map { " — \($0)" } ?? ""),
        headers: ["period", "base P10", "base P50", "base P90", "scen P10", "scen P50", "scen P90",
          "diff mean", "diff P10", "diff P50", "diff P90", "P(better)"])
      for (b, p) in zip(r.baseline.periods, s.forecast.periods) {
        let d = s.difference[p.period] ?? DifferenceSummary(values: [])
        table.append(
          [p.period] + [b.bookings.p10, b.bookings.p50, b.bookings.p90, p.bookings.p10, p.bookings.p50,
            p.bookings.p90, d.mean, d.p10, d.p50, d.p90].map { NumberFormatting.amount($0) }
            + [NumberFormatting.percent(s.probabilityBetterByPeriod[p.period], digits: 0)])
      }
      let t = s.differenceTotal
      table.append(
        ["total", "", "", "", "", "", ""] + [t.mean, t.p10, t.p50, t.p90].map { NumberFormatting.amount($0) }
          + [NumberFormatting.percent(s.probabilityBetter, digits: 0)])
      out += table.render()
      for note in s.forecast.notes where !r.baseline.notes.contains(note) { out += "note: \(note)\n" }
    }
    out += "Differences are per trial (common random numbers: trial i of every scenario uses the same random streams).\n"
    return out
  }

  public static func whatIfCSV(_ r: WhatIfResult) -> String {
    var table = TextTable(headers: [
      "scenario", "period", "baseline_p50", "scenario_p10", "scenario_p50", "scenario_p90",
      "difference_mean", "difference_p10", "difference_p50", "difference_p90", "probability_better",
    ])
    for s in r.scenarios {
      for (b, p) in zip(r.baseline.periods, s.forecast.periods) {
        let d = s.difference[p.period] ?? DifferenceSummary(values: [])
        table.append(
          [s.name, p.period] + [b.bookings.p50, p.bookings.p10, p.bookings.p50, p.bookings.p90, d.mean, d.p10, d.p50, d.p90, s.probabilityBetterByPeriod[p.period] ?? 0].map { String($0) })
      }
      let t = s.differenceTotal
      table.append([s.name, "total", "", "", "", ""] + [t.mean, t.p10, t.p50, t.p90, s.probabilityBetter].map { String($0) })
    }
    return table.renderCSV()
  }

  /// The tornado: levers ranked by |mean effect|, with a bar of the P10–P90 range of the effect.
  public static func tornado(_ r: SensitivityResult) -> String {
    let scale = r.rows.map { max(abs($0.difference.p10), abs($0.difference.p90), abs($0.difference.mean)) }.max() ?? 0
    var table = TextTable(
      title: "Sensitivity: each lever by a standard step, ranked by its effect on bookings",
      headers: ["lever", "step", "effect mean", "P10", "P90", "relative", "P(better)", "tornado"])
    table.alignments[1] = .left
    table.alignments[7] = .left
    let half = 15
    for row in r.rows {
      var chars = [Character](repeating: " ", count: 2 * half + 1)
      chars[half] = "|"
      if scale > 0 {
        let k = Int((abs(row.difference.mean) / scale * Double(half)).rounded())
        for i in 0..<min(half, k) { chars[row.difference.mean >= 0 ? half + 1 + i : half - 1 - i] = "█" }
      }
      table.append([
        row.lever, row.step, NumberFormatting.amount(row.difference.mean),
        NumberFormatting.amount(row.difference.p10), NumberFormatting.amount(row.difference.p90),
        NumberFormatting.percent(row.relativeEffect), NumberFormatting.percent(row.probabilityBetter, digits: 0),
        String(chars).trimmingTrailingSpaces(),
      ])
    }
    return table.render()
  }

  public static func quota(_ plan: QuotaPlan, byTeam: Bool) -> String {
    let level = Int(((1 - plan.confidence) * 100).rounded())
    /// Reps: team and tenure; teams: the sum of their reps' quotas (quantiles do not add).
    func table(_ title: String, _ lines: [QuotaLine], first: String) -> TextTable {
      let isTeam = first == "team"
      let lead = isTeam ? [first] : [first, "team", "tenure (mo)"]
      var t = TextTable(
        title: title,
        headers: lead + ["quota", "mean", "P10", "P50", "P90", "attain P10", "attain P50", "attain P90"]
          + (isTeam ? ["sum rep quotas"] : []))
      if !isTeam { t.alignments[1] = .left }
      for l in lines {
        let identity = isTeam
          ? [l.group] : [l.group, l.team ?? "", l.tenureMonthsAtPeriodStart.map(String.init) ?? ""]
        t.append(
          identity + [
            NumberFormatting.amount(l.quota), NumberFormatting.amount(l.bookings.mean),
            NumberFormatting.amount(l.bookings.p10), NumberFormatting.amount(l.bookings.p50),
            NumberFormatting.amount(l.bookings.p90), NumberFormatting.percent(l.attainment.p10, digits: 0),
            NumberFormatting.percent(l.attainment.p50, digits: 0), NumberFormatting.percent(l.attainment.p90, digits: 0),
          ] + (isTeam ? [NumberFormatting.amount(l.sumOfRepQuotas)] : []))
      }
      return t
    }
    var out = ""
    let title = "Quotas for \(plan.period) reached with \(Int((plan.confidence * 100).rounded()))% chance (P\(level) of simulated bookings; as of \(plan.asOf), \(plan.trials) trials)"
    if byTeam {
      out += table(title, plan.teams, first: "team").render()
    } else {
      out += table(title, plan.lines, first: "rep").render()
      if !plan.teams.isEmpty { out += "\n" + table("Teams", plan.teams, first: "team").render() }
    }
    out += "\nCompany: own P\(level) \(NumberFormatting.amount(plan.companyQuota)); sum of rep quotas \(NumberFormatting.amount(plan.sumOfRepQuotas)); bookings P10/P50/P90 \(NumberFormatting.amount(plan.companyBookings.p10)) / \(NumberFormatting.amount(plan.companyBookings.p50)) / \(NumberFormatting.amount(plan.companyBookings.p90))\n"
    if let target = plan.companyTarget {
      out += "Target \(NumberFormatting.amount(target)): gap to the company's P\(level) \(NumberFormatting.amount(plan.gap)); P(reach target) \(NumberFormatting.percent(plan.probabilityOfTarget, digits: 0))\n"
      if let m = plan.leadVolumeMultiplier { out += "Lead volume needed: × \(NumberFormatting.fixed(m, digits: 2)) on every source\n" }
      if let h = plan.hiresToCloseGap { out += "AEs to hire now to reach it: \(h)\n" }
      if !plan.funnel.isEmpty {
        var f = TextTable(title: "\nReverse funnel (as-of to period end)", headers: ["source", "leads now", "leads needed", "meetings", "opportunities"])
        for n in plan.funnel {
          f.append([n.source] + [n.baselineLeads, n.neededLeads, n.neededMeetings, n.neededOpportunities].map { NumberFormatting.fixed($0) })
        }
        out += f.render()
      }
    }
    for note in plan.notes { out += "note: \(note)\n" }
    return out
  }
}
