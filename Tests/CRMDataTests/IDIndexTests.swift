import Testing

@testable import CRMData

@Suite("Id index")
struct IDIndexTests {
  @Test func findsFirstIndicesAndReportsDuplicates() {
    var ids = (0..<5_000).map { i in i % 3 == 0 ? "a-rather-long-deal-identifier-\(i)" : "D\(i)" }
    ids += ["Blåbær", "D7", "", "Blåbær"]
    var duplicates: [(Int, Int)] = []
    let index = IDIndex(ids, duplicates: &duplicates)
    #expect(duplicates.map { "\($0.0)>\($0.1)" } == ["5001>7", "5003>5000"])
    for (i, id) in ids.enumerated().prefix(5_000) { #expect(index.index(of: id) == Int32(i)) }
    #expect(index.index(of: "") == 5002)
    #expect(index.index(of: "D5000") == nil)
    #expect(index.index(of: "d7") == nil)
  }
}
