import CRMData
import Foundation

/// One CSV file of an export, read whole: its header and every well-formed row as text.
///
/// Exports are small next to the canonical folder (tens of thousands of rows), so rows are kept as
/// strings; structural problems (bad quoting, ragged rows, invalid UTF-8) are collected with their
/// line by `CSVReader` and reported together.
public struct SourceTable: Sendable {
  /// The file name as shown in diagnostics (the last path component).
  public let name: String
  public let path: String
  /// Header names, trimmed, as written.
  public let columns: [String]
  /// Data rows, each with one value per column (trimmed of surrounding spaces).
  public let rows: [[String]]
  /// The physical line where each row starts (the header is line 1).
  public let lines: [Int]

  /// Reads and tokenizes the file at `url`.
  /// - Throws: `ImporterError.unreadableFile`, or `.invalidExport` with every structural problem.
  public static func read(_ url: URL) throws(ImporterError) -> SourceTable {
    let name = url.lastPathComponent
    let bytes: CSVBytes
    do {
      bytes = try CSVBytes.read(path: url.path, name: name)
    } catch {
      if case .unreadableFile(_, let reason) = error {
        throw .unreadableFile(path: url.path, reason: reason)
      }
      throw .unreadableFile(path: url.path, reason: error.description)
    }
    return try parse(bytes, name: name, path: url.path)
  }

  /// Tokenizes `bytes` (for tests and in-memory exports).
  public static func parse(_ bytes: CSVBytes, name: String, path: String? = nil) throws(ImporterError)
    -> SourceTable
  {
    let reader = CSVReader(file: name, bytes: bytes)
    if !reader.headerDiagnostics.isEmpty { throw .invalidExport(reader.headerDiagnostics) }
    var sink = DiagnosticSink(maxErrors: 100)
    var rows: [[String]] = []
    var lines: [Int] = []
    reader.forEachRecord(sink: &sink) { record in
      rows.append((0..<record.count).map { record.string($0).trimmingCharacters(in: .whitespaces) })
      lines.append(record.line)
    }
    if !sink.errors.isEmpty { throw .invalidExport(sink.errors) }
    return SourceTable(name: name, path: path ?? name, columns: reader.columns, rows: rows, lines: lines)
  }

  /// The header names reduced for matching: lowercase letters and digits only, after dropping an
  /// object prefix such as Pipedrive's `Deal - ` (`"Deal - Won time"` → `wontime`).
  var normalizedColumns: [String] { columns.map(ColumnName.normalize) }
}

/// Column-name matching shared by every adapter.
enum ColumnName {
  /// Lowercase ASCII letters and digits only; a leading `Deal - ` / `Opportunity - ` object prefix
  /// is dropped, and so are quotes, so `"Opportunity ID"`, `OpportunityId` and `opportunity_id`
  /// all match.
  static func normalize(_ name: String) -> String {
    var text = Substring(name)
    for prefix in ["deal - ", "opportunity - ", "lead - "] where text.lowercased().hasPrefix(prefix) {
      text = text.dropFirst(prefix.count)
    }
    return String(
      String.UnicodeScalarView(
        text.lowercased().unicodeScalars.filter { $0.isASCII && CharacterSet.alphanumerics.contains($0) }))
  }
}
