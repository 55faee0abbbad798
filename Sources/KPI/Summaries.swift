/// Small, exact summaries used by the KPIs. Each is defined so a reviewer can redo it by hand.
enum Summary {
  /// The median: the middle value, or the mean of the two middle values; nil when empty.
  static func median(_ values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    let s = values.sorted()
    let m = s.count / 2
    return s.count % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2
  }

  /// The nearest-rank p-quantile: the smallest value with at least p of the values at or below
  /// it (P90 of 1…10 is 9). Nil when empty.
  static func nearestRank(_ values: [Double], _ p: Double) -> Double? {
    guard !values.isEmpty else { return nil }
    let s = values.sorted()
    let rank = max(1, Int((p * Double(s.count)).rounded(.up)))
    return s[min(rank, s.count) - 1]
  }

  static func mean(_ values: [Double]) -> Double? {
    values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
  }

  /// Coefficient of variation with the population standard deviation; nil when the mean is 0.
  static func coefficientOfVariation(_ values: [Double]) -> Double? {
    guard let m = mean(values), m > 0 else { return nil }
    let v = values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count)
    return v.squareRoot() / m
  }

  /// a / b, nil when b is zero (never infinity or NaN).
  static func ratio(_ a: Double, _ b: Double) -> Double? { b != 0 ? a / b : nil }
}

/// Per-group running sums that grow as groups appear.
struct GroupSums {
  var num: [Double] = []
  var den: [Double] = []
  var seen: [Bool] = []

  @inline(__always) mutating func add(_ g: Int32, num n: Double, den d: Double) {
    let k = Int(g)
    if k >= seen.count {
      num += [Double](repeating: 0, count: k + 1 - seen.count)
      den += [Double](repeating: 0, count: k + 1 - seen.count)
      seen += [Bool](repeating: false, count: k + 1 - seen.count)
    }
    num[k] += n
    den[k] += d
    seen[k] = true
  }
}

/// Per-group lists of values (for medians by group).
struct GroupLists {
  var lists: [[Double]] = []

  @inline(__always) mutating func add(_ g: Int32, _ value: Double) {
    let k = Int(g)
    while k >= lists.count { lists.append([]) }
    lists[k].append(value)
  }
}

extension KPIDetail {
  static func num(_ x: Double?) -> KPIDetail { .number(x) }
  static func int(_ i: Int) -> KPIDetail { .integer(i) }
}
