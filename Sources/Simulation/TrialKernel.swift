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
  /// Deals created in the horizon and walked (scope all; for the benchmark's deal-trials).
  var newDeals = 0
  /// Exit slots compared per stay: one per stage (a stage has at most stages + 1 exits).
  var exitSlots: Int { (stride - StageRow.exits) / 2 - 1 }
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
  ///
  /// `conditioning` is `Self.conditioning(row, logAge:)`, which depends only on the stage's
  /// parameters and the age: the trial loop reads it precomputed once per parameter block.
  @inline(__always)
  func conditionalStay(
    _ row: UnsafePointer<Double>, age: Double, logAge: Double, conditioning c: Conditioning,
    rng: inout SimulationRandom
  ) -> (remaining: Double, logTotal: Double) {
    // The lognormal, the usual family, inline; the others in a call of their own.
    if Int(row[StageRow.family]) == 1 {
      return conditionalLogNormal(row, age: age, logAge: logAge, conditioning: c, rng: &rng)
    }
    return conditionalOtherFamily(row, age: age, logAge: logAge, conditioning: c, rng: &rng)
  }

  /// Lognormal T given T > age (see `conditionalStay`).
  @inline(__always)
  func conditionalLogNormal(
    _ row: UnsafePointer<Double>, age: Double, logAge: Double, conditioning c: Conditioning,
    rng: inout SimulationRandom
  ) -> (remaining: Double, logTotal: Double) {
    let mu = row[StageRow.p1]
    let sigma = row[StageRow.p2]
    let z0 = c.a
    guard z0.isFinite else { return (0, logAge) }
    var zz: Double
    if z0 <= 0 {
      repeat { zz = rng.normal(z) } while zz <= z0
    } else {
      // Robert's test U ≤ exp(−(zz − α)²/2) is −2 log U ≥ (zz − α)², with −log U a second
      // exponential: two ziggurat draws, no exp or log.
      let alpha = c.b
      let step = c.c
      while true {
        zz = z0 + rng.exponential(z) * step
        let d = zz - alpha
        if 2 * rng.exponential(z) >= d * d { break }
      }
    }
    let logTotal = mu + sigma * zz
    return (max(0, fastExp(logTotal) - age), logTotal)
  }

  /// T given T > age for the exponential, gamma, Weibull and piecewise-exponential families.
  @inline(never)
  func conditionalOtherFamily(
    _ row: UnsafePointer<Double>, age: Double, logAge: Double, conditioning c: Conditioning,
    rng: inout SimulationRandom
  ) -> (remaining: Double, logTotal: Double) {
    switch Int(row[StageRow.family]) {
    case 0:
      let total = age + row[StageRow.p1] * rng.exponential(z)
      return (total - age, fastLog(total))
    case 2:
      let total = conditionalGamma(row, age: age, rng: &rng)
      return (total - age, log(total))
    case 4:
      return PiecewiseStay.conditional(table + Int(row[StageRow.p1]), age: age, exponential: rng.exponential(z))
    default:
      let y = c.a + rng.exponential(z)
      let logTotal = row[StageRow.p4] + fastLog(y) * row[StageRow.p2]
      return (max(0, fastExp(logTotal) - age), logTotal)
    }
  }

  /// What `conditionalStay` needs of a stage and an age beyond the row: lognormal
  /// (a, b, c) = (z₀, α, 1/α) with z₀ = (log age − μ)/σ, w = √(z₀² + 4), α = (z₀ + w)/2 and
  /// 1/α = (w − z₀)/2 (Robert's proposal); Weibull a = (age/λ)^k; other families nothing.
  struct Conditioning {
    var a = 0.0
    var b = 0.0
    var c = 0.0
  }

  static func conditioning(_ row: UnsafePointer<Double>, logAge: Double) -> Conditioning {
    switch Int(row[StageRow.family]) {
    case 1:
      let z0 = (logAge - row[StageRow.p1]) * row[StageRow.p3]
      let w = (z0 * z0 + 4).squareRoot()
      return Conditioning(a: z0, b: 0.5 * (z0 + w), c: 0.5 * (w - z0))
    case 3:
      return Conditioning(a: fastExp(row[StageRow.p3] * (logAge - row[StageRow.p4])))
    default:
      return Conditioning()
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
          let t = age + rng.exponential(z) / rate
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
      let e = rng.exponential(z)
      return (row[StageRow.p1] * e, row[StageRow.p2] + fastLog(e))
    case 2:
      let t = max(rng.gamma(shape: row[StageRow.p1], z) * row[StageRow.p2], 1e-300)
      return (t, log(t))
    case 4:
      return PiecewiseStay.fresh(table + Int(row[StageRow.p1]), exponential: rng.exponential(z))
    default:
      let logT = row[StageRow.p4] + fastLog(rng.exponential(z)) * row[StageRow.p2]
      return (fastExp(logT), logT)
    }
  }

  /// What `stay` returns besides a next stage (≥ 0).
  enum StayEnd {
    /// Lost, never-ending, past the horizon or out of stays.
    static let ended = -1
    /// Won at the stay's end.
    static let won = -2
  }

  /// One stay in stage `s`, entered `age` days before `t` (0: a fresh stay), from `t` on:
  /// advances `t` to the stay's end and returns the next stage, `StayEnd.won` (the win is at the
  /// new `t`) or `StayEnd.ended`.
  ///
  /// The stay's length T; if the deal is still in the horizon, lost with probability
  /// logistic(c₀ + c₁ log T + c₂ log² T + shift) at the *whole* stay's length (so an old deal's
  /// exit odds are those of a long stay), else won or moved by the stage's non-lost shares.
  /// `conditioning` is the age's precomputed `Conditioning` (nil: computed here).
  /// `timeScale` stretches the stay on the calendar (a segment's speed; 1 = the fitted times)
  /// and leaves the exit odds as they are. The stay never ends (a zombie deal) with probability
  /// `neverEnding` for an age-conditioned stay (π / (π + (1 − π) S₀(age)), precomputed per
  /// block) and π for a fresh one; nothing is drawn for it when that probability is 0.
  ///
  /// Every stay consumes the same draws whatever happens (the loss and exit uniforms are drawn
  /// even past the horizon), and the outcome is computed without early exits, so the lane loop
  /// (`runOpenPipeline`) runs it without mispredicted branches.
  /// Not `mutating` (the caller counts stays), so inlining it copies nothing of the kernel.
  @inline(__always)
  func stay(
    at s: Int, t: inout Double, age: Double, logAge: Double, conditioning: Conditioning? = nil,
    shift: Double, timeScale: Double, neverEnding firstNeverEnding: Double, rng: inout SimulationRandom
  ) -> Int {
    let row = table + s &* stride
    let stayStart = t
    let remaining: Double
    let x: Double
    var never = false
    if age > 0 {
      if firstNeverEnding > 0 { never = rng.uniform() < firstNeverEnding }
      (remaining, x) = conditionalStay(
        row, age: age, logAge: logAge, conditioning: conditioning ?? Self.conditioning(row, logAge: logAge),
        rng: &rng)
    } else {
      let pi = row[StageRow.neverEnding]
      if pi > 0 { never = rng.uniform() < pi }
      (remaining, x) = freshStay(row, rng: &rng)
    }
    return endOfStay(
      row, start: stayStart, t: &t, remaining: remaining, logLength: x, never: never, shift: shift,
      timeScale: timeScale, rng: &rng)
  }

  /// `stay` for a fresh stay (age 0): small enough for the lane loop to inline it whole.
  @inline(__always)
  func freshStayStep(
    at s: Int, t: inout Double, shift: Double, timeScale: Double, rng: inout SimulationRandom
  ) -> Int {
    let row = table + s &* stride
    let stayStart = t
    let pi = row[StageRow.neverEnding]
    var never = false
    if pi > 0 { never = rng.uniform() < pi }
    let (remaining, x) = freshStay(row, rng: &rng)
    return endOfStay(
      row, start: stayStart, t: &t, remaining: remaining, logLength: x, never: never, shift: shift,
      timeScale: timeScale, rng: &rng)
  }

  /// The end of a stay of `remaining` days (log of the whole stay's length `logLength`) begun
  /// at `start`: moves `t` on and draws lost, won or the next stage (see `stay`).
  @inline(__always)
  func endOfStay(
    _ row: UnsafePointer<Double>, start stayStart: Double, t: inout Double, remaining: Double,
    logLength x: Double, never: Bool, shift: Double, timeScale: Double, rng: inout SimulationRandom
  ) -> Int {
    t += (stayStart >= leverStart ? remaining * cycleMultiplier : remaining) * timeScale
    let inside = t < horizon
    let eta = row[StageRow.c0] + x * (row[StageRow.c1] + x * row[StageRow.c2]) + shift
    // Lost with p = logistic(η) = 1 / (1 + q), q = e^{−η}: u < p is u (1 + q) < 1 (no division).
    let u = rng.uniform()
    let q = fastExp(-eta)
    let add = row[StageRow.advanceAdd]
    let lost: Bool
    if add != 0 && stayStart >= leverStart {
      lost = u < min(1, max(0, 1 / (1 + q) - add))
    } else {
      lost = u * (1 + q) < 1
    }
    // Which non-lost exit: a fresh uniform, so the choice never waits on the loss odds; the
    // index is counted without branches over every exit slot but the last (shares are
    // cumulative; the last used slot and the unused ones hold 2).
    let v = rng.uniform()
    var k = StageRow.exits
    for j in 0..<exitSlots { k &+= v >= row[StageRow.exits &+ 2 &* j] ? 2 : 0 }
    let target = Int(row[k &+ 1])
    let next = target < 0 ? StayEnd.won : target
    return never || !inside || lost ? StayEnd.ended : next
  }

  /// Walks one deal from `stage` (entered `age` days before `start`) through stays until it is
  /// won, lost or past the horizon (see `stay`). Returns the win time in days from the end of
  /// as-of, or −1.
  @inline(__always)
  mutating func walk(
    stage startStage: Int, age startAge: Double, logAge: Double, start: Double, shift: Double,
    timeScale: Double = 1, neverEnding firstNeverEnding: Double = 0, rng: inout SimulationRandom
  ) -> Double {
    var t = start
    var s = stay(
      at: startStage, t: &t, age: startAge, logAge: logAge, shift: shift, timeScale: timeScale,
      neverEnding: firstNeverEnding, rng: &rng)
    var stays = 1
    while s >= 0 && stays < Self.maxStaysPerDeal {
      s = freshStayStep(at: s, t: &t, shift: shift, timeScale: timeScale, rng: &rng)
      stays &+= 1
    }
    steps &+= stays
    return s == StayEnd.won ? t : -1
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
}
