import Foundation
import KPI

/// Headers and rows of a rendered table, as text cells (TextTable did not exist on this branch
/// yet; `KPITable.text(_:)` aligns the cells, and a TextTable can take `headers`/`rows` as is).
public struct KPITableRows: Sendable, Equatable {
  public var headers: [String]
  public var rows: [[String]]
  /// Right-align these columns (numbers).
  public var numericColumns: Set<Int>

  public init(headers: [String], rows: [[String]], numericColumns: Set<Int> = []) {
    self.headers = headers
    self.rows = rows
    self.numericColumns = numericColumns
  }
}

/// Renders a `KPIReport` for people: one line per KPI with its headline, what it was computed from
/// (numerator / denominator), and why a value is missing; and a breakdown table ranking groups.
public enum KPITable {
  /// The KPI summary: Group, KPI, Value, From (numerator / denominator), n, Note.
  public static func summary(_ report: KPIReport) -> KPITableRows {
    var rows: [[String]] = []
    for k in report.kpis {
      var from = ""
      if let num = k.numerator, let den = k.denominator {
        // A ratio of amounts (new-business share, growth) has fractional parts: grouped amounts.
        var unit = baseUnit(k.unit)
        if unit == .count && (num.rounded() != num || den.rounded() != den) { unit = .currency }
        from = "\(format(num, unit: unit)) / \(format(den, unit: unit))"
      }
      var note = k.missing ?? ""
      if note.isEmpty, case .text(let t)? = k.details["note"] { note = t }
      if note.isEmpty, case .text(let t)? = k.details["fitted_note"] { note = "fitted: " + t }
      rows.append([
        groupTitle(k.group), k.id, k.value.map { format($0, unit: k.unit) } ?? "n/a", from,
        String(k.n), note,
      ])
    }
    return KPITableRows(
      headers: ["Group", "KPI", "Value", "From", "n", "Note"], rows: rows,
      numericColumns: [2, 3, 4])
  }

  /// The default breakdown columns: what a sales chief ranks reps by.
  public static let defaultBreakdownColumns = [
    "bookings", "quota_attainment", "win_rate", "average_deal_size", "sales_cycle_length",
    "weighted_pipeline", "pipeline_coverage", "activity_volume",
  ]

  /// One row per group of the report's dimension, ranked by `rankBy` (default bookings; nulls
  /// last, ties by name), one column per KPI that has a breakdown.
  public static func breakdown(
    _ report: KPIReport, columns: [String] = defaultBreakdownColumns, rankBy: String = "bookings"
  ) -> KPITableRows {
    let kpis = columns.compactMap { report[$0] }.filter { !$0.breakdown.isEmpty }
    var names = Set<String>()
    for k in kpis { names.formUnion(k.breakdown.keys) }
    let rank = report[rankBy]?.breakdown ?? [:]
    let ordered = names.sorted { a, b in
      let (x, y) = ((rank[a] ?? nil), (rank[b] ?? nil))
      switch (x, y) {
      case (let x?, let y?) where x != y: return x > y
      case (.some, nil): return true
      case (nil, .some): return false
      default: return a < b
      }
    }
    var rows: [[String]] = []
    for (i, name) in ordered.enumerated() {
      var row = [String(i + 1), name]
      for k in kpis {
        let v = k.breakdown[name] ?? nil
        row.append(v.map { format($0, unit: k.unit) } ?? "–")
      }
      rows.append(row)
    }
    let dimension = report.dimension?.rawValue ?? "group"
    return KPITableRows(
      headers: ["#", dimension] + kpis.map(\.id), rows: rows,
      numericColumns: Set([0] + Array(2..<(2 + kpis.count))))
  }

  /// The rows as a `TextTable` (numbers right-aligned).
  public static func textTable(_ table: KPITableRows, title: String? = nil, footnotes: [String] = []) -> TextTable {
    TextTable(
      title: title, headers: table.headers,
      alignments: table.headers.indices.map { table.numericColumns.contains($0) ? .right : .left },
      rows: table.rows, footnotes: footnotes)
  }

  /// Aligned plain text: a header, a rule, the rows.
  public static func text(_ table: KPITableRows) -> String {
    textTable(table).render()
  }


  /// A value in its unit: ratios as percentages, amounts with thousands separators.
  public static func format(_ value: Double, unit: KPIUnit) -> String {
    guard value.isFinite else { return "n/a" }
    switch unit {
    case .ratio: return String(format: "%.1f%%", value * 100)
    case .currency: return grouped(value)
    case .currencyPerDay:
      return (abs(value) < 100 ? String(format: "%.1f", value) : grouped(value)) + "/day"
    case .days: return String(format: "%.1f d", value)
    case .hours: return String(format: "%.1f h", value)
    case .count: return value == value.rounded() ? grouped(value) : String(format: "%.2f", value)
    case .perRepPerWeek: return String(format: "%.1f /rep/wk", value)
    case .perAccount: return String(format: "%.2f /account", value)
    case .multiple: return String(format: "%.2fx", value)
    }
  }

  /// The unit of a KPI's numerator and denominator (a ratio's parts are counts or amounts).
  static func baseUnit(_ unit: KPIUnit) -> KPIUnit {
    switch unit {
    case .currency, .currencyPerDay, .multiple: return .currency
    default: return .count
    }
  }

  static func grouped(_ value: Double) -> String {
    let negative = value < 0
    var digits = String(Int64(abs(value).rounded()))
    var parts: [String] = []
    while digits.count > 3 {
      parts.insert(String(digits.suffix(3)), at: 0)
      digits.removeLast(3)
    }
    parts.insert(digits, at: 0)
    return (negative ? "-" : "") + parts.joined(separator: ",")
  }

  static func groupTitle(_ g: KPIGroup) -> String {
    switch g {
    case .northStar: return "North star"
    case .result: return "Result"
    case .marketing: return "Marketing"
    case .salesProcess: return "Sales process"
    case .strategy: return "Strategy"
    case .accountManagement: return "Accounts"
    }
  }
}
