/// Shared helpers for the test targets: temporary folders and small CRM fixtures.
import Foundation

public enum TestSupport {
  /// A fresh empty temporary directory.
  public static func temporaryDirectory(_ name: String = "pipecast") -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("\(name)-\(UUID().uuidString)", isDirectory: true)
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// Writes `files` (name → contents) into a new temporary folder and returns it.
  public static func folder(_ files: [String: String]) -> URL {
    let url = temporaryDirectory("crm")
    for (name, contents) in files {
      try? contents.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    return url
  }
}
