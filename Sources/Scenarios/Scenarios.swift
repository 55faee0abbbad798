/// Scenarios: YAML what-if scenarios and their levers, sensitivity (tornado) and quota planning.
///
/// Imports CRMData, Statistics, PipelineModel, Simulation and Yams.
public enum ScenariosModule {}
