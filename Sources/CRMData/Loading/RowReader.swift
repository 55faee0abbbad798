import Dispatch

/// A column of a file, resolved from the header: its 0-based index and its contract name.
struct Field: Sendable {
  let index: Int
  let name: String
  var column: Int { index + 1 }
}

/// A file's columns, resolved once from its header.
///
/// Missing required columns become `file:1` errors; absent optional columns resolve to nil, so a
/// row reads them as missing values.
struct FileColumns: Sendable {
  private var fields: [String: Field] = [:]
  private(set) var complete = true

  init(_ reader: CSVReader, required: [String], optional: [String], sink: inout DiagnosticSink) {
    for name in required {
      if let i = reader.column(named: name) {
        fields[name] = Field(index: i, name: name)
      } else {
        complete = false
        sink.error(
          reader.file, 1, nil, "missing required column '\(name)'",
          fix: "add it to the header (names are matched case-insensitively)")
      }
    }
    for name in optional {
      if let i = reader.column(named: name) { fields[name] = Field(index: i, name: name) }
    }
  }

  subscript(_ name: String) -> Field? { fields[name] }
}

/// Reads the typed values of one record, collecting every problem with its location.
///
/// Required readers return a placeholder after reporting a problem; the caller drops the row when
/// `failed` is true, so one bad row reports all its bad fields at once.
struct RowReader {
  let record: CSVRecord
  let file: String
  var problems: [Diagnostic] = []

  init(record: CSVRecord, file: String) {
    self.record = record
    self.file = file
  }

  var line: Int { record.line }
  var failed: Bool { !problems.isEmpty }

  mutating func error(_ field: Field?, _ message: String, fix: String? = nil) {
    problems.append(Diagnostic(file: file, line: record.line, column: field?.column, message: message, fix: fix))
  }

  private func quoted(_ f: Field) -> String { record.string(f.index) }

  /// The text of an optional column; nil when absent or empty.
  func text(_ f: Field?) -> String? {
    guard let f, !record.isEmpty(f.index) else { return nil }
    return record.string(f.index)
  }

  /// The text of a required column; reports an empty value.
  mutating func requiredText(_ f: Field) -> String {
    if record.isEmpty(f.index) {
      error(f, "\(f.name) is empty", fix: "every row needs a \(f.name)")
      return ""
    }
    return record.string(f.index)
  }

  /// An optional date or date-time.
  mutating func moment(_ f: Field?) -> Moment? {
    guard let f, !record.isEmpty(f.index) else { return nil }
    if let m = FieldParser.moment(record.bytes(f.index)) { return m }
    let text = quoted(f)
    let fix =
      text.utf8.count > 10
      ? "expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM]" : "expected YYYY-MM-DD"
    error(f, "\(f.name) '\(text)' is not a date", fix: fix)
    return nil
  }

  /// A required date or date-time.
  mutating func requiredMoment(_ f: Field) -> Moment {
    if record.isEmpty(f.index) {
      error(f, "\(f.name) is empty", fix: "every row needs a \(f.name) (YYYY-MM-DD)")
      return Moment(secondsSinceEpoch: 0)
    }
    return moment(f) ?? Moment(secondsSinceEpoch: 0)
  }

  /// An amount (>= 0); nil when empty and not required.
  mutating func amount(_ f: Field?, required: Bool) -> Double? {
    guard let f else { return nil }
    if record.isEmpty(f.index) {
      if required { error(f, "\(f.name) is empty", fix: "every row needs a \(f.name); write 0 for none") }
      return nil
    }
    switch FieldParser.amount(record.bytes(f.index)) {
    case .value(let v): return v
    case .negative:
      error(f, "\(f.name) '\(quoted(f))' is negative", fix: "amounts must be 0 or more")
    case .invalid:
      error(
        f, "\(f.name) '\(quoted(f))' is not a number",
        fix: "use digits with '.' as the decimal separator and no thousands separators")
    }
    return nil
  }

  /// A value of one of the contract's enumerations, matched case-insensitively; `fallback` when
  /// empty or absent.
  mutating func enumValue<E: CaseIterable & RawRepresentable>(
    _ f: Field?, _ type: E.Type, fallback: E?
  ) -> E? where E.RawValue == String {
    guard let f, !record.isEmpty(f.index) else { return fallback }
    if let v = FieldParser.enumCase(record.bytes(f.index), of: E.self) { return v }
    let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
    error(f, "\(f.name) '\(quoted(f))' is not one of \(allowed)", fix: "use one of those values")
    return fallback
  }

