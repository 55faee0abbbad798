import CRMData
import Foundation
import Testing
import _TestSupport

@testable import Importers

/// Locations of the fixtures and of the public datasets.
enum Paths {
  /// The repository root (this file is Tests/ImportersTests/Support.swift).
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  static let exports = root.appendingPathComponent("Tests/Fixtures/exports")

  static func fixture(_ name: String) -> URL { exports.appendingPathComponent(name) }

  /// `shared/data` beside the repository (CI: the repo's parent holds `shared/`; a git worktree
  /// under `wt/` finds it one level higher), or `$PIPECAST_SHARED_DATA`.
  static let sharedData: URL? = {
    var candidates: [URL] = []
    if let env = ProcessInfo.processInfo.environment["PIPECAST_SHARED_DATA"] {
      candidates.append(URL(fileURLWithPath: env))
    }
    var dir = root
    for _ in 0..<2 {
      dir = dir.deletingLastPathComponent()
      candidates.append(dir.appendingPathComponent("shared/data"))
    }
    return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("maven-crm-sales-opportunities").path) }
  }()
}

/// Converts, writes to a temporary folder, and loads the result back.
func importAndLoad(
  _ source: ImportSource, _ files: [URL], mapping: ImportMapping = .none
) throws -> (ImportResult, LoadedFolder) {
  let out = TestSupport.temporaryDirectory("import").appendingPathComponent("crm")
  let result = try Importer.run(source, files: files, mapping: mapping, out: out)
  let loaded = try CRMFolderLoader.load(at: out)
  return (result, loaded)
}

extension CRMFolder {
  func count(_ status: DealStatus) -> Int { deals.filter { $0.status == status }.count }
  func deal(_ id: String) -> Deal? { deals.first { $0.id == id } }
  func stageNames() -> [String] { stages.sorted { $0.order < $1.order }.map(\.name) }
  func kind(_ stage: String) -> StageKind? { stages.first { $0.name == stage }?.kind }
}

/// Won, lost and open deal counts.
func counts(_ f: CRMFolder) -> [Int] { [f.count(.won), f.count(.lost), f.count(.open)] }
