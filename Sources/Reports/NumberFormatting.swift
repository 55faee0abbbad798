import Foundation

/// Fixed, locale-independent number formatting for tables (never "NaN" or "inf" in output).
public enum NumberFormatting {
  /// `value` with `digits` decimals, or "–" when missing or not finite.
  public static func fixed(_ value: Double?, digits: Int = 0) -> String {
    guard let value, value.isFinite else { return "–" }
    return String(format: "%.\(digits)f", value)
  }

  /// A money amount with thousands separators ("1,234,567"), or "–".
  public static func amount(_ value: Double?) -> String {
    guard let value, value.isFinite else { return "–" }
    let rounded = Int64(value.rounded())
    let digits = String(abs(rounded))
    var out = ""
    for (i, ch) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
      out.append(ch)
    }
    return rounded < 0 ? "-" + out : out
  }

  /// A share as a percentage with one decimal ("42.5%"), or "–".
  public static func percent(_ value: Double?, digits: Int = 1) -> String {
    guard let value, value.isFinite else { return "–" }
    return String(format: "%.\(digits)f%%", value * 100)
  }
}
