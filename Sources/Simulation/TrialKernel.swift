import CRMData
import Foundation
import PipelineModel
import Statistics

/// Where one run's per-trial totals go: preallocated, one disjoint slot per trial, so workers
/// write without locks and the layout never depends on which thread ran which block.
struct TrialSlots: @unchecked Sendable {
  let periods: Int
  let groups: Int
  /// `trials × periods`.
  let bookings: UnsafeMutablePointer<Double>
  let wonDeals: UnsafeMutablePointer<Double>
  let fromOpen: UnsafeMutablePointer<Double>
  let fromNew: UnsafeMutablePointer<Double>
  /// `trials × groups × periods` (nil without `--by`).
  let groupBookings: UnsafeMutablePointer<Double>?
  let groupFromOpen: UnsafeMutablePointer<Double>?
  let groupWonDeals: UnsafeMutablePointer<Int32>?
}

/// The trial loop for one block: one parameter set, many trials. Reads only flat buffers.
struct TrialKernel {
  let table: UnsafePointer<Double>
  let stride: Int
  let z: ZigguratTables
  let horizon: Double
  let periodOfDay: UnsafePointer<Int32>
  let slots: TrialSlots
  /// Days from the end of as-of from which the levers act.
  let leverStart: Double
  let cycleMultiplier: Double
  let sizeMultiplier: Double
  /// Stage stays simulated (for the benchmark's steps per second).
  var steps = 0
  /// Safety cap on stays per deal (a model whose stays are all zero-length would never end).
  static let maxStaysPerDeal = 10_000

  /// The stay still to come in a stage entered `age` days ago, drawn from the distribution of T
  /// given T > age (exact for every family), and log of the whole stay's length for the loss curve.
  ///
  /// - exponential: memoryless; Weibull: T = λ((age/λ)^k + E)^{1/k}.
  /// - lognormal: log T = μ + σZ with Z > z₀ = (log age − μ)/σ: plain rejection from N(0, 1)
  ///   when z₀ ≤ 0 (acceptance ≥ ½), else Robert's (1995) exponential proposal (acceptance ≥ 0.76).
  /// - gamma: rejection from the unconditional law while age ≤ median (acceptance ≥ ½); beyond it
  ///   an exponential proposal from age, with rate 1/θ − (k−1)/age for k ≥ 1 (the tangent of the
  ///   log-concave density, so the ratio is ≤ 1) or 1/θ for k < 1.
  @inline(__always)
  func conditionalStay(_ row: UnsafePointer<Double>, age: Double, logAge: Double, rng: inout SimulationRandom) -> (remaining: Double, logTotal: Double) {
    switch Int(row[StageRow.family]) {
    case 0:
      let total = age + row[StageRow.p1] * rng.exponential()
      return (total - age, log(total))
    case 1:
      let mu = row[StageRow.p1]
      let sigma = row[StageRow.p2]
      let z0 = (logAge - mu) / sigma
      guard z0.isFinite else { return (0, logAge) }
      var zz: Double
      if z0 <= 0 {
        repeat { zz = rng.normal(z) } while zz <= z0
      } else {
        let alpha = 0.5 * (z0 + (z0 * z0 + 4).squareRoot())
        while true {
          zz = z0 + rng.exponential() / alpha
          let d = zz - alpha
          if rng.uniform() <= fastExp(-0.5 * d * d) { break }
        }
      }
      let logTotal = mu + sigma * zz
      return (max(0, fastExp(logTotal) - age), logTotal)
    case 2:
      let total = conditionalGamma(row, age: age, rng: &rng)
      return (total - age, log(total))
    case 4:
      return PiecewiseStay.conditional(table + Int(row[StageRow.p1]), age: age, exponential: rng.exponential())
    default:
      let y = exp(row[StageRow.p3] * (logAge - row[StageRow.p4])) + rng.exponential()
      let logTotal = row[StageRow.p4] + log(y) * row[StageRow.p2]
      return (max(0, fastExp(logTotal) - age), logTotal)
    }
  }

  @inline(never)
  func conditionalGamma(_ row: UnsafePointer<Double>, age: Double, rng: inout SimulationRandom) -> Double {
    let shape = row[StageRow.p1]
    let scale = row[StageRow.p2]
    if age <= row[StageRow.median] {
      for _ in 0..<64 {
        let t = rng.gamma(shape: shape, z) * scale
        if t > age { return t }
      }
    } else {
      let rate = shape >= 1 ? 1 / scale - (shape - 1) / age : 1 / scale
      if rate > 0 {
        for _ in 0..<1000 {
          let t = age + rng.exponential() / rate
          let accept = shape >= 1
            ? exp((shape - 1) * (log(t / age) - (t - age) / age)) : pow(t / age, shape - 1)
          if rng.uniform() <= accept { return t }
        }
      }
    }
    let fallback = DurationDistribution.gamma(shape: shape, scale: scale)
    return age + fallback.sampleRemaining(givenSurvived: age, using: &rng)
  }

