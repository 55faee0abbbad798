/// A point in time, in seconds since 1970-01-01T00:00Z.
///
/// The contract allows dates (`YYYY-MM-DD`, read as midnight UTC) and date-times with an optional
/// offset (`YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM]`, converted to UTC; no offset means UTC). Durations in
/// hours (lead response time) use the seconds; everything day-based uses `day`.
public struct Moment: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
  public var secondsSinceEpoch: Int64

  public init(secondsSinceEpoch: Int64) { self.secondsSinceEpoch = secondsSinceEpoch }

  /// Midnight (UTC) at the start of `day`.
  public init(_ day: Day) { self.secondsSinceEpoch = Int64(day.index) * 86_400 }

  /// The UTC calendar day this moment falls on.
  public var day: Day {
    let s = secondsSinceEpoch
    let d = s >= 0 ? s / 86_400 : (s - 86_399) / 86_400
    return Day(index: Int32(d))
  }

  /// True when the value carries a time of day other than midnight.
  public var hasTime: Bool { secondsSinceEpoch % 86_400 != 0 }

  /// Hours from `self` to `other` (negative when `other` is earlier).
  public func hours(to other: Moment) -> Double {
    Double(other.secondsSinceEpoch - secondsSinceEpoch) / 3600
  }

  /// Days from `self` to `other`, fractional when times are present.
  public func days(to other: Moment) -> Double {
    Double(other.secondsSinceEpoch - secondsSinceEpoch) / 86_400
  }

  public static func < (lhs: Moment, rhs: Moment) -> Bool {
    lhs.secondsSinceEpoch < rhs.secondsSinceEpoch
  }

  /// Parses a contract date or date-time; nil when malformed.
  public init?(_ text: some StringProtocol) {
    let bytes = Array(text.utf8)
    guard let m = Moment.parse(bytes[...]) else { return nil }
    self = m
  }

  /// Parses `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM]` (a space may replace `T`).
  static func parse<C: RandomAccessCollection<UInt8>>(_ b: C) -> Moment? where C.Index == Int {
    guard b.count >= 10, let day = Day.parse(b.prefix(10)) else { return nil }
    var seconds = Int64(day.index) * 86_400
    if b.count == 10 { return Moment(secondsSinceEpoch: seconds) }
    var i = b.startIndex + 10
    guard b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: " ") else { return nil }
    i += 1
    guard b.endIndex - i >= 5, let hh = Day.digits(b, i, 2), b[i + 2] == UInt8(ascii: ":"),
      let mm = Day.digits(b, i + 3, 2), hh < 24, mm < 60
    else { return nil }
    seconds += Int64(hh * 3600 + mm * 60)
    i += 5
    if i < b.endIndex, b[i] == UInt8(ascii: ":") {
      guard b.endIndex - i >= 3, let ss = Day.digits(b, i + 1, 2), ss < 61 else { return nil }
      seconds += Int64(ss)
      i += 3
      if i < b.endIndex, b[i] == UInt8(ascii: ".") {
        i += 1
        let start = i
        while i < b.endIndex, b[i] >= 48, b[i] <= 57 { i += 1 }
        guard i > start else { return nil }
      }
    }
    if i == b.endIndex { return Moment(secondsSinceEpoch: seconds) }
    if b[i] == UInt8(ascii: "Z") {
      return i + 1 == b.endIndex ? Moment(secondsSinceEpoch: seconds) : nil
    }
    guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-"), b.endIndex - i == 6,
      let oh = Day.digits(b, i + 1, 2), b[i + 3] == UInt8(ascii: ":"), let om = Day.digits(b, i + 4, 2),
      oh < 24, om < 60
    else { return nil }
    let offset = Int64(oh * 3600 + om * 60)
    seconds += b[i] == UInt8(ascii: "+") ? -offset : offset
    return Moment(secondsSinceEpoch: seconds)
  }

  /// `YYYY-MM-DD` at midnight, else `YYYY-MM-DDTHH:MM:SSZ`.
  public var description: String {
    let d = day
    if !hasTime { return d.description }
    let rest = Int(secondsSinceEpoch - Int64(d.index) * 86_400)
    return "\(d)T\(Day.pad(rest / 3600, 2)):\(Day.pad(rest / 60 % 60, 2)):\(Day.pad(rest % 60, 2))Z"
  }

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let m = Moment(text) else {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a date: \(text)"))
    }
    self = m
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }
}
