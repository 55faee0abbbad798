import CRMData
import Foundation
import Statistics

/// The whole fitted model of a sales organisation, as of one date: what `pipecast fit` prints and
/// saves, and what `forecast`, `backtest` and `whatif` simulate from.
///
/// Versioned (`formatVersion`) and `Codable` with snake_case keys: a saved model is read back only
/// by a Pipecast that knows its version. Components whose input file was missing are `nil`, and
/// `notes` says what was not fitted and why.
public struct FittedPipeline: Codable, Sendable {
  /// Bumped whenever the saved layout changes incompatibly. Version 2 added the
  /// `piecewise_exponential` time-in-stage family, which a version-1 reader cannot decode.
  public static let currentFormatVersion = 2
  /// Versions this Pipecast reads: every version-1 file is a valid version-2 file.
  public static let readableFormatVersions = 1...currentFormatVersion

  public var formatVersion: Int
  public var asOf: Day
  /// The open stages in pipeline order.
  public var stages: [FittedStage]
  public var cycleLength: CycleLength
  public var dealSize: DealSizeModel
  public var leadFunnel: LeadFunnelModel?
  public var reps: RepModel?
  public var slip: SlipModel?
  public var accounts: AccountModel?
  /// New deals by origin (entry stage, won amounts, renewal schedule); nil in model files written
  /// before it existed, which then simulate new deals the old way.
  public var newDeals: NewDealModel? = nil
  /// Plain-language notes: components not fitted, fallbacks used, warnings.
  public var notes: [String]

  enum CodingKeys: String, CodingKey {
    case formatVersion = "format_version", asOf = "as_of", stages
    case cycleLength = "cycle_length", dealSize = "deal_size", leadFunnel = "lead_funnel"
    case reps, slip, accounts, notes
    case newDeals = "new_deals"
  }
}

/// A probability with a 95% interval and the count it rests on.
public struct EstimatedProbability: Codable, Sendable, Hashable {
  public var value: Double
  public var lower: Double
  public var upper: Double
  /// Effective number of observations behind it.
  public var count: Double
}

/// One open stage: how deals leave it (which exit) and when (time in stage).
///
/// Model ("time to exit and which exit jointly", METHODS.md): the stay's length T follows
/// `timeInStage` (fitted by censored maximum likelihood over all stays; stays still open at as-of
/// are right-censored), and given the stay ends at T = t the exit is lost with probability
/// `lossGivenTime(t)` (a logistic curve in log t, fitted on completed stays only — censored stays
/// carry no information about the exit type, so the likelihood factorises). A non-lost exit goes
/// to stage j with probability `moveShares[j]` or wins with `winShare`. A share π of stays
/// (`neverEnds`, 0 unless the data support it) never ends by itself: `timeInStage` is then the
/// length of the stays that do end, and a never-ending stay neither advances, wins nor is lost
/// (a zombie deal). Everything reported as a probability is implied by this one model, so the
/// printed numbers and the simulation agree.
public struct FittedStage: Codable, Sendable {
  public var name: String
  public var order: Int
  /// The CRM's own probability from stages.csv, if any.
  public var crmProbability: Double?
  /// Stays observed in this stage, and how many are still open (censored) at as-of.
  public var entered: Int
  public var censored: Int
  /// Completed stays by exit: to the next stage, won directly, lost, skipped ahead, moved back.
  public var exitCounts: ExitCounts

  /// Probability of leaving to the next open stage (for the last open stage: of winning directly).
  public var advanceProbability: EstimatedProbability
  /// Probability of losing from this stage (a fresh stay: (1 − π) times the loss of a stay that
  /// ends).
  public var lossProbability: EstimatedProbability
  /// Probability of winning directly from this stage (from any stage, not only the last).
  public var winDirectProbability: Double
  /// Probability of moving to each open stage j (index in pipeline order); the diagonal is 0.
  public var moveProbabilities: [Double]
  /// Eventual probability of winning from a fresh entry (the absorbing chain's).
  public var winProbability: Double
  /// Expected number of stage stays before the deal closes, from a fresh entry.
  public var expectedRemainingSteps: Double
  /// The CRM probability recalibrated to this stage's fitted win probability.
  public var suggestedCRMProbability: Double

