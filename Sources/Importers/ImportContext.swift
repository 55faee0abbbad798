import CRMData
import Foundation

/// The state of one import: the mapping, the errors found so far, and the report being built.
///
/// Adapters read values through it, so every unreadable value becomes a diagnostic with the
/// export file, line and column, and every repeated problem one counted warning.
struct ImportContext {
  let source: ImportSource
  let mapping: ImportMapping
  var errors = DiagnosticSink(maxErrors: 100)
  /// Problems of the mapping file found only once the export is known (a stage renamed onto
  /// another stage's name in a different case); reported as `ImporterError.invalidMapping`.
  var mappingErrors: [Diagnostic] = []
  var report: ImportReport
  private var warningIndex: [String: Int] = [:]
  private var droppedIndex: [String: Int] = [:]
  /// Currency codes seen in amounts, with counts.
  var currencies: [String: Int] = [:]
  /// Columns consumed dynamically (HubSpot's "Date entered" columns): file → column → target.
  var extraUses: [String: [String: String]] = [:]

  init(source: ImportSource, mapping: ImportMapping) {
    self.source = source
    self.mapping = mapping
    self.report = ImportReport(source: source.rawValue, exportDate: Day(index: 0))
  }

  var dayOrder: DayOrder { mapping.dayOrder ?? .monthFirst }

  // MARK: Diagnostics

  mutating func error(_ t: BoundTable, _ row: Int?, _ key: String?, _ message: String, fix: String? = nil) {
    errors.error(t.name, row.map { t.line($0) } ?? 1, key.flatMap { t.column($0) }, message, fix: fix)
  }

  /// Counts one occurrence of a warning; the report shows the count and the first location.
  mutating func warn(_ message: String, _ t: BoundTable? = nil, _ row: Int? = nil, count: Int = 1) {
    let at = t.map { t in "\(t.name)" + (row.map { ":\(t.line($0))" } ?? "") }
    if let i = warningIndex[message] {
      report.warnings[i].count += count
    } else {
      warningIndex[message] = report.warnings.count
      report.warnings.append(ImportReport.Warning(message: message, count: count, at: at))
    }
  }

  /// Counts one row of `t` left out for `reason`.
  mutating func drop(_ t: BoundTable, _ row: Int, _ reason: String) {
    let key = t.name + "\u{0}" + reason
    if let i = droppedIndex[key] {
      report.dropped[i].count += 1
    } else {
      droppedIndex[key] = report.dropped.count
      report.dropped.append(ImportReport.DroppedRows(file: t.name, reason: reason, count: 1, firstLine: t.line(row)))
    }
  }

  mutating func note(_ text: String) { report.notes.append(text) }

  /// Records that `column` of `file` was read as `target` (for columns not declared as fields).
  mutating func use(_ file: String, _ column: String, as target: String) {
    extraUses[file, default: [:]][column] = target
  }

  // MARK: Values

  /// A date or date-time; a diagnostic when present but unreadable.
  mutating func moment(_ t: BoundTable, _ key: String, _ row: Int) -> Moment? {
    guard let text = t.text(key, row) else { return nil }
    if let m = ValueParser.moment(text, order: dayOrder) { return m }
    error(
      t, row, key, "\(t.header(key)) '\(text)' is not a date",
      fix: "expected YYYY-MM-DD, an ISO date-time, or M/D/YYYY (set date_format: dmy in --mapping for D/M/YYYY)")
    return nil
  }

  /// An amount (currency symbols and thousands separators allowed); a diagnostic when present but
  /// unreadable or negative.
  mutating func amount(_ t: BoundTable, _ key: String, _ row: Int) -> Double? {
    guard let text = t.text(key, row) else { return nil }
    switch ValueParser.amount(text) {
    case .value(let v, let currency):
      if let currency { currencies[currency, default: 0] += 1 }
      return v
    case .negative:
      error(t, row, key, "\(t.header(key)) '\(text)' is negative", fix: "amounts must be 0 or more")
    case .invalid:
      error(t, row, key, "\(t.header(key)) '\(text)' is not an amount", fix: "expected a number such as 1200.50")
    }
    return nil
  }

