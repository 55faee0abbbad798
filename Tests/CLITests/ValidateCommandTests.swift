import Foundation
import Testing
import _TestSupport

@Suite(.serialized) struct ValidateCommandTests {
  static let sample = CLIRunner.root.appendingPathComponent("Samples/demo-crm").path

  @Test func sampleFolderIsValid() throws {
    let result = try CLIRunner.run(["validate", "--data", Self.sample])
    #expect(result.status == 0)
    #expect(result.stdout.contains("deals.csv"))
  }

  @Test func brokenFolderExits65WithLocation() throws {
    let folder = TestSupport.folder([
      "deals.csv": """
        deal_id,created_on,owner_id,amount,status,closed_on
        D1,2025-01-01,r1,100,won,2025-02-01
        D2,2025-01-05,r1,100,won,2025-13-01

        """
    ])
    let result = try CLIRunner.run(["validate", "--data", folder.path])
    #expect(result.status == 65)
    #expect(result.stderr.contains("deals.csv:3:6:"))
  }

  @Test(arguments: [
    (["validate", "--data", "/no/such/folder"], Int32(64)),
    (["validate"], Int32(64)),
    (["validate", "--data", ".", "--format", "xml"], Int32(64)),
    (["validate", "--data", ".", "--as-of", "2025-02-30"], Int32(64)),
    (["no-such-command"], Int32(64)),
  ])
  func usageErrorsExit64(arguments: [String], status: Int32) throws {
    let result = try CLIRunner.run(arguments)
    #expect(result.status == status, "\(arguments): \(result.stderr)")
  }

  @Test func jsonOutputIsWrittenAtomicallyToFile() throws {
    let dir = TestSupport.temporaryDirectory()
    let out = dir.appendingPathComponent("summary.json").path
    let result = try CLIRunner.run(["validate", "--data", Self.sample, "--format", "json", "--output", out])
    #expect(result.status == 0)
    let text = try String(contentsOfFile: out, encoding: .utf8)
    #expect(text.contains("\"as_of\" : \"2025-12-31\""))
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path)
    #expect(leftovers == ["summary.json"])
  }
}

@Suite(.serialized) struct GenerateCommandTests {
  @Test func sameSeedGivesIdenticalFolders() throws {
    let dir = TestSupport.temporaryDirectory()
    let a = dir.appendingPathComponent("a").path
    let b = dir.appendingPathComponent("b").path
    #expect(try CLIRunner.run(["generate", "--out", a, "--seed", "3", "--scale", "0.05"]).status == 0)
    #expect(try CLIRunner.run(["generate", "--out", b, "--seed", "3", "--scale", "0.05"]).status == 0)
    for file in ["deals.csv", "deal_history.csv", "leads.csv", "truth.json"] {
      let x = try Data(contentsOf: URL(fileURLWithPath: a).appendingPathComponent(file))
      let y = try Data(contentsOf: URL(fileURLWithPath: b).appendingPathComponent(file))
      #expect(x == y, "\(file) differs")
    }
    #expect(try CLIRunner.run(["validate", "--data", a]).status == 0)
  }
}
