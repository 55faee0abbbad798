import Foundation
import CRMData

/// What an import did, for the user to check before trusting the folder: which columns went
/// where, how stages were mapped and ordered, what was dropped and why, rows in and out, warnings.
///
/// Encoded as JSON with stable snake_case keys (`--format json`); `text` is the table form.
public struct ImportReport: Sendable, Codable, Equatable {
  /// One input file.
  public struct InputFile: Sendable, Codable, Equatable {
    public var file: String
    /// The role the file was read as, or nil when it was skipped.
    public var role: String?
    public var rowsIn: Int
    /// Rows that produced output (rows in minus rows dropped).
    public var rowsUsed: Int
    public var note: String?

    enum CodingKeys: String, CodingKey {
      case file, role, note
      case rowsIn = "rows_in"
      case rowsUsed = "rows_used"
    }
  }

  /// An export column and what it became.
  public struct ColumnUse: Sendable, Codable, Equatable {
    public var file: String
    public var column: String
    /// `deals.csv created_on`, or nil when the column was dropped.
    public var target: String?
    /// Why it was dropped, or how it was read.
    public var note: String?
  }

  /// One canonical stage.
  public struct StageUse: Sendable, Codable, Equatable {
    public var stage: String
    public var kind: StageKind
    public var order: Int
    public var probability: Double?
    /// Export stage names merged into it (via the mapping file), when any.
    public var from: [String]?
    /// Deals whose last known stage this is.
    public var deals: Int
  }

  /// Rows of one input file left out, with the reason.
  public struct DroppedRows: Sendable, Codable, Equatable {
    public var file: String
    public var reason: String
    public var count: Int
    /// The first such row's line.
    public var firstLine: Int?

    enum CodingKeys: String, CodingKey {
      case file, reason, count
      case firstLine = "first_line"
    }
  }

  /// One output file.
  public struct Output: Sendable, Codable, Equatable {
    public var file: String
    public var rows: Int
  }

  /// A warning, with how many rows it concerns and where the first one is.
  public struct Warning: Sendable, Codable, Equatable {
    public var message: String
    public var count: Int
    /// `file:line` of the first occurrence, when it has one.
    public var at: String?
  }

  public var source: String
  public var exportDate: Day
  public var inputs: [InputFile] = []
  public var columns: [ColumnUse] = []
  public var stages: [StageUse] = []
  /// How the order of open stages was decided.
  public var stageOrder: String = ""
  public var dropped: [DroppedRows] = []
  public var outputs: [Output] = []
  public var warnings: [Warning] = []
  public var notes: [String] = []

  enum CodingKeys: String, CodingKey {
    case source, inputs, columns, stages, dropped, outputs, warnings, notes
    case exportDate = "export_date"
    case stageOrder = "stage_order"
  }

  public init(source: String, exportDate: Day) {
    self.source = source
    self.exportDate = exportDate
  }

  /// The number of warnings of which `message` starts with `prefix` (0 when none).
  public func warningCount(_ prefix: String) -> Int {
    warnings.filter { $0.message.hasPrefix(prefix) }.reduce(0) { $0 + $1.count }
  }

  /// The report as plain-text tables.
  public var text: String {
    var out = "Import from \(source) (export date \(exportDate))\n\n"
    out += Self.table(
      title: "Files", headers: ["file", "read as", "rows in", "rows used", "note"],
      rows: inputs.map { [$0.file, $0.role ?? "skipped", "\($0.rowsIn)", "\($0.rowsUsed)", $0.note ?? ""] },
      right: [2, 3])
    out += Self.table(
      title: "Columns", headers: ["file", "column", "becomes", "note"],
      rows: columns.map { [$0.file, $0.column, $0.target ?? "dropped", $0.note ?? ""] }, right: [])
    if !stages.isEmpty {
      out += Self.table(
        title: "Stages (order: \(stageOrder))",
        headers: ["order", "stage", "kind", "probability", "deals", "from"],
        rows: stages.map {
          [
            "\($0.order)", $0.stage, $0.kind.rawValue, $0.probability.map { Self.format($0) } ?? "",
            "\($0.deals)", $0.from?.joined(separator: ", ") ?? "",
          ]
        }, right: [0, 3, 4])
    }
    if !dropped.isEmpty {
      out += Self.table(
        title: "Dropped rows", headers: ["file", "rows", "first line", "reason"],
        rows: dropped.map { [$0.file, "\($0.count)", $0.firstLine.map(String.init) ?? "", $0.reason] },
        right: [1, 2])
    }
    out += Self.table(
      title: "Written", headers: ["file", "rows"], rows: outputs.map { [$0.file, "\($0.rows)"] }, right: [1])
    if !warnings.isEmpty {
      out += Self.table(
        title: "Warnings", headers: ["count", "warning", "first at"],
        rows: warnings.map { ["\($0.count)", $0.message, $0.at ?? ""] }, right: [0])
    }
    if !notes.isEmpty {
      out += "Notes\n" + notes.map { "- \($0)\n" }.joined() + "\n"
    }
    return out
  }

  static func format(_ p: Double) -> String {
    let r = (p * 1000).rounded() / 1000
    return r == r.rounded() ? String(Int(r)) : String(r)
  }

  static func table(title: String, headers: [String], rows: [[String]], right: Set<Int>) -> String {
    var widths = headers.map(\.count)
    for row in rows { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
    func line(_ cells: [String]) -> String {
      var s = cells.enumerated().map { i, c in
        let pad = String(repeating: " ", count: widths[i] - c.count)
        return right.contains(i) ? pad + c : c + pad
      }.joined(separator: "  ")
      while s.last == " " { s.removeLast() }
      return s + "\n"
    }
    var out = title + "\n" + line(headers) + line(widths.map { String(repeating: "-", count: $0) })
    for r in rows { out += line(r) }
    return out + "\n"
  }
}

extension ImportReport {
  /// The report as JSON: sorted snake_case keys, pretty-printed, ending with a newline.
  public func json() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
  }
}
