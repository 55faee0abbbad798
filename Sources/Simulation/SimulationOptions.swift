import CRMData

/// What a simulation covers.
public enum SimulationScope: String, Sendable, Codable, CaseIterable {
  /// Deals open at as-of and the deals still to be created in the horizon.
  case all
  /// Only the deals open at as-of.
  case open
}

/// The dimension `--by` splits totals by.
public enum GroupDimension: String, Sendable, Codable, CaseIterable {
  case owner, team, source, segment
}

/// Run settings. Results depend on `seed`, `trials`, `trialsPerParameterDraw` and the model, and
/// never on `threads`.
public struct SimulationOptions: Sendable {
  /// The forecast periods, consecutive and in order; the horizon ends with the last one.
  public var periods: [Period]
  public var trials: Int
  public var seed: UInt64
  /// Worker threads (≥ 1); does not change any result.
  public var threads: Int
  public var scope: SimulationScope
  public var groupBy: GroupDimension?
  /// Draw the model's parameters from their sampling distribution once per block of trials
  /// (METHODS.md, "Uncertainty"); false simulates the point estimates only.
  public var parameterUncertainty: Bool
  /// Trials per parameter draw (a block). Fixed, not tied to `threads`, so blocks — and results —
  /// are the same whatever the thread count. 64 gives 157 parameter draws at 10 000 trials.
  public var trialsPerParameterDraw: Int

  public init(
    periods: [Period], trials: Int = 10_000, seed: UInt64 = 1, threads: Int = 1,
    scope: SimulationScope = .all, groupBy: GroupDimension? = nil,
    parameterUncertainty: Bool = true, trialsPerParameterDraw: Int = 64
  ) {
    self.periods = periods
    self.trials = trials
    self.seed = seed
    self.threads = threads
    self.scope = scope
    self.groupBy = groupBy
    self.parameterUncertainty = parameterUncertainty
    self.trialsPerParameterDraw = trialsPerParameterDraw
  }
}

/// What-if levers, applied on top of the fitted model from `startDay` on. The default is the
/// identity, which reproduces the baseline exactly (same draws, same numbers), so a scenario run
/// with the same seed differs from the baseline trial by trial only through the levers (common
/// random numbers).
///
/// Implemented now: `dealSizeMultiplier` (amounts of wins dated on or after `startDay`),
/// `cycleLengthMultiplier` (stays beginning on or after `startDay` are scaled; the exit
/// probabilities stay those of the unscaled length), `stageAdvanceAdd` (per stage, subtracted
/// from P(lost | t) for stays beginning on or after `startDay`, clamped to [0, 1]),
/// `leadVolumeMultiplier` (by source), `contactRateMultiplier`, `responseTimeMultiplier`,
/// `outboundMultiplier` and `extraActiveReps` (full-ramp reps added to outbound creation and
/// lead handling) for weeks on or after `startDay`.
public struct SimulationAdjustments: Sendable, Equatable {
  public var startDay: Day?
  public var dealSizeMultiplier: Double
  public var cycleLengthMultiplier: Double
  /// Added to the advance probability of stage i (taken from its loss probability); empty = 0.
  public var stageAdvanceAdd: [Double]
  /// Lead volume multiplier by source name; sources not listed keep 1.
  public var leadVolumeMultiplier: [String: Double]
  public var contactRateMultiplier: Double
  public var responseTimeMultiplier: Double
  public var outboundMultiplier: Double
  /// Reps hired (positive) or leaving (negative, removed from lead handling capacity) at start.
  public var extraActiveReps: Int
  /// When set, the contact probability of leads arriving on or after `startDay` is this value
  /// whatever the load (then `contactRateMultiplier` and `contactRateAdd` apply to it).
  public var contactRateSet: Double?
  /// Added to the contact probability after the multiplier (clamped to [0, 1]).
  public var contactRateAdd: Double
  /// Multiplies the amounts of new and expansion deals *created* on or after `startDay` (not open
  /// deals, not renewals, which renew a contract's amount; the what-if `deal_size` lever).
  /// `dealSizeMultiplier` instead scales every win dated from `startDay`.
  public var newDealSizeMultiplier: Double
  /// Reps joining on given days, with ramp-up (see `StaffChange`).
  public var hires: [StaffChange]
  /// Reps leaving on given days (see `StaffChange`).
  public var departures: [StaffChange]

  public init(
    startDay: Day? = nil, dealSizeMultiplier: Double = 1, cycleLengthMultiplier: Double = 1,
    stageAdvanceAdd: [Double] = [], leadVolumeMultiplier: [String: Double] = [:],
    contactRateMultiplier: Double = 1, responseTimeMultiplier: Double = 1,
    outboundMultiplier: Double = 1, extraActiveReps: Int = 0, contactRateSet: Double? = nil,
    contactRateAdd: Double = 0, newDealSizeMultiplier: Double = 1, hires: [StaffChange] = [],
    departures: [StaffChange] = []
  ) {
    self.startDay = startDay
    self.dealSizeMultiplier = dealSizeMultiplier
    self.cycleLengthMultiplier = cycleLengthMultiplier
    self.stageAdvanceAdd = stageAdvanceAdd
    self.leadVolumeMultiplier = leadVolumeMultiplier
    self.contactRateMultiplier = contactRateMultiplier
    self.responseTimeMultiplier = responseTimeMultiplier
    self.outboundMultiplier = outboundMultiplier
    self.extraActiveReps = extraActiveReps
    self.contactRateSet = contactRateSet
    self.contactRateAdd = contactRateAdd
    self.newDealSizeMultiplier = newDealSizeMultiplier
    self.hires = hires
    self.departures = departures
  }

  public static let identity = SimulationAdjustments()
}

/// Reps joining or leaving on a day (what-if staffing levers).
///
/// A hire of role `ae` (or any role when the model has no active SDRs) becomes a deal owner from
/// `day`: an equal share of the deals from leads (of its team's deals when `team` names a team of
/// active reps, else of all), no expansions or renewals (the account owner keeps them), plus
/// outbound deals at the active AEs' mean full-ramp rate × the fitted creation ramp at its
/// tenure, drawn from its own (week, rep) random streams (so the other draws stay common); its
/// deals' loss log-odds get the fitted win-rate ramp shift at the tenure when the deal is
/// created, plus the mean skill shift of the fully ramped active AEs. A hire of the
/// lead owners' role (`sdr` when the model has active SDRs, else `ae`) adds a lead owner: the
/// load that caps contact is arrivals / (lead owners at as-of + hired − left).
/// A departure removes `count` active reps of `team` and `role` (or the listed `repIDs`) from
/// deal ownership, outbound creation and capacity from `day`; their open deals pass to the team
/// and keep their win odds (as a hand-over does in the sample world).
public struct StaffChange: Sendable, Equatable {
  public var day: Day
  public var count: Int
  public var team: String?
  public var role: String
  /// Departures only: the reps who leave; empty = the first `count` active reps of `team` and
  /// `role` by id.
  public var repIDs: [String]

  public init(day: Day, count: Int, team: String? = nil, role: String = "ae", repIDs: [String] = []) {
    self.day = day
    self.count = count
    self.team = team
    self.role = role
    self.repIDs = repIDs
  }
}

/// Why a simulation cannot run.
public enum SimulationError: Error, Equatable, Sendable {
  case noPeriods
  case periodsNotConsecutive(after: String)
  case horizonBeforeAsOf(lastPeriod: String, asOf: String)
  case invalidTrials(Int)
  case invalidThreads(Int)
  case noStages
  case malformedStage(name: String, reason: String)
}
