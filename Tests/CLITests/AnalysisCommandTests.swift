import Foundation
import Testing
import _TestSupport

/// Golden output of `pipecast deals`, `bridge`, `funnel` and `report`: exit codes, key lines and
/// JSON keys on the sample folder (few trials).
@Suite(.serialized) struct AnalysisCommandTests {
  static let sample = CLIRunner.root.appendingPathComponent("Samples/demo-crm").path

  static func json(_ text: String) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  @Test func dealsTableAndJSON() throws {
    let table = try CLIRunner.run(["deals", "--data", Self.sample, "--trials", "100", "--limit", "3"])
    #expect(table.status == 0, "\(table.stderr)")
    #expect(table.stdout.contains("Open deals as of 2025-12-31, period 2026-Q1"))
    for column in ["deal", "stage", "owner", "P(period)", "P(ever)", "attention", "flags"] {
      #expect(table.stdout.contains(column), "\(column)")
    }
    #expect(table.stdout.contains("flags: stalled = "))

    let run = try CLIRunner.run(["deals", "--data", Self.sample, "--trials", "0", "--limit", "3", "--format", "json"])
    #expect(run.status == 0, "\(run.stderr)")
    let object = try Self.json(run.stdout)
    #expect(Set(object.keys).isSuperset(of: ["as_of", "deals", "notes", "period", "thresholds"]))
    let deals = try #require(object["deals"] as? [[String: Any]])
    #expect(deals.count == 3)
  }

  @Test func bridgeTableAndJSON() throws {
    let common = ["bridge", "--data", Self.sample, "--from", "2025-10-01", "--to", "2025-12-31"]
    let table = try CLIRunner.run(common)
    #expect(table.status == 0, "\(table.stderr)")
    #expect(table.stdout.contains("Expected bookings in 2025-Q4: 2025-10-01 → 2025-12-31"))
    for line in ["expected at 2025-10-01", "won", "lost", "slipped out of the period", "pulled into the period",
      "stage moves", "amount changes"]
    {
      #expect(table.stdout.contains(line), "\(line)")
    }
    let run = try CLIRunner.run(common + ["--format", "json"])
    #expect(run.status == 0, "\(run.stderr)")
    let object = try Self.json(run.stdout)
    #expect(Set(object.keys).isSuperset(of: ["change", "end", "period", "start", "steps"]))

    let backwards = try CLIRunner.run(["bridge", "--data", Self.sample, "--from", "2026-10-01", "--to", "2025-12-31"])
    #expect(backwards.status == 64)
    #expect(backwards.stderr.contains("must be before"))
  }

  @Test func funnelTableAndJSON() throws {
    let table = try CLIRunner.run(["funnel", "--data", Self.sample])
    #expect(table.status == 0, "\(table.stderr)")
    #expect(table.stdout.contains("Lead funnel:"))
    #expect(table.stdout.contains("web") && table.stdout.contains("referral"))
    #expect(table.stdout.contains("wins/leads"))
    let run = try CLIRunner.run(["funnel", "--data", Self.sample, "--format", "json"])
    #expect(run.status == 0, "\(run.stderr)")
    let object = try Self.json(run.stdout)
    #expect(Set(object.keys).isSuperset(of: ["estimator", "rows", "total"]))
    let missing = try CLIRunner.run(["funnel", "--data", "/nonexistent/crm"])
    #expect(missing.status == 64)
  }

  @Test func reportWritesAStandaloneHTMLFile() throws {
    let dir = TestSupport.temporaryDirectory()
    let file = dir.appendingPathComponent("report.html")
    let run = try CLIRunner.run([
      "report", "--data", Self.sample, "--trials", "100", "--output", file.path,
      "--scenario", CLIRunner.root.appendingPathComponent("Scenarios/deal-size-plus-10pct.yaml").path,
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let html = try String(contentsOf: file, encoding: .utf8)
    #expect(html.hasPrefix("<!DOCTYPE html>") || html.hasPrefix("<!doctype html>"))
    #expect(html.contains("<title>Pipecast report as of 2025-12-31"))
    #expect(html.contains("<svg"))
    #expect(!html.contains("<script"))
    #expect(html.contains("Deal size"))
    let tooFew = try CLIRunner.run(["report", "--data", Self.sample, "--trials", "5", "--output", file.path])
    #expect(tooFew.status == 64)
    let badScenario = dir.appendingPathComponent("bad.yaml")
    try Data("name: Bad\nchanges:\n  - deal_size: {scale: big}\n".utf8).write(to: badScenario)
    let bad = try CLIRunner.run([
      "report", "--data", Self.sample, "--trials", "100", "--output", file.path, "--scenario", badScenario.path,
    ])
    #expect(bad.status == 65, "\(bad.stderr)")
    #expect(bad.stderr.contains("bad.yaml:3:"))
  }
}
