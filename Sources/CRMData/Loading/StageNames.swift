/// The stage names of stages.csv, for resolving deal_history.csv's stage column to them.
///
/// A history stage matches a name exactly, else ignoring case (`lowercased()`, first name wins),
/// and resolves to the name as stages.csv writes it. With the few stages a pipeline has (up to
/// `scanLimit`), the names are compared byte by byte against the field, with no `String` built
/// and nothing hashed per row; more stages are looked up by hashing.
///
/// A class, so the row decoders share it without copying (and retaining) its tables per row.
final class StageNames: Sendable {
  static let scanLimit = 32
  private let exact: [(bytes: [UInt8], name: String)]
  private let exactByName: [String: String]
  private let folded: [String: String]

  init(stages: [StageDefinition]) {
    var exact: [(bytes: [UInt8], name: String)] = []
    var exactByName: [String: String] = [:]
    var folded: [String: String] = [:]
    for s in stages {
      if exactByName[s.name] == nil {
        exactByName[s.name] = s.name
        exact.append((Array(s.name.utf8), s.name))
      }
      if folded[s.name.lowercased()] == nil { folded[s.name.lowercased()] = s.name }
    }
    self.exact = exact
    self.exactByName = exactByName
    self.folded = folded
  }

  /// The stages.csv name of field `i` of `record`, or nil when it names no stage.
  func canonicalName(_ record: CSVRecord, _ i: Int) -> String? {
    if exact.count <= Self.scanLimit, !record.isEscaped(i) {
      let b = record.bytes(i)
      for entry in exact where entry.bytes.count == b.count {
        if entry.bytes.withUnsafeBufferPointer({ $0.elementsEqual(b) }) { return entry.name }
      }
    }
    let text = record.string(i)
    if let name = exactByName[text] { return name }
    return folded[text.lowercased()]
  }
}
