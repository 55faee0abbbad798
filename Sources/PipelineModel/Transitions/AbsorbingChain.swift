import LinearAlgebra

/// An absorbing Markov chain over the open stages, with Won and Lost as the absorbing states.
///
/// With `Q` the open-to-open transition probabilities and `R` the open-to-{won, lost} ones, the
/// fundamental matrix is `N = (I − Q)⁻¹` (expected visits to each stage), the absorption
/// probabilities are `B = N R` and the expected number of remaining stage steps is `N 1`
/// (Kemeny & Snell). Both are solved by LAPACK (`dgesv`), never by hand-written elimination.
public struct AbsorbingChain: Sendable, Equatable {
  /// Probability of eventually winning from each open stage (fresh entry).
  public let winProbability: [Double]
  /// Probability of eventually losing from each open stage.
  public let lossProbability: [Double]
  /// Expected number of stage steps (stays) before absorption, from each stage.
  public let expectedSteps: [Double]
  /// The fundamental matrix N.
  public let fundamental: Matrix

  /// - Parameters:
  ///   - moves: `moves[i][j]`, probability of moving from open stage i to open stage j.
  ///   - win: probability of winning directly from stage i.
  ///   - loss: probability of losing directly from stage i.
  /// - Throws: `LinearAlgebraError.singular` when some stage can never be left (a closed loop
  ///   with no way to win or lose).
  public init(moves: [[Double]], win: [Double], loss: [Double]) throws(LinearAlgebraError) {
    let n = win.count
    precondition(moves.count == n && loss.count == n && moves.allSatisfy { $0.count == n })
    var iMinusQ = Matrix.identity(n)
    for i in 0..<n {
      for j in 0..<n { iMinusQ[i, j] -= moves[i][j] }
    }
    var rhs = Matrix(rows: n, columns: 3)
    for i in 0..<n {
      rhs[i, 0] = win[i]
      rhs[i, 1] = loss[i]
      rhs[i, 2] = 1
    }
    let solution = try LinearAlgebra.solve(iMinusQ, rhs)
    winProbability = solution.column(0).map { min(1, max(0, $0)) }
    lossProbability = solution.column(1).map { min(1, max(0, $0)) }
    expectedSteps = solution.column(2)
    fundamental = try LinearAlgebra.inverse(iMinusQ)
  }
}
