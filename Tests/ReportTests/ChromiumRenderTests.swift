import Foundation
import Testing
import _TestSupport

@testable import Reports

/// Renders the report in headless Chromium through `scripts/render-report.sh`, the same script
/// CI's `make report-check` runs on the sample data.
enum Chromium {
  /// The repository root (for `scripts/`).
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  static let script = root.appendingPathComponent("scripts/render-report.sh")

  /// The browser the script would use, or nil (then the test is skipped, with the reason).
  static let executable: String? = {
    let candidates = [
      ProcessInfo.processInfo.environment["CHROMIUM"], "chromium", "chromium-browser",
      "google-chrome",
    ]
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for case let name? in candidates where !name.isEmpty {
      if name.hasPrefix("/") {
        if FileManager.default.isExecutableFile(atPath: name) { return name }
      }
      for dir in path.split(separator: ":") {
        let full = "\(dir)/\(name)"
        if FileManager.default.isExecutableFile(atPath: full) { return full }
      }
    }
    return nil
  }()

  static func render(html: String, width: Int = 1280, height: Int = 6000) throws -> (
    status: Int32, png: URL, output: String
  ) {
    let dir = TestSupport.temporaryDirectory("report-render")
    let page = dir.appendingPathComponent("report.html")
    let png = dir.appendingPathComponent("report.png")
    try html.write(to: page, atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = [script.path, page.path, png.path, String(width), String(height)]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, png, String(decoding: data, as: UTF8.self))
  }
}

@Suite("Chromium render", .serialized)
struct ChromiumRenderTests {
  @Test(
    "the report renders in headless Chromium without errors",
    .enabled(
      if: Chromium.executable != nil,
      "Chromium is not installed: `apt-get install -y chromium` (make report-check does it)"))
  func rendersCleanly() throws {
    let html = try #require(ReportFixture.html)
    let result = try Chromium.render(html: html)
    #expect(result.status == 0, "render-report.sh failed:\n\(result.output)")
    let data = try Data(contentsOf: result.png)
    #expect(data.starts(with: [0x89, 0x50, 0x4E, 0x47]), "not a PNG")
    #expect(data.count > 20_000, "the screenshot is suspiciously small (\(data.count) bytes)")
  }

  @Test(
    "the render check rejects a page that fetches something",
    .enabled(if: Chromium.executable != nil, "Chromium is not installed"))
  func rejectsExternalResources() throws {
    let page =
      "<!DOCTYPE html><html><body><img src=\"https://example.invalid/x.png\"></body></html>"
    let result = try Chromium.render(html: page, width: 400, height: 300)
    #expect(result.status != 0)
    #expect(result.output.contains("not self-contained"))
  }
}
