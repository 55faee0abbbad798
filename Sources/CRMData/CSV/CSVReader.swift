import Dispatch

/// One field's place in the file: content bytes `start..<end` (quotes excluded).
struct FieldSpan {
  var start: Int
  var end: Int
  /// Bit 0: the field was quoted; bit 1: it holds doubled quotes to undo.
  var flags: UInt8

  var isQuoted: Bool { flags & 1 != 0 }
  var isEscaped: Bool { flags & 2 != 0 }
}

/// One record of a CSV file, valid only inside the `forEachRecord` call that produced it.
///
/// Fields are byte ranges into the file; nothing is copied until `string(_:)` is called, so
/// dates and numbers are parsed straight from `bytes(_:)`.
public struct CSVRecord {
  /// Physical line where the record starts (the header is line 1).
  public let line: Int
  /// Number of fields (equal to the header's; ragged rows never reach callers).
  public let count: Int
  let base: UnsafePointer<UInt8>
  let spans: UnsafePointer<FieldSpan>

  /// The raw content of field `i` (quotes removed, doubled quotes not yet undone).
  @inline(__always)
  public func bytes(_ i: Int) -> UnsafeBufferPointer<UInt8> {
    let s = spans[i]
    return UnsafeBufferPointer(start: base + s.start, count: s.end - s.start)
  }

  /// True when field `i` is empty (a missing value).
  @inline(__always)
  public func isEmpty(_ i: Int) -> Bool { spans[i].start == spans[i].end }

  /// A record of no fields, for a reader that has not been given one yet (its pointers are
  /// never read: there is no field to read).
  static var none: CSVRecord {
    CSVRecord(
      line: 0, count: 0, base: UnsafePointer(bitPattern: 1)!,
      spans: UnsafePointer(bitPattern: MemoryLayout<FieldSpan>.alignment)!)
  }

  /// True when field `i` holds doubled quotes, so its raw bytes differ from its text.
  @inline(__always)
  func isEscaped(_ i: Int) -> Bool { spans[i].isEscaped }

  /// True when the text of field `i` is `text`, compared byte by byte without building a
  /// `String`.
  func hasText(_ i: Int, equalTo text: String) -> Bool {
    let b = bytes(i)
    guard !isEscaped(i), b.count == text.utf8.count else { return false }
    return text.utf8.withContiguousStorageIfAvailable { t in
      t.elementsEqual(b)
    } ?? text.utf8.elementsEqual(b)
  }

  /// Field `i` as text, with doubled quotes undone.
  public func string(_ i: Int) -> String {
    let s = spans[i]
    let raw = UnsafeBufferPointer(start: base + s.start, count: s.end - s.start)
    guard s.isEscaped else { return String(decoding: raw, as: UTF8.self) }
    var out: [UInt8] = []
    out.reserveCapacity(raw.count)
    var i = 0
    while i < raw.count {
      out.append(raw[i])
      i += raw[i] == UInt8(ascii: "\"") ? 2 : 1
    }
    return String(decoding: out, as: UTF8.self)
  }
}

/// A part of a file's records, starting at a record boundary (see `CSVReader.chunks(_:)`).
public struct CSVChunk: Sendable {
  public let start: Int
  public let end: Int
  /// Physical line of the chunk's first record.
  public let line: Int
}

/// A fast RFC 4180 reader over one file's bytes: header, record boundaries, fields.
///
/// Accepts a UTF-8 byte-order mark, CRLF or LF line ends, quoted fields holding commas, doubled
/// quotes and newlines. Header names are trimmed and matched case-insensitively; blank lines are
/// skipped. Structural problems become diagnostics with the physical line where the record starts
/// (for an unterminated quote, the line where the quote opened) and the 1-based field index:
/// unterminated quote, text after a closing quote, a quote inside an unquoted field, ragged rows,
/// invalid UTF-8, NUL bytes, an empty file, duplicate column names. Unnamed columns (a
/// trailing comma on every line) are ignored like unknown ones.
///
/// Records can be read in parallel: `chunks(_:)` finds record boundaries with a quote-parity
/// pass, each chunk is tokenized on its own thread, and results are concatenated in file order,
/// so they are identical to a sequential read.
public struct CSVReader: Sendable {
  public let file: String
  public let bytes: CSVBytes
  /// Header names, trimmed, as written.
  public let columns: [String]
  /// Problems found in the header (empty file, duplicate names, structural errors).
  public let headerDiagnostics: [Diagnostic]
  let bodyStart: Int
  let bodyLine: Int
  private let lowercasedColumns: [String]

