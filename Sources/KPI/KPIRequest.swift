import CRMData

/// What a KPI breakdown groups by. Owner, team and role follow the deal's owner at as-of (team and
/// role through reps.csv); leads and activities use their own owner; source, segment and type
/// are the deal's (a lead has a source only).
public enum KPIDimension: String, Sendable, Codable, CaseIterable {
  case owner, team, source, segment, type, role
}

/// The north-star metric: the one number that sums up the company's mission.
public enum NorthStarMetric: String, Sendable, Codable, CaseIterable {
  /// Accounts that became customers and had not churned at the end of the period (accounts.csv).
  case activeCustomers = "active_customers"
  /// Amount of deals won in the period.
  case bookings
  /// Number of deals won in the period.
  case wonDeals = "won_deals"
  /// Accounts that became customers in the period.
  case newCustomers = "new_customers"
}

/// Which period, breakdown and settings a KPI computation uses.
public struct KPIRequest: Sendable {
  /// First period of the range; nil means the fiscal quarter containing as-of (quarter to date).
  public var from: Period?
  /// Last period of the range (inclusive); nil means `from`.
  public var to: Period?
  /// Breakdown dimension; nil for company totals only.
  public var by: KPIDimension?
  public var northStar: NorthStarMetric
  /// Pipecast's fitted win probability per open stage name, for the fitted weighted pipeline;
  /// nil until the pipeline model supplies it (that variant is then reported as not available).
  public var fittedWinProbability: [String: Double]?
  /// Contact-frequency target: touches per account per year (default 4, once a quarter).
  public var contactTargetPerYear: Double
  /// How many accounts, by revenue, the contact-frequency check lists (default 20).
  public var topAccountCount: Int
  /// Only these KPI ids (nil: the whole catalogue), in catalogue order.
  public var only: Set<String>?

  public init(
    from: Period? = nil, to: Period? = nil, by: KPIDimension? = nil,
    northStar: NorthStarMetric = .activeCustomers, fittedWinProbability: [String: Double]? = nil,
    contactTargetPerYear: Double = 4, topAccountCount: Int = 20, only: Set<String>? = nil
  ) {
    self.from = from
    self.to = to
    self.by = by
    self.northStar = northStar
    self.fittedWinProbability = fittedWinProbability
    self.contactTargetPerYear = contactTargetPerYear
    self.topAccountCount = topAccountCount
    self.only = only
  }

  /// One period (a month or a quarter).
  public init(period: Period, by: KPIDimension? = nil) {
    self.init(from: period, to: period, by: by)
  }
}
