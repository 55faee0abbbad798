import Foundation
import Statistics

/// The simulation's generator: xoshiro256** (the same algorithm as `Statistics.RandomStream`),
/// seeded from the first four outputs of `RandomStream(seed:block:)`.
///
/// A module-local copy so the compiler can inline `next()` into the stage-step loop (a call
/// across modules per draw costs about as much as the draw). The stream is still a pure function
/// of `(seed, block)`: never of thread identity or time.
struct SimulationRandom: RandomNumberGenerator {
  private var s0: UInt64
  private var s1: UInt64
  private var s2: UInt64
  private var s3: UInt64

  init(seed: UInt64, block: UInt64) {
    var seeder = RandomStream(seed: seed, block: block)
    s0 = seeder.next()
    s1 = seeder.next()
    s2 = seeder.next()
    s3 = seeder.next()
    if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
  }

  /// An independent stream for one item (a lead, a week's arrivals, a rep's week) named by a
  /// path of integers under `key`: the path is hashed into a 64-bit state by the splitmix64
  /// finaliser and the four words are the next splitmix64 outputs. Cheap (no `RandomStream`), so
  /// every lead of every trial can have its own stream, and an item's draws do not depend on how
  /// many draws other items used (common random numbers under what-if levers).
  init(key: UInt64, _ a: Int, _ b: Int = 0, _ c: Int = 0, _ d: Int = 0) {
    @inline(__always) func mix(_ x: UInt64) -> UInt64 {
      var z = x &+ 0x9E37_79B9_7F4A_7C15
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    var h = mix(key)
    h = mix(h ^ UInt64(bitPattern: Int64(a)))
    h = mix(h ^ UInt64(bitPattern: Int64(b)))
    h = mix(h ^ UInt64(bitPattern: Int64(c)))
    h = mix(h ^ UInt64(bitPattern: Int64(d)))
    let g: UInt64 = 0x9E37_79B9_7F4A_7C15
    s0 = mix(h)
    s1 = mix(h &+ g)
    s2 = mix(h &+ 2 &* g)
    s3 = mix(h &+ 3 &* g)
    if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
  }

  @inline(__always)
  mutating func next() -> UInt64 {
    let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = s3 << 45 | s3 >> 19
    return result
  }

  /// Uniform in the open interval (0, 1).
  @inline(__always)
  mutating func uniform() -> Double {
    (Double(next() >> 11) + 0.5) * 0x1.0p-53
  }

  /// Exponential with mean 1.
  @inline(__always)
  mutating func exponential() -> Double { -log(uniform()) }

  /// Standard normal by the 256-layer ziggurat (Marsaglia & Tsang 2000): one 64-bit draw, a
  /// multiply and a compare in about 98.8% of calls; the wedges and the tail (|z| > r) are exact.
  @inline(__always)
  mutating func normal(_ z: ZigguratTables) -> Double {
    while true {
      let bits = next()
      let i = Int(bits & 0xFF)
      // Uniform in (−1, 1) from the top 53 bits (disjoint from the layer bits).
      let u = (Double(bits >> 11) + 0.5) * 0x1.0p-52 - 1
      let x = u * z.x[i]
      if abs(x) < z.x[i + 1] { return x }
      if let y = slowNormal(z, layer: i, x: x, u: u) { return y }
    }
  }

  /// The rare cases of the ziggurat: the base layer's tail, or a wedge test.
  @inline(never)
  private mutating func slowNormal(_ z: ZigguratTables, layer i: Int, x: Double, u: Double) -> Double? {
    if i == 0 {
      // Tail beyond r (Marsaglia 1964).
      let r = ZigguratTables.r
      while true {
        let a = -log(uniform()) / r
        let b = -log(uniform())
        if 2 * b >= a * a { return u < 0 ? -(r + a) : r + a }
      }
    }
    let f = z.f[i + 1] + (z.f[i] - z.f[i + 1]) * uniform()
    return f < exp(-0.5 * x * x) ? x : nil
  }

  /// Gamma(shape, 1) by Marsaglia & Tsang (2000), using the ziggurat normal; shape < 1 by
  /// boosting with U^{1/shape}.
  mutating func gamma(shape: Double, _ z: ZigguratTables) -> Double {
    if shape < 1 {
      let boost = pow(uniform(), 1 / shape)
      return gamma(shape: shape + 1, z) * boost
    }
    let d = shape - 1.0 / 3
    let c = 1 / (9 * d).squareRoot()
    while true {
      var x: Double
      var v: Double
      repeat {
        x = normal(z)
        v = 1 + c * x
      } while v <= 0
      v = v * v * v
      let u = uniform()
      if u < 1 - 0.0331 * x * x * x * x { return d * v }
      if log(u) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v }
    }
  }
}

/// Layer tables of the 256-layer normal ziggurat, built once and kept for the process.
///
/// `x[0] = v / f(r)`, `x[1] = r`, `x[i+1] = f⁻¹(v / x[i] + f(x[i]))`, `x[256] = 0`, with
/// f(x) = exp(−x²/2), r = 3.6541528853610088 and the common layer area v = 0.00492867323399.
///
/// A struct of two raw pointers (to storage allocated once and never freed), so passing it into
/// the trial loop costs no reference counting — a shared class reference would make every
/// thread bump the same counter.
struct ZigguratTables: @unchecked Sendable {
  static let r = 3.6541528853610088
  static let v = 0.00492867323399
  static let shared = ZigguratTables()

  let x: UnsafeMutablePointer<Double>
  let f: UnsafeMutablePointer<Double>

  private init() {
    x = .allocate(capacity: 257)
    f = .allocate(capacity: 257)
    let r = Self.r
    let v = Self.v
    func density(_ t: Double) -> Double { exp(-0.5 * t * t) }
    x[0] = v / density(r)
    x[1] = r
    for i in 2..<256 {
      x[i] = (-2 * log(v / x[i - 1] + density(x[i - 1]))).squareRoot()
    }
    x[256] = 0
    for i in 0...256 { f[i] = density(x[i]) }
  }
}

/// exp(x) inlined into the stage loop: x = k ln 2 + r with |r| ≤ ½ ln 2 (Cody–Waite split of ln 2),
/// e^r by its degree-11 Taylor polynomial (truncation error < 7e−15 relative), times 2^k built in
/// the exponent bits. Arguments are clamped to [−708, 709], so the result is finite and > 0.
/// Faster than the libm call (no call, no errno wrapper) at a few ulps of accuracy — durations and
/// probabilities need far less.
@inline(__always)
func fastExp(_ x: Double) -> Double {
  let xc = min(max(x, -708), 709)
  let shifter = 6_755_399_441_055_744.0  // 1.5 · 2⁵²: adding it rounds to an integer.
  let k = (xc * 1.4426950408889634 + shifter) - shifter
  let r = (xc - k * 0.6931471805599453) - k * 2.3190468138462996e-17
  var p = 2.505210838544172e-08
  p = p * r + 2.755731922398589e-07
  p = p * r + 2.7557319223985893e-06
  p = p * r + 2.48015873015873e-05
  p = p * r + 0.0001984126984126984
  p = p * r + 0.001388888888888889
  p = p * r + 0.008333333333333333
  p = p * r + 0.041666666666666664
  p = p * r + 0.16666666666666666
  p = p * r + 0.5
  p = p * r + 1
  p = p * r + 1
  return p * Double(bitPattern: UInt64(bitPattern: Int64(k) + 1023) << 52)
}
