/// Helpers for durations that can end in one of several competing ways (won, lost, ...).
public enum CompetingRisks {
  /// Event indicators for a cause-specific analysis: true where the outcome is `cause`; every
  /// other cause and every censored row (`nil`) becomes censored at its time.
  public static func causeSpecificObserved(_ causes: [Int?], cause: Int) -> [Bool] {
    causes.map { $0 == cause }
  }
}

/// The Aalen–Johansen estimate of cumulative incidence under competing risks.
///
/// With distinct event times t₁ < t₂ < …, nⱼ at risk just before tⱼ and dⱼₖ exits of cause k at
/// tⱼ, the overall Kaplan–Meier Ŝ(t) = ∏ (1 − dⱼ/nⱼ) (all causes as events) and
///
///     F̂ₖ(t) = Σ_{tⱼ ≤ t} Ŝ(tⱼ₋₁) · dⱼₖ / nⱼ,
///
/// the probability of exiting by cause k by time t in the real world where other causes
/// compete. Σₖ F̂ₖ(t) + Ŝ(t) = 1 exactly. Unlike 1 − KM with other causes censored, which
/// estimates a world where the other exits cannot happen and overstates F̂ₖ. Assumes censoring
/// independent of the outcome; ties as in `KaplanMeier` (events before censorings).
public struct AalenJohansen: Sendable, Equatable {
  /// Number of causes K (causes are 0..<K).
  public let causeCount: Int
  /// Distinct times with at least one event, ascending.
  public let times: [Double]
  /// `incidence[k][j]` = F̂ₖ just after `times[j]`.
  public let incidence: [[Double]]
  /// Overall event-free survival just after each of `times`.
  public let survival: [Double]
  /// At risk just before each of `times`.
  public let atRisk: [Int]

  /// - Parameters:
  ///   - durations: time to exit or censoring, ≥ 0.
  ///   - causes: the cause (0..<K) of each exit, `nil` when censored.
  ///   - causeCount: K; defaults to one more than the largest cause seen.
  /// - Complexity: O(n log n + K·m) for m distinct event times.
  public init(durations: [Double], causes: [Int?], causeCount: Int? = nil) {
    precondition(durations.count == causes.count, "durations and causes differ in length")
    let k = causeCount ?? ((causes.compactMap { $0 }.max() ?? -1) + 1)
    precondition(causes.allSatisfy { $0 == nil || ($0! >= 0 && $0! < k) }, "cause out of range")
    let order = durations.indices.sorted {
      durations[$0] != durations[$1] ? durations[$0] < durations[$1] : (causes[$0] != nil && causes[$1] == nil)
    }
    var times: [Double] = []
    var incidence = [[Double]](repeating: [], count: k)
    var running = [Double](repeating: 0, count: k)
    var survival: [Double] = []
    var atRisk: [Int] = []
    var s = 1.0
    var remaining = durations.count
    var i = 0
    while i < order.count {
      let t = durations[order[i]]
      var exits = [Int](repeating: 0, count: k)
      var leaving = 0
      while i < order.count, durations[order[i]] == t {
        if let c = causes[order[i]] { exits[c] += 1 }
        leaving += 1
        i += 1
      }
      let d = exits.reduce(0, +)
      if d > 0 {
        let n = Double(remaining)
        for c in 0..<k {
          running[c] += s * Double(exits[c]) / n
          incidence[c].append(running[c])
        }
        s *= 1 - Double(d) / n
        times.append(t)
        survival.append(s)
        atRisk.append(remaining)
      }
      remaining -= leaving
    }
    self.causeCount = k
    self.times = times
    self.incidence = incidence
    self.survival = survival
    self.atRisk = atRisk
  }

  private func lastIndex(atOrBefore t: Double) -> Int? {
    var lo = 0
    var hi = times.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if times[mid] <= t { lo = mid + 1 } else { hi = mid }
    }
    return lo == 0 ? nil : lo - 1
  }

  /// F̂ₖ(t): the probability of having exited by `cause` by time `t`.
  public func cumulativeIncidence(cause: Int, at t: Double) -> Double {
    precondition(cause >= 0 && cause < causeCount, "cause out of range")
    guard let j = lastIndex(atOrBefore: t) else { return 0 }
    return incidence[cause][j]
  }

  /// Ŝ(t): the probability of no exit of any cause by time `t`.
  public func survival(at t: Double) -> Double {
    guard let j = lastIndex(atOrBefore: t) else { return 1 }
    return survival[j]
  }
}
