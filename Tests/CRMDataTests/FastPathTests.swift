import Testing

@testable import CRMData

/// The loader's fast paths (byte-level matching, interning, the ten-byte date parser) give the
/// same answers as the general code they stand in for.
@Suite("Loader fast paths")
struct FastPathTests {
  static let dates = [
    "2025-01-05", "2024-02-29", "2025-02-29", "2025-13-01", "2025-00-10", "2025-04-31",
    "2025-12-00", "20a5-01-01", "2025/01/01", "2025-1-015", "0000-01-01", "9999-12-31",
    "1969-12-31", "2100-02-29", "2000-02-29",
  ]

  @Test(arguments: dates)
  func tenByteDatesParseLikeTheGeneralParser(_ text: String) {
    let bytes = Array(text.utf8)
    let fast = bytes.withUnsafeBufferPointer { Day.parse(tenBytesAt: $0.baseAddress!) }
    #expect(fast == Day.parse(bytes[...]), "\(text)")
    #expect(bytes.withUnsafeBufferPointer { FieldParser.moment($0) } == Moment(text), "\(text)")
  }

  static let enumTexts = [
    "won", "WON", "Won", "won ", " won", "", "wo", "wonn", "open", "lost", "best_case",
    "Best_Case", "BEST-CASE", "pipeline", "omitted", "commit", "renewal", "Expansion",
  ]

  @Test(arguments: enumTexts)
  func enumMatchersAgreeWithTheFieldParser(_ text: String) {
    let bytes = Array(text.utf8)
    bytes.withUnsafeBufferPointer { b in
      #expect(DealStatus.matcher.match(b) == FieldParser.enumCase(b, of: DealStatus.self))
      #expect(
        ForecastCategory.matcher.match(b) == FieldParser.enumCase(b, of: ForecastCategory.self))
      #expect(DealType.matcher.match(b) == FieldParser.enumCase(b, of: DealType.self))
    }
  }

  @Test func internedTextsEqualTheirBytesPastEveryLimit() {
    let interner = TextInterner()
    let long = String(repeating: "x", count: TextInterner.maximumLength + 1)
    let texts = (0..<(TextInterner.maximumTexts + 50)).map { "R\($0)" } + [long, "Blåbær", "R7"]
    for _ in 0..<2 {
      for text in texts {
        let shared = Array(text.utf8).withUnsafeBufferPointer { interner.text($0) }
        #expect(shared == text)
      }
    }
  }

  @Test func quotedIdsAndStagesWithDoubledQuotesResolveByTheirText() throws {
    let deals = """
      deal_id,created_on,owner_id,amount,status
      "D""1",2025-01-05,"R""1",100,open
      D1,2025-01-06,R1,100,open

      """
    let history = """
      deal_id,changed_on,stage,owner_id
      "D""1",2025-01-05,Qualify,"R""1"
      "D1",2025-01-06,"Qualify",R1
      D1,2025-01-07,"Pro""pose",R1

      """
    var files = Sample.with("deals.csv", deals)
    files["deal_history.csv"] = history
    let error = #expect(throws: CRMDataError.self) { try loadFolder(files) }
    #expect(
      error?.description.contains(
        "deal_history.csv:4:3: stage 'Pro\"pose' is not in stages.csv") == true,
      "\(String(describing: error))")
    files["deal_history.csv"] = history.replacingOccurrences(of: "\"Pro\"\"pose\"", with: "Propose")
    let f = try loadFolder(files).folder
    #expect(f.history?.map(\.dealID) == ["D\"1", "D1", "D1"])
    #expect(f.history?.map { $0.ownerID ?? "-" } == ["R\"1", "R1", "R1"])
    #expect(f.historyRanges.prefix(2) == [0..<1, 1..<3])
    #expect(f.deals.map(\.ownerID).prefix(2) == ["R\"1", "R1"])
  }
}
