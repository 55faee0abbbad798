import Foundation

/// How to load a CRM folder.
public struct LoadOptions: Sendable {
  /// The fiscal calendar that period labels (`YYYY-Qn`) are read in.
  public var calendar: FiscalCalendar
  /// Stop collecting errors after this many (warnings are limited per rule, see `LoadedFolder`).
  public var maxErrors: Int
  /// Threads used to decode large files; results never depend on it.
  public var threads: Int

  public init(
    calendar: FiscalCalendar = .standard, maxErrors: Int = 100,
    threads: Int = min(ProcessInfo.processInfo.activeProcessorCount, 8)
  ) {
    self.calendar = calendar
    self.maxErrors = maxErrors
    self.threads = max(1, threads)
  }
}

/// A validated CRM folder with what the loader noticed along the way.
public struct LoadedFolder: Sendable {
  public var folder: CRMFolder
  /// Problems that do not stop the analysis (at most 10 per rule, then one summary line).
  public var warnings: [Diagnostic]
  /// One note per absent optional file, saying what cannot be computed without it, in contract
  /// order.
  public var missingFiles: [String]
  /// Valid data rows per file name present (`deals.csv` → 1204); sort the keys before printing.
  public var rowCounts: [String: Int]
}

/// Loads and validates a CRM folder (docs/DATA-FORMAT.md) in one pass over each file.
///
/// Files are read in dependency order (deals, stages, history, reps, leads, activities, accounts,
/// quotas, costs) so each row is checked against what it refers to as it is decoded. Every error
/// in every file is collected, up to `maxErrors`, and thrown together, sorted by file (contract
/// order), line and column.
public enum CRMFolderLoader {
  /// The files of the contract, in the order diagnostics are reported.
  public static let fileNames = [
    "deals.csv", "deal_history.csv", "stages.csv", "leads.csv", "activities.csv", "reps.csv",
    "quotas.csv", "accounts.csv", "costs.csv",
  ]

  /// What is lost without each optional file.
  public static let missingFileNotes: [String: String] = [
    "deal_history.csv":
      "no deal_history.csv: stage conversion, time in stage, slippage and point-in-time stages not computed",
    "stages.csv":
      "no stages.csv: stages inferred from deal_history.csv; the CRM's stage probabilities (weighted pipeline) not available",
    "leads.csv": "no leads.csv: lead volume, contact rate, lead response time and lead-to-deal conversion not computed",
    "activities.csv": "no activities.csv: activity KPIs and planned next steps not computed",
    "reps.csv": "no reps.csv: ramp-up, tenure, teams and capacity not computed",
    "quotas.csv": "no quotas.csv: quota attainment not computed",
    "accounts.csv": "no accounts.csv: customer counts and churn not computed",
    "costs.csv": "no costs.csv: cost per lead and customer acquisition cost not computed",
  ]

  /// Loads the folder at `url`.
  /// - Throws: `CRMDataError.folderNotFound`, `.missingRequiredFile` (no deals.csv),
  ///   `.unreadableFile`, or `.invalidData` with every error found (up to `options.maxErrors`).
  public static func load(
    at url: URL, options: LoadOptions = LoadOptions()
  ) throws(CRMDataError) -> LoadedFolder {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory),
      isDirectory.boolValue
    else { throw .folderNotFound(path: url.path) }
    // Match file names case-insensitively too (Deals.csv from some exports).
    let listing = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
    var files: [String: CSVBytes] = [:]
    for name in fileNames {
      guard let actual = listing.first(where: { $0.lowercased() == name }) else { continue }
      files[name] = try CSVBytes.read(path: url.appendingPathComponent(actual).path, name: name)
    }
    guard files["deals.csv"] != nil else {
      throw .missingRequiredFile(name: "deals.csv", folder: url.path)
    }
    return try load(files: files, options: options)
  }

  /// Loads a folder given as file name → bytes (names as in `fileNames`).
  public static func load(
    files: [String: CSVBytes], options: LoadOptions = LoadOptions()
  ) throws(CRMDataError) -> LoadedFolder {
    guard files["deals.csv"] != nil else {
      throw .missingRequiredFile(name: "deals.csv", folder: "(in memory)")
    }
    var loader = FolderLoading(files: files, options: options)
    return try loader.run()
  }
}
