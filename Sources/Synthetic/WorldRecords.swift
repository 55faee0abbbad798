import CRMData

// Compact, internal records of a generated world's full timeline (through `horizonEnd`). Indices
// are storage positions; public ids (`D00042`) are assigned in time order when writing.

/// A rep's whole career in the world.
struct RepRecord: Sendable {
  var key: UInt64
  var team: Int
  var role: RepRole
  var hired: Day
  /// The first day no longer employed; nil when still employed at `horizonEnd`.
  var left: Day?
  /// Odds multiplier on not losing (AEs; 1 for SDRs).
  var skill: Double
  /// True for reps added by an extra-hires lever (not counted against the hiring plan).
  var isExtra: Bool
  var name: String
}

/// A lead and everything that happened to it (times may lie after the export).
struct LeadRecord: Sendable {
  var key: UInt64
  var created: Moment
  var source: Int
  var team: Int
  var owner: Int32
  var contacted: Moment?
  var qualified: Day?
  var disqualified: Day?
  /// Storage index of the deal it became, or −1.
  var deal: Int32 = -1
  var week: Int32
}

/// One deal-history row: the deal's state from `day` on. `stage` indexes the open stages;
/// `wonStage` / `lostStage` codes mark the closing row.
struct HistoryEvent: Sendable {
  var day: Day
  var stage: Int8
  var amount: Double
  var expected: Day
  var owner: Int32
}

/// A deal over its whole life (it may close after `horizonEnd`).
struct DealRecord: Sendable {
  var key: UInt64
  var created: Day
  var team: Int
  var segment: Int
  /// Lead source index, or −1 (expansions, renewals).
  var source: Int
  var type: DealType
  var lead: Int32
  var account: Int32
  var won: Bool
  var closed: Day
  var historyStart: Int
  var historyCount: Int
}

/// A prospect or customer; one per new deal.
struct AccountRecord: Sendable {
  var originDeal: Int32
  var segment: Int
  var becameCustomer: Day?
  var churned: Day?
}

/// An activity; `planned` ones are next steps scheduled at the configuration's `asOf`.
struct ActivityRecord: Sendable {
  var at: Moment
  var kind: ActivityKind
  var owner: Int32
  var deal: Int32
  var lead: Int32
  var durationMinutes: Int32
  var planned: Bool
  var tie: UInt64
}
