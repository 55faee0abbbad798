/// Reports: renders results as text tables, CSV, deterministic JSON and self-contained HTML+SVG.
///
/// Imports every analysis module; nothing imports it but the executable.
public enum ReportsModule {}
