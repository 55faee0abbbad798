/// Statistics: the estimators and random streams the models are built from. Seeded random
/// streams and samplers, distributions, Kaplan–Meier and Aalen–Johansen, censored
/// maximum-likelihood fits, GLMs by IRLS, partial pooling, and forecast scoring rules.
///
/// Imports only LinearAlgebra (every solve goes through LAPACK). Knows nothing about CRMs.
public enum StatisticsModule {}
