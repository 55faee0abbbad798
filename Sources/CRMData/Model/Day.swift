/// A calendar day in the proleptic Gregorian calendar, counted from 1970-01-01 (day 0).
///
/// Days are the unit of every duration in the pipeline model; a plain integer keeps comparisons
/// and differences cheap on millions of rows.
public struct Day: Hashable, Comparable, Sendable, Codable, Strideable, CustomStringConvertible {
  /// Days since 1970-01-01.
  public var index: Int32

  public init(index: Int32) { self.index = index }

  /// The day with the given year, month (1–12) and day of month; nil when it does not exist.
  public init?(year: Int, month: Int, day: Int) {
    guard month >= 1, month <= 12, day >= 1, day <= Day.daysIn(month: month, year: year) else {
      return nil
    }
    self.index = Int32(Day.daysFromCivil(year: year, month: month, day: day))
  }

  /// Parses `YYYY-MM-DD`; nil when malformed or not a real date (2026-02-30).
  public init?(_ text: some StringProtocol) {
    let bytes = Array(text.utf8)
    guard bytes.count == 10, let parsed = Day.parse(bytes[...]) else { return nil }
    self = parsed
  }

  /// Parses `YYYY-MM-DD` from exactly ten bytes.
  @inline(__always)
  static func parse<C: RandomAccessCollection<UInt8>>(_ b: C) -> Day? where C.Index == Int {
    guard b.count == 10 else { return nil }
    let s = b.startIndex
    guard b[s + 4] == UInt8(ascii: "-"), b[s + 7] == UInt8(ascii: "-") else { return nil }
    guard let y = digits(b, s, 4), let m = digits(b, s + 5, 2), let d = digits(b, s + 8, 2) else {
      return nil
    }
    return Day(year: y, month: m, day: d)
  }

  /// Parses `YYYY-MM-DD` from the ten bytes at `p`: what `parse(_:)` does, for the common case
  /// of a bare date in a CSV field, without generic collection indexing.
  @inline(__always)
  static func parse(tenBytesAt p: UnsafePointer<UInt8>) -> Day? {
    guard p[4] == UInt8(ascii: "-"), p[7] == UInt8(ascii: "-") else { return nil }
    let y0 = p[0] &- 48
    let y1 = p[1] &- 48
    let y2 = p[2] &- 48
    let y3 = p[3] &- 48
    let m0 = p[5] &- 48
    let m1 = p[6] &- 48
    let d0 = p[8] &- 48
    let d1 = p[9] &- 48
    guard y0 < 10, y1 < 10, y2 < 10, y3 < 10, m0 < 10, m1 < 10, d0 < 10, d1 < 10 else {
      return nil
    }
    let year = Int(y0) * 1000 + Int(y1) * 100 + Int(y2) * 10 + Int(y3)
    return Day(year: year, month: Int(m0) * 10 + Int(m1), day: Int(d0) * 10 + Int(d1))
  }

  @inline(__always)
  static func digits<C: RandomAccessCollection<UInt8>>(_ b: C, _ start: Int, _ count: Int) -> Int?
  where C.Index == Int {
    var value = 0
    for i in start..<(start + count) {
      let c = b[i]
      guard c >= 48, c <= 57 else { return nil }
      value = value * 10 + Int(c - 48)
    }
    return value
  }

  public static func < (lhs: Day, rhs: Day) -> Bool { lhs.index < rhs.index }

  public func advanced(by n: Int) -> Day { Day(index: index + Int32(n)) }
  public func distance(to other: Day) -> Int { Int(other.index - index) }

  /// Year, month (1–12) and day of month.
  public var components: (year: Int, month: Int, day: Int) {
    Day.civilFromDays(Int(index))
  }

  public var year: Int { components.year }
  public var month: Int { components.month }

  /// ISO weekday: Monday 1 … Sunday 7.
  public var weekday: Int {
    let w = (Int(index) + 3) % 7  // 1970-01-01 was a Thursday (ISO 4)
    return (w < 0 ? w + 7 : w) + 1
  }

  /// The Monday on or before this day (weeks start on Monday).
  public var startOfWeek: Day { advanced(by: -(weekday - 1)) }

  /// `YYYY-MM-DD`.
  public var description: String {
    let (y, m, d) = components
    return "\(Day.pad(y, 4))-\(Day.pad(m, 2))-\(Day.pad(d, 2))"
  }

  static func pad(_ value: Int, _ width: Int) -> String {
    let s = String(value)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
  }

  public static func isLeap(_ year: Int) -> Bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
  }

  public static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return isLeap(year) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  // Howard Hinnant's days_from_civil / civil_from_days.
  static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146097 + doe - 719468
  }

  static func civilFromDays(_ z0: Int) -> (year: Int, month: Int, day: Int) {
    let z = z0 + 719468
    let era = (z >= 0 ? z : z - 146096) / 146097
    let doe = z - era * 146097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
    let y = yoe + era * 400
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (m <= 2 ? y + 1 : y, m, d)
  }

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let day = Day(text) else {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a date: \(text)"))
    }
    self = day
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }
}
