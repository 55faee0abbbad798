/// Synthetic: generates a believable B2B sales organisation in the canonical CRM format, with the
/// true parameters written beside it (`truth.json`) so tests can check that fitting recovers them.
///
/// Imports CRMData (the records and the CSV writer) and Statistics (random streams, samplers).
public enum SyntheticModule {}