  /// The stay's length, any exit.
  public var timeInStage: DurationEstimate
  /// P(lost | the stay ends after t days) = logistic(c₀ + c₁ log t + c₂ (log t)²).
  public var lossGivenTime: LogisticCurve
  /// Shares among non-lost exits: `winShare` plus `moveShares` sum to 1.
  public var winShare: Double
  public var moveShares: [Double]
  /// The share of stays that never end and the test that chose it; nil in model files written
  /// before it existed (read as π = 0).
  public var neverEnds: NeverEndingStays? = nil

  /// π, the share of fresh stays that never end (0 when not fitted or not supported): the
  /// mixture's share, combined with that of a piecewise hazard that is 0 after the last exit,
  /// 1 − (1 − π_mixture)(1 − S∞). `timeInStage` describes the stays that end either way.
  public var neverEndingShare: Double {
    Self.combinedNeverEnding(mixture: mixtureNeverEndingShare, timeInStage.distribution)
  }

  /// The mixture cure model's π alone (`neverEnds`), without the piecewise hazard's share.
  public var mixtureNeverEndingShare: Double {
    guard let p = neverEnds?.probability, p.isFinite, p > 0 else { return 0 }
    return min(p, 1)
  }

  /// 1 − (1 − π)(1 − S∞): a stay never ends when the mixture says so or, failing that, when its
  /// distribution's hazard stops (S∞ = `DurationDistribution.neverEndingProbability`).
  public static func combinedNeverEnding(mixture pi: Double, _ distribution: DurationDistribution) -> Double {
    let sInf = distribution.neverEndingProbability
    guard sInf > 0 else { return pi }
    return min(1, max(0, 1 - (1 - pi) * (1 - sInf)))
  }

  enum CodingKeys: String, CodingKey {
    case name, order, entered, censored, neverEnds = "never_ends"
    case crmProbability = "crm_probability", exitCounts = "exit_counts"
    case advanceProbability = "advance_probability", lossProbability = "loss_probability"
    case winDirectProbability = "win_direct_probability", moveProbabilities = "move_probabilities"
    case winProbability = "win_probability", expectedRemainingSteps = "expected_remaining_steps"
    case suggestedCRMProbability = "suggested_crm_probability", timeInStage = "time_in_stage"
    case lossGivenTime = "loss_given_time", winShare = "win_share", moveShares = "move_shares"
  }
}

/// Stays that never end by themselves: the mixture ("cure") model of time in stage,
/// S(t) = π + (1 − π) S₀(t), with S₀ = `FittedStage.timeInStage`.
///
/// π and S₀'s parameters are estimated jointly by censored maximum likelihood for every family
/// (`MixtureCureFitter`); the best mixture (smallest AIC) is kept only when it beats every fit
/// without π on AIC *and* the likelihood-ratio test against its own family without π rejects
/// π = 0 at 1% (boundary test: ½χ²₀ + ½χ²₁); otherwise `probability` is 0 and the test is
/// recorded all the same.
public struct NeverEndingStays: Codable, Sendable {
  /// π used by the model: the fitted share when chosen, else 0.
  public var probability: Double
  /// The best mixture fit's π, whether chosen or not.
  public var fittedProbability: Double
  /// S₀'s family in the best mixture fit.
  public var family: String
  /// 2(ℓ̂ − ℓ̂₀) against the same family without π, and its boundary p-value.
  public var likelihoodRatio: Double
  public var pValue: Double
  /// AIC of the best mixture fit and of the best fit without π.
  public var aicWith: Double
  public var aicWithout: Double
  /// Covariance of (logit π, S₀'s unconstrained parameters in `time_in_stage.covariance` order),
  /// row-major, for joint parameter draws; empty when π = 0.
  public var covariance: [Double]

