import Foundation

/// One open deal in flight in the lane loop: its stream, clock and stage after its first stay.
struct DealLane {
  var rng: SimulationRandom
  /// Days from the end of as-of to the end of the last stay.
  var t: Double
  var stage: Int32
  /// Index in `CompiledPipeline.deals`.
  var deal: Int32
  var stays: Int32

  /// Writes a lane field by field: copying a whole lane through the stack defeats the
  /// processor's store-to-load forwarding.
  @inline(__always)
  static func store(
    into lane: UnsafeMutablePointer<DealLane>, rng: SimulationRandom, t: Double, stage: Int, deal: Int, stays: Int32
  ) {
    lane.pointee.rng = rng
    lane.pointee.t = t
    lane.pointee.stage = Int32(truncatingIfNeeded: stage)
    lane.pointee.deal = Int32(truncatingIfNeeded: deal)
    lane.pointee.stays = stays
  }
}

/// Scratch lanes of one worker, allocated once per run and reused for every trial.
struct LaneBuffer: @unchecked Sendable {
  /// Deals in flight at once: enough independent work to hide each stay's latency, few enough
  /// to stay in the L1 cache (48 bytes a lane).
  static let capacity = 256
  let lanes: UnsafeMutablePointer<DealLane>

  static func allocate() -> LaneBuffer {
    let lanes = UnsafeMutablePointer<DealLane>.allocate(capacity: capacity)
    lanes.initialize(
      repeating: DealLane(rng: SimulationRandom(stream: 0, index: 0), t: 0, stage: 0, deal: 0, stays: 0),
      count: capacity)
    return LaneBuffer(lanes: lanes)
  }

  func deallocate() { lanes.deallocate() }
}

extension TrialKernel {
  /// Every deal open at as-of, once; deal d draws from its own stream `(trialKey, d)`.
  ///
  /// Each deal's first, age-conditioned stay is drawn as deals are taken in order; deals still
  /// open after it wait in `lanes`, and every pass moves each waiting deal one fresh stay on and
  /// books its win without branching on the outcome (wins add their amount, others add 0), then
  /// packs the deals still open to the front. A deal's draws come only from its own stream in the
  /// same order as in `walk`, so every deal's fate is exactly what `walk` gives it; only the
  /// order in which wins are summed differs (fixed by `laneCount`, never by the thread count).
  @inline(never)
  mutating func runOpenPipeline(
    trial: Int, deals: UnsafeBufferPointer<DealRecord>, repShift: UnsafePointer<Double>,
    neverEnding: UnsafeBufferPointer<Double>, conditioning: UnsafeBufferPointer<Conditioning>,
    dealWins: UnsafeMutablePointer<Int32>,
    trialKey: UInt64, lanes: UnsafeMutablePointer<DealLane>, laneCount: Int = LaneBuffer.capacity
  ) {
    // A constant copy: calling `stay` on the `inout` self would copy the kernel at every call.
    let kernel = self
    let open = OpenDeals(
      trial: trial, deals: deals, repShift: repShift, neverEnding: neverEnding,
      conditioning: conditioning, dealWins: dealWins, trialKey: trialKey,
      lastDay: max(0, horizon - 1))
    var next = 0
    var active = 0
    // Stays simulated: one first stay per deal, plus one per lane per pass.
    var laneStays = 0
    while true {
      kernel.takeDeals(open, lanes: lanes, active: &active, next: &next, laneCount: laneCount)
      if active == 0 { break }
      laneStays &+= active
      active = kernel.advanceLanes(open, lanes: lanes, active: active)
    }
    steps &+= laneStays &+ deals.count
  }

  /// What the lane loop's two halves share for one trial.
  struct OpenDeals {
    let trial: Int
    let deals: UnsafeBufferPointer<DealRecord>
    let repShift: UnsafePointer<Double>
    let neverEnding: UnsafeBufferPointer<Double>
    let conditioning: UnsafeBufferPointer<Conditioning>
    let dealWins: UnsafeMutablePointer<Int32>
    let trialKey: UInt64
    /// The last day of the horizon (where non-wins are clamped for the branch-free booking).
    let lastDay: Double
  }

