import Foundation
import Testing
import _TestSupport

/// Nothing half-written: `pipecast generate` interrupted by a real SIGTERM or SIGINT while it is
/// writing its folder exits 143 or 130 and leaves neither the folder nor a temporary sibling,
/// and a folder that existed before is untouched.
@Suite(.serialized) struct SignalTests {
  /// Large enough that writing the folder takes a while in a debug build.
  static let scale = "3"

  enum Case: String, CaseIterable, CustomTestStringConvertible {
    case terminate, interrupt
    var signal: Int32 { self == .terminate ? SIGTERM : SIGINT }
    var status: Int32 { self == .terminate ? 143 : 130 }
    var testDescription: String { self == .terminate ? "SIGTERM" : "SIGINT" }
  }

  @Test(arguments: Case.allCases, [false, true])
  func interruptedGenerateLeavesNothingBehind(_ signalCase: Case, existing: Bool) throws {
    let parent = TestSupport.temporaryDirectory("signal")
    defer { try? FileManager.default.removeItem(at: parent) }
    let out = parent.appendingPathComponent("world")
    if existing {
      try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
      try "keep me\n".write(
        to: out.appendingPathComponent("deals.csv"), atomically: true, encoding: .utf8)
    }
    let process = Process()
    process.executableURL = CLIRunner.executable
    process.arguments = ["generate", "--scale", Self.scale, "--seed", "5", "--out", out.path]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()

    // Wait until the temporary sibling holds a first file: the run is mid-write.
    let deadline = Date().addingTimeInterval(120)
    var midWrite = false
    while process.isRunning, Date() < deadline {
      let names = (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
      if let temp = names.first(where: { $0.hasPrefix(".world.tmp-") }),
        let inside = try? FileManager.default.contentsOfDirectory(
          atPath: parent.appendingPathComponent(temp).path),
        !inside.isEmpty
      {
        midWrite = true
        break
      }
      usleep(2_000)
    }
    try #require(midWrite, "generate finished or stalled before it was caught writing")
    kill(process.processIdentifier, signalCase.signal)
    process.waitUntilExit()

    #expect(process.terminationReason == .exit, "killed by the signal instead of exiting")
    #expect(process.terminationStatus == signalCase.status)
    let left = try FileManager.default.contentsOfDirectory(atPath: parent.path)
    if existing {
      #expect(left == ["world"], "left behind: \(left)")
      let kept = try FileManager.default.contentsOfDirectory(atPath: out.path)
      #expect(kept == ["deals.csv"])
      #expect(
        try String(contentsOf: out.appendingPathComponent("deals.csv"), encoding: .utf8)
          == "keep me\n")
    } else {
      #expect(left.isEmpty, "left behind: \(left)")
    }
  }

  @Test func interruptedForecastOutputLeavesNoTemporaryFile() throws {
    // A signal while nothing is being written: exit code only, and no stray file.
    let parent = TestSupport.temporaryDirectory("signal")
    defer { try? FileManager.default.removeItem(at: parent) }
    let process = Process()
    process.executableURL = CLIRunner.executable
    process.arguments = [
      "forecast", "--data", CLIRunner.root.appendingPathComponent("Samples/demo-crm").path,
      "--trials", "10000000", "--output", parent.appendingPathComponent("f.json").path,
    ]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    usleep(300_000)
    process.terminate()
    process.waitUntilExit()
    #expect(process.terminationReason == .exit)
    #expect(process.terminationStatus == 143)
    #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path).isEmpty)
  }
}
