import CRMData

/// One column an adapter reads, with the export column names it recognises.
public struct FieldSpec: Sendable {
  /// The key used in messages and in the mapping file (`columns.<role>.<key>`).
  public let key: String
  /// Column names this field is known by, as exports write them (matched after
  /// `ColumnName.normalize`, so case, spaces and underscores do not matter).
  public let candidates: [String]
  public let required: Bool
  /// What the column becomes, for the report (`deals.csv created_on`).
  public let target: String

  init(_ key: String, _ candidates: [String], required: Bool = false, target: String) {
    self.key = key
    self.candidates = candidates
    self.required = required
    self.target = target
  }
}

/// One file of an export (the Opportunity export, the stage history …) and the columns read from it.
public struct FileRole: Sendable {
  /// The role's key in the mapping file (`columns.deals`).
  public let name: String
  /// What the user should export, for messages (`Salesforce Opportunity export`).
  public let title: String
  public let required: Bool
  /// Normalised file-name fragments that identify the file (`opportunityhistory`).
  let fileNames: [String]
  /// Fields whose columns identify the file when its name does not.
  let signature: [String]
  public let fields: [FieldSpec]
  /// Files that are recognised and deliberately not read (a data dictionary): the reason.
  let skipReason: String?

  init(
    name: String, title: String, required: Bool, fileNames: [String], signature: [String],
    fields: [FieldSpec], skipReason: String? = nil
  ) {
    self.name = name
    self.title = title
    self.required = required
    self.fileNames = fileNames
    self.signature = signature
    self.fields = fields
    self.skipReason = skipReason
  }

  static func skipped(_ name: String, fileNames: [String], reason: String) -> FileRole {
    FileRole(
      name: name, title: name, required: false, fileNames: fileNames, signature: [], fields: [],
      skipReason: reason)
  }
}

/// A file bound to its role: every field resolved to a column index (or absent).
struct BoundTable {
  let table: SourceTable
  let role: FileRole
  /// Field key → column index.
  let index: [String: Int]

  var name: String { table.name }
  var rowCount: Int { table.rows.count }

  func has(_ key: String) -> Bool { index[key] != nil }

  /// The value of `key` on row `row`; nil when the column is absent or the value empty.
  func text(_ key: String, _ row: Int) -> String? {
    guard let c = index[key] else { return nil }
    let v = table.rows[row][c]
    return v.isEmpty ? nil : v
  }

  /// The 1-based column of `key`, for diagnostics.
  func column(_ key: String) -> Int? { index[key].map { $0 + 1 } }

  func line(_ row: Int) -> Int { table.lines[row] }

  /// The export's header name for `key`.
  func header(_ key: String) -> String { index[key].map { table.columns[$0] } ?? key }
}
