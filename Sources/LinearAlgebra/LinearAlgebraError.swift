/// What can go wrong in a factorisation, from LAPACK's `info` code.
public enum LinearAlgebraError: Error, Equatable, CustomStringConvertible {
  /// The matrix is exactly singular: pivot `pivot` (1-based) of the LU factorisation is zero.
  case singular(pivot: Int)
  /// The leading minor of order `minor` (1-based) is not positive definite.
  case notPositiveDefinite(minor: Int)
  /// The least-squares design matrix does not have full rank (element `index` of the
  /// triangular factor is zero): some columns are linear combinations of others.
  case rankDeficient(index: Int)
  /// LAPACK rejected argument `argument` (a bug in this wrapper, never the data).
  case illegalArgument(routine: String, argument: Int)

  public var description: String {
    switch self {
    case .singular(let pivot):
      return "matrix is singular (zero pivot at position \(pivot))"
    case .notPositiveDefinite(let minor):
      return "matrix is not positive definite (leading minor \(minor))"
    case .rankDeficient(let index):
      return "design matrix is rank deficient (column \(index) is a combination of others)"
    case .illegalArgument(let routine, let argument):
      return "internal error: \(routine) rejected argument \(argument)"
    }
  }
}