  /// Reads the header of `bytes`; check `headerDiagnostics` before reading records.
  public init(file: String, bytes: CSVBytes) {
    self.file = file
    self.bytes = bytes
    var start = 0
    if bytes.count >= 3, bytes.base[0] == 0xEF, bytes.base[1] == 0xBB, bytes.base[2] == 0xBF {
      start = 3
    }
    // Skip blank lines before the header.
    var line = 1
    while start < bytes.count, bytes.base[start] == 10 || bytes.base[start] == 13 {
      if bytes.base[start] == 10 { line += 1 }
      start += 1
    }
    var names: [String] = []
    var diagnostics = DiagnosticSink(maxErrors: 100)
    var next = start
    var nextLine = line
    if start >= bytes.count {
      diagnostics.error(
        file, 1, nil, "the file is empty", fix: "expected a header row naming the columns")
    } else {
      let chunk = CSVChunk(start: start, end: bytes.count, line: line)
      let (stop, stopLine) = CSVReader.tokenize(
        bytes, chunk, expectedFields: nil, file: file, sink: &diagnostics, limit: 1
      ) { record in
        names = (0..<record.count).map { record.string($0).trimmingASCIISpaces() }
        return false
      }
      next = stop
      nextLine = stopLine
      var seen: [String: Int] = [:]
      for (i, name) in names.enumerated() {
        let key = name.lowercased()
        if name.isEmpty {
          continue  // an unnamed column (often a trailing comma) is ignored like any unknown one
        } else if let first = seen[key] {
          diagnostics.error(
            file, line, i + 1, "column '\(name)' appears twice (also column \(first + 1))",
            fix: "remove or rename one of them")
        } else {
          seen[key] = i
        }
      }
    }
    self.columns = names
    self.lowercasedColumns = names.map { $0.lowercased() }
    self.headerDiagnostics = diagnostics.errors
    self.bodyStart = next
    self.bodyLine = nextLine
  }

  /// The index of the column named `name` (case-insensitive), if present.
  public func column(named name: String) -> Int? {
    lowercasedColumns.firstIndex(of: name.lowercased())
  }

  /// True when at least one non-blank byte follows the header.
  public var hasRows: Bool {
    var i = bodyStart
    while i < bytes.count {
      let c = bytes.base[i]
      if c != 10 && c != 13 { return true }
      i += 1
    }
    return false
  }

  /// Splits the records after the header into at most `count` chunks of similar size.
  ///
  /// A boundary is the first line end after the split point at which the number of quote bytes
  /// since the start of the body is even (outside any quoted field). In a malformed file a
  /// boundary may fall inside a field; callers re-read sequentially whenever a chunk reports a
  /// structural error, so diagnostics never depend on the split.
  /// - Parameter minimumBytes: bodies up to this size stay one chunk (splitting small files costs
  ///   more than it saves; the fuzz harness lowers it to exercise the split).
  /// - Complexity: O(n) over the bytes, one light pass counting quotes and line ends.
  public func chunks(_ count: Int, minimumBytes: Int = 1 << 20) -> [CSVChunk] {
    let end = bytes.count
    let size = end - bodyStart
    guard count > 1, size > minimumBytes, size > 0 else {
      return [CSVChunk(start: bodyStart, end: end, line: bodyLine)]
    }
    let p = bytes.base
    var result: [CSVChunk] = []
    var chunkStart = bodyStart
    var chunkLine = bodyLine
    var pos = bodyStart
    var quotes = 0
    var lines = 0
    for k in 1..<count {
      let target = bodyStart + size / count * k
      if target <= pos { continue }
      while pos < target {
        let c = p[pos]
        quotes &+= c == 34 ? 1 : 0
        lines &+= c == 10 ? 1 : 0
        pos += 1
      }
      while pos < end {
        let c = p[pos]
        pos += 1
        if c == 34 {
          quotes += 1
        } else if c == 10 {
          lines += 1
          if quotes & 1 == 0 { break }
        }
      }
      if pos >= end { break }
      result.append(CSVChunk(start: chunkStart, end: pos, line: chunkLine))
      chunkStart = pos
      chunkLine = bodyLine + lines
    }
    result.append(CSVChunk(start: chunkStart, end: end, line: chunkLine))
    return result
  }