  /// Takes deals in order until `laneCount` are in flight: draws each one's first,
  /// age-conditioned stay, books it if won, and keeps it in a lane if it moved on.
  /// A function of its own (as is `advanceLanes`), so each stays small enough to inline its stay.
  @inline(never)
  func takeDeals(
    _ o: OpenDeals, lanes: UnsafeMutablePointer<DealLane>, active: inout Int, next: inout Int, laneCount: Int
  ) {
    while active < laneCount && next < o.deals.count {
      let d = next
      next &+= 1
      let deal = o.deals[d]
      var rng = SimulationRandom(stream: o.trialKey, index: d)
      var t = 0.0
      let s = stay(
        at: Int(deal.stage), t: &t, age: deal.ageDays, logAge: deal.logAge, conditioning: o.conditioning[d],
        shift: o.repShift[Int(deal.rep)] + deal.rampShift, timeScale: deal.timeScale,
        neverEnding: d < o.neverEnding.count ? o.neverEnding[d] : 0, rng: &rng)
      bookWithoutBranching(
        trial: o.trial, won: s == StayEnd.won, t: t < o.lastDay ? t : o.lastDay, amount: deal.amount,
        group: deal.group, dealWins: o.dealWins + d)
      DealLane.store(into: lanes + active, rng: rng, t: t, stage: s, deal: d, stays: 1)
      active &+= s >= 0 ? 1 : 0
    }
  }

  /// One fresh stay for every deal in flight; returns how many are still open, packed first.
  @inline(never)
  func advanceLanes(_ o: OpenDeals, lanes: UnsafeMutablePointer<DealLane>, active: Int) -> Int {
    var kept = 0
    for i in 0..<active {
      // Field by field, in and out (see `DealLane.store`).
      var rng = lanes[i].rng
      var t = lanes[i].t
      let d = Int(lanes[i].deal)
      let stays = lanes[i].stays &+ 1
      let deal = o.deals[d]
      let s = freshStayStep(
        at: Int(lanes[i].stage), t: &t, shift: o.repShift[Int(deal.rep)] + deal.rampShift,
        timeScale: deal.timeScale, rng: &rng)
      bookWithoutBranching(
        trial: o.trial, won: s == StayEnd.won, t: t < o.lastDay ? t : o.lastDay, amount: deal.amount,
        group: deal.group, dealWins: o.dealWins + d)
      DealLane.store(into: lanes + kept, rng: rng, t: t, stage: s, deal: d, stays: stays)
      kept &+= s >= 0 && stays < Self.maxStaysPerDeal ? 1 : 0
    }
    return kept
  }

  /// `book` for the lane loop: adds `amount` (or 0 when not `won` or before the first period) to
  /// the win's period, so the outcome never decides a branch. `t` must be in [0, horizon).
  @inline(__always)
  func bookWithoutBranching(
    trial: Int, won: Bool, t: Double, amount: Double, group: Int32, dealWins: UnsafeMutablePointer<Int32>
  ) {
    let p = Int(periodOfDay[Int(t)])
    let counted = won && p >= 0
    let value = counted ? (t >= leverStart ? amount * sizeMultiplier : amount) : 0
    let one: Int32 = counted ? 1 : 0
    let i = trial &* slots.periods &+ max(p, 0)
    slots.bookings[i] += value
    slots.wonDeals[i] += Double(one)
    slots.fromOpen[i] += value
    if let gb = slots.groupBookings {
      let j = (trial &* slots.groups &+ Int(group)) &* slots.periods &+ max(p, 0)
      gb[j] += value
      slots.groupWonDeals![j] &+= one
      slots.groupFromOpen![j] += value
    }
    dealWins.pointee &+= one
  }
}
