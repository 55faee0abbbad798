import CRMData
import Foundation

/// Every true parameter of a sample world, with defaults describing a growing B2B SaaS company
/// (three teams, five open stages, five lead sources), and the levers a what-if can pull.
///
/// Counts scale linearly with `scale` (headcount, lead volume); rates per rep and per lead do not.
/// Scale 1 gives about 10,000 deals over three years (a folder under 5 MB); scale 100 about a
/// million. The defaults are chosen so every trap in METHODS.md is present: many deals open at the
/// export (censoring), different times to win and to lose (competing risks), new reps who sell
/// less and win less (ramp-up), reps with different skill (pooling), saturated SDRs who contact
/// fewer leads (capacity), and lead counts more variable than Poisson (over-dispersion).
/// See docs/SAMPLE-WORLD.md for the model in one page.
public struct WorldConfiguration: Sendable, Codable, Hashable {
  /// Multiplies headcount and lead volume; 1 ≈ 10k deals in three years.
  public var scale: Double
  /// First day of the company's history.
  public var start: Day
  /// The export date: the written folder holds only what was known at the end of this day.
  public var asOf: Day
  /// The last day events are generated for (≥ `asOf`): set it later to get the world's future
  /// (e.g. actual bookings after the export, with and without a lever). Defaults to `asOf`.
  public var horizonEnd: Day

  /// Team names; every team has AEs and SDRs.
  public var teams: [String]
  public var reps: RepParameters
  public var sources: [LeadSource]
  public var leads: LeadParameters
  public var segments: [Segment]
  public var stages: [StageParameters]
  public var deals: DealParameters
  public var customers: CustomerParameters
  public var activities: ActivityParameters
  public var costs: CostParameters
  /// What-if interventions, each from its own date; empty for the baseline world.
  public var levers: [Lever]

  /// The default world from `start` (2023-01-01) to `asOf` (2025-12-31).
  public init(
    scale: Double = 1, start: Day = Day(year: 2023, month: 1, day: 1)!,
    asOf: Day = Day(year: 2025, month: 12, day: 31)!, horizonEnd: Day? = nil
  ) {
    precondition(scale > 0, "scale must be positive")
    precondition(start < asOf, "start must be before asOf")
    self.scale = scale
    self.start = start
    self.asOf = asOf
    self.horizonEnd = max(horizonEnd ?? asOf, asOf)
    self.teams = ["East", "West", "Central"]
    self.reps = RepParameters()
    self.sources = LeadSource.defaults
    self.leads = LeadParameters()
    self.segments = Segment.defaults
    self.stages = StageParameters.defaults
    self.deals = DealParameters()
    self.customers = CustomerParameters()
    self.activities = ActivityParameters()
    self.costs = CostParameters()
    self.levers = []
  }
}

/// Headcount, hiring, attrition, ramp-up and skill.
public struct RepParameters: Sendable, Codable, Hashable {
  /// AEs per team at the start (times `scale`, at least 1).
  public var initialAEsPerTeam: Double = 4
  /// SDRs per team at the start (times `scale`, at least 1).
  public var initialSDRsPerTeam: Double = 1.5
  /// Planned headcount growth per year: the monthly hiring target is
  /// `initial · exp(growth · years)`; leavers are replaced at the next month start.
  public var headcountGrowthPerYear: Double = 0.25
  /// Constant hazard of leaving, per year (exponential time to leave from the hire date).
  public var leaveHazardPerYear: Double = 0.18
  /// Ramp: `floor + (1 − floor)(1 − exp(−tenureMonths / monthsConstant))`, for outbound
  /// pipeline creation and for the win odds. 95% ramped after 3 time constants.
  public var rampMonthsConstant: Double = 1.6
  public var rampPipelineFloor: Double = 0.25
  public var rampWinOddsFloor: Double = 0.45
  /// Skill: each AE's odds multiplier on not losing at every stage is
  /// `skillLow + (skillHigh − skillLow) · Beta(skillAlpha, skillBeta)` (mean 1 by default).
  public var skillLow: Double = 0.45
  public var skillHigh: Double = 1.55
  public var skillAlpha: Double = 3
  public var skillBeta: Double = 3
  /// Outbound deals an AE opens per working day when fully ramped (Poisson).
  public var outboundDealsPerDay: Double = 0.19
  /// Reps at the start were hired up to this many days before `start` (uniformly).
  public var initialTenureMaxDays: Int = 900

