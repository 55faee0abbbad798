/// PipelineModel: fits the pipeline from a point-in-time CRM view: stage transitions as an
/// absorbing Markov chain, censoring-aware time in stage with competing exits, deal sizes, the
/// lead funnel, reps' ramp-up and pooled win rates, close-date slip, expansion and churn.
///
/// Imports CRMData, Statistics and LinearAlgebra. The fitted model is `Codable` and versioned.
public enum PipelineModelModule {}
