import Foundation
import Testing

/// The broken-input catalogue: `Tests/Fixtures/broken/NAME/` folders with a one-line `EXPECT`
/// file, `CODE [FRAGMENT]`: the exit code of `pipecast validate` (65 or 0) and a fragment of its
/// standard error naming file:line(:column).
struct BrokenFixture: CustomTestStringConvertible, Sendable {
  let name: String
  let url: URL
  let status: Int32
  let fragment: String

  var testDescription: String { name }
  /// Loads without an error (warnings allowed): fit and forecast must run on it too.
  var isWarningOnly: Bool { status == 0 }

  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures/broken")

  static let all: [BrokenFixture] = {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
    return names.sorted().compactMap { name in
      let url = root.appendingPathComponent(name)
      guard
        let line = try? String(contentsOf: url.appendingPathComponent("EXPECT"), encoding: .utf8)
      else { return nil }
      let text = line.trimmingCharacters(in: .newlines)
      let code = text.prefix { $0 != " " }
      let fragment = text.dropFirst(code.count).drop { $0 == " " }
      return BrokenFixture(
        name: name, url: url, status: Int32(code) ?? -1, fragment: String(fragment))
    }
  }()

  static var errors: [BrokenFixture] { all.filter { !$0.isWarningOnly } }
  static var warningOnly: [BrokenFixture] { all.filter(\.isWarningOnly) }
}
