import LinearAlgebra

/// Everything the data can make go wrong in the `Statistics` module.
///
/// Programmer mistakes (arrays of different lengths, a quantile level outside (0, 1)) trap with
/// `precondition`; these cases are what real data can cause, and each carries what is needed to
/// say where and why.
public enum StatisticsError: Error, Equatable, CustomStringConvertible {
  /// There was nothing to estimate from.
  case emptyData(what: String)
  /// An input value is not allowed (negative or non-finite duration, negative weight, ...).
  case invalidValue(name: String, index: Int, value: Double)
  /// Every duration is censored: no event, so a duration distribution cannot be estimated (the
  /// likelihood keeps rising as the scale grows without bound).
  case noEvents(observations: Int)
  /// Too little information for the requested estimate.
  case insufficientData(what: String, observed: Int, required: Int)
  /// An iterative fit stopped at its iteration limit without meeting the tolerance.
  case didNotConverge(iterations: Int, lastChange: Double)
  /// A binary/binomial regression whose outcome is perfectly (or quasi-completely) predicted by
  /// `predictor`: its maximum-likelihood coefficient is infinite.
  case perfectSeparation(predictor: String)
  /// A linear-algebra step failed (information matrix singular or not positive definite).
  case linearAlgebra(LinearAlgebraError)
  /// The estimator does not apply to this family (e.g. a mixture cure fit of the piecewise
  /// family, whose last hazard already carries the never-ending share).
  case unsupportedFamily(DurationFamily, estimator: String)

  public var description: String {
    switch self {
    case .emptyData(let what):
      return "no data: \(what) is empty"
    case .invalidValue(let name, let index, let value):
      return "invalid \(name) \(value) at index \(index)"
    case .noEvents(let observations):
      return "all \(observations) durations are censored: no event to fit a distribution to"
    case .insufficientData(let what, let observed, let required):
      return "not enough data for \(what): \(observed) observed, \(required) required"
    case .didNotConverge(let iterations, let lastChange):
      return """
        fit did not converge after \(iterations) iterations (last change \(lastChange)). Likely causes:
          1. Too few events, or events at only a few distinct times: the likelihood is flat or \
        keeps rising towards a boundary (a shape going to infinity or a spread to zero).
          2. Heavy censoring late in the data: the tail is not identified.
          3. Extreme or mis-scaled values (durations in seconds next to durations in years, \
        huge weights); rescale the data.
          4. In a regression, a predictor that (almost) separates the outcomes, or columns \
        that are nearly collinear.
          5. The family does not fit the data at all; try another family and compare AIC.
        """
    case .perfectSeparation(let predictor):
      return "perfect separation: predictor '\(predictor)' predicts the outcome exactly, so its "
        + "coefficient is infinite; add a ridge penalty or merge sparse categories"
    case .linearAlgebra(let error):
      return "linear algebra failed: \(error)"
    case .unsupportedFamily(let family, let estimator):
      return "\(estimator) does not support the \(family.rawValue) family"
    }
  }
}
