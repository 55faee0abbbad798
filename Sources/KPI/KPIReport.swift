import CRMData

/// The level a KPI belongs to: the north star, what the sales effort produced, and where the
/// process can improve (marketing hand-off, the sales process, strategy, account management).
public enum KPIGroup: String, Sendable, Codable, CaseIterable {
  case northStar = "north_star"
  case result
  case marketing
  case salesProcess = "sales_process"
  case strategy
  case accountManagement = "account_management"
}

/// The unit of a KPI's headline value.
public enum KPIUnit: String, Sendable, Codable {
  /// A share between 0 and 1.
  case ratio
  /// An amount in the folder's currency.
  case currency
  case days
  case hours
  case count
  /// Activities per rep per week.
  case perRepPerWeek = "per_rep_per_week"
  /// Touches per account in the period.
  case perAccount = "per_account"
  /// Currency per day (sales velocity).
  case currencyPerDay = "currency_per_day"
  /// A plain multiple (coverage, LTV/CAC): 1 means "exactly enough".
  case multiple
}

/// A KPI's secondary figure: a number (null when not defined), a count, a text, a list or an
/// object. Objects encode with their keys sorted, so output never depends on hash order.
public indirect enum KPIDetail: Sendable, Equatable, Encodable {
  case number(Double?)
  case integer(Int)
  case text(String)
  case list([KPIDetail])
  case object([String: KPIDetail])

  /// The number, when this detail is one (an integer is returned as a Double).
  public var number: Double? {
    switch self {
    case .number(let x): return x
    case .integer(let i): return Double(i)
    default: return nil
    }
  }

  /// The member `key` of an object detail.
  public subscript(key: String) -> KPIDetail? {
    if case .object(let members) = self { return members[key] }
    return nil
  }

  public func encode(to encoder: any Encoder) throws {
    switch self {
    case .number(let x):
      var c = encoder.singleValueContainer()
      if let x, x.isFinite { try c.encode(x) } else { try c.encodeNil() }
    case .integer(let i):
      var c = encoder.singleValueContainer()
      try c.encode(i)
    case .text(let s):
      var c = encoder.singleValueContainer()
      try c.encode(s)
    case .list(let items):
      var c = encoder.unkeyedContainer()
      for item in items { try c.encode(item) }
    case .object(let members):
      var c = encoder.container(keyedBy: DynamicKey.self)
      for key in members.keys.sorted() { try c.encode(members[key]!, forKey: DynamicKey(key)) }
    }
  }
}

struct DynamicKey: CodingKey {
  var stringValue: String
  var intValue: Int? { nil }
  init(_ string: String) { stringValue = string }
  init?(stringValue: String) { self.stringValue = stringValue }
  init?(intValue: Int) { nil }
}

/// One computed KPI: a single headline `value` (or nil), the counts behind it, every other figure
/// in `details`, and the value per group when a breakdown was asked for.
public struct KPIResult: Sendable, Equatable, Encodable {
  /// Stable snake_case identifier (`win_rate`); see docs/KPI-CATALOGUE.md.
  public var id: String
  public var group: KPIGroup
  /// The headline number; nil when it is not defined (no data, zero denominator, missing file).
  public var value: Double?
  public var unit: KPIUnit
  /// For a ratio or mean: what was divided; nil when the headline is not a quotient.
  public var numerator: Double?
  public var denominator: Double?
  /// Number of observations (deals, leads, accounts, activities) the headline rests on.
  public var n: Int
  public var details: [String: KPIDetail]
  /// The headline per group of the requested dimension; empty without `--by` or when the KPI has
  /// no meaning by that dimension (then `details["breakdown_note"]` says why).
  public var breakdown: [String: Double?]
  /// Set when a needed input is absent: "needs leads.csv".
  public var missing: String?

  public init(
    id: String, group: KPIGroup, value: Double?, unit: KPIUnit, numerator: Double? = nil,
    denominator: Double? = nil, n: Int = 0, details: [String: KPIDetail] = [:],
    breakdown: [String: Double?] = [:], missing: String? = nil
  ) {
    self.id = id
    self.group = group
    self.value = value.flatMap { $0.isFinite ? $0 : nil }
    self.unit = unit
    self.numerator = numerator.flatMap { $0.isFinite ? $0 : nil }
    self.denominator = denominator.flatMap { $0.isFinite ? $0 : nil }
    self.n = n
    self.details = details
    self.breakdown = breakdown
    self.missing = missing
  }

  enum CodingKeys: String, CodingKey {
    case id, group, value, unit, numerator, denominator, n, details, breakdown, missing
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(id, forKey: .id)
    try c.encode(group, forKey: .group)
    try c.encode(KPIDetail.number(value), forKey: .value)
    try c.encode(unit, forKey: .unit)
    try c.encode(KPIDetail.number(numerator), forKey: .numerator)
    try c.encode(KPIDetail.number(denominator), forKey: .denominator)
    try c.encode(n, forKey: .n)
    try c.encode(KPIDetail.object(details), forKey: .details)
    try c.encode(KPIDetail.object(breakdown.mapValues { .number($0) }), forKey: .breakdown)
    try c.encodeIfPresent(missing, forKey: .missing)
  }
}

/// Every KPI of one request: `{"period", "as_of", "kpis": [...]}`.
public struct KPIReport: Sendable, Encodable {
  /// `2026-Q2`, `2026-01..2026-06`, with ` (to date)` when the period runs past as-of.
  public var period: String
  public var asOf: Day
  public var kpis: [KPIResult]
  /// First day of the period.
  public var start: Day
  /// First day after the part of the period that is counted: min(period end, as-of + 1).
  public var end: Day
  /// The breakdown dimension, when one was requested.
  public var dimension: KPIDimension?

  public init(
    period: String, asOf: Day, kpis: [KPIResult], start: Day, end: Day, dimension: KPIDimension?
  ) {
    self.period = period
    self.asOf = asOf
    self.kpis = kpis
    self.start = start
    self.end = end
    self.dimension = dimension
  }

  /// The KPI with the given id.
  public subscript(id: String) -> KPIResult? { kpis.first { $0.id == id } }

  enum CodingKeys: String, CodingKey {
    case period
    case asOf = "as_of"
    case kpis
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(period, forKey: .period)
    try c.encode(asOf, forKey: .asOf)
    try c.encode(kpis, forKey: .kpis)
  }
}