  public init(
    probability: Double, fittedProbability: Double, family: String, likelihoodRatio: Double,
    pValue: Double, aicWith: Double, aicWithout: Double, covariance: [Double]
  ) {
    self.probability = probability
    self.fittedProbability = fittedProbability
    self.family = family
    self.likelihoodRatio = likelihoodRatio
    self.pValue = pValue
    self.aicWith = aicWith
    self.aicWithout = aicWithout
    self.covariance = covariance
  }

  enum CodingKeys: String, CodingKey {
    case probability, family, covariance
    case fittedProbability = "fitted_probability", likelihoodRatio = "likelihood_ratio"
    case pValue = "p_value", aicWith = "aic_with", aicWithout = "aic_without"
  }
}

/// Completed stays by exit type.
public struct ExitCounts: Codable, Sendable, Hashable {
  public var advanced: Int
  public var won: Int
  public var lost: Int
  public var skipped: Int
  public var movedBack: Int

  enum CodingKeys: String, CodingKey {
    case advanced, won, lost, skipped, movedBack = "moved_back"
  }
}

/// A fitted duration distribution with what a reader needs to trust it.
public struct DurationEstimate: Codable, Sendable {
  public var distribution: DurationDistribution
  /// Covariance of the unconstrained parameters (row-major, `parameterCount²`), for drawing
  /// parameters per simulation trial.
  public var covariance: [Double]
  public var medianDays: Double
  public var p10Days: Double
  public var p90Days: Double
  /// The Kaplan–Meier median (nil when censoring hides it): a check on the parametric fit.
  public var kaplanMeierMedianDays: Double?
  /// AIC of every family tried (the chosen one is the smallest).
  public var aic: [String: Double]
  /// Largest absolute gap between the fitted and the Kaplan–Meier survival curves.
  public var maxSurvivalGap: Double
  public var events: Int
  public var censored: Int

  public var family: String { distribution.family.rawValue }

  enum CodingKeys: String, CodingKey {
    case distribution, covariance, aic, events, censored
    case medianDays = "median_days", p10Days = "p10_days", p90Days = "p90_days"
    case kaplanMeierMedianDays = "kaplan_meier_median_days", maxSurvivalGap = "max_survival_gap"
  }
}

/// A logistic curve in x = log(days): p(x) = 1 / (1 + exp(−(c₀ + c₁ x + c₂ x²))).
public struct LogisticCurve: Codable, Sendable, Hashable {
  /// c₀, c₁, c₂ (missing trailing terms are zero).
  public var coefficients: [Double]
  /// Covariance of the coefficients (row-major), for parameter draws.
  public var covariance: [Double]

  public func probability(atLogDays x: Double) -> Double {
    var eta = 0.0
    var power = 1.0
    for c in coefficients {
      eta += c * power
      power *= x
    }
    return 1 / (1 + exp(-eta))
  }
}

/// Created-to-close cycle length, censoring-aware against the naive closed-deals-only figure.
public struct CycleLength: Codable, Sendable {
  /// Median days from creation to winning, among deals that win (Aalen–Johansen: open deals are
  /// censored, lost deals a competing exit).
  public var medianDays: Double?
  /// The same from won deals only (biased short: the slow deals are still open).
  public var naiveMedianDays: Double?
  /// P10/P90 of created-to-won, censoring-aware.
  public var p10Days: Double?
  public var p90Days: Double?
  /// Eventual win rate of a new deal (Aalen–Johansen cumulative incidence at the last time).
  public var winRate: Double?

  enum CodingKeys: String, CodingKey {
    case medianDays = "median_days", naiveMedianDays = "naive_median_days"
    case p10Days = "p10_days", p90Days = "p90_days", winRate = "win_rate"
  }
}
