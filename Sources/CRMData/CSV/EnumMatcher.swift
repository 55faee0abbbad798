/// Matches a field's bytes against the raw values of one of the contract's enumerations,
/// ignoring ASCII case, without building a `String` or the `allCases` array per field.
///
/// Built once per file (outside the row loop); `FieldParser.enumCase(_:of:)` gives the same
/// answers.
struct EnumMatcher<E: CaseIterable & RawRepresentable>: Sendable
where E.RawValue == String, E: Sendable {
  private let names: [[UInt8]]
  private let values: [E]

  init(_ type: E.Type = E.self) {
    values = Array(E.allCases)
    names = values.map { Array($0.rawValue.utf8) }
  }

  /// The case whose raw value equals `b` once its ASCII capitals are lowered; nil when none.
  @inline(__always)
  func match(_ b: UnsafeBufferPointer<UInt8>) -> E? {
    for k in 0..<names.count {
      let matches = names[k].withUnsafeBufferPointer { r -> Bool in
        guard r.count == b.count else { return false }
        for i in 0..<r.count {
          var c = b[i]
          if c >= 65, c <= 90 { c += 32 }
          if c != r[i] { return false }
        }
        return true
      }
      if matches { return values[k] }
    }
    return nil
  }
}

/// An enumeration of the contract that the loader reads from CSV fields, with its matcher built
/// once per process.
protocol ContractEnumeration: CaseIterable, RawRepresentable, Sendable where RawValue == String {
  static var matcher: EnumMatcher<Self> { get }
}

extension DealStatus: ContractEnumeration { static let matcher = EnumMatcher(Self.self) }
extension DealType: ContractEnumeration { static let matcher = EnumMatcher(Self.self) }
extension ForecastCategory: ContractEnumeration { static let matcher = EnumMatcher(Self.self) }
extension StageKind: ContractEnumeration { static let matcher = EnumMatcher(Self.self) }
extension ActivityKind: ContractEnumeration { static let matcher = EnumMatcher(Self.self) }
extension ActivityStatus: ContractEnumeration { static let matcher = EnumMatcher(Self.self) }
extension RepRole: ContractEnumeration { static let matcher = EnumMatcher(Self.self) }
extension CostCategory: ContractEnumeration { static let matcher = EnumMatcher(Self.self) }
