import CRMData

/// How deals still to be created enter the pipeline, by origin (docs/MODEL.md §8).
///
/// A deal's origin is read from deals.csv: `type` expansion or renewal, else `lead` when the folder
/// has leads.csv and the deal is linked to a lead, else `outbound` (pipeline its owner created,
/// whatever its source; `DealOrigins`). Each origin has its own entry
/// stage (the stage of the deal's first history row: renewals typically open late in the
/// pipeline, expansions past qualification) and its own amount model, fitted on the *won* final
/// amounts of that origin by segment (so no won-to-all correction is needed), and segments can
/// move through the stages at their own speed. Renewals, when they follow customers'
/// anniversaries, are scheduled from them rather than drawn at a flat rate.
///
/// Optional in `FittedPipeline` (`new_deals`): a model file without it simulates new deals as
/// before (first stage, segment amounts × won-to-all ratio).
public struct NewDealModel: Codable, Sendable {
  /// One origin of new deals.
  public struct Origin: Codable, Sendable, Hashable {
    /// `lead`, `outbound`, `expansion` or `renewal`.
    public var origin: String
    /// Deals of this origin created in the last 52 weeks, and in all the history.
    public var recentDeals: Int
    public var deals: Int
    /// Share of this origin's deals by the open stage of their first history row, in the model's
    /// stage order (sums to 1). Deals without history rows are left out.
    public var entryStageShares: [Double]
    /// Won final amounts of this origin: all segments together (pooling target) and by segment
    /// (partially pooled toward it). A group's `share` is its share of this origin's wins closed
    /// in the last 52 weeks (all wins when there are none).
    public var wonAmount: DealSizeModel.Group
    public var wonAmountBySegment: [DealSizeModel.Group]
    /// Closed win rate of this origin (raw; reported, the simulation uses the stage chain).
    public var closedWinRate: Double
    /// Outbound only: the deals' sources (`outbound` for an empty one) and their shares of the
    /// last 52 weeks' deals (of all deals when none is recent), sorted by source; what
    /// `--by source` labels simulated outbound deals with. Absent in older model files (all
    /// `outbound`).
    public var sourceShares: [SourceShare]?

    enum CodingKeys: String, CodingKey {
      case origin, deals
      case recentDeals = "recent_deals", entryStageShares = "entry_stage_shares"
      case wonAmount = "won_amount", wonAmountBySegment = "won_amount_by_segment"
      case closedWinRate = "closed_win_rate", sourceShares = "source_shares"
    }
  }

  /// One source's share of an origin's deals.
  public struct SourceShare: Codable, Sendable, Hashable {
    public var source: String
    public var share: Double
  }

  /// Renewals opened a fixed number of days before each customer anniversary.
  public struct RenewalSchedule: Codable, Sendable, Hashable {
    /// Renewal deals open this many days before the anniversary of `became_customer_on`
    /// (negative: after it); the median over renewal deals.
    public var leadDays: Double
    /// Share of renewal deals created within ±14 days of that offset (≥ 0.7 to use the schedule).
    public var alignedShare: Double
    /// Renewal deals opened in the window over anniversaries due to open in it for customers
    /// still active then (capped at 1), and those counts.
    public var openShare: Double
    public var renewals: Int
    public var anniversaries: Int
    /// Days after as-of (1 = the day after) on which the next renewals of customers active at
    /// as-of are due to open, ascending, over the next 400 days.
    public var upcomingOpenDays: [Int]
    /// For each of `upcomingOpenDays`, the customer's contract value at as-of: its last won new or
    /// renewal deal plus the expansions won since (0 when it has none). Absent in older files.
    public var upcomingContracts: [Double]?
    /// For each of `upcomingOpenDays`, the customer's segment (accounts.csv, else the deal that
    /// set its contract; "" when unknown), so the renewal moves at its segment's speed: large
    /// contracts are mostly slow segments. Absent in older files.
    public var upcomingSegments: [String]?
    /// Renewal amount over the contract it renews, when at least 3 won renewals have one.
    public var contractRatio: ContractRatio?

    enum CodingKeys: String, CodingKey {
      case renewals, anniversaries
      case leadDays = "lead_days", alignedShare = "aligned_share", openShare = "open_share"
      case upcomingOpenDays = "upcoming_open_days", upcomingContracts = "upcoming_contracts"
      case upcomingSegments = "upcoming_segments"
      case contractRatio = "contract_ratio"
    }
  }

  /// log(renewal amount / contract renewed) over won renewals: a renewal is priced from the
  /// customer's own contract (mean and sd of the log ratio, and how many renewals).
  public struct ContractRatio: Codable, Sendable, Hashable {
    public var logMean: Double
    public var logSD: Double
    public var renewals: Int

    enum CodingKeys: String, CodingKey {
      case renewals
      case logMean = "log_mean", logSD = "log_sd"
    }
  }

  /// Stay-length multiplier of one segment: its stays are this many times as long as the
  /// company's (geometric mean ratio over completed stays, stage by stage, shrunk toward 1).
  public struct SegmentSpeed: Codable, Sendable, Hashable {
    public var segment: String
    public var timeFactor: Double
    public var stays: Int

    enum CodingKeys: String, CodingKey {
      case segment, stays
      case timeFactor = "time_factor"
    }
  }

  /// A lead qualified on or before as-of that has no deal yet (nor a disqualification): it may
  /// still become one after the qualified-to-deal lag.
  public struct PendingLead: Codable, Sendable, Hashable {
    public var source: String
    /// Days from qualification to the end of the as-of day.
    public var ageDays: Double

    enum CodingKeys: String, CodingKey {
      case source
      case ageDays = "age_days"
    }
  }

  /// In the order lead, outbound, expansion, renewal; origins without deals are absent.
  public var origins: [Origin]
  public var renewalSchedule: RenewalSchedule?
  /// Sorted by segment; empty without segments.
  public var segmentSpeeds: [SegmentSpeed]
  /// Qualified leads without a deal at as-of, qualified in the last 90 days (sorted by source,
  /// then age).
  public var pendingLeads: [PendingLead]
  /// Weeks of history behind the origins' `recentDeals`: the last 52, or fewer when the data
  /// starts later (from the first deal's creation). Absent in older model files (52).
  public var recentWindowWeeks: Double?
  public var notes: [String]

  enum CodingKeys: String, CodingKey {
    case origins, notes
    case renewalSchedule = "renewal_schedule", segmentSpeeds = "segment_speeds"
    case pendingLeads = "pending_leads", recentWindowWeeks = "recent_window_weeks"
  }

  public func origin(_ name: String) -> Origin? { origins.first { $0.origin == name } }

  public func timeFactor(segment: String?) -> Double {
    guard let segment else { return 1 }
    return segmentSpeeds.first { $0.segment == segment }?.timeFactor ?? 1
  }
}

extension NewDealModel {
  public static let originNames = ["lead", "outbound", "expansion", "renewal"]
  /// `RenewalSchedule.upcomingOpenDays` covers this many days after as-of.
  public static let renewalScheduleSpanDays = 400

  /// The origin of a deal as the model classifies it; `linkedToLead`: the folder has leads.csv
  /// and the deal is linked to one of its leads (so the lead funnel recreates such deals).
  public static func origin(of deal: Deal, linkedToLead: Bool) -> String {
    switch deal.type {
    case .expansion: return "expansion"
    case .renewal: return "renewal"
    case .new: return linkedToLead ? "lead" : "outbound"
    }
  }
}