  /// A fresh stay's length and its log.
  @inline(__always)
  func freshStay(_ row: UnsafePointer<Double>, rng: inout SimulationRandom) -> (length: Double, logLength: Double) {
    switch Int(row[StageRow.family]) {
    case 1:
      let logT = row[StageRow.p1] + row[StageRow.p2] * rng.normal(z)
      return (fastExp(logT), logT)
    case 0:
      let e = rng.exponential()
      return (row[StageRow.p1] * e, row[StageRow.p2] + log(e))
    case 2:
      let t = max(rng.gamma(shape: row[StageRow.p1], z) * row[StageRow.p2], 1e-300)
      return (t, log(t))
    case 4:
      return PiecewiseStay.fresh(table + Int(row[StageRow.p1]), exponential: rng.exponential())
    default:
      let logT = row[StageRow.p4] + log(rng.exponential()) * row[StageRow.p2]
      return (fastExp(logT), logT)
    }
  }

  /// Walks one deal from `stage` (entered `age` days before `start`) through stays until it is
  /// won, lost or past the horizon. Returns the win time in days from the end of as-of, or −1.
  ///
  /// Each stay: its length T; if the deal is still in the horizon, lost with probability
  /// logistic(c₀ + c₁ log T + c₂ log² T + shift) at the *whole* stay's length (so an old deal's
  /// exit odds are those of a long stay), else won or moved by the stage's non-lost shares.
  /// `timeScale` stretches every stay on the calendar (a segment's speed; 1 = the fitted times)
  /// and leaves the exit odds as they are.
  /// Before each stay, the stay never ends (the deal is a zombie: never won, −1) with probability
  /// `neverEnding` for the first, age-conditioned stay (π / (π + (1 − π) S₀(age)), precomputed per
  /// block) and π for a fresh one. Nothing is drawn when that probability is 0, so a model
  /// without never-ending stays consumes the same random numbers as before.
  @inline(__always)
  mutating func walk(
    stage startStage: Int, age startAge: Double, logAge: Double, start: Double, shift: Double,
    timeScale: Double = 1, neverEnding firstNeverEnding: Double = 0, rng: inout SimulationRandom
  ) -> Double {
    var s = startStage
    var t = start
    var age = startAge
    for _ in 0..<Self.maxStaysPerDeal {
      steps &+= 1
      let row = table + s &* stride
      let stayStart = t
      let remaining: Double
      let x: Double
      if age > 0 {
        if firstNeverEnding > 0 && rng.uniform() < firstNeverEnding { return -1 }
        (remaining, x) = conditionalStay(row, age: age, logAge: logAge, rng: &rng)
        age = 0
      } else {
        let pi = row[StageRow.neverEnding]
        if pi > 0 && rng.uniform() < pi { return -1 }
        (remaining, x) = freshStay(row, rng: &rng)
      }
      t += (stayStart >= leverStart ? remaining * cycleMultiplier : remaining) * timeScale
      if !(t < horizon) { return -1 }
      let eta = row[StageRow.c0] + x * (row[StageRow.c1] + x * row[StageRow.c2]) + shift
      var p = 1 / (1 + fastExp(-eta))
      let add = row[StageRow.advanceAdd]
      if add != 0 && stayStart >= leverStart { p = min(1, max(0, p - add)) }
      let u = rng.uniform()
      if u < p { return -1 }
      let v = (u - p) / (1 - p)
      var k = StageRow.exits
      while v >= row[k] { k &+= 2 }
      let target = Int(row[k &+ 1])
      if target < 0 { return t }
      s = target
    }
    return -1
  }

  /// Books a win at `t` into trial `trial`'s slot; returns false when it falls before the first
  /// period (a win between as-of and a later first period).
  @inline(__always)
  func book(trial: Int, t: Double, amount: Double, group: Int32, fromOpen: Bool) -> Bool {
    let p = Int(periodOfDay[Int(t)])
    if p < 0 { return false }
    let value = t >= leverStart ? amount * sizeMultiplier : amount
    let i = trial * slots.periods + p
    slots.bookings[i] += value
    slots.wonDeals[i] += 1
    if fromOpen { slots.fromOpen[i] += value } else { slots.fromNew[i] += value }
    if let gb = slots.groupBookings {
      let j = (trial * slots.groups + Int(group)) * slots.periods + p
      gb[j] += value
      slots.groupWonDeals![j] += 1
      if fromOpen { slots.groupFromOpen![j] += value }
    }
    return true
  }

  /// Every deal open at as-of, once.
  mutating func runOpenPipeline(
    trial: Int, deals: UnsafeBufferPointer<DealRecord>, repShift: UnsafePointer<Double>,
    neverEnding: UnsafeBufferPointer<Double>, dealWins: UnsafeMutablePointer<Int32>,
    rng: inout SimulationRandom
  ) {
    for d in 0..<deals.count {
      let deal = deals[d]
      let shift = repShift[Int(deal.rep)] + deal.rampShift
      let t = walk(
        stage: Int(deal.stage), age: deal.ageDays, logAge: deal.logAge, start: 0, shift: shift,
        timeScale: deal.timeScale, neverEnding: d < neverEnding.count ? neverEnding[d] : 0, rng: &rng)
      if t >= 0 && book(trial: trial, t: t, amount: deal.amount, group: deal.group, fromOpen: true) {
        dealWins[d] &+= 1
      }
    }
  }
}
