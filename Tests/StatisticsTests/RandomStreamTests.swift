import Testing
@testable import Statistics

@Suite struct RandomStreamTests {
  @Test func sameSeedAndBlockGiveSameSequence() {
    var a = RandomStream(seed: 42, block: 7)
    var b = RandomStream(seed: 42, block: 7)
    for _ in 0..<100 { #expect(a.next() == b.next()) }
  }

  @Test func differentBlocksDiffer() {
    var a = RandomStream(seed: 42, block: 0)
    var b = RandomStream(seed: 42, block: 1)
    let same = (0..<100).filter { _ in a.next() == b.next() }.count
    #expect(same == 0)
  }

  @Test func uniformIsInOpenUnitIntervalWithMeanHalf() {
    var g = RandomStream(seed: 1)
    var sum = 0.0
    let n = 200_000
    for _ in 0..<n {
      let u = g.nextUniform()
      #expect(u > 0 && u < 1)
      sum += u
    }
    // sd of the mean = sqrt(1/12/n) ≈ 0.00065; 5 sd tolerance.
    #expect(abs(sum / Double(n) - 0.5) < 0.0033)
  }

  @Test(arguments: [0.5, 2.0, 9.0, 45.0, 300.0])
  func poissonMeanAndVariance(lambda: Double) {
    var g = RandomStream(seed: 3)
    let n = 100_000
    let xs = (0..<n).map { _ in Double(Sampling.poisson(lambda, using: &g)) }
    let mean = xs.reduce(0, +) / Double(n)
    let variance = xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n - 1)
    let se = (lambda / Double(n)).squareRoot()
    #expect(abs(mean - lambda) < 5 * se)
    #expect(abs(variance / lambda - 1) < 0.05)
  }

  @Test(arguments: [0.4, 1.0, 3.5])
  func gammaMean(shape: Double) {
    var g = RandomStream(seed: 5)
    let n = 100_000
    let mean = (0..<n).map { _ in Sampling.gamma(shape: shape, scale: 2, using: &g) }.reduce(0, +) / Double(n)
    let se = (shape * 4 / Double(n)).squareRoot()
    #expect(abs(mean - shape * 2) < 5 * se)
  }
}

@Suite struct KaplanMeierTests {
  /// Worked by hand: times 1,2+,3,3,4+,5 ("+" censored).
  /// t=1: n=6,d=1 → S=5/6. t=3: n=4 (1 and 2+ gone), d=2 → S=5/6·2/4=5/12. t=5: n=1,d=1 → S=0.
  @Test func handWorkedCurve() {
    let km = KaplanMeier(durations: [1, 2, 3, 3, 4, 5], observed: [true, false, true, true, false, true])
    #expect(km.times == [1, 3, 5])
    #expect(km.atRisk == [6, 4, 1])
    #expect(abs(km.survival[0] - 5.0 / 6) < 1e-12)
    #expect(abs(km.survival[1] - 5.0 / 12) < 1e-12)
    #expect(km.survival[2] == 0)
    #expect(km.median == 3)
    #expect(abs(km.survival(at: 2.5) - 5.0 / 6) < 1e-12)
    #expect(km.survival(at: 0.5) == 1)
    // Greenwood at t=1: S² · 1/(6·5) = (25/36)/30.
    #expect(abs(km.variance[0] - 25.0 / 36 / 30) < 1e-12)
  }

  @Test func censoredTailLeavesQuantileUnknown() {
    let km = KaplanMeier(durations: [1, 2, 3, 4], observed: [true, false, false, false])
    #expect(km.median == nil)
    #expect(km.quantile(0.2) == 1)
  }
}
