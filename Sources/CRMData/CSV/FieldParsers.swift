/// Parsers for the contract's field types, straight from a field's bytes.
///
/// Each returns nil for text that breaks the contract; callers turn that into a diagnostic that
/// quotes the text. No parser trims spaces: `" won"` is not a status.
public enum FieldParser {
  /// A contract date or date-time (`YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM]`).
  @inline(__always)
  public static func moment(_ b: UnsafeBufferPointer<UInt8>) -> Moment? {
    if b.count == 10, let p = b.baseAddress {
      return Day.parse(tenBytesAt: p).map { Moment($0) }
    }
    return Moment.parse(b)
  }

  /// A non-negative decimal amount written with `.` as separator: `12`, `12.50`, `.5`, `-0`.
  ///
  /// Rejects thousands separators (`1,000`), exponents (`1e400`), `NaN`, `inf`, a sign other
  /// than on zero, and empty text. Returns `.negative` for a negative number so the caller can say
  /// so. Up to 15 significant digits are converted exactly (integer mantissa over an exact power
  /// of ten: correctly rounded); longer numbers go through the standard library's correctly
  /// rounded conversion.
  public static func amount(_ b: UnsafeBufferPointer<UInt8>) -> AmountParse {
    var i = 0
    let n = b.count
    var negative = false
    if n > 0, b[0] == UInt8(ascii: "-") {
      negative = true
      i = 1
    } else if n > 0, b[0] == UInt8(ascii: "+") {
      i = 1
    }
    var mantissa: UInt64 = 0
    var significant = 0
    var digits = 0
    var fraction = 0
    var seenPoint = false
    var allZero = true
    while i < n {
      let c = b[i]
      if c >= 48, c <= 57 {
        digits += 1
        if seenPoint { fraction += 1 }
        if c != 48 { allZero = false }
        if significant > 0 || c != 48 {
          significant += 1
          if significant <= 19 { mantissa = mantissa &* 10 &+ UInt64(c - 48) }
        }
      } else if c == UInt8(ascii: "."), !seenPoint {
        seenPoint = true
      } else {
        return .invalid
      }
      i += 1
    }
    guard digits > 0 else { return .invalid }
    if allZero { return .value(0) }
    if negative { return .negative }
    if significant <= 15, fraction <= 22 {
      return .value(Double(mantissa) / powersOfTen[fraction])
    }
    let text = String(decoding: b, as: UTF8.self)
    guard let v = Double(text), v.isFinite else { return .invalid }
    return .value(v)
  }

  /// The result of `amount(_:)`.
  public enum AmountParse: Equatable, Sendable {
    case value(Double)
    case negative
    case invalid
  }

  private static let powersOfTen: [Double] = (0...22).map { k in
    var v = 1.0
    for _ in 0..<k { v *= 10 }
    return v
  }

  /// A (possibly negative) integer of at most 18 digits.
  public static func integer(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
    var i = 0
    var negative = false
    if b.count > 0, b[0] == UInt8(ascii: "-") || b[0] == UInt8(ascii: "+") {
      negative = b[0] == UInt8(ascii: "-")
      i = 1
    }
    guard i < b.count, b.count - i <= 18 else { return nil }
    var v = 0
    while i < b.count {
      let c = b[i]
      guard c >= 48, c <= 57 else { return nil }
      v = v * 10 + Int(c - 48)
      i += 1
    }
    return negative ? -v : v
  }

  /// The case of `E` whose raw value equals the text, ignoring ASCII case.
  @inline(__always)
  public static func enumCase<E: CaseIterable & RawRepresentable>(
    _ b: UnsafeBufferPointer<UInt8>, of: E.Type = E.self
  ) -> E? where E.RawValue == String {
    for value in E.allCases {
      var raw = value.rawValue
      let matches = raw.withUTF8 { r -> Bool in
        guard r.count == b.count else { return false }
        for k in 0..<r.count {
          var c = b[k]
          if c >= 65, c <= 90 { c += 32 }
          if c != r[k] { return false }
        }
        return true
      }
      if matches { return value }
    }
    return nil
  }

  /// A period label (`YYYY-Qn` or `YYYY-MM`) in `calendar`.
  public static func period(_ b: UnsafeBufferPointer<UInt8>, calendar: FiscalCalendar) -> Period? {
    guard b.count == 7 else { return nil }
    return calendar.period(String(decoding: b, as: UTF8.self))
  }
}
