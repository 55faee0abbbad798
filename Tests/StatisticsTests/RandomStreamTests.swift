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
