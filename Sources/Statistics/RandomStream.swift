/// xoshiro256**: a small, fast generator with a 2²⁵⁶ period (Blackman & Vigna, 2018).
///
/// Streams are derived from `(seed, block)` through SplitMix64, never from thread identity or
/// time, so a Monte Carlo run gives the same numbers whatever the number of threads.
public struct RandomStream: RandomNumberGenerator, Sendable {
  private var s0: UInt64
  private var s1: UInt64
  private var s2: UInt64
  private var s3: UInt64

  /// The stream for `block` under `seed`: block `b` of seed `s` is always the same sequence.
  public init(seed: UInt64, block: UInt64 = 0) {
    var sm = SplitMix64(state: seed &* 0x9E37_79B9_7F4A_7C15 ^ block &* 0xD1B5_4A32_D192_ED03)
    // Mix twice so nearby (seed, block) pairs give unrelated states.
    sm.state = sm.next() ^ block
    s0 = sm.next()
    s1 = sm.next()
    s2 = sm.next()
    s3 = sm.next()
    if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
  }

  @inline(__always)
  public mutating func next() -> UInt64 {
    let result = rotl(s1 &* 5, 7) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = rotl(s3, 45)
    return result
  }

  /// A uniform double in the open interval (0, 1): never exactly 0, so `log` is always finite.
  @inline(__always)
  public mutating func nextUniform() -> Double {
    (Double(next() >> 11) + 0.5) * 0x1.0p-53
  }

  @inline(__always)
  private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

/// SplitMix64 (Steele, Lea & Flood): used only to seed `RandomStream`.
struct SplitMix64 {
  var state: UInt64

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