  public init() {}

  /// The ramp factor after `months` of tenure.
  public func ramp(months: Double, floor: Double) -> Double {
    floor + (1 - floor) * (1 - exp(-max(0, months) / rampMonthsConstant))
  }
}

/// An inbound lead channel (and the SDR `outbound` channel).
public struct LeadSource: Sendable, Codable, Hashable {
  public var name: String
  /// Mean leads per week at the start, at scale 1 (before seasonality and trend).
  public var weeklyLeads: Double
  /// Negative-binomial size of the daily count: variance `m + m²/size`.
  public var dispersionSize: Double
  /// Growth of the arrival rate per year (log scale: `exp(trend · years)`).
  public var trendPerYear: Double
  /// Amplitude of the annual cosine: `1 + amplitude · cos(2π (dayOfYear − peakDayOfYear) / 365.25)`.
  public var annualAmplitude: Double
  public var peakDayOfYear: Double
  /// Intercept of the qualification logistic for this source.
  public var qualificationIntercept: Double
  /// Multiplier of deal amounts from this source.
  public var amountMultiplier: Double
  /// Segment weights (same order as `WorldConfiguration.segments`).
  public var segmentWeights: [Double]
  /// Marketing cost per lead (costs.csv), before ±10% monthly noise.
  public var costPerLead: Double

  public static let defaults: [LeadSource] = [
    LeadSource(name: "web", weeklyLeads: 42, dispersionSize: 4, trendPerYear: 0.22,
               annualAmplitude: 0.12, peakDayOfYear: 80, qualificationIntercept: 0.1,
               amountMultiplier: 0.9, segmentWeights: [0.65, 0.28, 0.07], costPerLead: 110),
    LeadSource(name: "referral", weeklyLeads: 12, dispersionSize: 6, trendPerYear: 0.10,
               annualAmplitude: 0.05, peakDayOfYear: 120, qualificationIntercept: 1.0,
               amountMultiplier: 1.15, segmentWeights: [0.45, 0.38, 0.17], costPerLead: 40),
    LeadSource(name: "event", weeklyLeads: 14, dispersionSize: 1.2, trendPerYear: 0.05,
               annualAmplitude: 0.45, peakDayOfYear: 280, qualificationIntercept: 0.05,
               amountMultiplier: 1.0, segmentWeights: [0.40, 0.40, 0.20], costPerLead: 320),
    LeadSource(name: "partner", weeklyLeads: 9, dispersionSize: 3, trendPerYear: 0.30,
               annualAmplitude: 0.10, peakDayOfYear: 150, qualificationIntercept: 0.55,
               amountMultiplier: 1.2, segmentWeights: [0.35, 0.42, 0.23], costPerLead: 150),
    LeadSource(name: "outbound", weeklyLeads: 12, dispersionSize: 8, trendPerYear: 0.10,
               annualAmplitude: 0.0, peakDayOfYear: 0, qualificationIntercept: -0.85,
               amountMultiplier: 1.05, segmentWeights: [0.45, 0.38, 0.17], costPerLead: 60),
  ]
}

/// Lead handling: weekday pattern, capacity, response time, qualification, conversion.
public struct LeadParameters: Sendable, Codable, Hashable {
  /// Relative arrival rate Monday … Sunday (normalised to mean 1 when used).
  public var weekdayWeights: [Double] = [1.25, 1.3, 1.25, 1.15, 1.0, 0.55, 0.5]
  /// Contact probability: `logistic(contactIntercept + contactLoadSlope · load)`, `load` = leads
  /// assigned to the same SDR in the same ISO week (the capacity effect).
  public var contactIntercept: Double = 2.6
  public var contactLoadSlope: Double = -0.075
  /// Hours to first contact: log-normal with `mu = log(responseMedianHours) + responseLoadSlope · load`.
  public var responseMedianHours: Double = 3
  public var responseSigma: Double = 1.0
  public var responseLoadSlope: Double = 0.025
  /// Qualification: `logistic(source intercept + qualificationLogHoursSlope · log(1 + hours))`.
  public var qualificationLogHoursSlope: Double = -0.35
  /// Days from first contact to qualification / disqualification (gamma shape, scale).
  public var qualifyDelayShape: Double = 2
  public var qualifyDelayScaleDays: Double = 2
  public var disqualifyDelayShape: Double = 2
  public var disqualifyDelayScaleDays: Double = 4
  /// Probability a qualified lead becomes a deal, and the days it takes (gamma).
  public var dealConversion: Double = 0.85
  public var dealDelayShape: Double = 1.5
  public var dealDelayScaleDays: Double = 3

