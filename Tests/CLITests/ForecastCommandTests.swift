import Foundation
import Testing
import _TestSupport

@Suite(.serialized) struct ForecastCommandTests {
  static let sample = CLIRunner.root.appendingPathComponent("Samples/demo-crm").path

  @Test func sameSeedGivesByteIdenticalJSONWhateverTheThreads() throws {
    let common = ["forecast", "--data", Self.sample, "--trials", "300", "--seed", "5", "--format", "json", "--horizon", "1q"]
    let one = try CLIRunner.run(common + ["--threads", "1"])
    let two = try CLIRunner.run(common + ["--threads", "2"])
    #expect(one.status == 0, "\(one.stderr)")
    #expect(one.stdout == two.stdout)
    #expect(one.stdout.contains("\"from_open_pipeline\""))
    #expect(!one.stdout.contains("NaN"))
  }

  /// An as-of after the export date cannot see anything new: the forecast is as of the export
  /// date, and the warning says so instead of silently answering another question.
  @Test func asOfAfterTheExportDateWarns() throws {
    let run = try CLIRunner.run([
      "forecast", "--data", Self.sample, "--as-of", "2030-01-01", "--trials", "100", "--horizon", "1q",
      "--scope", "open",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("warning: --as-of 2030-01-01 is after the export date 2025-12-31"))
    #expect(run.stdout.contains("as of 2025-12-31"))
  }

  @Test func savedModelIsReusedAndBadModelFileExits65() throws {
    let dir = TestSupport.temporaryDirectory()
    let model = dir.appendingPathComponent("model.json").path
    let fit = try CLIRunner.run(["fit", "--data", Self.sample, "--output", model])
    #expect(fit.status == 0, "\(fit.stderr)")
    #expect(fit.stdout.contains("Qualification"))
    let forecast = try CLIRunner.run([
      "forecast", "--data", Self.sample, "--model", model, "--trials", "200", "--horizon", "1q",
      "--scope", "open", "--target", "1000000",
    ])
    #expect(forecast.status == 0, "\(forecast.stderr)")
    #expect(forecast.stdout.contains("2026-Q1"))
    let bad = dir.appendingPathComponent("bad.json")
    try Data("{\"format_version\": 99}".utf8).write(to: bad)
    let failed = try CLIRunner.run(["forecast", "--data", Self.sample, "--model", bad.path, "--trials", "200"])
    #expect(failed.status == 65)
    #expect(failed.stderr.contains("bad.json"))
  }

  @Test(arguments: [
    ["forecast", "--data", "Samples/demo-crm", "--horizon", "2x"],
    ["forecast", "--data", "Samples/demo-crm", "--periods", "2026-Q1,2026-Q3"],
    ["forecast", "--data", "Samples/demo-crm", "--trials", "5"],
  ])
  func badForecastFlagsExit64(arguments: [String]) throws {
    let result = try CLIRunner.run(arguments.map { $0 == "Samples/demo-crm" ? Self.sample : $0 })
    #expect(result.status == 64, "\(arguments): \(result.stderr)")
  }
}
