import CRMData
import Foundation
import PipelineModel
import Statistics

/// Where one open deal stands in the model: its stage, how long it has been there, and its
/// owner's skill as a shift of every loss log-odds (the simulator's `repShift + rampShift`).
public struct DealPosition: Sendable, Hashable {
  /// Index of the current stage in `FittedPipeline.stages`.
  public var stage: Int
  /// Days already spent in the stage at the end of the as-of day (≥ 0).
  public var ageDays: Double
  /// Added to the loss log-odds of every stay (negative: the owner loses less).
  public var lossLogOddsShift: Double

  public init(stage: Int, ageDays: Double, lossLogOddsShift: Double = 0) {
    self.stage = stage
    self.ageDays = ageDays
    self.lossLogOddsShift = lossLogOddsShift
  }
}

/// Deterministic win probabilities and win-time distribution of an open deal, conditioned on
/// its age in stage: the same model the simulator walks, integrated numerically instead of
/// sampled.
///
/// The path (docs/INSPECTION.md, "Probabilities"): the current stay's total length T is drawn
/// from T | T > age; the stay ends lost with probability ℓ(T) = logistic(c₀ + c₁ log T +
/// c₂ log² T + shift) at the *whole* stay's length; a non-lost exit wins or moves by the stage's
/// shares (self-moves dropped and the rest renormalised, as in the simulator); later stays are
/// fresh. A stay never ends (the deal is a zombie, never won) with probability z(age) =
/// π / (π + (1 − π) S₀(age)) for the current stay (`FittedStage.neverEndingProbability(givenAgeDays:)`)
/// and π for a fresh one; every exit mass below is of the stays that end, times 1 − z.
///
/// - **Ever**: P(win) = (1 − z(age)) (1 − L(age)) · (w_i + Σ_j m_ij W_j), with L(age) =
///   `FittedStage.lossProbability(givenAgeDays:lossLogOddsShift:)` (200-point quantile grid of
///   T | T > age) and W_j the absorbing chain's fresh win probabilities at the same shift
///   (`FittedPipeline.chain(lossLogOddsShift:)`, LAPACK).
/// - **By a date**: D(x) = P(won at a time < x days after the end of as-of). Time is cut in
///   1-day bins; the non-lost mass of a stay in bin b is ∫_b^{b+1} f(t)(1 − ℓ(t)) dt, computed
///   exactly for the survival mass and with 4 equal-probability points for ℓ, and the exit is
///   placed at the bin's middle b + ½. Fresh-entry win-time curves C_k(x) solve the renewal
///   equations C_k(x) = w_k G_k(x) + Σ_b g_k(b) M_k(x − b − ½), M_k = Σ_j m_kj C_j, with M at
///   half days interpolated linearly (the b = 0 term is implicit and solved by fixed point).
///   A single stay is exact up to the 4-point rule for ℓ; each later stay adds an error of
///   order (1 day)² · f′, far below a percentage point at day-scale medians.
///
/// Curves are tabulated once per distinct shift (a rep × ramp value), so a pipeline costs
/// O(shifts · stages · H²/2 + deals · stages · H) for a horizon of H days.
public struct WinTiming {
  public let model: FittedPipeline
  /// Days after the end of as-of covered by the tables.
  public let horizonDays: Int
  /// ℓ is evaluated at this many equal-probability points per 1-day bin.
  static let pointsPerBin = 4

  /// Non-lost exits as the simulator normalises them: direct win and moves to other stages.
  let exitWin: [Double]
  let exitMoves: [[Double]]
  /// Fresh stays, per stage: the probability mass of each evaluation point (bin-major, 4 per
  /// bin) and its loss log-odds without the shift.
  let freshMass: [[Double]]
  let freshEta: [[Double]]
  var tables: [UInt64: ShiftTables] = [:]

  struct ShiftTables {
    /// M_k(x) = Σ_j m_kj C_j(x), x = 0…H, per stage.
    var moveCumulative: [[Double]]
    /// W_k: eventual win probability from a fresh entry into stage k.
    var everWin: [Double]
  }

  /// - Parameter horizonDays: the largest x for which D(x) is asked (≥ 1).
  public init(model: FittedPipeline, horizonDays: Int) {
    precondition(horizonDays >= 1, "horizon must be at least one day")
    self.model = model
    self.horizonDays = horizonDays
    let n = model.stages.count
    var win = [Double](repeating: 1, count: n)
    var moves = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    for (s, stage) in model.stages.enumerated() {
      var total = stage.winShare > 0 ? stage.winShare : 0
      for (j, m) in stage.moveShares.enumerated() where j != s && j < n && m > 0 { total += m }
      guard total > 0, total.isFinite else { continue }
      win[s] = max(0, stage.winShare) / total
      for (j, m) in stage.moveShares.enumerated() where j != s && j < n && m > 0 {
        moves[s][j] = m / total
      }
    }
    exitWin = win
    exitMoves = moves
    var masses: [[Double]] = []
    var etas: [[Double]] = []
    for stage in model.stages {
      var (mass, eta) = Self.stayPoints(stage, ageDays: 0, bins: horizonDays)
      let pi = stage.neverEndingShare
      if pi > 0 { mass = mass.map { $0 * (1 - pi) } }
      masses.append(mass)
      etas.append(eta)
    }
    freshMass = masses
    freshEta = etas
  }