  public init() {}
}

/// A customer segment and its deal size.
public struct Segment: Sendable, Codable, Hashable {
  public var name: String
  /// New-deal amount: log-normal with this median and log-sd (times the source multiplier).
  public var medianAmount: Double
  public var amountSigma: Double
  /// Multiplies every time in stage (enterprise deals are slower).
  public var cycleFactor: Double

  public static let defaults: [Segment] = [
    Segment(name: "SMB", medianAmount: 9_000, amountSigma: 0.5, cycleFactor: 0.8),
    Segment(name: "mid-market", medianAmount: 32_000, amountSigma: 0.55, cycleFactor: 1.0),
    Segment(name: "enterprise", medianAmount: 120_000, amountSigma: 0.7, cycleFactor: 1.45),
  ]
}

/// One open stage: where a deal goes next and how long it takes to get there.
///
/// Exits are competing risks written as "which exit, then how long given that exit": the exit is
/// drawn with the probabilities below, then the time from that exit's own distribution. So
/// advancing and losing have different time distributions, and the overall time in stage is
/// their mixture.
public struct StageParameters: Sendable, Codable, Hashable {
  public var name: String
  /// Probabilities of the exits (they sum to 1): to the next stage (the last stage's advance is a
  /// win), lost, two stages ahead, one stage back.
  public var advance: Double
  public var loss: Double
  public var skip: Double
  public var back: Double
  /// Days to advance (also used for skip and back) and days to lose, before the segment factor.
  public var advanceTime: DurationDistribution
  public var lossTime: DurationDistribution
  /// The CRM's typed-in win probability (stages.csv): deliberately optimistic.
  public var crmProbability: Double
  /// The forecast category reps use while a deal is in this stage.
  public var forecastCategory: String

  public static let defaults: [StageParameters] = [
    StageParameters(name: "Qualification", advance: 0.55, loss: 0.40, skip: 0.05, back: 0,
                    advanceTime: .logNormal(medianDays: 9, sigma: 0.7),
                    lossTime: .weibull(shape: 0.9, scale: 28), crmProbability: 0.10,
                    forecastCategory: "pipeline"),
    StageParameters(name: "Discovery", advance: 0.62, loss: 0.33, skip: 0.03, back: 0.02,
                    advanceTime: .logNormal(medianDays: 16, sigma: 0.6),
                    lossTime: .weibull(shape: 1.1, scale: 38), crmProbability: 0.25,
                    forecastCategory: "pipeline"),
    StageParameters(name: "Proposal", advance: 0.68, loss: 0.29, skip: 0, back: 0.03,
                    advanceTime: .logNormal(medianDays: 20, sigma: 0.6),
                    lossTime: .weibull(shape: 1.2, scale: 45), crmProbability: 0.50,
                    forecastCategory: "best_case"),
    StageParameters(name: "Negotiation", advance: 0.78, loss: 0.20, skip: 0, back: 0.02,
                    advanceTime: .logNormal(medianDays: 14, sigma: 0.55),
                    lossTime: .weibull(shape: 1.0, scale: 32), crmProbability: 0.75,
                    forecastCategory: "commit"),
    StageParameters(name: "Closing", advance: 0.88, loss: 0.12, skip: 0, back: 0,
                    advanceTime: .logNormal(medianDays: 7, sigma: 0.5),
                    lossTime: .weibull(shape: 0.8, scale: 20), crmProbability: 0.90,
                    forecastCategory: "commit"),
  ]
}

