/// KPI: the catalogue of sales KPIs (docs/KPI-CATALOGUE.md), computed from a point-in-time CRM
/// view for a period, optionally broken down by owner, team, source, segment, type or role.
///
/// Imports CRMData, Statistics (Kaplan–Meier medians) and PipelineModel (fitted probabilities).
public enum KPIModule {}
