import CRMData

/// A plain-text table with aligned columns, the `--format table` output of every command.
///
/// Numbers are right-aligned, text left-aligned; a title and footnotes may frame it. Widths are
/// measured in characters (not bytes), so names with æ, ø or å line up.
public struct TextTable: Sendable {
  public enum Alignment: Sendable { case left, right }

  public var title: String?
  public var headers: [String]
  public var alignments: [Alignment]
  public var rows: [[String]]
  public var footnotes: [String]

  public init(title: String? = nil, headers: [String], alignments: [Alignment]? = nil, rows: [[String]] = [], footnotes: [String] = []) {
    self.title = title
    self.headers = headers
    self.alignments = alignments ?? headers.indices.map { $0 == 0 ? .left : .right }
    self.rows = rows
    self.footnotes = footnotes
  }

  public mutating func append(_ row: [String]) {
    precondition(row.count == headers.count, "row has \(row.count) cells, expected \(headers.count)")
    rows.append(row)
  }

  /// The table as text, ending with a newline.
  public func render() -> String {
    var widths = headers.map(\.count)
    for row in rows {
      for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
    }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { i, cell in
        let pad = String(repeating: " ", count: widths[i] - cell.count)
        return alignments[i] == .left ? cell + pad : pad + cell
      }.joined(separator: "  ").trimmingTrailingSpaces()
    }
    var out = ""
    if let title { out += title + "\n" }
    out += line(headers) + "\n"
    out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
    for row in rows { out += line(row) + "\n" }
    for note in footnotes { out += note + "\n" }
    return out
  }
}

extension String {
  func trimmingTrailingSpaces() -> String {
    var s = Substring(self)
    while s.last == " " { s.removeLast() }
    return String(s)
  }
}

extension TextTable {
  /// The table as RFC 4180 CSV: the header row then the rows (no title, no footnotes).
  public func renderCSV() -> String {
    let writer = CSVWriter()
    try? writer.row(headers)
    for row in rows { try? writer.row(row) }
    return writer.text
  }
}
