import CRMData
import Foundation
import Yams

/// Reads scenario YAML (format in Scenarios/README.md) and checks it, collecting every problem
/// with its file, line and column before failing.
///
/// Checked here: the YAML itself, known top-level keys (`name`, `description`, `starts`,
/// `changes`), known levers and fields, one operation (`set`, `scale` or `add`) per change and
/// only those the lever supports, numbers (finite, in range), whole counts, dates. Names of
/// stages, sources, teams and reps are checked against the model by `ScenarioCompiler`.
public enum ScenarioParser {
  /// Parses a scenario file.
  /// - Throws: `ScenarioError.unreadable` or `.invalid` with every problem found.
  public static func load(contentsOf url: URL) throws(ScenarioError) -> Scenario {
    let text: String
    do {
      text = try String(contentsOf: url, encoding: .utf8)
    } catch {
      throw .unreadable(file: url.path, reason: error.localizedDescription)
    }
    return try parse(text, file: url.path)
  }

  /// Parses scenario YAML text; `file` names it in messages.
  public static func parse(_ text: String, file: String = "<scenario>") throws(ScenarioError) -> Scenario {
    var p = Parser(file: file)
    let root: Node?
    do {
      root = try Yams.compose(yaml: text)
    } catch let error as YamlError {
      throw .invalid([p.yamlDiagnostic(error)])
    } catch {
      throw .invalid([ScenarioDiagnostic(file: file, line: 0, message: "not valid YAML: \(error)")])
    }
    guard let root, let top = root.mapping else {
      throw .invalid([
        ScenarioDiagnostic(
          file: file, line: root?.mark?.line ?? 0,
          message: "a scenario is a mapping with name, description, starts and changes")
      ])
    }
    let scenario = p.scenario(top)
    if !p.diagnostics.isEmpty { throw .invalid(p.diagnostics) }
    return scenario
  }

  static let levers: [String: (fields: Set<String>, operations: Set<String>)] = [
    "hire": (["count", "role", "team", "on"], []),
    "attrition": (["count", "role", "team", "rep", "on"], []),
    "contact_rate": ([], ["set", "scale", "add"]),
    "lead_response_time": ([], ["set", "scale"]),
    "lead_volume": (["source"], ["set", "scale", "add"]),
    "stage_conversion": (["stage"], ["add"]),
    "deal_size": ([], ["scale"]),
    "cycle_length": ([], ["scale"]),
  ]

  struct Parser {
    let file: String
    var diagnostics: [ScenarioDiagnostic] = []

    init(file: String) { self.file = file }

    mutating func error(_ node: Node?, _ message: String) {
      diagnostics.append(
        ScenarioDiagnostic(
          file: file, line: node?.mark?.line ?? 0, column: node?.mark?.column ?? 0,
          message: message))
    }

    func yamlDiagnostic(_ error: YamlError) -> ScenarioDiagnostic {
      switch error {
      case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
        .composer(_, let problem, let mark, _):
        return ScenarioDiagnostic(
          file: file, line: mark.line, column: mark.column, message: "not valid YAML: \(problem)")
      default:
        return ScenarioDiagnostic(file: file, line: 0, message: "not valid YAML: \(error)")
      }
    }

    mutating func string(_ node: Node, _ what: String) -> String? {
      guard let s = node.scalar?.string, !s.trimmingCharacters(in: .whitespaces).isEmpty else {
        error(node, "\(what) must be a non-empty text")
        return nil
      }
      return s
    }

    mutating func day(_ node: Node, _ what: String) -> Day? {
      guard let s = node.scalar?.string, let d = Day(s) else {
        error(node, "\(what) '\(node.scalar?.string ?? "…")' is not a date; expected YYYY-MM-DD")
        return nil
      }
      return d
    }

    mutating func number(_ node: Node, _ what: String) -> Double? {
      guard let s = node.scalar?.string, let v = Double(s.trimmingCharacters(in: .whitespaces)),
        v.isFinite
      else {
        error(node, "\(what) '\(node.scalar?.string ?? "…")' is not a number")
        return nil
      }
      return v
    }

    mutating func count(_ node: Node, _ what: String) -> Int? {
      guard let v = number(node, what) else { return nil }
      guard v == v.rounded(), v >= 1, v <= 10_000 else {
        error(node, "\(what) must be a whole number from 1 to 10000, not \(node.scalar!.string)")
        return nil
      }
      return Int(v)
    }

    mutating func scenario(_ top: Node.Mapping) -> Scenario {
      var name: String?
      var description: String?
      var starts: Day?
      var changes: [Scenario.Change] = []
      var lines: [Int] = []
      var sawChanges = false
      for (key, value) in top {
        switch key.scalar?.string {
        case "name": name = string(value, "name")
        case "description": description = value.scalar?.string
        case "starts": starts = day(value, "starts")
        case "changes":
          sawChanges = true
          if value.scalar?.string == "" || value.scalar?.string == "null" { continue }
          guard let list = value.sequence else {
            error(value, "changes must be a list of levers, e.g. '- deal_size: {scale: 1.1}'")
            continue
          }
          for item in list {
            if let c = change(item) {
              changes.append(c)
              lines.append(item.mark?.line ?? 0)
            }
          }
        default:
          error(key, "unknown key '\(key.scalar?.string ?? "…")'; expected name, description, starts or changes")
        }
      }
      if name == nil && !diagnostics.contains(where: { $0.message.hasPrefix("name") }) {
        error(nil, "the scenario has no name")
      }
      if !sawChanges { error(nil, "the scenario has no 'changes' list") }
      var s = Scenario(
        name: name ?? "", description: description, starts: starts, changes: changes, file: file)
      s.changeLines = lines
      return s
    }

