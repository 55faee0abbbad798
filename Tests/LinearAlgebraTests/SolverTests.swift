import Testing
@testable import LinearAlgebra

@Suite struct SolverTests {
  @Test func solvesSquareSystem() throws {
    // 2x + y = 5, x + 3y = 10  ->  x = 1, y = 3
    let a = Matrix([[2, 1], [1, 3]])
    let x = try LinearAlgebra.solve(a, [5, 10])
    #expect(abs(x[0] - 1) < 1e-12 && abs(x[1] - 3) < 1e-12)
  }

  @Test func singularSystemThrows() {
    let a = Matrix([[1, 2], [2, 4]])
    #expect(throws: LinearAlgebraError.singular(pivot: 2)) { try LinearAlgebra.solve(a, [1, 2]) }
  }

  @Test func inverseTimesMatrixIsIdentity() throws {
    let a = Matrix([[4, 7, 2], [3, 6, 1], [2, 5, 3]])
    let product = try LinearAlgebra.inverse(a) * a
    for i in 0..<3 {
      for j in 0..<3 { #expect(abs(product[i, j] - (i == j ? 1 : 0)) < 1e-12) }
    }
  }

  @Test func choleskyReproducesMatrix() throws {
    let a = Matrix([[4, 12, -16], [12, 37, -43], [-16, -43, 98]])
    let l = try LinearAlgebra.cholesky(a)
    // Textbook factor: [[2,0,0],[6,1,0],[-8,5,3]]
    #expect(l == Matrix([[2, 0, 0], [6, 1, 0], [-8, 5, 3]]))
  }

  @Test func choleskyRejectsIndefinite() {
    #expect(throws: LinearAlgebraError.notPositiveDefinite(minor: 2)) {
      try LinearAlgebra.cholesky(Matrix([[1, 2], [2, 1]]))
    }
  }

  @Test func spdInverseMatchesGeneralInverse() throws {
    let a = Matrix([[4, 1], [1, 3]])
    let x = try LinearAlgebra.inverseSymmetricPositiveDefinite(a)
    let y = try LinearAlgebra.inverse(a)
    for i in 0..<4 { #expect(abs(x.storage[i] - y.storage[i]) < 1e-12) }
    let s = try LinearAlgebra.solveSymmetricPositiveDefinite(a, [1, 2])
    #expect(abs(s[0] - 1.0 / 11) < 1e-12 && abs(s[1] - 7.0 / 11) < 1e-12)
  }

  @Test func leastSquaresFitsLine() throws {
    // y = 1 + 2x exactly plus symmetric noise that cancels: fit (1, 2).
    let xs: [Double] = [0, 1, 2, 3]
    let ys: [Double] = [1.1, 2.9, 5.1, 6.9]
    var a = Matrix(rows: 4, columns: 2)
    for i in 0..<4 { a[i, 0] = 1; a[i, 1] = xs[i] }
    let beta = try LinearAlgebra.leastSquares(a, ys)
    // Hand-worked normal equations: slope = 1.96, intercept = 1.06.
    #expect(abs(beta[0] - 1.06) < 1e-12)
    #expect(abs(beta[1] - 1.96) < 1e-12)
  }

  @Test func leastSquaresDetectsRankDeficiency() {
    var a = Matrix(rows: 3, columns: 2)
    for i in 0..<3 { a[i, 0] = 1; a[i, 1] = 2 }
    #expect(throws: LinearAlgebraError.self) { try LinearAlgebra.leastSquares(a, [1, 2, 3]) }
  }
}