  // MARK: - Queries

  /// P(the deal is ever won), conditioned on its age in stage.
  public mutating func probabilityEver(_ p: DealPosition) -> Double {
    let stage = model.stages[p.stage]
    let loss = stage.lossProbability(givenAgeDays: p.ageDays, lossLogOddsShift: p.lossLogOddsShift)
    let keep = 1 - stage.neverEndingProbability(givenAgeDays: p.ageDays)
    let w = tables(for: p.lossLogOddsShift).everWin
    var next = exitWin[p.stage]
    for (j, m) in exitMoves[p.stage].enumerated() where m > 0 { next += m * w[j] }
    return Self.clamp(keep * (1 - loss) * next)
  }

  /// P(the deal is won at a time in `days`), in days after the end of as-of (day 0 is the day
  /// after as-of). Bounds are clamped to 0…`horizonDays`.
  public mutating func probabilityOfWin(_ p: DealPosition, inDays days: Range<Int>) -> Double {
    let lower = max(0, min(days.lowerBound, horizonDays))
    let upper = max(0, min(days.upperBound, horizonDays))
    guard upper > lower else { return 0 }
    let first = firstStay(p, bins: upper)
    let t = tables(for: p.lossLogOddsShift)
    return Self.clamp(
      cumulative(first, t.moveCumulative[p.stage], p.stage, upper)
        - cumulative(first, t.moveCumulative[p.stage], p.stage, lower))
  }

  /// The median win day given a win: the first day offset d (0 = the day after as-of) with
  /// D(d + 1) ≥ ½ P(ever); nil when the deal almost never wins (P(ever) < 10⁻⁹) or the median
  /// lies beyond the horizon.
  public mutating func medianWinDay(_ p: DealPosition) -> Int? {
    let ever = probabilityEver(p)
    guard ever >= 1e-9 else { return nil }
    let target = 0.5 * ever
    let first = firstStay(p, bins: horizonDays)
    let moves = tables(for: p.lossLogOddsShift).moveCumulative[p.stage]
    if cumulative(first, moves, p.stage, horizonDays) < target { return nil }
    var lo = 0
    var hi = horizonDays
    while hi - lo > 1 {
      let mid = (lo + hi) / 2
      if cumulative(first, moves, p.stage, mid) >= target { hi = mid } else { lo = mid }
    }
    return hi - 1
  }

  // MARK: - Numerics

  /// D(x) = w_i Σ_{b<x} h(b) + Σ_{b<x} h(b) ½ (M_i(x − b − 1) + M_i(x − b)).
  func cumulative(_ first: [Double], _ moves: [Double], _ stage: Int, _ x: Int) -> Double {
    guard x > 0 else { return 0 }
    var direct = 0.0
    var onward = 0.0
    first.withUnsafeBufferPointer { h in
      moves.withUnsafeBufferPointer { m in
        for b in 0..<min(x, h.count) {
          direct += h[b]
          onward += h[b] * (m[x - b - 1] + m[x - b])
        }
      }
    }
    return exitWin[stage] * direct + 0.5 * onward
  }

  /// Non-lost mass of the current stay's remaining time by 1-day bin, given T > age, times the
  /// probability 1 − z(age) that the stay ends at all.
  func firstStay(_ p: DealPosition, bins: Int) -> [Double] {
    let stage = model.stages[p.stage]
    var (mass, eta) = Self.stayPoints(stage, ageDays: p.ageDays, bins: bins)
    let z = stage.neverEndingProbability(givenAgeDays: p.ageDays)
    if z > 0 { mass = mass.map { $0 * (1 - z) } }
    return Self.nonLost(mass, eta, shift: p.lossLogOddsShift, bins: bins)
  }

  static func nonLost(_ mass: [Double], _ eta: [Double], shift: Double, bins: Int) -> [Double] {
    var out = [Double](repeating: 0, count: bins)
    let k = pointsPerBin
    for b in 0..<min(bins, mass.count / k) {
      var s = 0.0
      for j in 0..<k {
        let i = b * k + j
        if mass[i] > 0 { s += mass[i] / (1 + exp(eta[i] + shift)) }
      }
      out[b] = s
    }
    return out
  }

