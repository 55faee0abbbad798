import CRMData
import Foundation

/// The exports `pipecast import` understands.
public enum ImportSource: String, Sendable, CaseIterable, Codable {
  case salesforce
  case dynamics365
  case hubspot
  case pipedrive
  case mavenCRM = "maven-crm"
  case olistFunnel = "olist-funnel"

  /// The files this source's export is made of, and the columns read from each.
  public var fileRoles: [FileRole] { adapter.roles }

  var adapter: any SourceAdapter.Type {
    switch self {
    case .salesforce: return SalesforceAdapter.self
    case .dynamics365: return Dynamics365Adapter.self
    case .hubspot: return HubSpotAdapter.self
    case .pipedrive: return PipedriveAdapter.self
    case .mavenCRM: return MavenCRMAdapter.self
    case .olistFunnel: return OlistFunnelAdapter.self
    }
  }
}

/// One source's conversion rules.
protocol SourceAdapter {
  /// The files of the export, most specific first (a file is given the first role it matches).
  static var roles: [FileRole] { get }
  /// Why known columns the adapter does not use are dropped (normalised column name → reason).
  static var droppedReasons: [String: String] { get }
  /// Converts the bound files; problems go to `context` (errors stop the import afterwards).
  static func convert(_ files: [String: BoundTable], _ context: inout ImportContext) -> CanonicalExport
}

/// The converted folder and the report describing the conversion.
public struct ImportResult: Sendable {
  public var export: CanonicalExport
  public var report: ImportReport
}

/// Converts CRM exports into the canonical folder (docs/IMPORT.md).
///
/// `convert` reads and maps; `write` writes the folder atomically and loads it back with
/// `CRMFolderLoader`, so a folder that would not load is never left behind.
public enum Importer {
  /// Reads `files` (a folder stands for the `.csv` files in it) and converts them.
  /// - Throws: `ImporterError` with every problem found, each with file, line and column.
  public static func convert(
    _ source: ImportSource, files: [URL], mapping: ImportMapping = .none
  ) throws(ImporterError) -> ImportResult {
    var tables: [SourceTable] = []
    var problems: [Diagnostic] = []
    for url in expand(files) {
      do {
        tables.append(try SourceTable.read(url))
      } catch {
        if case .invalidExport(let d) = error { problems += d } else { throw error }
      }
    }
    if !problems.isEmpty { throw .invalidExport(problems) }
    return try convert(source, tables: tables, mapping: mapping)
  }

  /// Converts tables already read (tests, in-memory exports).
  public static func convert(
    _ source: ImportSource, tables: [SourceTable], mapping: ImportMapping = .none
  ) throws(ImporterError) -> ImportResult {
    let adapter = source.adapter
    var context = ImportContext(source: source, mapping: mapping)
    let bound = try context.bind(tables, roles: adapter.roles)
    let export = adapter.convert(bound, &context)
    if !context.mappingErrors.isEmpty { throw .invalidMapping(context.mappingErrors) }
    if !context.errors.errors.isEmpty {
      var all = context.errors.errors
      if context.errors.droppedErrors > 0 {
        all.append(
          Diagnostic(
            file: all[0].file, line: 1, message: "… and \(context.errors.droppedErrors) more errors not shown"))
      }
      throw .invalidExport(all)
    }
    context.finishReport(bound, roles: adapter.roles, reasons: adapter.droppedReasons)
    let order = tables.map(\.name)
    context.report.inputs.sort { (order.firstIndex(of: $0.file) ?? 0) < (order.firstIndex(of: $1.file) ?? 0) }
    context.report.exportDate = exportDate(of: export)
    return ImportResult(export: export, report: context.report)
  }

  /// Writes the folder at `url` atomically (replacing what is there) and validates it.
  ///
  /// The folder is filled in a temporary sibling, loaded with `CRMFolderLoader`, and renamed into
  /// place only when it loads; the loader's warnings and notes about absent files join the report.
  /// - Throws: `ImporterError.invalidOutput` when the folder does not load (nothing is left
  ///   behind, an existing folder at `url` is untouched), `.unreadableFile` when it cannot be
  ///   written.
  public static func write(_ result: ImportResult, to url: URL) throws(ImporterError) -> ImportResult {
    var result = result
    var loaded: LoadedFolder?
    var outputs: [(String, Int)] = []
    do {
      try AtomicFile.writeDirectory(at: url) { temp in
        outputs = try result.export.write(into: temp)
        loaded = try CRMFolderLoader.load(at: temp, options: LoadOptions(threads: 1))
      }
    } catch let error as CRMDataError {
      switch error {
      case .invalidData(let diagnostics): throw .invalidOutput(diagnostics)
      default: throw .unreadableFile(path: url.path, reason: error.description)
      }
    } catch {
      throw .unreadableFile(path: url.path, reason: "\(error)")
    }
    result.report.outputs = outputs.map { .init(file: $0.0, rows: $0.1) }
    if let loaded {
      result.report.exportDate = loaded.folder.asOf
      for w in loaded.warnings {
        result.report.warnings.append(
          .init(message: "pipecast validate: \(w.message)", count: 1, at: "\(w.file):\(w.line)"))
      }
      result.report.notes += loaded.missingFiles
    }
    return result
  }

  /// Converts and writes in one step (what `pipecast import` does).
  public static func run(
    _ source: ImportSource, files: [URL], mapping: ImportMapping = .none, out: URL
  ) throws(ImporterError) -> ImportResult {
    try write(try convert(source, files: files, mapping: mapping), to: out)
  }

  /// Files as given; a folder stands for its `.csv` files, sorted by name.
  static func expand(_ files: [URL]) -> [URL] {
    var result: [URL] = []
    for url in files {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        for name in names.sorted() where name.lowercased().hasSuffix(".csv") && !name.hasPrefix(".") {
          result.append(url.appendingPathComponent(name))
        }
      } else {
        result.append(url)
      }
    }
    return result
  }

  /// The latest day on which something happened (the loader's rule for the default --as-of).
  static func exportDate(of export: CanonicalExport) -> Day {
    var latest = Day(index: 0)
    func see(_ m: Moment?) { if let m, m.day > latest { latest = m.day } }
    for d in export.deals {
      see(d.createdOn)
      see(d.closedOn)
    }
    for h in export.history ?? [] { see(h.changedOn) }
    for l in export.leads ?? [] {
      see(l.createdOn)
      see(l.firstContactOn)
      see(l.qualifiedOn)
      see(l.disqualifiedOn)
    }
    return latest
  }
}
