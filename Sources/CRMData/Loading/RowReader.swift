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
///
/// One reader serves all the rows of a chunk (`next(_:)`), so what it carries across rows (the
/// memo, the interner) is neither copied nor retained per row.
struct RowReader {
  private(set) var record: CSVRecord
  let file: String
  var problems: [Diagnostic] = []
  /// A one-entry cache kept across the rows of a chunk (rows of one deal are usually adjacent).
  var memo: (key: String, value: Int32)?
  /// The index of the row of another file this row belongs to (a history row's deal), kept in
  /// `DecodedFile.references` when the row is kept.
  var reference: Int32?
  /// Shared texts of repeated values, one per chunk (see `repeatedText(_:)`).
  let texts: TextInterner

  /// A reader for the rows of `file`; it reads nothing until `next(_:)` gives it a record.
  init(file: String, texts: TextInterner) {
    self.record = .none
    self.file = file
    self.texts = texts
  }

  /// Moves on to the next record of the chunk, keeping the memo and the interner.
  @inline(__always)
  mutating func next(_ record: CSVRecord) {
    self.record = record
    if !problems.isEmpty { problems = [] }
    reference = nil
  }

  var line: Int { record.line }
  var failed: Bool { !problems.isEmpty }

  mutating func error(_ field: Field?, _ message: String, fix: String? = nil) {
    problems.append(
      Diagnostic(file: file, line: record.line, column: field?.column, message: message, fix: fix))
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

  /// Like `text(_:)`, for a column of few distinct values (owners, stages, sources, segments):
  /// rows with the same text share one `String`.
  func repeatedText(_ f: Field?) -> String? {
    guard let f, !record.isEmpty(f.index) else { return nil }
    return shared(f.index)
  }

  /// Like `requiredText(_:)`, for a column of few distinct values (see `repeatedText(_:)`).
  mutating func requiredRepeatedText(_ f: Field) -> String {
    if record.isEmpty(f.index) {
      error(f, "\(f.name) is empty", fix: "every row needs a \(f.name)")
      return ""
    }
    return shared(f.index)
  }

  @inline(__always)
  private func shared(_ i: Int) -> String {
    record.isEscaped(i) ? record.string(i) : texts.text(record.bytes(i))
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
      if required {
        error(f, "\(f.name) is empty", fix: "every row needs a \(f.name); write 0 for none")
      }
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
  mutating func enumValue<E: ContractEnumeration>(
    _ f: Field?, _ type: E.Type, fallback: E?
  ) -> E? {
    guard let f, !record.isEmpty(f.index) else { return fallback }
    if let v = E.matcher.match(record.bytes(f.index)) { return v }
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
    error(
      f, "\(f.name) '\(quoted(f))' is not a period",
      fix: "expected YYYY-Qn (quarter) or YYYY-MM (month)")
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
