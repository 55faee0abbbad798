import Foundation
@testable import Simulation
import Testing

/// The simulation's own generators and fast functions against their exact laws.
@Suite struct RandomDrawTests {
  @Test func zigguratNormalMoments() {
    var rng = SimulationRandom(seed: 5, block: 1)
    let n = 400_000
    var s1 = 0.0, s2 = 0.0, tail = 0
    for _ in 0..<n {
      let x = rng.normal(.shared)
      s1 += x
      s2 += x * x
      if x > 1.959964 { tail += 1 }
    }
    #expect(abs(s1 / Double(n)) < 5 / Double(n).squareRoot())
    #expect(abs(s2 / Double(n) - 1) < 5 * (2 / Double(n)).squareRoot())
    #expect(abs(Double(tail) / Double(n) - 0.025) < 5 * (0.025 * 0.975 / Double(n)).squareRoot())
  }

  /// Mean 1 and variance 1, and the exact tail shares P(E > x) = e^{−x} at points inside the
  /// layers, at the base layer's edge (7.697) and beyond it (the tail branch), each within five
  /// binomial standard errors of 1,000,000 draws.
  @Test func zigguratExponentialMatchesItsLaw() {
    var rng = SimulationRandom(seed: 9, block: 3)
    let n = 1_000_000
    let points = [0.05, 0.5, 1, 2, 4, 7.697117470131487, 9]
    var above = [Int](repeating: 0, count: points.count)
    var s1 = 0.0, s2 = 0.0
    for _ in 0..<n {
      let x = rng.exponential(.shared)
      #expect(x >= 0)
      s1 += x
      s2 += x * x
      for (j, p) in points.enumerated() where x > p { above[j] += 1 }
    }
    let mean = s1 / Double(n)
    #expect(abs(mean - 1) < 5 / Double(n).squareRoot())
    // Var of E² is 20, so the second moment's standard error is √(20 / n).
    #expect(abs(s2 / Double(n) - 2) < 5 * (20 / Double(n)).squareRoot())
    for (j, p) in points.enumerated() {
      let q = exp(-p)
      let share = Double(above[j]) / Double(n)
      let se = (q * (1 - q) / Double(n)).squareRoot()
      #expect(abs(share - q) < 5 * se + 1e-7, "P(E > \(p)) = \(share), exact \(q)")
    }
  }

  @Test func fastExpIsAccurateOverTheWholeRange() {
    var worst = 0.0
    var x = -700.0
    while x <= 700 {
      worst = max(worst, abs(fastExp(x) / exp(x) - 1))
      x += 0.0137
    }
    #expect(worst < 1e-13, "worst relative error \(worst)")
    #expect(fastExp(-1e6) > 0 && fastExp(1e6).isFinite)
  }

  /// Per-deal streams: the same (key, index) gives the same draws; neighbouring indices and keys
  /// give unrelated ones (first outputs differ, and their correlation over many indices is ~0).
  @Test func perItemStreamsAreReproducibleAndDistinct() {
    var a = SimulationRandom(stream: 42, index: 7)
    var b = SimulationRandom(stream: 42, index: 7)
    for _ in 0..<10 { #expect(a.next() == b.next()) }
    let n = 100_000
    var sxy = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, syy = 0.0
    var firsts = Set<UInt64>()
    for i in 0..<n {
      var g = SimulationRandom(stream: 42, index: i)
      var h = SimulationRandom(stream: 43, index: i)
      let x = g.uniform()
      let y = h.uniform()
      var first = SimulationRandom(stream: 42, index: i)
      firsts.insert(first.next())
      sx += x; sy += y; sxy += x * y; sxx += x * x; syy += y * y
    }
    #expect(firsts.count == n)
    let m = Double(n)
    let r = (sxy / m - sx / m * sy / m) / ((sxx / m - sx * sx / (m * m)) * (syy / m - sy * sy / (m * m))).squareRoot()
    #expect(abs(r) < 5 / m.squareRoot())
    #expect(abs(sx / m - 0.5) < 5 * (1 / 12 / m).squareRoot())
  }

  /// Item streams under a path (`init(key:…)`, and `init(path:last:)` with the common part
  /// hashed once) follow the documented derivation: splitmix64 steps over key, then each path
  /// element, then four more for the state (a reference written out here).
  @Test func pathStreamsFollowTheDerivation() {
    func step(_ x: UInt64) -> UInt64 {
      var z = x &+ 0x9E37_79B9_7F4A_7C15
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    func reference(_ key: UInt64, _ path: [Int]) -> UInt64 {
      var h = step(key)
      for p in path { h = step(h ^ UInt64(bitPattern: Int64(p))) }
      let g: UInt64 = 0x9E37_79B9_7F4A_7C15
      let s1 = step(h &+ g)
      // xoshiro256**'s first output is rotl(s1 × 5, 7) × 9.
      let five = s1 &* 5
      return ((five << 7) | (five >> 57)) &* 9
    }
    for (key, path) in [(UInt64(42), [4, 3, 2, 1]), (7, [1, 0, 0, 0]), (.max, [-5, 1 << 40, 9, 0])] {
      var direct = SimulationRandom(key: key, path[0], path[1], path[2], path[3])
      var shared = SimulationRandom(
        path: SimulationRandom.pathHash(key: key, path[0], path[1], path[2]), last: path[3])
      let expected = reference(key, path)
      #expect(direct.next() == expected)
      #expect(shared.next() == expected)
    }
  }
}
