/// A month or a quarter: the unit every forecast, KPI and quota is reported in.
///
/// Months are labelled `YYYY-MM` by calendar. Quarters are labelled `YYYY-Qn` in the fiscal
/// calendar: with a fiscal-year start month other than January, a fiscal year is named by the
/// calendar year in which it *ends* (start 04: FY2027 runs 2026-04-01 … 2027-03-31, and 2027-Q1 is
/// April–June 2026). That is the most common convention (Microsoft, the US government); with the
/// default start (January) fiscal and calendar quarters coincide.
public struct Period: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
  public enum Length: String, Sendable, Codable, Hashable {
    case month, quarter
  }

  public let length: Length
  /// First day of the period.
  public let start: Day
  /// First day after the period.
  public let end: Day
  /// The fiscal year's first month (1–12); labels of quarters depend on it.
  public let fiscalYearStartMonth: Int

  init(length: Length, start: Day, fiscalYearStartMonth: Int) {
    self.length = length
    self.start = start
    self.fiscalYearStartMonth = fiscalYearStartMonth
    let (y, m, _) = start.components
    let months = length == .month ? 1 : 3
    let endMonthIndex = (m - 1) + months
    self.end = Day(year: y + endMonthIndex / 12, month: endMonthIndex % 12 + 1, day: 1)!
  }

  /// Number of days in the period.
  public var dayCount: Int { start.distance(to: end) }

  /// True when `day` falls inside the period.
  public func contains(_ day: Day) -> Bool { day >= start && day < end }

  /// The period after this one.
  public var next: Period {
    Period(length: length, start: end, fiscalYearStartMonth: fiscalYearStartMonth)
  }

  /// The period before this one.
  public var previous: Period {
    let (y, m, _) = start.components
    let months = length == .month ? 1 : 3
    let index = y * 12 + (m - 1) - months
    return Period(
      length: length, start: Day(year: index / 12, month: index % 12 + 1, day: 1)!,
      fiscalYearStartMonth: fiscalYearStartMonth)
  }

  /// The same period one year earlier.
  public var yearEarlier: Period {
    let (y, m, _) = start.components
    return Period(length: length, start: Day(year: y - 1, month: m, day: 1)!, fiscalYearStartMonth: fiscalYearStartMonth)
  }

  /// `YYYY-MM` for months, fiscal `YYYY-Qn` for quarters.
  public var label: String {
    let (y, m, _) = start.components
    switch length {
    case .month:
      return "\(Day.pad(y, 4))-\(Day.pad(m, 2))"
    case .quarter:
      let offset = (m - fiscalYearStartMonth + 12) % 12
      let quarter = offset / 3 + 1
      // The fiscal year ends in the calendar year of its last month.
      let fiscalYear = fiscalYearStartMonth == 1 ? y : (m >= fiscalYearStartMonth ? y + 1 : y)
      return "\(Day.pad(fiscalYear, 4))-Q\(quarter)"
    }
  }

  public var description: String { label }

  public static func < (lhs: Period, rhs: Period) -> Bool {
    lhs.start != rhs.start ? lhs.start < rhs.start : lhs.end < rhs.end
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(label)
  }

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let period = FiscalCalendar.standard.period(text) else {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a period: \(text)"))
    }
    self = period
  }
}

/// Turns days into months and fiscal quarters, and labels back into periods.
public struct FiscalCalendar: Hashable, Sendable, Codable {
  /// The fiscal year's first month, 1–12.
  public let startMonth: Int

  /// The calendar whose fiscal year starts in January.
  public static let standard = FiscalCalendar(startMonth: 1)!

  public init?(startMonth: Int) {
    guard (1...12).contains(startMonth) else { return nil }
    self.startMonth = startMonth
  }

  /// The calendar month containing `day`.
  public func month(containing day: Day) -> Period {
    let (y, m, _) = day.components
    return Period(length: .month, start: Day(year: y, month: m, day: 1)!, fiscalYearStartMonth: startMonth)
  }

  /// The fiscal quarter containing `day`.
  public func quarter(containing day: Day) -> Period {
    let (y, m, _) = day.components
    let offset = (m - startMonth + 12) % 12
    let firstMonthIndex = y * 12 + (m - 1) - offset % 3
    return Period(
      length: .quarter, start: Day(year: firstMonthIndex / 12, month: firstMonthIndex % 12 + 1, day: 1)!,
      fiscalYearStartMonth: startMonth)
  }

  /// The period of the given length containing `day`.
  public func period(_ length: Period.Length, containing day: Day) -> Period {
    length == .month ? month(containing: day) : quarter(containing: day)
  }

  /// Parses `YYYY-MM` or fiscal `YYYY-Qn` (case-insensitive `q`); nil when malformed.
  public func period(_ label: some StringProtocol) -> Period? {
    let bytes = Array(label.utf8)
    guard bytes.count == 7, bytes[4] == UInt8(ascii: "-"), let year = Day.digits(bytes[...], 0, 4) else {
      return nil
    }
    if bytes[5] == UInt8(ascii: "Q") || bytes[5] == UInt8(ascii: "q") {
      guard let q = Day.digits(bytes[...], 6, 1), (1...4).contains(q) else { return nil }
      // Fiscal year `year` ends in calendar year `year`; it starts in `year - 1` unless January.
      let startYear = startMonth == 1 ? year : year - 1
      let index = startYear * 12 + (startMonth - 1) + (q - 1) * 3
      return Period(
        length: .quarter, start: Day(year: index / 12, month: index % 12 + 1, day: 1)!,
        fiscalYearStartMonth: startMonth)
    }
    guard let month = Day.digits(bytes[...], 5, 2), (1...12).contains(month) else { return nil }
    return Period(length: .month, start: Day(year: year, month: month, day: 1)!, fiscalYearStartMonth: startMonth)
  }

  /// The consecutive periods from `first` through `last`, inclusive.
  public func periods(from first: Period, through last: Period) -> [Period] {
    var result: [Period] = []
    var p = first
    while p.start <= last.start {
      result.append(p)
      p = p.next
    }
    return result
  }
}
