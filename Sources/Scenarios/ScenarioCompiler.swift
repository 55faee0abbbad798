import CRMData
import PipelineModel
import Simulation

/// Turns a scenario into the simulator's `SimulationAdjustments` for a fitted model, checking
/// every stage, source, team and rep name against the model (an unknown name is an error that
/// lists the valid ones).
///
/// Composition: changes apply in file order. Multipliers multiply; contact-rate changes compose
/// as p ↦ set ?? p, then × scale, then + add (a later `set` discards earlier changes); stage
/// adds add. Levers other than hire and attrition act from `starts` (default: the day after
/// as-of); hire and attrition from their own `on` (default `starts`).
public enum ScenarioCompiler {
  public static func adjustments(
    for scenario: Scenario, model: FittedPipeline, asOf: Day
  ) throws(ScenarioError) -> SimulationAdjustments {
    let file = scenario.file ?? scenario.name
    var problems: [ScenarioDiagnostic] = []
    let start = scenario.starts ?? asOf.advanced(by: 1)
    if let s = scenario.starts, s <= asOf {
      problems.append(
        ScenarioDiagnostic(
          file: file, line: 0,
          message: "starts \(s) is not after the as-of date \(asOf): levers act on the future only"))
    }
    var a = SimulationAdjustments(startDay: start)
    let stageNames = model.stages.map(\.name)
    let sources = model.leadFunnel?.sources ?? []
    let reps = model.reps?.reps ?? []
    let teams = Set(reps.compactMap(\.team)).sorted()

    for (k, change) in scenario.changes.enumerated() {
      let line = k < scenario.changeLines.count ? scenario.changeLines[k] : 0
      func fail(_ message: String) {
        problems.append(ScenarioDiagnostic(file: file, line: line, message: message))
      }
      func checkTeam(_ team: String?) -> Bool {
        guard let team else { return true }
        if teams.isEmpty {
          fail("\(change.lever) names team '\(team)' but the data has no teams (reps.csv)")
          return false
        }
        if !teams.contains(team) {
          fail("unknown team '\(team)'; valid teams: \(teams.joined(separator: ", "))")
          return false
        }
        return true
      }
      func checkOn(_ on: Day?) -> Day? {
        let day = on ?? start
        if day <= asOf {
          fail("\(change.lever) on \(day) is not after the as-of date \(asOf)")
          return nil
        }
        return day
      }
      switch change {
      case .hire(let count, let role, let team, let on):
        guard checkTeam(team), let day = checkOn(on) else { continue }
        if model.reps == nil { fail("hire needs a rep model (reps.csv); the model has none") }
        a.hires.append(StaffChange(day: day, count: count, team: team, role: role))
      case .attrition(let count, let role, let team, let rep, let on):
        guard checkTeam(team), let day = checkOn(on) else { continue }
        if let rep {
          guard let r = reps.first(where: { $0.id == rep }) else {
            let active = reps.filter(\.active).map(\.id).sorted()
            fail("unknown rep '\(rep)'; active reps: \(active.joined(separator: ", "))")
            continue
          }
          if !r.active { fail("rep '\(rep)' is not active at \(asOf)") }
          a.departures.append(StaffChange(day: day, count: 1, team: r.team, role: r.role ?? "ae", repIDs: [rep]))
        } else {
          let available = reps.filter { $0.active && (team == nil || $0.team == team) && ($0.role ?? "ae") == role }
          if available.count < count {
            fail("attrition of \(count) \(role) reps\(team.map { " in \($0)" } ?? ""), but only \(available.count) are active")
            continue
          }
          a.departures.append(StaffChange(day: day, count: count, team: team, role: role))
        }
      case .contactRate(let adj):
        if model.leadFunnel == nil { fail("contact_rate needs a lead funnel (leads.csv); the model has none") }
        switch adj {
        case .set(let v):
          a.contactRateSet = v
          a.contactRateMultiplier = 1
          a.contactRateAdd = 0
        case .scale(let f):
          a.contactRateMultiplier *= f
          a.contactRateAdd *= f
        case .add(let x): a.contactRateAdd += x
        }
      case .leadResponseTime(let adj):
        guard let funnel = model.leadFunnel else {
          fail("lead_response_time needs a lead funnel (leads.csv); the model has none")
          continue
        }
        switch adj {
        case .scale(let f): a.responseTimeMultiplier *= f
        case .set(let hours):
          let median = funnel.responseTime.distribution.median
          guard median > 0 else { fail("the fitted median response time is 0: use scale"); continue }
          a.responseTimeMultiplier = hours / median
        case .add: fail("lead_response_time supports set or scale")
        }
      case .leadVolume(let source, let adj):
        if sources.isEmpty { fail("lead_volume needs a lead funnel (leads.csv); the model has none"); continue }
        let targets: [LeadFunnelModel.SourceArrivals]
        if let source {
          guard let s = sources.first(where: { $0.source == source }) else {
            fail("unknown source '\(source)'; valid sources: \(sources.map(\.source).sorted().joined(separator: ", "))")
            continue
          }
          targets = [s]
        } else {
          targets = sources
        }
        for s in targets {
          let old = a.leadVolumeMultiplier[s.source] ?? 1
          switch adj {
          case .scale(let f): a.leadVolumeMultiplier[s.source] = old * f
          case .add(let n), .set(let n):
            let rate = s.weeklyRateAtAsOf
            guard rate > 0 else { fail("source '\(s.source)' has no leads at as-of: use scale"); continue }
            let wanted = adj.operation == "add" ? rate * old + n : n
            a.leadVolumeMultiplier[s.source] = max(0, wanted / rate)
          }
        }
      case .stageConversion(let stage, let adj):
        var indices = Array(stageNames.indices)
        if let stage {
          guard let i = stageNames.firstIndex(of: stage) else {
            fail("unknown stage '\(stage)'; valid stages: \(stageNames.joined(separator: ", "))")
            continue
          }
          indices = [i]
        }
        if a.stageAdvanceAdd.count < stageNames.count {
          a.stageAdvanceAdd = [Double](repeating: 0, count: stageNames.count)
        }
        for i in indices { a.stageAdvanceAdd[i] += adj.value }
      case .dealSize(let adj): a.newDealSizeMultiplier *= adj.value
      case .cycleLength(let adj): a.cycleLengthMultiplier *= adj.value
      }
    }
    if !problems.isEmpty { throw .invalid(problems) }
    return a
  }
}
