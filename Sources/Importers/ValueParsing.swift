import CRMData
import Foundation

/// How to read dates written with slashes or dots, which exports write in the user's locale.
public enum DayOrder: String, Sendable, Codable, CaseIterable {
  /// `3/31/2024` (US locale; the default of Salesforce, HubSpot and Dynamics in en-US).
  case monthFirst = "mdy"
  /// `31/03/2024` or `31.03.2024` (most other locales).
  case dayFirst = "dmy"
}

/// Readers for the values vendor exports write, more lenient than the canonical contract.
///
/// Every reader returns nil for text it cannot read; the adapter turns that into a diagnostic with
/// the file, line and column, quoting the text.
enum ValueParser {
  /// A date or date-time in any of the forms exports use:
  /// - ISO `2024-03-31`, `2024-03-31T10:22:33.000Z`, `2024-03-31 10:22`, offsets `+02:00` and
  ///   Salesforce's colon-less `+0000`;
  /// - slashed or dotted `3/31/2024`, `3/31/2024 4:05 PM`, `31.03.2024 16:05`, read in `order`.
  /// Times without an offset are taken as UTC (the contract's rule).
  static func moment(_ text: String, order: DayOrder) -> Moment? {
    if text.isEmpty { return nil }
    if let m = Moment(text) { return m }
    var t = text
    // "+0000" / "-0530" → "+00:00"
    if t.count >= 15, let sign = t.dropLast(4).last, sign == "+" || sign == "-",
      t.suffix(4).allSatisfy(\.isASCIIDigit)
    {
      t.insert(":", at: t.index(t.endIndex, offsetBy: -2))
      if let m = Moment(t) { return m }
    }
    return slashed(text, order: order)
  }

  private static func slashed(_ text: String, order: DayOrder) -> Moment? {
    let parts = text.split(separator: " ", omittingEmptySubsequences: true)
    guard let datePart = parts.first else { return nil }
    let separator: Character = datePart.contains("/") ? "/" : "."
    let numbers = datePart.split(separator: separator, omittingEmptySubsequences: false)
    guard numbers.count == 3, numbers.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }),
      numbers[2].count == 4, let a = Int(numbers[0]), let b = Int(numbers[1]), let y = Int(numbers[2])
    else { return nil }
    let dayOrder = separator == "." ? .dayFirst : order
    let (month, day) = dayOrder == .monthFirst ? (a, b) : (b, a)
    guard let date = Day(year: y, month: month, day: day) else { return nil }
    var seconds = Int64(date.index) * 86_400
    guard parts.count > 1 else { return Moment(secondsSinceEpoch: seconds) }
    let clock = parts[1].split(separator: ":")
    guard clock.count == 2 || clock.count == 3, let h = Int(clock[0]), let mi = Int(clock[1]),
      mi < 60
    else { return nil }
    let s = clock.count == 3 ? Int(clock[2].prefix(2)) : 0
    guard let s, s < 61 else { return nil }
    var hour = h
    if parts.count == 3 {
      let meridiem = parts[2].uppercased()
      guard meridiem == "AM" || meridiem == "PM", (1...12).contains(h) else { return nil }
      hour = h % 12 + (meridiem == "PM" ? 12 : 0)
    } else if parts.count > 3 {
      return nil
    }
    guard hour < 24 else { return nil }
    seconds += Int64(hour * 3600 + mi * 60 + s)
    return Moment(secondsSinceEpoch: seconds)
  }

  /// The result of reading an amount.
  enum Amount: Equatable {
    case value(Double, currency: String?)
    case negative
    case invalid
  }

  /// An amount: `1200`, `1200.50`, `1,200.50`, `$1,200.50`, `USD 1,200.50`, `1200 EUR`.
  ///
  /// A currency code or symbol is removed and returned; commas are taken as thousands separators
  /// only in the `1,234,567.89` pattern (anything else with a comma is invalid: a decimal comma
  /// must not silently become a thousands separator).
  static func amount(_ text: String) -> Amount {
    var t = Substring(text)
    var currency: String?
    let symbols: [Character: String] = ["$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"]
    if let first = t.first, let code = symbols[first] {
      currency = code
      t = t.dropFirst()
    } else if let last = t.last, let code = symbols[last] {
      currency = code
      t = t.dropLast()
    }
    let letters = t.prefix(while: \.isLetter)
    if letters.count == 3 {
      currency = letters.uppercased()
      t = t.dropFirst(3)
    } else {
      let trailing = t.reversed().prefix(while: \.isLetter)
      if trailing.count == 3 {
        currency = String(trailing.reversed()).uppercased()
        t = t.dropLast(3)
      }
    }
    var s = String(t.trimmingCharacters(in: .whitespaces))
    if s.contains(",") {
      let negative = s.hasPrefix("-")
      let body = negative ? String(s.dropFirst()) : s
      let whole = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)[0]
      let groups = whole.split(separator: ",", omittingEmptySubsequences: false)
      guard groups.count > 1, (1...3).contains(groups[0].count),
        groups.dropFirst().allSatisfy({ $0.count == 3 })
      else { return .invalid }
      s = s.replacingOccurrences(of: ",", with: "")
    }
    let parsed = Array(s.utf8).withUnsafeBufferPointer { FieldParser.amount($0) }
    switch parsed {
    case .value(let v): return .value(v, currency: currency)
    case .negative: return .negative
    case .invalid: return .invalid
    }
  }

  /// A number such as a probability: `10`, `10.5`, `10%`, `0.1`.
  static func number(_ text: String) -> Double? {
    var t = text
    if t.hasSuffix("%") { t.removeLast() }
    return Double(t.trimmingCharacters(in: .whitespaces))
  }

  /// `true`/`false`, `1`/`0`, `yes`/`no`, `y`/`n` in any case.
  static func boolean(_ text: String) -> Bool? {
    switch text.lowercased() {
    case "true", "1", "yes", "y": return true
    case "false", "0", "no", "n": return false
    default: return nil
    }
  }

  /// The deal type a vendor's label most likely means: renewal, expansion (existing customer,
  /// upgrade, upsell, add-on, cross-sell) or new (everything else, including new business).
  static func dealType(_ text: String) -> DealType {
    let t = text.lowercased()
    if t.contains("renew") { return .renewal }
    for word in ["existing", "upgrade", "upsell", "up-sell", "expansion", "add-on", "addon", "cross"]
    where t.contains(word) {
      return .expansion
    }
    return .new
  }

  /// A vendor forecast category: Salesforce `Omitted`/`Pipeline`/`Best Case`/`BestCase`/`Commit`/
  /// `Forecast`, Dynamics `Committed`; `Closed`, `Won`, `Lost` and unknown text give nil.
  static func forecastCategory(_ text: String) -> ForecastCategory? {
    switch ColumnName.normalize(text) {
    case "omitted": return .omitted
    case "pipeline": return .pipeline
    case "bestcase": return .bestCase
    case "commit", "committed", "forecast": return .commit
    default: return nil
    }
  }
}

extension Character {
  var isASCIIDigit: Bool { isASCII && isNumber }
}
