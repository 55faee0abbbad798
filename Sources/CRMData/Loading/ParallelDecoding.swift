import Dispatch

/// The valid rows of one file with the line each started on, and the file's errors.
struct DecodedFile<Row: Sendable>: Sendable {
  var rows: [Row] = []
  var lines: [Int32] = []
  /// Per kept row, what the decoder set as `RowReader.reference` (empty when it never does).
  var references: [Int32] = []
  var sink: DiagnosticSink
  /// The key column's value of rows dropped for errors (so references to them are not reported
  /// again as unknown).
  var failedKeys: [String] = []
}

/// A slot per chunk, written by one thread each.
private final class ChunkSlots<Row: Sendable>: @unchecked Sendable {
  let slots: UnsafeMutableBufferPointer<DecodedFile<Row>?>
  init(count: Int) {
    slots = .allocate(capacity: count)
    slots.initialize(repeating: nil)
  }
  deinit {
    _ = slots.deinitialize()
    slots.deallocate()
  }
}

/// Decodes every record of `csv` with `decode`, on up to `threads` threads.
///
/// Chunks are decoded independently and concatenated in file order. When any chunk reports an
/// error the file is decoded again sequentially, so diagnostics (and their limit) never depend on
/// the number of threads; errors stop a load anyway, so the repeat costs nothing that matters.
/// Each chunk has its own `TextInterner`, so repeated texts are shared without locks.
func decodeRows<Row: Sendable>(
  _ csv: CSVReader, maxErrors: Int, threads: Int, keyColumn: Int? = nil,
  _ decode: @escaping @Sendable (inout RowReader) -> Row?
) -> DecodedFile<Row> {
  @Sendable func run(_ chunk: CSVChunk, reservingFor reserved: Int) -> DecodedFile<Row> {
    var sink = DiagnosticSink(maxErrors: maxErrors)
    var problems: [Diagnostic] = []
    var rows: [Row] = []
    var lines: [Int32] = []
    var references: [Int32] = []
    var failedKeys: [String] = []
    var reader = RowReader(file: csv.file, texts: TextInterner())
    // Rows are rarely shorter than 4 bytes per column; reserving for that (address space only,
    // pages are touched as rows arrive) avoids growing, which would copy every row again. The
    // first chunk reserves for the whole file, so the others are appended to it in place.
    let estimate = reserved / max(1, csv.columns.count * 4) + 16
    rows.reserveCapacity(estimate)
    lines.reserveCapacity(estimate)
    csv.forEachRecord(in: chunk, sink: &sink) { record in
      reader.next(record)
      let value = decode(&reader)
      if reader.failed {
        if problems.count < maxErrors { problems.append(contentsOf: reader.problems) }
        if let keyColumn, !record.isEmpty(keyColumn) { failedKeys.append(record.string(keyColumn)) }
      } else if let value = consume value {
        rows.append(value)
        lines.append(Int32(truncatingIfNeeded: record.line))
        if let reference = reader.reference { references.append(reference) }
      }
    }
    // Structural errors and value errors interleave by line.
    var merged = DiagnosticSink(maxErrors: maxErrors)
    let all = (sink.errors + problems).sorted {
      ($0.line, $0.column ?? 0) < ($1.line, $1.column ?? 0)
    }
    for d in all { merged.add(d) }
    return DecodedFile(
      rows: rows, lines: lines, references: references, sink: merged, failedKeys: failedKeys)
  }
  let chunks = csv.chunks(threads)
  let whole = CSVChunk(start: csv.bodyStart, end: csv.bytes.count, line: csv.bodyLine)
  let body = csv.bytes.count - csv.bodyStart
  if chunks.count == 1 { return run(whole, reservingFor: body) }
  let slots = ChunkSlots<Row>(count: chunks.count)
  DispatchQueue.concurrentPerform(iterations: chunks.count) { k in
    let chunk = chunks[k]
    slots.slots[k] = run(chunk, reservingFor: k == 0 ? body : chunk.end - chunk.start)
  }
  // Taken out of the slots, so each array has a single owner and grows by moving its rows.
  var parts = (0..<chunks.count).map { slots.slots[$0].take()! }
  if parts.contains(where: { !$0.sink.errors.isEmpty }) { return run(whole, reservingFor: body) }
  var result = parts[0]
  parts[0] = DecodedFile(sink: result.sink)
  let total = parts.reduce(result.rows.count) { $0 + $1.rows.count }
  result.rows.reserveCapacity(total)
  result.lines.reserveCapacity(total)
  result.references.reserveCapacity(total)
  for k in 1..<parts.count {
    result.rows.append(contentsOf: parts[k].rows)
    result.lines.append(contentsOf: parts[k].lines)
    result.references.append(contentsOf: parts[k].references)
    parts[k] = DecodedFile(sink: parts[k].sink)
  }
  return result
}
