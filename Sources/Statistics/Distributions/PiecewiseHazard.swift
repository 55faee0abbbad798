import Foundation

/// A hazard that is constant between cut points: the shape behind the piecewise-exponential
/// duration family.
///
/// Intervals are [0, c₁], (c₁, c₂], …, (c_K, ∞) for `cuts` c₁ < … < c_K, with hazard hⱼ on
/// interval j (`hazards`, K + 1 of them, finite and ≥ 0). The cumulative hazard
/// Λ(t) = Σⱼ hⱼ · |interval j ∩ [0, t]| is piecewise linear, and S(t) = exp(−Λ(t)).
///
/// When the last hazard is 0, Λ stops growing at c_K: a share S(c_K) = exp(−Λ(c_K)) of stays
/// never ends (`neverEndingProbability`). That is what the data say when open stays sit beyond
/// every observed exit, and it is the mixture "cure" idea with the cure share read off the hazard.
/// The ending part, S₀(t) = (S(t) − S(c_K)) / (1 − S(c_K)), is what `DurationDistribution` reports
/// for this family (its survival, quantiles, mean and draws describe the stays that end).
public struct PiecewiseHazard: Sendable, Hashable {
  /// Interior cut points c₁ < … < c_K, all > 0 and finite (may be empty: one constant hazard).
  public let cuts: [Double]
  /// Hazard per interval, `cuts.count + 1` of them, finite and ≥ 0, at least one > 0.
  public let hazards: [Double]

  /// Checks the layout; nil when the cuts are not increasing and positive, the counts differ, a
  /// hazard is negative or not finite, or every hazard is 0 (no stay would ever end).
  public init?(cuts: [Double], hazards: [Double]) {
    guard hazards.count == cuts.count + 1,
      cuts.allSatisfy({ $0 > 0 && $0.isFinite }),
      zip(cuts, cuts.dropFirst()).allSatisfy({ $0 < $1 }),
      hazards.allSatisfy({ $0 >= 0 && $0.isFinite }),
      hazards.contains(where: { $0 > 0 })
    else { return nil }
    self.cuts = cuts
    self.hazards = hazards
  }

  /// Start of interval j (0 for the first).
  @inline(__always)
  public func start(_ j: Int) -> Double { j == 0 ? 0 : cuts[j - 1] }

  /// Λ at each interval's start: Λ(0) = 0, Λ(c₁), …, Λ(c_K).
  public var cumulativeAtStarts: [Double] {
    var result = [0.0]
    for j in cuts.indices { result.append(result[j] + hazards[j] * (cuts[j] - start(j))) }
    return result
  }

  /// Λ(t) for t ≥ 0 (0 at t ≤ 0).
  public func cumulativeHazard(_ t: Double) -> Double {
    guard t > 0 else { return 0 }
    var total = 0.0
    for j in hazards.indices {
      let a = start(j)
      let b = j < cuts.count ? cuts[j] : Double.infinity
      if t <= b { return total + hazards[j] * (t - a) }
      total += hazards[j] * (b - a)
    }
    return total
  }

  /// The hazard in force at t (intervals are right-closed: h₁ at t = c₁).
  public func hazard(at t: Double) -> Double {
    var j = 0
    while j < cuts.count && t > cuts[j] { j += 1 }
    return hazards[j]
  }

  /// Λ(∞): finite (= Λ(c_K)) when the last hazard is 0, else +∞.
  public var totalCumulativeHazard: Double {
    hazards[hazards.count - 1] > 0 ? .infinity : cumulativeHazard(cuts.last ?? 0)
  }

  /// S(∞) = exp(−Λ(∞)): the share of stays that never end (0 unless the last hazard is 0).
  public var neverEndingProbability: Double {
    let total = totalCumulativeHazard
    return total.isFinite ? exp(-total) : 0
  }

  /// The smallest t with Λ(t) = `cumulative` (≥ 0); +∞ when Λ never reaches it.
  public func time(atCumulativeHazard cumulative: Double) -> Double {
    guard cumulative > 0 else { return 0 }
    var total = 0.0
    for j in hazards.indices {
      let a = start(j)
      let b = j < cuts.count ? cuts[j] : Double.infinity
      let h = hazards[j]
      let next = h > 0 ? total + h * (b - a) : total
      if h > 0 && cumulative <= next { return a + (cumulative - total) / h }
      total = next
    }
    return .infinity
  }