    mutating func change(_ item: Node) -> Scenario.Change? {
      guard let m = item.mapping, m.count == 1, let (key, body) = m.first else {
        error(item, "each change is one lever with its settings, e.g. '- deal_size: {scale: 1.1}'")
        return nil
      }
      let lever = key.scalar?.string ?? ""
      guard let spec = ScenarioParser.levers[lever] else {
        let known = ScenarioParser.levers.keys.sorted().joined(separator: ", ")
        error(key, "unknown lever '\(lever)'; known levers: \(known)")
        return nil
      }
      guard let fields = body.mapping else {
        error(body, "\(lever) needs its settings as a mapping, e.g. {\(spec.operations.isEmpty ? "count: 1" : "\(spec.operations.sorted().first!): 1.1")}")
        return nil
      }
      var values: [String: Node] = [:]
      var ok = true
      for (k, v) in fields {
        let name = k.scalar?.string ?? ""
        if spec.fields.contains(name) || spec.operations.contains(name) {
          values[name] = v
        } else {
          let allowed = (spec.fields.sorted() + spec.operations.sorted()).joined(separator: ", ")
          let hint = ["set", "scale", "add"].contains(name)
            ? "\(lever) does not support '\(name)'; use \(spec.operations.sorted().joined(separator: " or "))"
            : "unknown setting '\(name)' for \(lever); expected \(allowed)"
          error(k, hint)
          ok = false
        }
      }
      // The operation, for the levers that have one.
      var adjustment: Scenario.Adjustment?
      if !spec.operations.isEmpty {
        let given = ["set", "scale", "add"].filter { values[$0] != nil }
        if given.count != 1 {
          error(
            body,
            given.isEmpty
              ? "\(lever) needs one of \(spec.operations.sorted().joined(separator: ", "))"
              : "\(lever) takes one operation, not \(given.joined(separator: " and "))")
          return nil
        }
        let op = given[0]
        let node = values[op]!
        guard let v = number(node, "\(lever) \(op)") else { return nil }
        adjustment = checkRange(lever, op, v, node)
        if adjustment == nil { return nil }
      }
      guard ok else { return nil }
      func optionalString(_ f: String) -> String?? {
        guard let n = values[f] else { return .some(nil) }
        guard let s = string(n, "\(lever) \(f)") else { return nil }
        return .some(s)
      }
      func optionalDay(_ f: String) -> Day?? {
        guard let n = values[f] else { return .some(nil) }
        guard let d = day(n, "\(lever) \(f)") else { return nil }
        return .some(d)
      }
      switch lever {
      case "hire", "attrition":
        var n = 1
        if let node = values["count"] {
          guard let c = count(node, "\(lever) count") else { return nil }
          n = c
        } else if lever == "hire" {
          error(body, "hire needs a count, e.g. {count: 2, team: North}")
          return nil
        }
        guard let role = optionalString("role"), let team = optionalString("team"),
          let on = optionalDay("on")
        else { return nil }
        let r = (role ?? "ae").lowercased()
        guard r == "ae" || r == "sdr" else {
          error(values["role"], "\(lever) role '\(role!)' is not known; expected ae or sdr")
          return nil
        }
        if lever == "hire" { return .hire(count: n, role: r, team: team, on: on) }
        guard let rep = optionalString("rep") else { return nil }
        return .attrition(count: n, role: r, team: team, rep: rep, on: on)
      case "contact_rate": return .contactRate(adjustment!)
      case "lead_response_time": return .leadResponseTime(adjustment!)
      case "lead_volume":
        guard let source = optionalString("source") else { return nil }
        if source == nil, case .scale = adjustment! {} else if source == nil {
          error(body, "lead_volume \(adjustment!.operation) needs a source (leads per week of one source)")
          return nil
        }
        return .leadVolume(source: source, adjustment!)
      case "stage_conversion":
        guard let stage = optionalString("stage") else { return nil }
        return .stageConversion(stage: stage, adjustment!)
      case "deal_size": return .dealSize(adjustment!)
      default: return .cycleLength(adjustment!)
      }
    }

    /// Range checks: probabilities in [0, 1], changes of a probability in [−1, 1], factors > 0
    /// (and ≤ 100, beyond which a typo is likelier than a plan), hours and leads ≥ 0.
    mutating func checkRange(_ lever: String, _ op: String, _ v: Double, _ node: Node) -> Scenario.Adjustment? {
      var problem: String?
      switch (lever, op) {
      case (_, "scale") where !(v > 0 && v <= 100):
        problem = "\(lever) scale must be a factor above 0 and at most 100, not \(v)"
      case ("contact_rate", "set") where !(0...1).contains(v):
        problem = "contact_rate set must be a probability from 0 to 1, not \(v)"
      case ("contact_rate", "add"), ("stage_conversion", "add"):
        if !(-1...1).contains(v) { problem = "\(lever) add must be from -1 to 1 (a change of probability), not \(v)" }
      case ("lead_response_time", "set") where !(v > 0):
        problem = "lead_response_time set is the median response in hours and must be above 0, not \(v)"
      case ("lead_volume", "set") where v < 0:
        problem = "lead_volume set is leads per week and cannot be negative, not \(v)"
      default: break
      }
      if let problem {
        error(node, problem)
        return nil
      }
      switch op {
      case "set": return .set(v)
      case "scale": return .scale(v)
      default: return .add(v)
      }
    }
  }
}