  /// A required period label.
  mutating func period(_ f: Field, calendar: FiscalCalendar) -> Period? {
    if record.isEmpty(f.index) {
      error(f, "\(f.name) is empty", fix: "every row needs a \(f.name) (YYYY-Qn or YYYY-MM)")
      return nil
    }
    if let p = FieldParser.period(record.bytes(f.index), calendar: calendar) { return p }
    error(f, "\(f.name) '\(quoted(f))' is not a period", fix: "expected YYYY-Qn (quarter) or YYYY-MM (month)")
    return nil
  }

  /// A required integer.
  mutating func integer(_ f: Field) -> Int? {
    if record.isEmpty(f.index) {
      error(f, "\(f.name) is empty", fix: "every row needs an integer \(f.name)")
      return nil
    }
    if let v = FieldParser.integer(record.bytes(f.index)) { return v }
    error(f, "\(f.name) '\(quoted(f))' is not an integer", fix: "write a whole number such as 3")
    return nil
  }
}

/// The valid rows of one file with the line each started on, and the file's errors.
struct DecodedFile<Row: Sendable>: Sendable {
  var rows: [Row] = []
  var lines: [Int32] = []
  var sink: DiagnosticSink
  /// The key column's value of rows dropped for errors (so references to them are not reported
  /// again as unknown).
  var failedKeys: [String] = []
}

/// A slot per chunk, written by one thread each.
private final class ChunkSlots<Row: Sendable>: @unchecked Sendable {
  let slots: UnsafeMutableBufferPointer<DecodedFile<Row>?>
  init(count: Int) {
    slots = .allocate(capacity: count)
    slots.initialize(repeating: nil)
  }
  deinit {
    _ = slots.deinitialize()
    slots.deallocate()
  }
}

/// Decodes every record of `reader` with `decode`, on up to `threads` threads.
///
/// Chunks are decoded independently and concatenated in file order. When any chunk reports an
/// error the file is decoded again sequentially, so diagnostics (and their limit) never depend on
/// the number of threads; errors stop a load anyway, so the repeat costs nothing that matters.
func decodeRows<Row: Sendable>(
  _ reader: CSVReader, maxErrors: Int, threads: Int, keyColumn: Int? = nil,
  _ decode: @escaping @Sendable (inout RowReader) -> Row?
) -> DecodedFile<Row> {
  @Sendable func run(_ chunk: CSVChunk) -> DecodedFile<Row> {
    var sink = DiagnosticSink(maxErrors: maxErrors)
    var problems: [Diagnostic] = []
    var rows: [Row] = []
    var lines: [Int32] = []
    var failedKeys: [String] = []
    let estimate = (chunk.end - chunk.start) / max(1, reader.columns.count * 12)
    rows.reserveCapacity(estimate)
    lines.reserveCapacity(estimate)
    reader.forEachRecord(in: chunk, sink: &sink) { record in
      var row = RowReader(record: record, file: reader.file)
      let value = decode(&row)
      if row.failed {
        if problems.count < maxErrors { problems.append(contentsOf: row.problems) }
        if let keyColumn, !record.isEmpty(keyColumn) { failedKeys.append(record.string(keyColumn)) }
      } else if let value {
        rows.append(value)
        lines.append(Int32(truncatingIfNeeded: record.line))
      }
    }
    // Structural errors and value errors interleave by line.
    var merged = DiagnosticSink(maxErrors: maxErrors)
    let all = (sink.errors + problems).sorted { ($0.line, $0.column ?? 0) < ($1.line, $1.column ?? 0) }
    for d in all { merged.add(d) }
    return DecodedFile(rows: rows, lines: lines, sink: merged, failedKeys: failedKeys)
  }
  let chunks = reader.chunks(threads)
  let whole = CSVChunk(start: reader.bodyStart, end: reader.bytes.count, line: reader.bodyLine)
  if chunks.count == 1 { return run(whole) }
  let slots = ChunkSlots<Row>(count: chunks.count)
  DispatchQueue.concurrentPerform(iterations: chunks.count) { k in
    slots.slots[k] = run(chunks[k])
  }
  var parts = slots.slots.map { $0! }
  if parts.contains(where: { !$0.sink.errors.isEmpty }) { return run(whole) }
  var result = parts[0]
  let total = parts.reduce(0) { $0 + $1.rows.count }
  result.rows.reserveCapacity(total)
  result.lines.reserveCapacity(total)
  for k in 1..<parts.count {
    result.rows.append(contentsOf: parts[k].rows)
    result.lines.append(contentsOf: parts[k].lines)
    parts[k].rows = []
  }
  return result
}
