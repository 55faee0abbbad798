import CRMData
import Foundation
import Scenarios
import Testing

@Suite struct ScenarioParserTests {
  static let example = """
    name: Hire two AEs in Q3
    description: Two account executives start on 1 July and ramp up.
    starts: 2026-07-01            # default: the day after as-of
    changes:
      - hire: {count: 2, role: ae, team: North, on: 2026-07-01}
      - attrition: {count: 1, team: South, on: 2026-09-01}
      - contact_rate: {set: 0.85}
      - lead_response_time: {scale: 0.5}
      - lead_volume: {source: web, scale: 1.2}
      - stage_conversion: {stage: Proposal, add: 0.10}
      - deal_size: {scale: 1.10}
      - cycle_length: {scale: 0.9}
    """

  @Test func parsesTheIssueExample() throws {
    let s = try ScenarioParser.parse(Self.example, file: "hire.yaml")
    #expect(s.name == "Hire two AEs in Q3")
    #expect(s.starts == Day(year: 2026, month: 7, day: 1))
    #expect(s.changes == [
      .hire(count: 2, role: "ae", team: "North", on: Day(year: 2026, month: 7, day: 1)),
      .attrition(count: 1, role: "ae", team: "South", rep: nil, on: Day(year: 2026, month: 9, day: 1)),
      .contactRate(.set(0.85)), .leadResponseTime(.scale(0.5)),
      .leadVolume(source: "web", .scale(1.2)), .stageConversion(stage: "Proposal", .add(0.10)),
      .dealSize(.scale(1.10)), .cycleLength(.scale(0.9)),
    ])
    #expect(s.changeLines == [5, 6, 7, 8, 9, 10, 11, 12])
  }

  /// (YAML, expected "file:line[:column]: error: …" prefix, a phrase the message must contain).
  static let errors: [(String, String, String)] = [
    ("name: x\nchanges:\n  - discount: {scale: 0.9}\n", "bad.yaml:3", "unknown lever 'discount'; known levers:"),
    ("name: x\nchanges:\n  - deal_size: {scale: abc}\n", "bad.yaml:3", "deal_size scale 'abc' is not a number"),
    ("name: x\nchanges:\n  - deal_size: {add: 100}\n", "bad.yaml:3", "deal_size does not support 'add'; use scale"),
    ("name: x\nchanges:\n  - contact_rate: {set: 1.5}\n", "bad.yaml:3", "probability from 0 to 1"),
    ("name: x\nchanges:\n  - contact_rate: {set: 0.5, scale: 2}\n", "bad.yaml:3", "takes one operation"),
    ("name: x\nchanges:\n  - hire: {count: 1.5}\n", "bad.yaml:3", "whole number"),
    ("name: x\nchanges:\n  - hire: {team: North}\n", "bad.yaml:3", "hire needs a count"),
    ("name: x\nstarts: 2026-13-01\nchanges: []\n", "bad.yaml:2", "is not a date"),
    ("name: x\nbudget: 3\nchanges: []\n", "bad.yaml:2", "unknown key 'budget'"),
    ("name: x\nchanges:\n  - cycle_length: {scale: -1}\n", "bad.yaml:3", "above 0"),
    ("name: x\nchanges:\n  - hire: {count: 1, role: cto}\n", "bad.yaml:3", "role 'cto' is not known"),
    ("name: x\nchanges: [\n", "bad.yaml:3", "not valid YAML"),
    ("changes: []\n", "bad.yaml", "no name"),
  ]

  @Test(arguments: errors) func reportsErrorsWithLocation(yaml: String, place: String, phrase: String) {
    do {
      _ = try ScenarioParser.parse(yaml, file: "bad.yaml")
      Issue.record("accepted: \(yaml)")
    } catch {
      let text = error.description
      #expect(text.hasPrefix(place + ":") || text.hasPrefix(place + " "), "\(text)")
      #expect(text.contains(phrase), "\(text)")
    }
  }

  @Test func collectsEveryProblem() {
    let yaml = "name: x\nchanges:\n  - deal_size: {scale: 0}\n  - magic: {}\n"
    do {
      _ = try ScenarioParser.parse(yaml, file: "two.yaml")
      Issue.record("accepted")
    } catch {
      #expect(error.diagnostics.map(\.line) == [3, 4])
    }
  }

  /// Every shipped scenario file parses.
  @Test func shippedScenariosParse() throws {
    let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Scenarios")
    let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }.sorted()
    #expect(files.count >= 11)
    for f in files {
      #expect(throws: Never.self, "\(f)") { try ScenarioParser.load(contentsOf: dir.appendingPathComponent(f)) }
    }
  }
}
