/// Simulation: seeded, parallel Monte Carlo of the open pipeline and of the deals still to be
/// created, over a model compiled into flat arrays. Same seed, same output, whatever the threads.
///
/// Imports CRMData, Statistics and PipelineModel.
public enum SimulationModule {}