  /// The same cuts with the positive hazards replaced, in order, by exp(`logHazards`) (a
  /// parameter draw on the unconstrained scale); zero hazards stay 0 (they have no Wald
  /// information: no events in their interval).
  public func replacingPositiveHazards(logHazards: [Double]) -> PiecewiseHazard {
    precondition(
      logHazards.count == hazards.filter({ $0 > 0 }).count, "one log hazard per positive hazard")
    var next = 0
    var updated = hazards
    for j in updated.indices where updated[j] > 0 {
      let h = exp(logHazards[next])
      updated[j] = h.isFinite && h > 0 ? h : hazards[j]
      next += 1
    }
    return PiecewiseHazard(cuts: cuts, hazards: updated) ?? self
  }

  // MARK: The ending part S₀

  /// log S₀(t) for the stays that end: −Λ(t) when nothing is never-ending, else
  /// log(S(t) − S∞) − log(1 − S∞), computed as −Λ(t) + log(1 − e^{−(Λ∞ − Λ(t))}) − log(1 − S∞) so
  /// it keeps its precision just before the last cut; −∞ from c_K on.
  public func endingLogSurvival(_ t: Double) -> Double {
    guard t > 0 else { return 0 }
    let lambda = cumulativeHazard(t)
    let total = totalCumulativeHazard
    guard total.isFinite else { return -lambda }
    let gap = total - lambda
    guard gap > 0 else { return -.infinity }
    return -lambda + log(-expm1(-gap)) - log(-expm1(-total))
  }

  /// The t with log S₀(t) = `logSurvival` (≤ 0): Λ(t) = −log(S∞ + (1 − S∞) e^ℓ), inverted. With
  /// S∞ > 0 the answer is at most c_K (every stay that ends, ends by then).
  public func endingInverseLogSurvival(_ logSurvival: Double) -> Double {
    if logSurvival >= 0 { return 0 }
    let total = totalCumulativeHazard
    guard total.isFinite else { return time(atCumulativeHazard: -logSurvival) }
    let sInf = exp(-total)
    let target = -log(sInf + (1 - sInf) * exp(logSurvival))
    return min(time(atCumulativeHazard: min(target, total)), cuts.last ?? 0)
  }

  /// log f₀(t) = log h(t) − Λ(t) − log(1 − S∞).
  public func endingLogDensity(_ t: Double) -> Double {
    guard t >= 0 else { return -.infinity }
    let h = hazard(at: t)
    guard h > 0 else { return -.infinity }
    return log(h) - cumulativeHazard(t) - log1p(-neverEndingProbability)
  }

  /// E[T^power] of the ending part for power 1 or 2, by integrating t^{power−1} S₀(t) exactly on
  /// each interval: E[T] = ∫ S₀, E[T²] = 2 ∫ t S₀.
  public func endingMoment(_ power: Int) -> Double {
    precondition(power == 1 || power == 2, "moments 1 and 2 only")
    let sInf = neverEndingProbability
    let starts = cumulativeAtStarts
    var integral = 0.0  // ∫ t^{power−1} S(t) dt over the intervals that matter
    for j in hazards.indices {
      let a = start(j)
      let isLast = j == cuts.count
      let h = hazards[j]
      if isLast && h == 0 { break }  // S is flat at S∞ from c_K: removed below
      let s = exp(-starts[j])
      if isLast {
        integral += power == 1 ? s / h : s * (a / h + 1 / (h * h))
        continue
      }
      let length = cuts[j] - a
      if h == 0 {
        integral += power == 1 ? s * length : s * (a * length + 0.5 * length * length)
      } else {
        let decay = -expm1(-h * length)  // 1 − e^{−hL}
        if power == 1 {
          integral += s * decay / h
        } else {
          let tailTerm = (decay - h * length * exp(-h * length)) / (h * h)
          integral += s * (a * decay / h + tailTerm)
        }
      }
    }
    let end = cuts.last ?? 0
    let flat = power == 1 ? sInf * end : sInf * 0.5 * end * end
    let value = (integral - flat) / (1 - sInf)
    return power == 1 ? value : 2 * value
  }
}

extension PiecewiseHazard: Codable {
  private enum CodingKeys: String, CodingKey { case cuts, hazards }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let cuts = try c.decode([Double].self, forKey: .cuts)
    let hazards = try c.decode([Double].self, forKey: .hazards)
    guard let value = PiecewiseHazard(cuts: cuts, hazards: hazards) else {
      throw DecodingError.dataCorruptedError(
        forKey: .hazards, in: c,
        debugDescription:
          "piecewise hazard needs increasing positive cuts, one more hazard than cuts, hazards ≥ 0 and one > 0"
      )
    }
    self = value
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(cuts, forKey: .cuts)
    try c.encode(hazards, forKey: .hazards)
  }
}
