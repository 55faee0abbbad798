import CRMData
import Statistics

/// Deal amounts: a lognormal per segment (partially pooled toward all deals), how segments,
/// sources and types are mixed among new deals, and how amounts drift from creation to close.
public struct DealSizeModel: Codable, Sendable {
  /// One group's amount distribution: log(amount) ~ N(mu, sigma²), from `count` deals.
  public struct Group: Codable, Sendable, Hashable {
    public var key: String
    public var mu: Double
    public var sigma: Double
    public var count: Int
    /// Share of deals created in the last year that fall in this group.
    public var share: Double
    public var medianAmount: Double
    public var meanAmount: Double

    enum CodingKeys: String, CodingKey {
      case key, mu, sigma, count, share
      case medianAmount = "median_amount", meanAmount = "mean_amount"
    }
  }

  /// All deals together (the pooling target).
  public var overall: Group
  /// By segment (sorted by key); empty when deals.csv has no segments.
  public var bySegment: [Group]
  public var bySource: [Group]
  public var byType: [Group]
  /// Median of final amount / first recorded amount for closed deals with history (1 = no drift).
  public var closeToCreateRatio: Double
  /// Won amounts relative to all closed amounts (> 1 when big deals win more).
  public var wonToAllRatio: Double

  enum CodingKeys: String, CodingKey {
    case overall, bySegment = "by_segment", bySource = "by_source", byType = "by_type"
    case closeToCreateRatio = "close_to_create_ratio", wonToAllRatio = "won_to_all_ratio"
  }
}

/// How leads arrive, get contacted and qualified, and become deals.
public struct LeadFunnelModel: Codable, Sendable {
  /// Weekly arrivals of one source: log E[count] = level + trend·years + seasonality.
  public struct SourceArrivals: Codable, Sendable, Hashable {
    public var source: String
    /// Expected leads per week at as-of (trend and season included).
    public var weeklyRateAtAsOf: Double
    /// Poisson GLM coefficients: intercept, trend per year, then seasonal Fourier terms.
    public var coefficients: [Double]
    public var covariance: [Double]
    /// True when annual seasonality was fitted (needs two years of history).
    public var seasonal: Bool
    /// Pearson χ²/dof of the Poisson fit; above ~1.5 the counts are over-dispersed.
    public var dispersion: Double
    /// Negative-binomial size when over-dispersed (variance = mean + mean²/size), else nil.
    public var negativeBinomialSize: Double?
    /// Reference week (as-of's week) for the trend term, as a day index.
    public var referenceDay: Day

    enum CodingKeys: String, CodingKey {
      case source, coefficients, covariance, seasonal, dispersion
      case weeklyRateAtAsOf = "weekly_rate_at_as_of"
      case negativeBinomialSize = "negative_binomial_size", referenceDay = "reference_day"
    }
  }

  public var sources: [SourceArrivals]
  /// Share of leads contacted (leads old enough to have been contacted).
  public var contactRate: Double
  /// P(contacted) = logistic(c₀ + c₁ · weekly leads per rep): contact falls as load rises.
  public var contactGivenLoad: LogisticCurve
  /// Median weekly new leads per rep over the last year (the load the curve is read at).
  public var typicalWeeklyLoadPerRep: Double
  /// Hours from creation to first contact, contacted leads.
  public var responseTime: DurationEstimate
  /// Share of contacted leads that were qualified.
  public var qualificationRate: Double
  /// P(qualified | contacted) = logistic(β₀ + β₁ log(1 + response hours) + source effects).
  public var qualificationCoefficients: [Double]
  public var qualificationCovariance: [Double]
  /// Sources in the order of the source effects (the first is the reference level).
  public var qualificationSources: [String]
  /// Share of qualified leads that became deals, and the lag from qualification to deal.
  public var dealConversionRate: Double
  public var qualifiedToDealLag: DurationEstimate?
  /// Notes on what could not be fitted.
  public var notes: [String]
  /// Reps who owned leads created in the last `leadOwnerWindowDays` days up to as-of, less those
  /// who left by as-of: the people the load of `contactGivenLoad` (leads the *owner* received
  /// that week) is spread over. The simulator's load is weekly arrivals / this count (nil in
  /// model files written before it existed: the simulator then counts its lead-handling reps).
  public var leadOwnersAtAsOf: Int? = nil

  /// The window, in days up to as-of, in which a lead owner counts as active.
  public static let leadOwnerWindowDays = 28

  enum CodingKeys: String, CodingKey {
    case sources, notes
    case leadOwnersAtAsOf = "lead_owners_at_as_of"
    case contactRate = "contact_rate", contactGivenLoad = "contact_given_load"
    case typicalWeeklyLoadPerRep = "typical_weekly_load_per_rep"
    case responseTime = "response_time"
    case qualificationRate = "qualification_rate"
    case qualificationCoefficients = "qualification_coefficients"
    case qualificationCovariance = "qualification_covariance"
    case qualificationSources = "qualification_sources"
    case dealConversionRate = "deal_conversion_rate", qualifiedToDealLag = "qualified_to_deal_lag"
  }
}

