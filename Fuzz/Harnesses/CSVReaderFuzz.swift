// libFuzzer harness: the CSV reader and the field parsers over arbitrary bytes.
//
// Compiled into the CRMData module (see run.sh), so it reaches internal API too. Every record is
// read sequentially and, when the input is large enough, in chunks; the two reads must agree
// (same records, same diagnostics), and every field goes through every typed parser.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSVReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = CSVBytes(UnsafeBufferPointer(start: data, count: size))
  let reader = CSVReader(file: "fuzz.csv", bytes: bytes)
  for d in reader.headerDiagnostics { precondition(d.line >= 1, "header diagnostic at line 0") }
  guard reader.headerDiagnostics.isEmpty else { return 0 }
  _ = reader.hasRows
  var sink = DiagnosticSink(maxErrors: 1000)
  var lines: [Int] = []
  reader.forEachRecord(sink: &sink) { record in
    precondition(record.count == reader.columns.count, "a ragged row reached the caller")
    precondition(record.line > lines.last ?? 1, "record lines must increase")
    lines.append(record.line)
    for i in 0..<record.count {
      let b = record.bytes(i)
      _ = record.string(i)
      _ = record.isEmpty(i)
      _ = FieldParser.moment(b)
      if case .value(let v) = FieldParser.amount(b) {
        precondition(v.isFinite && v >= 0, "amount parser accepted \(v)")
      }
      _ = FieldParser.integer(b)
      _ = FieldParser.period(b, calendar: .standard)
      _ = FieldParser.enumCase(b, of: DealStatus.self)
    }
  }
  for d in sink.errors { precondition(d.line >= 1, "diagnostic at line \(d.line)") }
  // Chunked reading agrees with sequential reading when no structural error was found.
  if sink.errors.isEmpty {
    for parts in [2, 3, 7] {
      var chunkSink = DiagnosticSink(maxErrors: 1000)
      var chunkLines: [Int] = []
      for chunk in reader.chunks(parts, minimumBytes: 0) {
        reader.forEachRecord(in: chunk, sink: &chunkSink) { chunkLines.append($0.line) }
      }
      if chunkSink.errors.isEmpty {
        precondition(chunkLines == lines, "chunked read differs: \(chunkLines) vs \(lines)")
      }
    }
  }
  return 0
}