  /// Calls `body` with every well-formed record of `chunk`, in order; structural problems go to
  /// `sink` (ragged rows, bad quoting, invalid UTF-8, NUL bytes) and their records are skipped.
  ///
  /// Stops after an unterminated quote, or once `sink` holds its maximum of errors.
  public func forEachRecord(
    in chunk: CSVChunk, sink: inout DiagnosticSink, _ body: (CSVRecord) -> Void
  ) {
    _ = CSVReader.tokenize(
      bytes, chunk, expectedFields: columns.count, file: file, sink: &sink, limit: Int.max
    ) { record in
      body(record)
      return true
    }
  }

  /// Calls `body` with every well-formed record after the header, sequentially.
  public func forEachRecord(sink: inout DiagnosticSink, _ body: (CSVRecord) -> Void) {
    forEachRecord(
      in: CSVChunk(start: bodyStart, end: bytes.count, line: bodyLine), sink: &sink, body)
  }

  /// The byte classes that stop the scan of an unquoted field.
  private static let special: [Bool] = (0..<256).map { c in
    c == 0 || c == 10 || c == 13 || c == 34 || c == 44 || c >= 0x80
  }

  /// The tokenizer: returns the offset and line after the last record read.
  @inline(__always)
  static func tokenize(
    _ bytes: CSVBytes, _ chunk: CSVChunk, expectedFields: Int?, file: String,
    sink: inout DiagnosticSink, limit: Int, _ body: (CSVRecord) -> Bool
  ) -> (Int, Int) {
    let p = UnsafePointer(bytes.base)
    let end = chunk.end
    var pos = chunk.start
    var line = chunk.line
    var capacity = max(16, (expectedFields ?? 0) + 4)
    var spans = UnsafeMutablePointer<FieldSpan>.allocate(capacity: capacity)
    defer { spans.deallocate() }
    var records = 0
    return special.withUnsafeBufferPointer { table in
      recordLoop: while pos < end {
        let recordStart = pos
        let recordLine = line
        var fieldCount = 0
        var highBit = false
        var broken = false
        var endOfRecord = false
        while !endOfRecord {
          if fieldCount == capacity {
            let bigger = UnsafeMutablePointer<FieldSpan>.allocate(capacity: capacity * 2)
            bigger.moveInitialize(from: spans, count: capacity)
            spans.deallocate()
            spans = bigger
            capacity *= 2
          }
          if pos < end, p[pos] == 34 {
            // Quoted field.
            let openLine = line
            pos += 1
            let contentStart = pos
            var flags: UInt8 = 1
            while true {
              if pos >= end {
                sink.error(
                  file, openLine, fieldCount + 1, "a quoted field is never closed",
                  fix: "add the closing quote, and double any quote inside the field")
                return (end, line)
              }
              let c = p[pos]
              if c == 34 {
                if pos + 1 < end, p[pos + 1] == 34 {
                  flags = 3
                  pos += 2
                  continue
                }
                break
              }
              if c == 10 {
                line += 1
              } else if c >= 0x80 {
                highBit = true
              } else if c == 0 {
                sink.error(
                  file, line, fieldCount + 1, "NUL byte in the file",
                  fix: "remove it; is this really a CSV text file?")
                broken = true
              }
              pos += 1
            }
            spans[fieldCount] = FieldSpan(start: contentStart, end: pos, flags: flags)
            fieldCount += 1
            pos += 1
            if pos >= end {
              endOfRecord = true
            } else if p[pos] == 44 {
              pos += 1
            } else if p[pos] == 10 {
              pos += 1
              line += 1
              endOfRecord = true
            } else if p[pos] == 13, pos + 1 < end, p[pos + 1] == 10 {
              pos += 2
              line += 1
              endOfRecord = true
            } else {
              sink.error(
                file, line, fieldCount, "text after the closing quote of a quoted field",
                fix: "quote the whole field and double any quote inside it")
              broken = true
              // Resynchronize at the next line end.
              while pos < end, p[pos] != 10 { pos += 1 }
              if pos < end {
                pos += 1
                line += 1
              }
              endOfRecord = true
            }
          } else {
            let fieldStart = pos
            while true {
              while pos < end, !table[Int(p[pos])] { pos += 1 }
              if pos >= end {
                spans[fieldCount] = FieldSpan(start: fieldStart, end: pos, flags: 0)
                fieldCount += 1
                endOfRecord = true
                break
              }
              let c = p[pos]
              if c == 44 {
                spans[fieldCount] = FieldSpan(start: fieldStart, end: pos, flags: 0)
                fieldCount += 1
                pos += 1
                break
              } else if c == 10 {
                spans[fieldCount] = FieldSpan(start: fieldStart, end: pos, flags: 0)
                fieldCount += 1
                pos += 1
                line += 1
                endOfRecord = true
                break
              } else if c == 13 {
                if pos + 1 < end, p[pos + 1] == 10 {
                  spans[fieldCount] = FieldSpan(start: fieldStart, end: pos, flags: 0)
                  fieldCount += 1
                  pos += 2
                  line += 1
                  endOfRecord = true
                  break
                }
                pos += 1  // a lone carriage return is kept as text
              } else if c >= 0x80 {
                highBit = true
                pos += 1
              } else if c == 34 {
                sink.error(
                  file, line, fieldCount + 1, "a quote inside an unquoted field",
                  fix: "enclose the field in quotes and double the quote (\"\")")
                broken = true
                pos += 1
              } else {
                sink.error(
                  file, line, fieldCount + 1, "NUL byte in the file",
                  fix: "remove it; is this really a CSV text file?")
                broken = true
                pos += 1
              }
            }
          }
        }
        // A blank line is skipped.
        if fieldCount == 1, spans[0].start == spans[0].end, spans[0].flags == 0, !broken {
          continue recordLoop
        }
        if highBit, let bad = firstInvalidUTF8(p, recordStart, pos) {
          var badLine = recordLine
          for i in recordStart..<bad where p[i] == 10 { badLine += 1 }
          sink.error(
            file, badLine, nil, "the text is not valid UTF-8", fix: "save the file as UTF-8")
          broken = true
        }
        if !broken, let expectedFields, fieldCount != expectedFields {
          sink.error(
            file, recordLine, nil,
            "the row has \(fieldCount) field\(fieldCount == 1 ? "" : "s") but the header has \(expectedFields)",
            fix: "quote fields that contain commas; every row needs one value per column")
          broken = true
        }
        records += 1
        if sink.isFull { return (pos, line) }
        if !broken {
          let record = CSVRecord(line: recordLine, count: fieldCount, base: p, spans: spans)
          if !body(record) { return (pos, line) }
        }
        if records >= limit { return (pos, line) }
      }
      return (pos, line)
    }
  }
}

