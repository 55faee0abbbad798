import Testing
@testable import PipelineModel

@Suite struct AbsorbingChainTests {
  /// Two stages. From A: 60% to B, 40% lost. From B: 50% won, 30% lost, 20% back to A.
  /// Hand-worked: wB = 0.5 + 0.2 wA, wA = 0.6 wB → wA = 0.6(0.5 + 0.2 wA) → wA = 0.3 / 0.88.
  /// Steps: sA = 1 + 0.6 sB, sB = 1 + 0.2 sA → sA = 1.6 / 0.88.
  @Test func handWorkedTwoStageChain() throws {
    let chain = try AbsorbingChain(moves: [[0, 0.6], [0.2, 0]], win: [0, 0.5], loss: [0.4, 0.3])
    #expect(abs(chain.winProbability[0] - 0.3 / 0.88) < 1e-12)
    #expect(abs(chain.winProbability[1] - (0.5 + 0.2 * 0.3 / 0.88)) < 1e-12)
    #expect(abs(chain.winProbability[0] + chain.lossProbability[0] - 1) < 1e-12)
    #expect(abs(chain.expectedSteps[0] - 1.6 / 0.88) < 1e-12)
  }

  @Test func stageThatCannotBeLeftIsSingular() {
    #expect(throws: (any Error).self) {
      try AbsorbingChain(moves: [[1]], win: [0], loss: [0])
    }
  }
}
