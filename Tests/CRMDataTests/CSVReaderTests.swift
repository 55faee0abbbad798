import CRMData
import Testing

@Suite("CSV reader")
struct CSVReaderTests {
  @Test func quotedFieldsCommasDoubledQuotesAndNewlines() {
    let text = "a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\"\n2,\"two\nlines\",z\n3,,\n"
    let r = readAll(text)
    #expect(r.diagnostics == [])
    #expect(r.rows == [["1", "x, y", "say \"hi\""], ["2", "two\nlines", "z"], ["3", "", ""]])
    #expect(r.lines == [2, 3, 5])
  }

  @Test func bomCRLFAndNonASCII() {
    let text = "\u{FEFF}Name , ID\r\nÅse Øvergård,1\r\n\"Jürgen, Bäck\",2\r\n"
    let r = readAll(text)
    #expect(r.diagnostics == [])
    #expect(r.columns == ["Name", "ID"])
    #expect(r.rows == [["Åse Øvergård", "1"], ["Jürgen, Bäck", "2"]])
  }

  @Test func headerMatchedCaseInsensitivelyAndBlankLinesSkipped() {
    let reader = CSVReader(file: "t.csv", bytes: CSVBytes("Deal_ID,AMOUNT\n\nD1,5\n\n"))
    #expect(reader.column(named: "deal_id") == 0)
    #expect(reader.column(named: "amount") == 1)
    #expect(reader.column(named: "status") == nil)
    #expect(readAll("Deal_ID,AMOUNT\n\nD1,5\n\n").rows == [["D1", "5"]])
    #expect(readAll("a,b\n1,2").rows == [["1", "2"]])  // no final newline
  }

  static let structuralErrors: [(String, String, String)] = [
    ("unterminated quote", "a,b\n1,2\n3,\"open\nstill\n",
     "t.csv:3:2: a quoted field is never closed; add the closing quote, and double any quote inside the field"),
    ("ragged row", "a,b\n1,2\n1,2,3\n",
     "t.csv:3: the row has 3 fields but the header has 2; quote fields that contain commas; every row needs one value per column"),
    ("text after closing quote", "a,b\n\"x\"y,2\n",
     "t.csv:2:1: text after the closing quote of a quoted field; quote the whole field and double any quote inside it"),
    ("quote in unquoted field", "a,b\n1,x\"y\n",
     "t.csv:2:2: a quote inside an unquoted field; enclose the field in quotes and double the quote (\"\")"),
    ("NUL byte", "a,b\n1,x\u{0}\n",
     "t.csv:2:2: NUL byte in the file; remove it; is this really a CSV text file?"),
    ("empty file", "", "t.csv:1: the file is empty; expected a header row naming the columns"),
    ("duplicate column", "id,Amount,AMOUNT\n",
     "t.csv:1:3: column 'AMOUNT' appears twice (also column 2); remove or rename one of them"),
  ]

  @Test(arguments: structuralErrors)
  func structuralError(name: String, text: String, expected: String) {
    #expect(readAll(text).diagnostics.contains(expected), "\(name): \(readAll(text).diagnostics)")
  }

  @Test func invalidUTF8ReportsItsLine() {
    var bytes = Array("a,b\n1,\"x\ny\"\n2,".utf8)
    bytes += [0xC3, 0x28, 10]
    let reader = CSVReader(file: "t.csv", bytes: CSVBytes(bytes))
    var sink = DiagnosticSink(maxErrors: 10)
    reader.forEachRecord(sink: &sink) { _ in }
    #expect(sink.errors.map(\.description) == ["t.csv:4: the text is not valid UTF-8; save the file as UTF-8"])
  }

  @Test func rowsAfterAnErrorAreStillRead() {
    let r = readAll("a,b\n1\n2,3\n")
    #expect(r.rows == [["2", "3"]])
    #expect(r.diagnostics.count == 1)
  }

  @Test func chunksSplitOnlyAtRecordBoundaries() {
    // Quoted newlines and commas everywhere; chunked reading must equal sequential reading.
    var text = "id,note,n\n"
    for i in 0..<60_000 {
      text += i % 3 == 0 ? "\(i),\"multi\nline, \"\"q\"\"\",\(i)\n" : "\(i),plain,\(i)\n"
    }
    let reader = CSVReader(file: "t.csv", bytes: CSVBytes(text))
    let sequential = readAll(text)
    for n in [2, 3, 7] {
      let chunks = reader.chunks(n)
      #expect(chunks.count > 1)
      var rows: [[String]] = []
      var lines: [Int] = []
      var sink = DiagnosticSink(maxErrors: 10)
      for c in chunks {
        reader.forEachRecord(in: c, sink: &sink) { r in
          rows.append((0..<r.count).map { r.string($0) })
          lines.append(r.line)
        }
      }
      #expect(sink.errors.isEmpty)
      #expect(rows == sequential.rows)
      #expect(lines == sequential.lines)
    }
  }
}

@Suite("Field parsers")
struct FieldParserTests {
  static let amounts: [(String, FieldParser.AmountParse)] = [
    ("12", .value(12)), ("12.50", .value(12.5)), ("0.1", .value(0.1)), (".5", .value(0.5)),
    ("-0", .value(0)), ("-0.00", .value(0)), ("123456789012345678901", .value(123456789012345678901)),
    ("1,000", .invalid), ("1e400", .invalid), ("1e3", .invalid), ("NaN", .invalid),
    ("inf", .invalid), ("", .invalid), ("-5", .negative), ("1.2.3", .invalid), ("-", .invalid),
    (" 12", .invalid),
  ]

  @Test(arguments: amounts)
  func amount(text: String, expected: FieldParser.AmountParse) {
    let bytes = Array(text.utf8)
    let parsed = bytes.withUnsafeBufferPointer { FieldParser.amount($0) }
    #expect(parsed == expected, "\(text)")
  }

  @Test func enumsIgnoreCase() {
    let parse = { (t: String) -> ForecastCategory? in
      Array(t.utf8).withUnsafeBufferPointer { FieldParser.enumCase($0, of: ForecastCategory.self) }
    }
    #expect(parse("Best_Case") == .bestCase)
    #expect(parse("COMMIT") == .commit)
    #expect(parse("maybe") == nil)
  }

  @Test func datesAndPeriods() {
    let m = Array("2025-01-01T09:00:00+01:00".utf8).withUnsafeBufferPointer { FieldParser.moment($0) }
    #expect(m?.description == "2025-01-01T08:00:00Z")
    let p = Array("2025-q2".utf8).withUnsafeBufferPointer {
      FieldParser.period($0, calendar: .standard)
    }
    #expect(p?.label == "2025-Q2")
  }
}
