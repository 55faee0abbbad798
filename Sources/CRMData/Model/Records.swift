/// One opportunity (a row of deals.csv). Values are as of the export, or as of the point-in-time
/// view's date when the deal came through `CRMFolder.asOf(_:)`.
public struct Deal: Sendable, Hashable {
  public var id: String
  public var createdOn: Moment
  public var ownerID: String
  /// Current value, final value once closed; never negative.
  public var amount: Double
  public var status: DealStatus
  /// Set exactly when `status` is won or lost.
  public var closedOn: Moment?
  public var expectedCloseOn: Moment?
  public var accountID: String?
  public var source: String?
  public var segment: String?
  public var type: DealType
  public var leadID: String?
  public var forecastCategory: ForecastCategory?

  public init(
    id: String, createdOn: Moment, ownerID: String, amount: Double, status: DealStatus,
    closedOn: Moment? = nil, expectedCloseOn: Moment? = nil, accountID: String? = nil,
    source: String? = nil, segment: String? = nil, type: DealType = .new, leadID: String? = nil,
    forecastCategory: ForecastCategory? = nil
  ) {
    self.id = id
    self.createdOn = createdOn
    self.ownerID = ownerID
    self.amount = amount
    self.status = status
    self.closedOn = closedOn
    self.expectedCloseOn = expectedCloseOn
    self.accountID = accountID
    self.source = source
    self.segment = segment
    self.type = type
    self.leadID = leadID
    self.forecastCategory = forecastCategory
  }
}

/// One change of a deal (a row of deal_history.csv): the deal's state from `changedOn` until the
/// deal's next row. Optional fields are nil when the export left them empty.
public struct DealHistoryRow: Sendable, Hashable {
  public var dealID: String
  public var changedOn: Moment
  public var stage: String
  public var amount: Double?
  public var expectedCloseOn: Moment?
  public var ownerID: String?
  public var forecastCategory: ForecastCategory?

  public init(
    dealID: String, changedOn: Moment, stage: String, amount: Double? = nil,
    expectedCloseOn: Moment? = nil, ownerID: String? = nil, forecastCategory: ForecastCategory? = nil
  ) {
    self.dealID = dealID
    self.changedOn = changedOn
    self.stage = stage
    self.amount = amount
    self.expectedCloseOn = expectedCloseOn
    self.ownerID = ownerID
    self.forecastCategory = forecastCategory
  }
}

/// One stage of the pipeline definition (a row of stages.csv, or inferred from history).
public struct StageDefinition: Sendable, Hashable, Codable {
  public var name: String
  public var order: Int
  public var kind: StageKind
  /// The CRM's own probability of winning from this stage, 0…1, when configured.
  public var probability: Double?

  public init(name: String, order: Int, kind: StageKind = .open, probability: Double? = nil) {
    self.name = name
    self.order = order
    self.kind = kind
    self.probability = probability
  }
}

/// A lead (a row of leads.csv).
public struct Lead: Sendable, Hashable {
  public var id: String
  public var createdOn: Moment
  public var source: String
  public var ownerID: String?
  public var firstContactOn: Moment?
  public var qualifiedOn: Moment?
  public var disqualifiedOn: Moment?
  public var dealID: String?

  public init(
    id: String, createdOn: Moment, source: String, ownerID: String? = nil,
    firstContactOn: Moment? = nil, qualifiedOn: Moment? = nil, disqualifiedOn: Moment? = nil,
    dealID: String? = nil
  ) {
    self.id = id
    self.createdOn = createdOn
    self.source = source
    self.ownerID = ownerID
    self.firstContactOn = firstContactOn
    self.qualifiedOn = qualifiedOn
    self.disqualifiedOn = disqualifiedOn
    self.dealID = dealID
  }
}

/// A sales activity (a row of activities.csv).
public struct Activity: Sendable, Hashable {
  public var id: String
  public var occurredOn: Moment
  public var ownerID: String
  public var kind: ActivityKind
  public var dealID: String?
  public var leadID: String?
  public var accountID: String?
  public var durationMinutes: Double?
  public var status: ActivityStatus

  public init(
    id: String, occurredOn: Moment, ownerID: String, kind: ActivityKind, dealID: String? = nil,
    leadID: String? = nil, accountID: String? = nil, durationMinutes: Double? = nil,
    status: ActivityStatus = .done
  ) {
    self.id = id
    self.occurredOn = occurredOn
    self.ownerID = ownerID
    self.kind = kind
    self.dealID = dealID
    self.leadID = leadID
    self.accountID = accountID
    self.durationMinutes = durationMinutes
    self.status = status
  }
}

/// A rep (a row of reps.csv).
public struct Rep: Sendable, Hashable {
  public var id: String
  public var name: String?
  public var team: String?
  public var role: RepRole?
  public var hiredOn: Moment?
  public var leftOn: Moment?

  public init(
    id: String, name: String? = nil, team: String? = nil, role: RepRole? = nil,
    hiredOn: Moment? = nil, leftOn: Moment? = nil
  ) {
    self.id = id
    self.name = name
    self.team = team
    self.role = role
    self.hiredOn = hiredOn
    self.leftOn = leftOn
  }
}

/// A quota (a row of quotas.csv): for a rep or a team, for one period.
public struct Quota: Sendable, Hashable {
  public var ownerID: String
  public var period: Period
  public var amount: Double

  public init(ownerID: String, period: Period, amount: Double) {
    self.ownerID = ownerID
    self.period = period
    self.amount = amount
  }
}

/// A customer account (a row of accounts.csv).
public struct Account: Sendable, Hashable {
  public var id: String
  public var name: String?
  public var segment: String?
  public var becameCustomerOn: Moment?
  public var churnedOn: Moment?

  public init(
    id: String, name: String? = nil, segment: String? = nil, becameCustomerOn: Moment? = nil,
    churnedOn: Moment? = nil
  ) {
    self.id = id
    self.name = name
    self.segment = segment
    self.becameCustomerOn = becameCustomerOn
    self.churnedOn = churnedOn
  }
}

/// A cost line (a row of costs.csv).
public struct Cost: Sendable, Hashable {
  public var period: Period
  public var category: CostCategory
  public var source: String?
  public var amount: Double

  public init(period: Period, category: CostCategory, source: String? = nil, amount: Double) {
    self.period = period
    self.category = category
    self.source = source
    self.amount = amount
  }
}
