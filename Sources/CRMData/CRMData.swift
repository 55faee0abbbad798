/// CRMData: the canonical CRM folder (docs/DATA-FORMAT.md) in memory, and everything needed to
/// trust it: a fast RFC 4180 CSV reader, strict validation with file:line:column diagnostics,
/// the point-in-time view ("as known at the end of DATE"), the period calendar with a fiscal-year
/// start, and atomic file output.
///
/// Imports nothing from the project; every other module reads history through this one.
public enum CRMDataModule {}
