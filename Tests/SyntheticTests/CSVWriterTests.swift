import CRMData
import Foundation
import Testing

@Suite struct CSVWriterTests {
  @Test(arguments: [
    ("plain", "plain"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""),
    ("two\nlines", "\"two\nlines\""), ("cr\rhere", "\"cr\rhere\""), ("", ""), ("Ekström", "Ekström"),
  ])
  func quotesOnlyWhenNeeded(input: String, expected: String) throws {
    let w = CSVWriter()
    w.field(input)
    w.field("x")
    try w.endRow()
    #expect(w.text == expected + ",x\n")
  }

  @Test func amountsHaveAtMostTwoDecimalsAndNoTrailingZeros() {
    #expect(CSVWriter.formatAmount(1200) == "1200")
    #expect(CSVWriter.formatAmount(1200.5) == "1200.5")
    #expect(CSVWriter.formatAmount(1200.25) == "1200.25")
    #expect(CSVWriter.formatAmount(0.004) == "0")
    #expect(CSVWriter.formatAmount(19.999) == "20")
    #expect(CSVWriter.formatAmount(0.07) == "0.07")
  }

  @Test func datesMatchDescriptions() throws {
    let w = CSVWriter()
    var expected = ""
    for i in stride(from: -800, to: 40_000, by: 997) {
      let day = Day(index: Int32(i))
      let moment = Moment(secondsSinceEpoch: Int64(i) * 86_400 + Int64(i % 5 == 0 ? 0 : (i * 37) % 86_400))
      w.day(day)
      w.moment(moment)
      try w.endRow()
      expected += "\(day),\(moment)\n"
    }
    #expect(w.text == expected)
  }

  @Test func identifiersAndMissingValues() throws {
    let w = CSVWriter()
    w.identifier(prefix: "D", number: 42, width: 5)
    w.empty()
    w.field(nil as String?)
    w.amount(nil)
    w.integer(-7)
    w.number(0.1)
    try w.endRow()
    #expect(w.text == "D00042,,,,-7,0.1\n")
    #expect(w.rowCount == 1)
  }

  @Test func streamsToFile() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("csvwriter-\(UUID()).csv")
    defer { try? FileManager.default.removeItem(at: url) }
    let w = try CSVWriter(url: url, bufferBytes: 1024)
    try w.row(["id", "value"])
    for i in 0..<10_000 {
      w.integer(i)
      w.amount(Double(i) / 4)
      try w.endRow()
    }
    try w.finish()
    let text = try String(contentsOf: url, encoding: .utf8)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.count == 10_002)
    #expect(lines[1] == "0,0")
    #expect(lines[10_000] == "9999,2499.75")
    #expect(!text.hasPrefix("\u{FEFF}"))
  }
}