/// Deal amounts drifting, close dates slipping, and stage names for closed deals.
public struct DealParameters: Sendable, Codable, Hashable {
  /// Amounts are rounded to this unit when drawn and when changed.
  public var amountRounding: Double = 100
  /// On entering `amountChangeStage`, with this probability the amount is multiplied by a
  /// log-normal factor (re-quoted at proposal).
  public var amountChangeStage: String = "Proposal"
  public var amountChangeProbability: Double = 0.45
  public var amountChangeMu: Double = -0.03
  public var amountChangeSigma: Double = 0.15
  /// Expected close at creation: `created + optimism · (median total cycle of the segment)`,
  /// times a log-normal(0, `expectedCloseSigma`) factor. Optimism < 1 makes dates slip.
  public var expectedCloseOptimism: Double = 0.8
  public var expectedCloseSigma: Double = 0.35
  /// When the expected close date passes with the deal open, the rep moves it by a log-normal
  /// number of days (a history row the next day).
  public var slipMedianDays: Double = 30
  public var slipSigma: Double = 0.5
  /// Names of the won and lost stages in stages.csv and history.
  public var wonStage: String = "Closed Won"
  public var lostStage: String = "Closed Lost"
  /// The most stage visits a deal may make; beyond it the deal is lost (never reached in practice).
  public var maxVisits: Int = 60

  public init() {}
}

/// Customers after a won new deal: churn, expansions, renewals.
public struct CustomerParameters: Sendable, Codable, Hashable {
  /// Constant hazard of churning mid-contract, per year.
  public var churnHazardPerYear: Double = 0.06
  /// Expansion deals arrive as a Poisson process at this rate per customer-year; they enter the
  /// pipeline at `expansionEntryStage` with amount `expansionAmountFraction` of the original deal
  /// times log-normal(0, 0.4).
  public var expansionRatePerYear: Double = 0.35
  public var expansionEntryStage: String = "Discovery"
  public var expansionAmountFraction: Double = 0.35
  /// A renewal deal opens `renewalLeadDays` before each contract anniversary, at
  /// `renewalEntryStage`, for the current contract value times log-normal(0.03, 0.08). A lost
  /// renewal ends the customer on the anniversary.
  public var renewalLeadDays: Int = 60
  public var renewalEntryStage: String = "Negotiation"

  public init() {}
}

/// Activity volume (kept modest so scale 1 stays under 5 MB).
public struct ActivityParameters: Sendable, Codable, Hashable {
  /// Probability a first contact of a lead is logged as an activity.
  public var leadContactLogged: Double = 0.15
  /// Probability a stage entry of a deal is logged as an activity (call, meeting, demo …).
  public var stageEntryLogged: Double = 0.2
  /// Probability an open deal has a planned next step at the export.
  public var plannedNextStep: Double = 0.6

  public init() {}
}

/// Monthly costs: marketing per lead by source, salaries, and overhead.
public struct CostParameters: Sendable, Codable, Hashable {
  public var aeMonthlyCost: Double = 12_000
  public var sdrMonthlyCost: Double = 6_500
  /// Fixed other costs per month at scale 1.
  public var otherMonthly: Double = 25_000
  /// Quota per fully ramped AE per quarter (ramped reps get the ramp factor of their tenure).
  public var aeQuarterlyQuota: Double = 140_000

  public init() {}
}

/// A what-if intervention, applied from `from` (inclusive) on.
///
/// Which events a lever touches, exactly: lead levers act on leads created on or after `from`;
/// deal-size acts on deals created on or after `from`; stage-conversion and cycle-length act on
/// stage visits entered on or after `from`; extra hires start on `from`.
public struct Lever: Sendable, Codable, Hashable {
  public enum Kind: Sendable, Codable, Hashable {
    /// Contact probability multiplied by the factor (capped at 0.99).
    case contactRateScale(Double)
    /// Contact probability set to the value, whatever the load.
    case contactRateSet(Double)
    /// Hours to first contact multiplied by the factor.
    case responseTimeScale(Double)
    /// Lead arrivals of `source` (nil: every source) multiplied by the factor: extra leads come
    /// from their own streams (factor > 1) or existing leads are thinned (factor < 1).
    case leadVolumeScale(source: String?, factor: Double)
    /// New deal amounts multiplied by the factor.
    case dealSizeScale(Double)
    /// `count` extra AEs join `team` (nil: the first team) on the lever date.
    case extraHires(count: Int, team: String?)
    /// `add` moved from the loss probability to the advance probability at every open stage
    /// (never making a probability negative).
    case stageConversionAdd(Double)
    /// Every time in stage multiplied by the factor.
    case cycleLengthScale(Double)
  }

  public var kind: Kind
  public var from: Day

  public init(_ kind: Kind, from: Day) {
    self.kind = kind
    self.from = from
  }
}
