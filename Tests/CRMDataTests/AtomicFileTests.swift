import CRMData
import Foundation
import Testing
import _TestSupport

@Suite("Atomic output", .serialized)
struct AtomicFileTests {
  @Test func writesAndReplacesAFile() throws {
    let dir = TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("out.csv")
    try AtomicFile.write("a\n", to: url)
    try AtomicFile.write("b\n", to: url)
    #expect(try String(contentsOf: url, encoding: .utf8) == "b\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out.csv"])
    // Only this test's paths: other suites may be writing their own outputs in parallel.
    #expect(!AtomicFile.temporaryPaths.contains { $0.hasPrefix(dir.path) })
  }

  @Test func aFailedWriteLeavesNoTemporaryFile() {
    let url = URL(fileURLWithPath: "/nonexistent-dir-\(UUID())/x.csv")
    #expect(throws: CRMDataError.self) { try AtomicFile.write("x", to: url) }
    #expect(!AtomicFile.temporaryPaths.contains { $0.hasPrefix(url.deletingLastPathComponent().path) })
  }

  @Test func writesAFolderReplacingTheOldOne() throws {
    let dir = TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("crm")
    try AtomicFile.writeDirectory(at: out) { tmp in
      try AtomicFile.write("old", to: tmp.appendingPathComponent("old.csv"))
    }
    try AtomicFile.writeDirectory(at: out) { tmp in
      #expect(AtomicFile.temporaryPaths.contains(tmp.path))
      try AtomicFile.write("new", to: tmp.appendingPathComponent("deals.csv"))
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: out.path) == ["deals.csv"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["crm"])
  }

  @Test func aFailingFillKeepsTheOldFolderAndCleansUp() throws {
    struct Boom: Error {}
    let dir = TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("crm")
    try AtomicFile.writeDirectory(at: out) { tmp in
      try AtomicFile.write("old", to: tmp.appendingPathComponent("old.csv"))
    }
    #expect(throws: Boom.self) {
      try AtomicFile.writeDirectory(at: out) { tmp in
        try AtomicFile.write("half", to: tmp.appendingPathComponent("deals.csv"))
        throw Boom()
      }
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: out.path) == ["old.csv"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["crm"])
  }

  @Test func removeTemporaryFilesDeletesWhatIsInFlight() throws {
    let dir = TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var leftover = ""
    try AtomicFile.writeDirectory(at: dir.appendingPathComponent("crm")) { tmp in
      leftover = tmp.path
      #expect(AtomicFile.removeTemporaryFiles() >= 1)  // as a signal handler would
      #expect(!FileManager.default.fileExists(atPath: tmp.path))
      try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    }
    #expect(!leftover.isEmpty)
  }
}
