/// LinearAlgebra: dense matrices and the solves the models need (linear systems, least squares,
/// Cholesky, inverses), all computed by the system LAPACK.
///
/// Owns: `Matrix` (column-major, `Double`), `LinearAlgebraError`, and the safe wrappers around
/// LAPACK. It is the only module that imports `CLAPACK`; nothing here imports other project
/// modules. No elimination is written by hand: every factorisation is LAPACK's.
public enum LinearAlgebraModule {}
