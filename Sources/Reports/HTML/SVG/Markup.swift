import Foundation

/// Escaping and number formatting for HTML and SVG markup.
///
/// Every piece of text that reaches the report (stage names, owners, file paths, notes, scenario
/// names) goes through `escape`, so data can never open a tag, close an attribute or start a
/// script. Coordinates are written with at most two decimals, so the same input gives the same
/// bytes and the file stays small.
public enum Markup {
  /// `text` with `&`, `<`, `>`, `"` and `'` replaced by entities: safe in element content and in
  /// single- or double-quoted attribute values.
  public static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for ch in text.unicodeScalars {
      switch ch {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      // Control characters (other than tab and newline) have no place in HTML text.
      case _ where ch.value < 0x20 && ch != "\n" && ch != "\t": out += " "
      default: out.unicodeScalars.append(ch)
      }
    }
    return out
  }

  /// A coordinate or length: up to two decimals, no trailing zeros, "-0" as "0", non-finite as 0.
  public static func number(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    let rounded = (value * 100).rounded() / 100
    if rounded == rounded.rounded() { return String(Int64(rounded)) }
    var s = String(format: "%.2f", rounded)
    while s.hasSuffix("0") { s.removeLast() }
    if s.hasSuffix(".") { s.removeLast() }
    return s == "-0" ? "0" : s
  }
}

/// Short tick and label formats for chart axes (the tables keep the full figures).
public enum AxisFormat {
  /// An amount with a k / M / B suffix and as many decimals as `step` needs to tell ticks apart:
  /// `compactAmount(1_250_000, step: 250_000)` is "1.25M".
  public static func compactAmount(_ value: Double, step: Double? = nil) -> String {
    guard value.isFinite else { return "–" }
    let magnitude = abs(value)
    let reference = max(magnitude, abs(step ?? 0))
    let (unit, suffix): (Double, String) =
      reference >= 1e9
      ? (1e9, "B") : reference >= 1e6 ? (1e6, "M") : reference >= 1e3 ? (1e3, "k") : (1, "")
    var digits: Int
    if let step, step > 0 {
      // The fewest decimals (up to 3) that write every multiple of `step` exactly.
      let scaled = step / unit
      digits =
        (0...3).first { d in
          let x = scaled * pow(10, Double(d))
          return abs(x - x.rounded()) < 1e-6 * max(1, x)
        } ?? 3
    } else {
      let scaled = magnitude / unit
      digits = scaled >= 100 || unit == 1 ? 0 : scaled >= 10 ? 1 : 2
    }
    if value == 0 { return "0" }
    return String(format: "%.\(digits)f", value / unit) + suffix
  }

  /// A share as a whole percentage ("40%"), or with one decimal when `step` is below 1 point.
  public static func percent(_ value: Double, step: Double? = nil) -> String {
    guard value.isFinite else { return "–" }
    let digits = (step ?? 0.01) < 0.01 ? 1 : 0
    return String(format: "%.\(digits)f%%", value * 100)
  }

  /// A plain number: integers without decimals, otherwise one decimal.
  public static func plain(_ value: Double) -> String {
    guard value.isFinite else { return "–" }
    return value == value.rounded() ? String(Int64(value)) : String(format: "%.1f", value)
  }
}
