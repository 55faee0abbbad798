import CRMData
import Foundation
import Testing

/// Inputs too big or too many to keep as fixture files, built in memory.
@Suite("CSV edge cases")
struct CSVEdgeCaseTests {
  static let header = "deal_id,created_on,owner_id,amount,status,closed_on,notes\n"

  @Test func aTenMegabyteFieldLoads() throws {
    let big = String(repeating: "x", count: 10 << 20)
    let deals =
      Self.header + "D1,2025-01-02,r1,100,won,2025-02-01,\"\(big)\"\nD2,2025-01-03,r1,5,open,,\n"
    let loaded = try load(["deals.csv": deals])
    #expect(loaded.folder.deals.map(\.id) == ["D1", "D2"])
  }

  @Test func aTenMegabyteFieldWithQuotesAndNewlinesKeepsLineNumbers() {
    // 100 000 doubled quotes and 100 000 line breaks inside one field, then a bad date.
    let field = String(repeating: "ab\"\"c\n", count: 100_000)
    let deals =
      Self.header + "D1,2025-01-02,r1,100,won,2025-02-01,\"\(field)\"\nD2,2025-02-30,r1,5,open,,\n"
    #expect(throws: CRMDataError.self) { try load(["deals.csv": deals]) }
    do { _ = try load(["deals.csv": deals]) } catch {
      #expect(error.description.hasPrefix("deals.csv:100003:2: created_on '2025-02-30'"))
    }
  }

  @Test func errorsStopAtTheLimitWithoutDroppingOrder() {
    var deals = Self.header
    for i in 0..<5_000 { deals += "D\(i),2025-01-0x,r1,100,open,,\n" }
    do {
      _ = try load(["deals.csv": deals], maxErrors: 100)
      Issue.record("loaded")
    } catch {
      guard case .invalidData(let d) = error else {
        Issue.record("\(error)")
        return
      }
      #expect(d.count == 100)
      #expect(d.first?.line == 2 && d.last?.line == 101)
    }
  }

  @Test func aTwoHundredThousandColumnHeaderIsRead() {
    let header = (0..<200_000).map { "c\($0)" }.joined(separator: ",")
    let deals =
      "deal_id,created_on,owner_id,amount,status," + header + "\nD1,2025-01-02,r1,1,open,"
      + String(repeating: ",", count: 199_999) + "\n"
    let loaded = try? load(["deals.csv": deals])
    #expect(loaded?.folder.deals.count == 1)
  }

  @Test func onlyQuotesAndSeparators() {
    for text in ["\"", "\"\"", ",,,\n,,,", "\"\n\"\n\"", "\r\r\r", "\u{FEFF}", ",\"", "\"\"\"\""] {
      #expect(throws: CRMDataError.self, "\(text.debugDescription)") {
        try load(["deals.csv": text])
      }
    }
  }

  @Test func bigFilesAreSplitIntoChunksWithTheSameDiagnosticsAsOneThread() throws {
    // Over a megabyte so the loader reads in parallel chunks; a bad row near the end.
    var deals = Self.header
    for i in 0..<40_000 {
      deals += "D\(i),2025-01-02,r\(i % 7),\(i),open,,\"note, \(i)\nline 2\"\n"
    }
    deals += "Dx,2025-01-02,r1,1e400,open,,\n"
    var messages: [[String]] = []
    for threads in [1, 4] {
      do {
        _ = try CRMFolderLoader.load(
          files: ["deals.csv": CSVBytes(deals)], options: LoadOptions(threads: threads))
      } catch {
        if case .invalidData(let d) = error { messages.append(d.map(\.description)) }
      }
    }
    #expect(messages.count == 2 && messages[0] == messages[1])
    #expect(messages.first?.first?.hasPrefix("deals.csv:80002:4: amount '1e400'") == true)
  }
}
