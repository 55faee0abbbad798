import Statistics

extension SimulationRandom {
  /// One draw of `d` for the new-deal generator (response times, qualified-to-deal lags): the
  /// lognormal, exponential and Weibull by the ziggurats and the inlined `fastExp`/`fastLog`,
  /// the gamma and piecewise families by `DurationDistribution.sample`. Exact draws either way;
  /// only the work per draw differs (`sample` goes through the generic polar method and libm).
  @inline(__always)
  mutating func duration(_ d: DurationDistribution, _ z: ZigguratTables) -> Double {
    switch d {
    case .logNormal(let mu, let sigma):
      return fastExp(mu + sigma * normal(z))
    case .exponential(let rate):
      return exponential(z) / rate
    case .weibull(let shape, let scale):
      // λ E^{1/k} with E a unit exponential (E > 0: the ziggurat never returns 0).
      return scale * fastExp(fastLog(exponential(z)) / shape)
    default:
      return d.sample(using: &self)
    }
  }
}
