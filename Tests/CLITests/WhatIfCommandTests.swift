import Foundation
import Testing
import _TestSupport

/// Golden output of `pipecast whatif` and `pipecast quota`: exit codes, key lines and JSON keys
/// (few trials: the numbers are not checked here, only that they are there).
@Suite(.serialized) struct WhatIfCommandTests {
  static let sample = CLIRunner.root.appendingPathComponent("Samples/demo-crm").path
  static func scenario(_ name: String) -> String {
    CLIRunner.root.appendingPathComponent("Scenarios/\(name)").path
  }

  static func json(_ text: String) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  @Test func whatIfTableAndJSON() throws {
    let common = ["whatif", Self.scenario("deal-size-plus-10pct.yaml"), Self.scenario("no-change.yaml"),
      "--data", Self.sample, "--trials", "100", "--seed", "3", "--horizon", "2q"]
    let table = try CLIRunner.run(common)
    #expect(table.status == 0, "\(table.stderr)")
    #expect(table.stdout.contains("Bookings forecast as of 2025-12-31 (100 trials, seed 3"))
    #expect(table.stdout.contains("Scenario: "))
    #expect(table.stdout.contains("diff mean"))
    #expect(table.stdout.contains("P(better)"))
    #expect(table.stdout.contains("2026-Q1") && table.stdout.contains("2026-Q2"))
    #expect(table.stdout.contains("common random numbers"))

    let run = try CLIRunner.run(common + ["--format", "json"])
    #expect(run.status == 0, "\(run.stderr)")
    let object = try Self.json(run.stdout)
    #expect(Set(object.keys) == ["baseline", "scenarios"])
    let scenarios = try #require(object["scenarios"] as? [[String: Any]])
    #expect(scenarios.count == 2)
    for s in scenarios {
      for key in ["name", "forecast", "difference", "difference_total", "probability_better", "probability_better_by_period"] {
        #expect(s[key] != nil, "missing \(key)")
      }
      let difference = try #require(s["difference"] as? [String: [String: Double]])
      #expect(Set(difference.keys) == ["2026-Q1", "2026-Q2"])
      #expect(Set(difference["2026-Q1"]!.keys) == ["mean", "p10", "p50", "p90"])
    }
    // No change: the baseline's forecast, difference 0.
    let unchanged = try #require(scenarios.first { ($0["name"] as? String) == "No change" })
    #expect((unchanged["difference_total"] as? [String: Double])?["mean"] == 0)
    #expect(!run.stdout.contains("NaN"))
  }

  @Test func sensitivityRanksTheLevers() throws {
    let run = try CLIRunner.run(["whatif", "--sensitivity", "--data", Self.sample, "--trials", "100", "--horizon", "1q"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("Sensitivity"))
    for lever in ["contact_rate", "lead_response_time", "lead_volume", "stage_conversion", "deal_size", "cycle_length", "hire", "attrition"] {
      #expect(run.stdout.contains(lever), "\(lever)")
    }
    #expect(run.stdout.contains("tornado"))
  }

  @Test func badScenarioExits65WithFileAndLine() throws {
    let dir = TestSupport.temporaryDirectory()
    let bad = dir.appendingPathComponent("bad.yaml")
    try Data("name: Bad\nchanges:\n  - hire: {count: two}\n".utf8).write(to: bad)
    let run = try CLIRunner.run(["whatif", bad.path, "--data", Self.sample, "--trials", "100"])
    #expect(run.status == 65)
    #expect(run.stderr.contains("bad.yaml:3:"), "\(run.stderr)")
    #expect(run.stderr.contains("not a number"))

    let unknown = dir.appendingPathComponent("unknown.yaml")
    try Data("name: Unknown lever\nchanges:\n  - hire: {count: 1}\n  - discount: {scale: 2}\n".utf8).write(to: unknown)
    let second = try CLIRunner.run(["whatif", unknown.path, "--data", Self.sample, "--trials", "100"])
    #expect(second.status == 65)
    #expect(second.stderr.contains("unknown.yaml:4:"), "\(second.stderr)")
  }

  @Test func missingScenarioFileExits64() throws {
    let run = try CLIRunner.run(["whatif", "/nonexistent/plan.yaml", "--data", Self.sample, "--trials", "100"])
    #expect(run.status == 64)
    #expect(run.stderr.contains("/nonexistent/plan.yaml"))
    let noData = try CLIRunner.run(["whatif", Self.scenario("no-change.yaml"), "--data", "/nonexistent/crm"])
    #expect(noData.status == 64)
  }

  @Test func quotaTableAndJSON() throws {
    let common = ["quota", "--data", Self.sample, "--period", "2026-Q1", "--trials", "100", "--company-target", "15000000"]
    let table = try CLIRunner.run(common)
    #expect(table.status == 0, "\(table.stderr)")
    #expect(table.stdout.contains("Quotas for 2026-Q1 reached with 60% chance"))
    #expect(table.stdout.contains("R001"))
    #expect(table.stdout.contains("sum rep quotas"))

    let run = try CLIRunner.run(common + ["--format", "json", "--confidence", "0.7", "--by", "team"])
    #expect(run.status == 0, "\(run.stderr)")
    let object = try Self.json(run.stdout)
    for key in ["as_of", "company_bookings", "company_quota", "company_target", "confidence", "funnel", "gap", "lines",
      "period", "probability_of_target", "sum_of_rep_quotas", "teams", "trials"]
    {
      #expect(object[key] != nil, "missing \(key)")
    }
    #expect(object["confidence"] as? Double == 0.7)
    let lines = try #require(object["lines"] as? [[String: Any]])
    #expect(!lines.isEmpty)
    for key in ["group", "quota", "bookings", "attainment", "probability_of_quota"] {
      #expect(lines[0][key] != nil, "missing \(key)")
    }
  }

  @Test(arguments: [
    ["quota", "--data", "Samples/demo-crm", "--period", "2025-Q1"],
    ["quota", "--data", "Samples/demo-crm", "--period", "2026-Q1", "--confidence", "1.5"],
    ["quota", "--data", "Samples/demo-crm", "--period", "2026-Q9"],
    ["quota", "--data", "Samples/demo-crm", "--period", "2026-Q1", "--by", "planet"],
  ])
  func badQuotaFlagsExit64(arguments: [String]) throws {
    let result = try CLIRunner.run(arguments.map { $0 == "Samples/demo-crm" ? Self.sample : $0 } + ["--trials", "100"])
    #expect(result.status == 64, "\(arguments): \(result.stderr)")
  }
}
