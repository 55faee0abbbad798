/// Backtest: rebuilds the CRM as it stood at past origins, forecasts with only what was known
/// then, and scores Pipecast and the usual baselines against what happened.
///
/// Imports CRMData, Statistics, PipelineModel and Simulation.
public enum BacktestModule {}