  /// The evaluation points of a stay that has lasted `ageDays`: for each 1-day bin of the
  /// remaining time, 4 points of equal conditional probability (mass, loss log-odds at the
  /// point's total length). Computed on the log-survival scale, so a deal many medians old keeps
  /// its precision. Stops early once the remaining survival is below 10⁻¹⁴.
  static func stayPoints(_ stage: FittedStage, ageDays: Double, bins: Int) -> (
    mass: [Double], eta: [Double]
  ) {
    let d = stage.timeInStage.distribution
    let c = stage.lossGivenTime.coefficients
    let k = pointsPerBin
    var mass: [Double] = []
    var eta: [Double] = []
    mass.reserveCapacity(bins * k)
    eta.reserveCapacity(bins * k)
    let age = max(0, ageDays.isFinite ? ageDays : 0)
    let logAge = d.logSurvival(age)
    guard logAge.isFinite else { return ([], []) }
    func logistic(_ t: Double) -> Double {
      let x = log(max(t, 1e-12))
      var e = 0.0
      var power = 1.0
      for coefficient in c {
        e += coefficient * power
        power *= x
      }
      return e
    }
    var lowLog = 0.0  // log S(lo) − log S(age)
    for b in 0..<bins {
      let lo = age + Double(b)
      let hi = lo + 1
      var highLog = d.logSurvival(hi) - logAge
      if !highLog.isFinite || highLog > lowLog { highLog = highLog.isFinite ? lowLog : -.infinity }
      let gap = -expm1(highLog - lowLog)  // share of the bin's entry survival that exits in it
      let binMass = exp(lowLog) * gap
      for j in 0..<k {
        var t = lo + (Double(j) + 0.5) / Double(k)
        if binMass > 0 && gap > 0 {
          let target = logAge + lowLog + log1p(-(Double(j) + 0.5) / Double(k) * gap)
          let inverted = d.inverseLogSurvival(min(0, target))
          if inverted.isFinite { t = min(max(inverted, lo), hi) }
        }
        mass.append(binMass / Double(k))
        eta.append(logistic(t))
      }
      lowLog = highLog
      if !(lowLog > log(1e-14)) { break }
    }
    return (mass, eta)
  }

  /// The fresh-entry curves at one shift, computed on first use.
  mutating func tables(for shift: Double) -> ShiftTables {
    let key = shift.bitPattern
    if let t = tables[key] { return t }
    let t = Self.makeTables(self, shift: shift)
    tables[key] = t
    return t
  }

  static func makeTables(_ timing: WinTiming, shift: Double) -> ShiftTables {
    let n = timing.model.stages.count
    let h = timing.horizonDays
    let g = (0..<n).map {
      nonLost(timing.freshMass[$0], timing.freshEta[$0], shift: shift, bins: h)
    }
    // Largest bin with any mass, per stage (the inner sums stop there).
    let last = g.map { row in (row.lastIndex { $0 > 0 } ?? -1) }
    var c = [[Double]](repeating: [Double](repeating: 0, count: h + 1), count: n)
    var m = [[Double]](repeating: [Double](repeating: 0, count: h + 1), count: n)
    var direct = [Double](repeating: 0, count: n)  // G_k(x) = Σ_{b<x} g_k(b)
    let win = timing.exitWin
    let moves = timing.exitMoves
    for x in 1...h {
      var a = [Double](repeating: 0, count: n)
      for k in 0..<n {
        direct[k] += g[k][x - 1]
        var s = 0.0
        if x >= 2 && last[k] >= 1 {
          g[k].withUnsafeBufferPointer { gk in
            m[k].withUnsafeBufferPointer { mk in
              for b in 1...min(x - 1, last[k]) { s += gk[b] * (mk[x - b - 1] + mk[x - b]) }
            }
          }
        }
        let g0 = g[k].first ?? 0
        a[k] = win[k] * direct[k] + 0.5 * s + 0.5 * g0 * m[k][x - 1]
      }
      // C_k(x) = a_k + ½ g_k(0) Σ_j m_kj C_j(x): a contraction (factor ≤ ½), solved by iteration.
      var current = a
      for _ in 0..<200 {
        var change = 0.0
        var next = a
        for k in 0..<n {
          let g0 = g[k].first ?? 0
          guard g0 > 0 else { continue }
          var mk = 0.0
          for j in 0..<n where moves[k][j] > 0 { mk += moves[k][j] * current[j] }
          next[k] += 0.5 * g0 * mk
          change = max(change, abs(next[k] - current[k]))
        }
        current = next
        if change <= 1e-15 { break }
      }
      for k in 0..<n { c[k][x] = current[k] }
      for k in 0..<n {
        var mk = 0.0
        for j in 0..<n where moves[k][j] > 0 { mk += moves[k][j] * current[j] }
        m[k][x] = mk
      }
    }
    let everWin: [Double]
    if let chain = timing.model.chain(lossLogOddsShift: shift) {
      everWin = chain.winProbability
    } else {
      everWin = timing.model.stages.map(\.winProbability)
    }
    return ShiftTables(moveCumulative: m, everWin: everWin)
  }

  static func clamp(_ p: Double) -> Double { p.isFinite ? min(1, max(0, p)) : 0 }
}
