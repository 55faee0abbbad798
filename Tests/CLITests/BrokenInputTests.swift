import Foundation
import Testing
import _TestSupport

/// The broken-input catalogue (`Tests/Fixtures/broken`) through the real binary: every error
/// folder exits 65 naming file and line; every warning-only folder exits 0 with its warning, and
/// `fit` and `forecast --trials 200` run on it with no NaN or infinity in their JSON.
@Suite struct BrokenInputTests {
  struct Fixture: CustomTestStringConvertible, Sendable {
    let name: String
    let path: String
    let status: Int32
    let fragment: String
    var testDescription: String { name }
  }

  static let all: [Fixture] = {
    let root = CLIRunner.root.appendingPathComponent("Tests/Fixtures/broken")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
    return names.sorted().compactMap { name in
      let dir = root.appendingPathComponent(name)
      guard
        let text = try? String(contentsOf: dir.appendingPathComponent("EXPECT"), encoding: .utf8)
      else { return nil }
      let line = text.trimmingCharacters(in: .newlines)
      let code = line.prefix { $0 != " " }
      return Fixture(
        name: name, path: dir.path, status: Int32(code) ?? -1,
        fragment: String(line.dropFirst(code.count).drop { $0 == " " }))
    }
  }()

  @Test func catalogueHasFortyErrorFolders() {
    #expect(Self.all.filter { $0.status == 65 }.count >= 40)
  }

  @Test(arguments: all)
  func validateGivesTheExpectedExitAndLocation(_ f: Fixture) throws {
    let result = try CLIRunner.run(["validate", "--data", f.path])
    #expect(result.status == f.status, "\(f.name): \(result.stderr)")
    #expect(f.fragment.isEmpty || result.stderr.contains(f.fragment), "\(f.name): \(result.stderr)")
    #expect(!result.stderr.contains("internal error"), "\(f.name)")
  }

  @Test(arguments: all.filter { $0.status == 0 })
  func fitAndForecastRunOnWarningOnlyFolders(_ f: Fixture) throws {
    let fit = try CLIRunner.run(["fit", "--data", f.path, "--format", "json"])
    if f.name == "warn-deals-header-no-rows" {
      // Nothing to fit: a data error (65) with a clear message, not a crash.
      #expect(fit.status == 65, "\(fit.stderr)")
      #expect(fit.stderr.contains("nothing to fit"))
      let forecast = try CLIRunner.run(["forecast", "--data", f.path, "--trials", "200"])
      #expect(forecast.status == 65, "\(forecast.stderr)")
      return
    }
    #expect(fit.status == 0, "\(f.name): \(fit.stderr)")
    #expect(Self.isFiniteJSON(fit.stdout), "\(f.name): fit JSON has NaN/inf or does not parse")
    let forecast = try CLIRunner.run([
      "forecast", "--data", f.path, "--trials", "200", "--format", "json", "--horizon", "2q",
    ])
    #expect(forecast.status == 0, "\(f.name): \(forecast.stderr)")
    #expect(Self.isFiniteJSON(forecast.stdout), "\(f.name): forecast JSON has NaN/inf")
    let table = try CLIRunner.run(["forecast", "--data", f.path, "--trials", "200"])
    #expect(table.status == 0)
    #expect(!table.stdout.lowercased().contains("nan"), "\(f.name): \(table.stdout)")
  }

  /// Parses `text` as JSON and checks every number is finite (and no string spells NaN/inf).
  static func isFiniteJSON(_ text: String) -> Bool {
    guard let value = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else { return false }
    func ok(_ v: Any) -> Bool {
      switch v {
      case let n as NSNumber: return n.doubleValue.isFinite
      case let s as String:
        let l = s.lowercased()
        return l != "nan" && l != "inf" && l != "-inf" && l != "infinity" && l != "-infinity"
      case let a as [Any]: return a.allSatisfy(ok)
      case let d as [String: Any]: return d.values.allSatisfy(ok)
      default: return true
      }
    }
    return ok(value)
  }
}

/// Broken model files given to `forecast --model`: exit 65 with the file's name, never a crash.
@Suite struct BrokenModelFileTests {
  static let sample = CLIRunner.root.appendingPathComponent("Samples/demo-crm").path

  @Test(arguments: [
    ("empty", ""),
    ("not-json", "deal_id,created_on\n"),
    ("truncated", "{\"format_version\": 1, \"as_of\": \"2025-"),
    ("wrong-version", "{\"format_version\": 999}"),
    ("array", "[1, 2, 3]"),
    ("nan-literal", "{\"format_version\": 1, \"as_of\": NaN}"),
    ("binary", "\u{0}\u{1}\u{2}\u{FFFD}"),
  ])
  func brokenModelFileExits65(name: String, contents: String) throws {
    let dir = TestSupport.temporaryDirectory("model")
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("\(name).json").path
    try contents.write(toFile: path, atomically: true, encoding: .utf8)
    let result = try CLIRunner.run([
      "forecast", "--data", Self.sample, "--model", path, "--trials", "200",
    ])
    #expect(result.status == 65, "\(name): \(result.stderr)")
    #expect(result.stderr.contains("\(name).json"), "\(name): \(result.stderr)")
  }
}
