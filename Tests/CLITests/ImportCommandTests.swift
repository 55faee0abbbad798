import Foundation
import Testing
import _TestSupport

@Suite(.serialized) struct ImportCommandTests {
  static let exports = CLIRunner.root.appendingPathComponent("Tests/Fixtures/exports")

  @Test func importsAndPrintsTheMapping() throws {
    let out = TestSupport.temporaryDirectory().appendingPathComponent("crm").path
    let result = try CLIRunner.run(["import", "--from", "hubspot", Self.exports.appendingPathComponent("hubspot").path, "--out", out])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("Closed Won"))
    #expect(try CLIRunner.run(["validate", "--data", out]).status == 0)
  }

  @Test func malformedExportExits65WithLocationAndWritesNothing() throws {
    let dir = TestSupport.temporaryDirectory()
    let out = dir.appendingPathComponent("crm").path
    let result = try CLIRunner.run(["import", "--from", "salesforce", Self.exports.appendingPathComponent("broken").path, "--out", out])
    #expect(result.status == 65)
    #expect(result.stderr.contains("Opportunity.csv:3:8:"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
  }

  @Test func unknownSourceIsAUsageError() throws {
    let result = try CLIRunner.run(["import", "--from", "zoho", ".", "--out", "/tmp/x"])
    #expect(result.status == 64)
  }
}