/// The offset of the first byte of `p[from..<to]` that breaks UTF-8, or nil when all is valid.
func firstInvalidUTF8(_ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int) -> Int? {
  var i = from
  while i < to {
    let c = p[i]
    if c < 0x80 {
      i += 1
      continue
    }
    var need: Int
    var cp: UInt32
    var minimum: UInt32
    if c & 0xE0 == 0xC0 {
      need = 1
      cp = UInt32(c & 0x1F)
      minimum = 0x80
    } else if c & 0xF0 == 0xE0 {
      need = 2
      cp = UInt32(c & 0x0F)
      minimum = 0x800
    } else if c & 0xF8 == 0xF0 {
      need = 3
      cp = UInt32(c & 0x07)
      minimum = 0x10000
    } else {
      return i
    }
    guard i + need < to else { return i }
    var k = 1
    while k <= need {
      let b = p[i + k]
      guard b & 0xC0 == 0x80 else { return i }
      cp = cp << 6 | UInt32(b & 0x3F)
      k += 1
    }
    if cp < minimum || cp > 0x10FFFF || (0xD800...0xDFFF).contains(cp) { return i }
    i += need + 1
  }
  return nil
}

extension String {
  /// The string without leading and trailing ASCII spaces and tabs.
  func trimmingASCIISpaces() -> String {
    let u = Array(utf8)
    var a = 0
    var b = u.count
    while a < b, u[a] == 32 || u[a] == 9 { a += 1 }
    while b > a, u[b - 1] == 32 || u[b - 1] == 9 { b -= 1 }
    return a == 0 && b == u.count ? self : String(decoding: u[a..<b], as: UTF8.self)
  }
}