  /// A number; a diagnostic when present but unreadable.
  mutating func number(_ t: BoundTable, _ key: String, _ row: Int) -> Double? {
    guard let text = t.text(key, row) else { return nil }
    if let v = ValueParser.number(text), v.isFinite { return v }
    error(t, row, key, "\(t.header(key)) '\(text)' is not a number")
    return nil
  }

  /// A boolean; a diagnostic when present but unreadable.
  mutating func boolean(_ t: BoundTable, _ key: String, _ row: Int) -> Bool? {
    guard let text = t.text(key, row) else { return nil }
    if let v = ValueParser.boolean(text) { return v }
    error(t, row, key, "\(t.header(key)) '\(text)' is not true or false")
    return nil
  }

  /// A required text value; a diagnostic when empty.
  mutating func required(_ t: BoundTable, _ key: String, _ row: Int) -> String? {
    if let v = t.text(key, row) { return v }
    error(t, row, key, "\(t.header(key)) is empty", fix: "every row needs one")
    return nil
  }

  /// The canonical name of an export stage (the mapping file may rename or merge stages).
  func stageName(_ raw: String) -> String { mapping.stages[raw]?.name ?? raw }

  // MARK: Binding files to roles

  /// Assigns each file a role (by file name, then by its columns), resolves each role's fields to
  /// columns (mapping overrides first), and fills the report's inputs and columns.
  /// - Returns: role name → bound table.
  mutating func bind(_ tables: [SourceTable], roles: [FileRole]) throws(ImporterError) -> [String: BoundTable] {
    var bound: [String: BoundTable] = [:]
    var paths: [String: [String]] = [:]
    var problems: [Diagnostic] = []
    for table in tables {
      let base = ColumnName.normalize((table.name as NSString).deletingPathExtension)
      let normalized = Set(table.normalizedColumns)
      // The role whose file-name fragment is the longest match ("opportunityhistory" beats
      // "opportunity").
      let byName = roles.compactMap { r -> (FileRole, Int)? in
        let best = r.fileNames.filter { base.contains($0) }.map(\.count).max()
        return best.map { (r, $0) }
      }.max { $0.1 < $1.1 }?.0
      let bySignature = roles.first { r in
        r.skipReason == nil && !r.signature.isEmpty
          && r.signature.allSatisfy { key in
            if let o = mapping.columns[r.name]?[key] { return table.columns.contains(o.column) }
            let f = r.fields.first { $0.key == key }!
            return f.candidates.contains { normalized.contains(ColumnName.normalize($0)) }
          }
      }
      guard let role = byName ?? bySignature else {
        report.inputs.append(
          .init(
            file: table.name, role: nil, rowsIn: table.rows.count, rowsUsed: 0,
            note: "not part of a \(source.rawValue) export (expected: \(roles.filter { $0.skipReason == nil }.map(\.title).joined(separator: ", "))); skipped"))
        continue
      }
      if let reason = role.skipReason {
        report.inputs.append(.init(file: table.name, role: nil, rowsIn: table.rows.count, rowsUsed: 0, note: reason))
        continue
      }
      paths[role.name, default: []].append(table.path)
      var index: [String: Int] = [:]
      // Columns the mapping file assigns are not matched by name to other fields.
      let claimed = Set(
        (mapping.columns[role.name] ?? [:]).values.compactMap { o in
          table.columns.firstIndex { $0.lowercased() == o.column.lowercased() }
        })
      for field in role.fields {
        if let o = mapping.columns[role.name]?[field.key] {
          if let c = table.columns.firstIndex(where: { $0 == o.column })
            ?? table.columns.firstIndex(where: { $0.lowercased() == o.column.lowercased() })
          {
            index[field.key] = c
          } else {
            problems.append(
              Diagnostic(
                file: mapping.file, line: o.line, column: o.column1,
                message: "columns.\(role.name).\(field.key) names '\(o.column)', which is not a column of \(table.name)",
                fix: "its columns are: \(table.columns.joined(separator: ", "))"))
          }
          continue
        }
        let wanted = field.candidates.map(ColumnName.normalize)
        for name in wanted {
          if let c = table.normalizedColumns.firstIndex(of: name), !claimed.contains(c) {
            index[field.key] = c
            break
          }
        }
        if index[field.key] == nil, field.required {
          problems.append(
            Diagnostic(
              file: table.name, line: 1, column: nil,
              message: "the \(role.title) has no column for \(field.key) (looked for \(field.candidates.map { "'\($0)'" }.joined(separator: ", ")))",
              fix: "include it in the export, or name the column under columns.\(role.name).\(field.key) in --mapping"))
        }
      }
      bound[role.name] = BoundTable(table: table, role: role, index: index)
    }
    // Unknown roles and fields in the mapping file.
    for (roleName, fields) in mapping.columns.sorted(by: { $0.key < $1.key }) {
      guard let role = roles.first(where: { $0.name == roleName && $0.skipReason == nil }) else {
        let first = fields.values.map(\.line).min() ?? 1
        problems.append(
          Diagnostic(
            file: mapping.file, line: max(1, first - 1), column: nil,
            message: "columns.\(roleName): \(source.rawValue) has no file role '\(roleName)'",
            fix: "roles are: \(roles.filter { $0.skipReason == nil }.map(\.name).joined(separator: ", "))"))
        continue
      }
      for (key, o) in fields.sorted(by: { $0.key < $1.key }) where !role.fields.contains(where: { $0.key == key }) {
        problems.append(
          Diagnostic(
            file: mapping.file, line: o.line, column: o.column1,
            message: "columns.\(roleName).\(key): the \(role.title) has no field '\(key)'",
            fix: "fields are: \(role.fields.map(\.key).joined(separator: ", "))"))
      }
    }
    for (role, list) in paths where list.count > 1 {
      throw .ambiguousFiles(role: roles.first { $0.name == role }!.title, paths: list)
    }
    if !problems.isEmpty {
      throw problems.allSatisfy({ $0.file == mapping.file }) ? .invalidMapping(problems) : .invalidExport(problems)
    }
    for role in roles where role.required && role.skipReason == nil && bound[role.name] == nil {
      let columns = role.fields.filter(\.required).map { $0.candidates.first! }.joined(separator: ", ")
      throw .missingFile(source: source.rawValue, role: role.title, expected: "a CSV file with the columns \(columns)")
    }
    return bound
  }

  /// Fills the report's inputs and columns once the adapter has run.
  mutating func finishReport(_ bound: [String: BoundTable], roles: [FileRole], reasons: [String: String]) {
    for role in roles {
      guard let t = bound[role.name] else { continue }
      let dropped = report.dropped.filter { $0.file == t.name }.reduce(0) { $0 + $1.count }
      report.inputs.append(
        .init(file: t.name, role: role.title, rowsIn: t.rowCount, rowsUsed: t.rowCount - dropped, note: nil))
      var used: [Int: String] = [:]
      for f in role.fields {
        guard let c = t.index[f.key] else { continue }
        used[c] = used[c].map { $0 + "; " + f.target } ?? f.target
      }
      for (i, column) in t.table.columns.enumerated() {
        if let target = used[i] ?? extraUses[t.name]?[column] {
          report.columns.append(.init(file: t.name, column: column, target: target, note: nil))
        } else {
          let reason = reasons[ColumnName.normalize(column)] ?? "no place in the canonical format"
          report.columns.append(.init(file: t.name, column: column, target: nil, note: reason))
        }
      }
    }
    if currencies.count > 1 {
      let list = currencies.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
      warn("amounts are in several currencies (\(list)): not converted; the folder needs one currency")
    }
  }
}
