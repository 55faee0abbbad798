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
    self.init(path: Self.pathHash(key: key, a, b, c), last: d)
  }

  /// The hash of the first path elements under `key`, shared by every item that differs only
  /// in the last one (the leads of one week and source): `init(path:last:)` finishes it, and
  /// `init(path: pathHash(key: k, a, b, c), last: d)` is `init(key: k, a, b, c, d)`, only
  /// without hashing the common part again for every item.
  @inline(__always)
  static func pathHash(key: UInt64, _ a: Int, _ b: Int = 0, _ c: Int = 0) -> UInt64 {
    var h = pathMix(key)
    h = pathMix(h ^ UInt64(bitPattern: Int64(a)))
    h = pathMix(h ^ UInt64(bitPattern: Int64(b)))
    return pathMix(h ^ UInt64(bitPattern: Int64(c)))
  }

  /// One splitmix64 step: advance by the golden gamma, then finalise.
  @inline(__always)
  private static func pathMix(_ x: UInt64) -> UInt64 { mix(x &+ 0x9E37_79B9_7F4A_7C15) }

  /// The stream of the item `last` under a `pathHash`.
  @inline(__always)
  init(path: UInt64, last d: Int) {
    let h = Self.pathMix(path ^ UInt64(bitPattern: Int64(d)))
    let g: UInt64 = 0x9E37_79B9_7F4A_7C15
    s0 = Self.pathMix(h)
    s1 = Self.pathMix(h &+ g)
    s2 = Self.pathMix(h &+ 2 &* g)
    s3 = Self.pathMix(h &+ 3 &* g)
    if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
  }

  /// The stream of item `index` under `key` (one open deal in one trial): the pair is hashed by
  /// one splitmix64 finaliser and the four state words are the next four splitmix64 outputs —
  /// five multiplies' worth, cheap enough to give every deal of every trial its own stream. A
  /// deal's draws then never depend on how many draws another deal used, so what-if levers that
  /// change one deal's path leave the others' outcomes as they were (common random numbers).
  @inline(__always)
  init(stream key: UInt64, index: Int) {
    let g: UInt64 = 0x9E37_79B9_7F4A_7C15
    let h = Self.mix(key ^ (UInt64(bitPattern: Int64(index)) &* 0xD1B5_4A32_D192_ED03))
    s0 = Self.mix(h &+ g)
    s1 = Self.mix(h &+ 2 &* g)
    s2 = Self.mix(h &+ 3 &* g)
    s3 = Self.mix(h &+ 4 &* g)
    if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
  }

  /// The splitmix64 finaliser (Stafford's mix 13): a bijection of 64-bit words.
  @inline(__always)
  static func mix(_ x: UInt64) -> UInt64 {
    var z = x
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
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

  /// Exponential with mean 1, by inversion (−log U): for draws off the hot path.
  @inline(__always)
  mutating func exponential() -> Double { -log(uniform()) }

  /// Exponential with mean 1 by the 256-layer ziggurat (Marsaglia & Tsang 2000): one 64-bit
  /// draw, a multiply and a compare in about 98.9% of calls, no logarithm. The tail beyond the
  /// base layer's edge r is r + a fresh exponential (memorylessness), so the law is exact.
  @inline(__always)
  mutating func exponential(_ z: ZigguratTables) -> Double {
    var offset = 0.0
    while true {
      let bits = next()
      let i = Int(bits & 0xFF)
      // Uniform in (0, 1) from the top 53 bits (disjoint from the layer bits).
      let x = (Double(bits >> 11) + 0.5) * 0x1.0p-53 * z.xe[i]
      if x < z.xe[i + 1] { return offset + x }
      if i == 0 {
        offset += ZigguratTables.re
        continue
      }
      if slowExponentialWedge(z, layer: i, x: x) { return offset + x }
    }
  }

  /// The wedge test of the exponential ziggurat: accept x in layer i with probability
  /// (e^{−x} − f(x_i)) / (f(x_{i+1}) − f(x_i)).
  @inline(never)
  private mutating func slowExponentialWedge(_ z: ZigguratTables, layer i: Int, x: Double) -> Bool {
    z.fe[i + 1] + (z.fe[i] - z.fe[i + 1]) * uniform() < exp(-x)
  }

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

/// Layer tables of the 256-layer ziggurats for the standard normal and the unit exponential,
/// built once and kept for the process.
///
/// Normal: `x[0] = v / f(r)`, `x[1] = r`, `x[i+1] = f⁻¹(v / x[i] + f(x[i]))`, `x[256] = 0`, with
/// f(x) = exp(−x²/2), r = 3.6541528853610088 and the common layer area v = 0.00492867323399.
/// Exponential: the same recursion with f(x) = exp(−x), r = 7.697117470131487 and
/// v = 0.0039496598225815571993 (Marsaglia & Tsang 2000).
///
/// A struct of raw pointers (to storage allocated once and never freed), so passing it into
/// the trial loop costs no reference counting — a shared class reference would make every
/// thread bump the same counter.
struct ZigguratTables: @unchecked Sendable {
  static let r = 3.6541528853610088
  static let v = 0.00492867323399
  static let re = 7.697117470131487
  static let ve = 0.0039496598225815571993
  static let shared = ZigguratTables()

  let x: UnsafeMutablePointer<Double>
  let f: UnsafeMutablePointer<Double>
  let xe: UnsafeMutablePointer<Double>
  let fe: UnsafeMutablePointer<Double>

  private init() {
    (x, f) = Self.layers(r: Self.r, v: Self.v, density: { exp(-0.5 * $0 * $0) }, inverse: { (-2 * log($0)).squareRoot() })
    (xe, fe) = Self.layers(r: Self.re, v: Self.ve, density: { exp(-$0) }, inverse: { -log($0) })
  }

  private static func layers(
    r: Double, v: Double, density: (Double) -> Double, inverse: (Double) -> Double
  ) -> (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) {
    let x = UnsafeMutablePointer<Double>.allocate(capacity: 257)
    let f = UnsafeMutablePointer<Double>.allocate(capacity: 257)
    x[0] = v / density(r)
    x[1] = r
    for i in 2..<256 { x[i] = inverse(v / x[i - 1] + density(x[i - 1])) }
    x[256] = 0
    for i in 0...256 { f[i] = density(x[i]) }
    return (x, f)
  }
}

/// exp(x) inlined into the stage loop: x = k ln 2 + r with |r| ≤ ½ ln 2, e^r by its degree-11
/// Taylor polynomial (truncation error < 7e−15 relative) evaluated by Estrin's scheme, times 2^k
/// built in the exponent bits. Arguments are clamped to [−708, 709], so the result is finite and
/// > 0. Estrin's tree has a dependency chain of four multiply-adds where Horner's has twelve:
/// the stage step waits on two of these per stay, so latency, not arithmetic, is what counts.
/// Accurate to a few ulps — durations and probabilities need far less.
@inline(__always)
func fastExp(_ x: Double) -> Double {
  let xc = min(max(x, -708), 709)
  let shifter = 6_755_399_441_055_744.0  // 1.5 · 2⁵²: adding it rounds to an integer.
  let shifted = xc * 1.4426950408889634 + shifter
  let k = shifted - shifter
  let r = (xc - k * 0.6931471805599453) - k * 2.3190468138462996e-17
  let r2 = r * r
  let r4 = r2 * r2
  let r8 = r4 * r4
  let q0 = 1 + r
  let q1 = 0.5 + r * 0.16666666666666666
  let q2 = 0.041666666666666664 + r * 0.008333333333333333
  let q3 = 0.001388888888888889 + r * 0.0001984126984126984
  let q4 = 2.48015873015873e-05 + r * 2.7557319223985893e-06
  let q5 = 2.755731922398589e-07 + r * 2.505210838544172e-08
  let s0 = q0 + r2 * q1
  let s1 = q2 + r2 * q3
  let s2 = q4 + r2 * q5
  let p = (s0 + r4 * s1) + r8 * s2
  // 2^k from the bits: `shifted`'s low mantissa bits hold 2⁵¹ + k, so adding the exponent bias
  // and shifting the exponent field into place drops everything else (no checked conversion).
  return p * Double(bitPattern: (shifted.bitPattern &+ 1023) << 52)
}

/// log(x) for finite x > 0 (normal numbers), inlined into the stage loop: x = 2^e · m with
/// m in [√½, √2), log m = log(1 + f) = 2 atanh(s), s = f / (2 + f), by the polynomial of
/// fdlibm's `__ieee754_log` (error < 1 ulp). No call, so the loop keeps its registers.
@inline(__always)
func fastLog(_ x: Double) -> Double {
  let bits = x.bitPattern
  var e = Double(Int64(bitPattern: bits >> 52) - 1023)
  var m = Double(bitPattern: (bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000)
  let high = m > 1.4142135623730951
  m = high ? 0.5 * m : m
  e = high ? e + 1 : e
  let f = m - 1
  let s = f / (2 + f)
  let z = s * s
  let w = z * z
  let t1 = w * (3.999999999940941908e-01 + w * (2.222219843214978396e-01 + w * 1.531383769920937332e-01))
  let t2 = z * (6.666666666666735130e-01 + w * (2.857142874366239149e-01
    + w * (1.818357216161805012e-01 + w * 1.479819860511658591e-01)))
  let r = t2 + t1
  let hfsq = 0.5 * f * f
  return e * 6.93147180369123816490e-01 - ((hfsq - (s * (hfsq + r) + e * 1.90821492927058770002e-10)) - f)
}

/// log(u / (1 − u)) for u in (0, 1): a standard logistic variate when u is uniform.
@inline(__always)
func logit(_ u: Double) -> Double { fastLog(u / (1 - u)) }
