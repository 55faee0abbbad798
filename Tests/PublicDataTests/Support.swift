import CRMData
import Foundation
import Importers
import _TestSupport

/// Where the public datasets are, and the two folders imported once per test process.
enum PublicData {
  /// The repository root (this file is Tests/PublicDataTests/Support.swift).
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent()
    .deletingLastPathComponent()

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
    return candidates.first {
      FileManager.default.fileExists(
        atPath: $0.appendingPathComponent("maven-crm-sales-opportunities/sales_pipeline.csv").path)
        && FileManager.default.fileExists(
          atPath: $0.appendingPathComponent(
            "olist-marketing-funnel/olist_marketing_qualified_leads_dataset.csv"
          ).path)
    }
  }()

  static let skipMessage =
    "shared/data (maven-crm-sales-opportunities and olist-marketing-funnel) not found beside the repository "
    + "or in $PIPECAST_SHARED_DATA: public-data tests skipped"

  struct Imported: Sendable {
    var report: ImportReport
    var loaded: LoadedFolder
    var folder: CRMFolder { loaded.folder }
  }

  /// Imports with `pipecast import`'s library call into a temporary folder and loads it back with
  /// the loader `pipecast validate` uses.
  static func importAndLoad(_ source: ImportSource, _ dataset: String) throws -> Imported {
    let out = TestSupport.temporaryDirectory("public").appendingPathComponent("crm")
    let result = try Importer.run(
      source, files: [sharedData!.appendingPathComponent(dataset)], mapping: .none, out: out)
    let loaded = try CRMFolderLoader.load(at: out)
    try? FileManager.default.removeItem(at: out.deletingLastPathComponent())
    return Imported(report: result.report, loaded: loaded)
  }

  /// Imported once per process (both tests suites share them).
  static let maven: Result<Imported, any Error> = Result {
    try importAndLoad(.mavenCRM, "maven-crm-sales-opportunities")
  }
  static let olist: Result<Imported, any Error> = Result {
    try importAndLoad(.olistFunnel, "olist-marketing-funnel")
  }
}