/// Reps: who is there, how fast they create pipeline, how they ramp up, how well they win.
public struct RepModel: Codable, Sendable {
  public struct FittedRep: Codable, Sendable, Hashable {
    public var id: String
    public var team: String?
    public var role: String?
    public var hiredOn: Day?
    /// Whole months of tenure at as-of (nil without a hire date).
    public var tenureMonths: Int?
    public var active: Bool
    /// Deals created by the rep without a lead (outbound), per week, at full ramp.
    public var outboundDealsPerWeek: Double
    /// Deals closed and won by the rep (raw) and the partially pooled win rate.
    public var closedDeals: Int
    public var wonDeals: Int
    public var pooledWinRate: Double
    /// pooledWinRate / team (or company) win rate, as reported.
    public var winRateMultiplier: Double
    /// The shift of every stage's loss log-odds that turns the company's eventual win rate into
    /// this rep's pooled one (negative: loses less). This is how the simulation applies skill.
    public var lossLogOddsShift: Double
    /// The outbound deals `outboundDealsPerWeek` counts (its exposure is count / rate): the
    /// simulation draws the rate from its Gamma(count, rate / count) posterior. Nil in model files
    /// written before it was stored (the rate is then not drawn).
    public var outboundDeals: Int? = nil

    enum CodingKeys: String, CodingKey {
      case id, team, role, active
      case hiredOn = "hired_on", tenureMonths = "tenure_months"
      case outboundDealsPerWeek = "outbound_deals_per_week", closedDeals = "closed_deals"
      case wonDeals = "won_deals", pooledWinRate = "pooled_win_rate"
      case winRateMultiplier = "win_rate_multiplier", lossLogOddsShift = "loss_log_odds_shift"
      case outboundDeals = "outbound_deals"
    }
  }

  public var reps: [FittedRep]
  /// Multiplier of pipeline creation by tenure month 1, 2, …; the last entry holds from then on.
  public var creationRamp: [Double]
  /// Multiplier of the win rate by tenure month at deal creation; the last entry holds after.
  public var winRateRamp: [Double]
  /// The same ramp as shifts of the loss log-odds (0 at full ramp), applied in simulation.
  public var winRampLossLogOddsShift: [Double]
  /// Beta prior of the pooled win rates (empirical Bayes).
  public var poolingAlpha: Double
  public var poolingBeta: Double

  enum CodingKeys: String, CodingKey {
    case reps
    case creationRamp = "creation_ramp", winRateRamp = "win_rate_ramp"
    case winRampLossLogOddsShift = "win_ramp_loss_log_odds_shift"
    case poolingAlpha = "pooling_alpha", poolingBeta = "pooling_beta"
  }
}

/// How actual closes fall against the CRM's expected close date.
public struct SlipModel: Codable, Sendable {
  /// Days from the expected close date first recorded to the actual close, closed deals.
  public var medianSlipDays: Double
  public var p90SlipDays: Double
  /// Share of closed deals that closed on or before their first expected close date.
  public var onTimeShare: Double
  /// Mean number of expected-close-date changes per closed deal.
  public var meanSlipsPerDeal: Double
  public var count: Int

  enum CodingKeys: String, CodingKey {
    case medianSlipDays = "median_slip_days", p90SlipDays = "p90_slip_days"
    case onTimeShare = "on_time_share", meanSlipsPerDeal = "mean_slips_per_deal", count
  }
}

/// Customers: how often they buy more, and how fast they leave.
public struct AccountModel: Codable, Sendable {
  public var activeCustomers: Int
  /// Expansion deals created per active customer per month.
  public var expansionDealsPerCustomerMonth: Double
  /// Renewal deals per active customer per month.
  public var renewalDealsPerCustomerMonth: Double
  /// Constant monthly churn hazard (exponential; events / customer-months at risk).
  public var monthlyChurnHazard: Double
  public var churnEvents: Int
  public var customerMonths: Double
  /// True when there was no accounts.csv and the customers were read from deals' account_id
  /// (`DerivedAccounts`: no churn recorded). Absent (nil) in model files from accounts.csv.
  public var derivedFromDeals: Bool?

  enum CodingKeys: String, CodingKey {
    case derivedFromDeals = "derived_from_deals"
    case activeCustomers = "active_customers"
    case expansionDealsPerCustomerMonth = "expansion_deals_per_customer_month"
    case renewalDealsPerCustomerMonth = "renewal_deals_per_customer_month"
    case monthlyChurnHazard = "monthly_churn_hazard", churnEvents = "churn_events"
    case customerMonths = "customer_months"
  }
}
