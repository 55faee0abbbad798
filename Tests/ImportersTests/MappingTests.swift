import CRMData
import Foundation
import Testing

@testable import Importers

@Suite struct MappingTests {
  static let pipedriveMapping = """
    columns:
      deals:
        owner: "Deal - Organization"
    stages:
      "Negotiations Started": {order: 1}
      Qualified: {order: 2, probability: 0.1}
      "Contact Made": {order: 3, probability: 0.2}
      "Proposal Made": {name: "Contact Made"}
    date_format: dmy
    """

  @Test func overridesColumnsAndStages() throws {
    let mapping = try ImportMapping.parse(Self.pipedriveMapping)
    let (result, loaded) = try importAndLoad(.pipedrive, [Paths.fixture("pipedrive")], mapping: mapping)
    let f = loaded.folder
    #expect(f.deal("101")?.ownerID == "Alpha AS")
    #expect(f.stageNames() == ["Negotiations Started", "Qualified", "Contact Made", "Won", "Lost"])
    #expect(f.stages.first { $0.name == "Contact Made" }?.probability == 0.2)
    #expect(result.report.stages.first { $0.stage == "Contact Made" }?.from == ["Proposal Made"])
    #expect(result.report.stageOrder.hasPrefix("the mapping file"))
    #expect(result.report.columns.contains { $0.column == "Deal - Organization" && $0.target == "deals.csv owner_id" })
  }

  @Test func stageKindOverrideDecidesStatusWithoutIsWon() throws {
    let table = try SourceTable.parse(
      CSVBytes(
        """
        Id,OwnerId,StageName,CloseDate,CreatedDate,Amount,IsWon
        1,r,Signed,2024-03-01,2024-01-01,100,
        2,r,Dead,2024-03-02,2024-01-01,100,
        3,r,Talking,2024-05-01,2024-01-01,100,

        """), name: "opps.csv")
    let mapping = try ImportMapping.parse("stages:\n  Signed: {kind: won}\n  Dead: {kind: lost}\n")
    let result = try Importer.convert(.salesforce, tables: [table], mapping: mapping)
    #expect(result.export.deals.map(\.status) == [.won, .lost, .open])
  }

  @Test(arguments: [
    ("columns: [a, b]\n", "mapping.yaml:1:10: columns must map file roles"),
    ("stages:\n  Won: {kind: closed}\n", "mapping.yaml:2:15: stage 'Won': kind 'closed' is not open, won or lost"),
    ("stages:\n  Won: {probability: 25}\n", "mapping.yaml:2:22: stage 'Won': probability '25' is not between 0 and 1"),
    ("stages:\n  Won: {order: first}\n", "mapping.yaml:2:16: stage 'Won': order 'first' is not an integer"),
    ("colums: {}\n", "mapping.yaml:1:1: unknown key 'colums'"),
    ("date_format: ymd\n", "mapping.yaml:1:14: date_format 'ymd' is not mdy or dmy"),
    ("export_date: 2017-13-01\n", "mapping.yaml:1:14: export_date '2017-13-01' is not a date"),
    ("stages:\n  Won: {kind: won\n", "mapping.yaml:3:1: not valid YAML"),
  ])
  func invalidMappingFiles(yaml: String, expected: String) {
    do {
      _ = try ImportMapping.parse(yaml)
      Issue.record("expected an error for \(yaml)")
    } catch {
      #expect(error.description.hasPrefix(expected), "\(error.description)")
    }
  }

  @Test func unknownRolesFieldsAndColumnsAreErrors() throws {
    let table = try SourceTable.parse(CSVBytes(String(contentsOf: Paths.fixture("pipedrive/deals.csv"), encoding: .utf8)), name: "deals.csv")
    let cases: [(String, String)] = [
      ("columns:\n  opportunities:\n    id: X\n", "mapping.yaml:2: columns.opportunities: pipedrive has no file role"),
      ("columns:\n  deals:\n    colour: X\n", "mapping.yaml:3:5: columns.deals.colour: the Pipedrive deals export has no field 'colour'"),
      ("columns:\n  deals:\n    value: Revenue\n", "mapping.yaml:3:5: columns.deals.value names 'Revenue', which is not a column of deals.csv"),
    ]
    for (yaml, expected) in cases {
      let mapping = try ImportMapping.parse(yaml)
      do {
        _ = try Importer.convert(.pipedrive, tables: [table], mapping: mapping)
        Issue.record("expected an error for \(yaml)")
      } catch {
        guard case .invalidMapping = error else {
          Issue.record("unexpected \(error)")
          continue
        }
        #expect(error.description.hasPrefix(expected), "\(error.description)")
      }
    }
  }
}

@Suite struct ValueParserTests {
  @Test(arguments: [
    ("2024-03-31", DayOrder.monthFirst, "2024-03-31"),
    ("2024-03-31T10:22:33.000Z", .monthFirst, "2024-03-31T10:22:33Z"),
    ("2024-03-31T10:22:33.000+0000", .monthFirst, "2024-03-31T10:22:33Z"),
    ("2024-03-31 10:22", .monthFirst, "2024-03-31T10:22:00Z"),
    ("3/31/2024", .monthFirst, "2024-03-31"),
    ("3/31/2024 4:05 PM", .monthFirst, "2024-03-31T16:05:00Z"),
    ("12/1/2024 12:30 AM", .monthFirst, "2024-12-01T00:30:00Z"),
    ("31/03/2024", .dayFirst, "2024-03-31"),
    ("31.03.2024 16:05", .monthFirst, "2024-03-31T16:05:00Z"),
  ])
  func dates(text: String, order: DayOrder, expected: String) {
    #expect(ValueParser.moment(text, order: order)?.description == expected)
  }

  @Test(arguments: ["31/03/2024", "2024-02-30", "yesterday", "3/31/24", "3/31/2024 13:00 PM"])
  func unreadableDates(text: String) {
    #expect(ValueParser.moment(text, order: .monthFirst) == nil)
  }

  @Test func amounts() {
    #expect(ValueParser.amount("1200") == .value(1200, currency: nil))
    #expect(ValueParser.amount("$1,200.50") == .value(1200.5, currency: "USD"))
    #expect(ValueParser.amount("USD 1,234,567.89") == .value(1_234_567.89, currency: "USD"))
    #expect(ValueParser.amount("1200 EUR") == .value(1200, currency: "EUR"))
    #expect(ValueParser.amount("1.000,50") == .invalid)
    #expect(ValueParser.amount("12,50") == .invalid)
    #expect(ValueParser.amount("-5") == .negative)
  }

  @Test func vendorLabels() {
    #expect(ValueParser.dealType("Existing Customer - Upgrade") == .expansion)
    #expect(ValueParser.dealType("Renewal") == .renewal)
    #expect(ValueParser.dealType("New Business") == .new)
    #expect(ValueParser.forecastCategory("Best Case") == .bestCase)
    #expect(ValueParser.forecastCategory("Forecast") == .commit)
    #expect(ValueParser.forecastCategory("Closed") == nil)
    #expect(ColumnName.normalize("Deal - Won time") == "wontime")
    #expect(ColumnName.normalize("Opportunity ID") == "opportunityid")
  }
}
