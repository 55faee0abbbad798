import Foundation
import Statistics

/// Exact draws of a piecewise-exponential stay for the trial loop, read from the stage table's
/// side table (`StageRow`: a piecewise row keeps its entry's offset in `p1`).
///
/// Inversion of the cumulative hazard with one exponential draw E. The stays that end have
/// survival S₀(t) = (S(t) − S∞) / (1 − S∞), S = exp(−Λ) (S∞ = 0 unless the last hazard is 0; the
/// share S∞ that never ends is drawn before, as the row's π — see `ParameterSet`):
/// - fresh: S₀(T) = e^{−E}, i.e. Λ(T) = E when S∞ = 0, else Λ(T) = −log(S∞ + (1 − S∞) e^{−E});
/// - given T > age: S₀(T) = S₀(age) e^{−E}, i.e. Λ(T) = Λ(age) + E when S∞ = 0 (memoryless
///   within intervals: start from the cumulative hazard at the age), else
///   Λ(T) = Λ(age) − log(e^{−g} + (1 − e^{−g}) e^{−E}) with g = Λ∞ − Λ(age), which stays in
///   [Λ(age), Λ∞] and keeps its precision for stays just short of the last cut.
/// Then T = Λ⁻¹ by a linear scan of the intervals (there are at most a dozen).
///
/// Entry layout: interval count m, S∞, Λ∞ (+∞ when the last hazard is > 0), then per interval
/// (start, hazard, Λ(start)).
enum PiecewiseStay {
  static let header = 3
  static let fieldsPerInterval = 3

  /// Appends `hazard`'s entry to `table` and returns its offset.
  static func append(_ hazard: PiecewiseHazard, to table: inout [Double]) -> Int {
    let offset = table.count
    let starts = hazard.cumulativeAtStarts
    table += [
      Double(hazard.hazards.count), hazard.neverEndingProbability, hazard.totalCumulativeHazard,
    ]
    for j in hazard.hazards.indices { table += [hazard.start(j), hazard.hazards[j], starts[j]] }
    return offset
  }

  /// Λ(t).
  @inline(__always)
  static func cumulativeHazard(_ entry: UnsafePointer<Double>, at t: Double) -> Double {
    let m = Int(entry[0])
    var j = m - 1
    var field = entry + header + j * fieldsPerInterval
    while j > 0 && t <= field[0] {
      j -= 1
      field -= fieldsPerInterval
    }
    return field[2] + field[1] * (t - field[0])
  }

  /// The smallest t with Λ(t) = `cumulative` (+∞ past Λ∞).
  @inline(__always)
  static func time(_ entry: UnsafePointer<Double>, atCumulativeHazard cumulative: Double) -> Double
  {
    let m = Int(entry[0])
    var j = 0
    var field = entry + header
    while j + 1 < m && cumulative > field[fieldsPerInterval + 2] {
      j += 1
      field += fieldsPerInterval
    }
    let h = field[1]
    // A zero hazard here means `cumulative` is Λ at this interval's start (flat interval) or past Λ∞.
    guard h > 0 else { return cumulative <= field[2] ? field[0] : .infinity }
    return field[0] + (cumulative - field[2]) / h
  }

  /// A fresh stay that ends: its length and log length.
  @inline(__always)
  static func fresh(_ entry: UnsafePointer<Double>, exponential e: Double) -> (
    length: Double, logLength: Double
  ) {
    let sInf = entry[1]
    let lambda = sInf > 0 ? -log(sInf + (1 - sInf) * exp(-e)) : e
    let t = max(time(entry, atCumulativeHazard: lambda), 1e-300)
    return (t, log(t))
  }

  /// The rest of a stay that ends, given it has lasted `age`; and log of the whole stay.
  @inline(__always)
  static func conditional(
    _ entry: UnsafePointer<Double>, age: Double, exponential e: Double
  ) -> (remaining: Double, logTotal: Double) {
    let sInf = entry[1]
    let atAge = cumulativeHazard(entry, at: age)
    let lambda: Double
    if sInf > 0 {
      let gap = entry[2] - atAge
      // Past the last cut only stays that never end remain (drawn before): nothing is left.
      guard gap > 0 else { return (0, log(max(age, 1e-300))) }
      lambda = atAge - log(exp(-gap) - expm1(-gap) * exp(-e))
    } else {
      lambda = atAge + e
    }
    let total = max(time(entry, atCumulativeHazard: lambda), age, 1e-300)
    return (total - age, log(total))
  }
}
