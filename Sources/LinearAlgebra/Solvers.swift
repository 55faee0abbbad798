import CLAPACK

/// Linear solves, least squares, Cholesky and inverses through LAPACK.
///
/// Each function copies its inputs (LAPACK overwrites them) and maps LAPACK's `info` to a
/// `LinearAlgebraError`. Integers cross the C boundary as `Int32`; character arguments carry a
/// trailing hidden length of 1 (gfortran's convention, declared in Debian's `lapack.h`).
public enum LinearAlgebra {
  /// Solves `A X = B` for square `A` by LU factorisation with partial pivoting (`dgesv`).
  /// - Throws: `LinearAlgebraError.singular` when `A` is exactly singular.
  public static func solve(_ a: Matrix, _ b: Matrix) throws(LinearAlgebraError) -> Matrix {
    precondition(a.rows == a.columns, "solve needs a square matrix")
    precondition(b.rows == a.rows, "right-hand side has \(b.rows) rows, expected \(a.rows)")
    var n = Int32(a.rows)
    var nrhs = Int32(b.columns)
    var lda = max(1, n)
    var ldb = max(1, n)
    var aStorage = a.storage
    var bStorage = b.storage
    var pivots = [Int32](repeating: 0, count: a.rows)
    var info: Int32 = 0
    if a.rows == 0 { return b }
    dgesv_(&n, &nrhs, &aStorage, &lda, &pivots, &bStorage, &ldb, &info)
    if info < 0 { throw .illegalArgument(routine: "dgesv", argument: Int(-info)) }
    if info > 0 { throw .singular(pivot: Int(info)) }
    return Matrix(rows: b.rows, columns: b.columns, columnMajor: bStorage)
  }

  /// Solves `A x = b` for one right-hand side.
  public static func solve(_ a: Matrix, _ b: [Double]) throws(LinearAlgebraError) -> [Double] {
    try solve(a, Matrix(column: b)).storage
  }

  /// The inverse of a square matrix (`dgetrf` + `dgetri`).
  /// - Throws: `LinearAlgebraError.singular` when `A` is exactly singular.
  public static func inverse(_ a: Matrix) throws(LinearAlgebraError) -> Matrix {
    precondition(a.rows == a.columns, "inverse needs a square matrix")
    if a.rows == 0 { return a }
    var n = Int32(a.rows)
    var m = n
    var lda = n
    var storage = a.storage
    var pivots = [Int32](repeating: 0, count: a.rows)
    var info: Int32 = 0
    dgetrf_(&m, &n, &storage, &lda, &pivots, &info)
    if info < 0 { throw .illegalArgument(routine: "dgetrf", argument: Int(-info)) }
    if info > 0 { throw .singular(pivot: Int(info)) }
    var workSize: Double = 0
    var lwork: Int32 = -1
    dgetri_(&n, &storage, &lda, &pivots, &workSize, &lwork, &info)
    lwork = max(1, Int32(workSize))
    var work = [Double](repeating: 0, count: Int(lwork))
    dgetri_(&n, &storage, &lda, &pivots, &work, &lwork, &info)
    if info < 0 { throw .illegalArgument(routine: "dgetri", argument: Int(-info)) }
    if info > 0 { throw .singular(pivot: Int(info)) }
    return Matrix(rows: a.rows, columns: a.columns, columnMajor: storage)
  }

  /// The lower Cholesky factor `L` of a symmetric positive-definite matrix, `A = L Lᵀ` (`dpotrf`).
  /// Only the lower triangle of `A` is read; the upper triangle of the result is zero.
  /// - Throws: `LinearAlgebraError.notPositiveDefinite` naming the failing leading minor.
  public static func cholesky(_ a: Matrix) throws(LinearAlgebraError) -> Matrix {
    precondition(a.rows == a.columns, "cholesky needs a square matrix")
    if a.rows == 0 { return a }
    var uplo = CChar(UInt8(ascii: "L"))
    var n = Int32(a.rows)
    var lda = n
    var storage = a.storage
    var info: Int32 = 0
    dpotrf_(&uplo, &n, &storage, &lda, &info, 1)
    if info < 0 { throw .illegalArgument(routine: "dpotrf", argument: Int(-info)) }
    if info > 0 { throw .notPositiveDefinite(minor: Int(info)) }
    var lower = Matrix(rows: a.rows, columns: a.columns, columnMajor: storage)
    for c in 0..<a.columns {
      for r in 0..<c { lower[r, c] = 0 }
    }
    return lower
  }

  /// Solves the symmetric positive-definite system `A X = B` by Cholesky (`dposv`). This is the
  /// solve of choice for normal equations and Newton steps of convex likelihoods.
  /// - Throws: `LinearAlgebraError.notPositiveDefinite`.
  public static func solveSymmetricPositiveDefinite(_ a: Matrix, _ b: [Double]) throws(LinearAlgebraError) -> [Double] {
    precondition(a.rows == a.columns && b.count == a.rows, "dimension mismatch")
    if a.rows == 0 { return b }
    var uplo = CChar(UInt8(ascii: "L"))
    var n = Int32(a.rows)
    var nrhs: Int32 = 1
    var lda = n
    var ldb = n
    var aStorage = a.storage
    var bStorage = b
    var info: Int32 = 0
    dposv_(&uplo, &n, &nrhs, &aStorage, &lda, &bStorage, &ldb, &info, 1)
    if info < 0 { throw .illegalArgument(routine: "dposv", argument: Int(-info)) }
    if info > 0 { throw .notPositiveDefinite(minor: Int(info)) }
    return bStorage
  }

  /// The inverse of a symmetric positive-definite matrix (`dpotrf` + `dpotri`), for example the
  /// covariance of maximum-likelihood estimates from the observed information.
  public static func inverseSymmetricPositiveDefinite(_ a: Matrix) throws(LinearAlgebraError) -> Matrix {
    precondition(a.rows == a.columns, "inverse needs a square matrix")
    if a.rows == 0 { return a }
    var uplo = CChar(UInt8(ascii: "L"))
    var n = Int32(a.rows)
    var lda = n
    var storage = a.storage
    var info: Int32 = 0
    dpotrf_(&uplo, &n, &storage, &lda, &info, 1)
    if info < 0 { throw .illegalArgument(routine: "dpotrf", argument: Int(-info)) }
    if info > 0 { throw .notPositiveDefinite(minor: Int(info)) }
    dpotri_(&uplo, &n, &storage, &lda, &info, 1)
    if info < 0 { throw .illegalArgument(routine: "dpotri", argument: Int(-info)) }
    if info > 0 { throw .singular(pivot: Int(info)) }
    var result = Matrix(rows: a.rows, columns: a.columns, columnMajor: storage)
    for c in 0..<a.columns {
      for r in 0..<c { result[r, c] = result[c, r] }
    }
    return result
  }

  /// Least-squares solution of the overdetermined system `min ‖A x − b‖₂` by QR (`dgels`).
  /// - Throws: `LinearAlgebraError.rankDeficient` when `A` does not have full column rank.
  public static func leastSquares(_ a: Matrix, _ b: [Double]) throws(LinearAlgebraError) -> [Double] {
    precondition(b.count == a.rows, "right-hand side has \(b.count) rows, expected \(a.rows)")
    precondition(a.rows >= a.columns, "least squares needs at least as many rows as columns")
    if a.columns == 0 { return [] }
    var trans = CChar(UInt8(ascii: "N"))
    var m = Int32(a.rows)
    var n = Int32(a.columns)
    var nrhs: Int32 = 1
    var lda = m
    var ldb = m
    var aStorage = a.storage
    var bStorage = b
    var info: Int32 = 0
    var workSize: Double = 0
    var lwork: Int32 = -1
    dgels_(&trans, &m, &n, &nrhs, &aStorage, &lda, &bStorage, &ldb, &workSize, &lwork, &info, 1)
    lwork = max(1, Int32(workSize))
    var work = [Double](repeating: 0, count: Int(lwork))
    dgels_(&trans, &m, &n, &nrhs, &aStorage, &lda, &bStorage, &ldb, &work, &lwork, &info, 1)
    if info < 0 { throw .illegalArgument(routine: "dgels", argument: Int(-info)) }
    if info > 0 { throw .rankDeficient(index: Int(info)) }
    return Array(bStorage[0..<a.columns])
  }
}
