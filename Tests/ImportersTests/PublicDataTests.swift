import CRMData
import Foundation
import Testing

@testable import Importers

/// Imports the two public datasets in `shared/data` (see the SOURCE.md beside each) and checks
/// the headline counts. Skipped, with a message, where the data is absent.
@Suite(
  .enabled(
    if: Paths.sharedData != nil,
    "shared/data not found beside the repository (or in $PIPECAST_SHARED_DATA): public-data tests skipped"))
struct PublicDataTests {
  @Test func mavenCRMKeepsEveryDeal() throws {
    let dir = Paths.sharedData!.appendingPathComponent("maven-crm-sales-opportunities")
    let (result, loaded) = try importAndLoad(.mavenCRM, [dir])
    let f = loaded.folder
    #expect(f.deals.count == 8800)
    #expect(f.count(.won) == 4238)
    #expect(f.count(.lost) == 2473)
    #expect(f.count(.open) == 2089)
    #expect(f.stageNames() == ["Prospecting", "Engaging", "Won", "Lost"])
    #expect(f.asOf == Day("2017-12-31"))
    // Won deals keep close_value (total 10,005,534 per SOURCE.md); lost and open get list prices.
    let wonTotal = f.deals.filter { $0.status == .won }.reduce(0) { $0 + $1.amount }
    #expect(wonTotal == 10_005_534)
    #expect(f.deals.filter { $0.status != .won }.allSatisfy { $0.amount > 0 })
    // GTXPro in the pipeline is GTX Pro (4821) in products.csv.
    #expect(f.deal("KWVA7VR1")?.amount == 4821)
    #expect(result.report.warningCount("deals without any date") == 500)
    #expect(result.report.warningCount("lost deals with close_value 0") == 2473)
    #expect(result.report.inputs.contains { $0.file == "data_dictionary.csv" && $0.role == nil })
    #expect(f.reps?.count == 41)  // 35 agents and 6 managers
    #expect(f.accounts?.count == 85)
    let expectedRows = 500 + 1589 + 2 * (4238 + 2473)
    #expect(f.history?.count == expectedRows)
    #expect(loaded.warnings.isEmpty, "\(loaded.warnings)")
  }

  @Test func olistFunnelLeadsAndWins() throws {
    let dir = Paths.sharedData!.appendingPathComponent("olist-marketing-funnel")
    let (result, loaded) = try importAndLoad(.olistFunnel, [dir])
    let f = loaded.folder
    #expect(f.leads?.count == 8000)
    #expect(f.deals.count == 842)
    #expect(f.count(.won) == 842)
    #expect(f.leads?.filter { $0.dealID != nil }.count == 842)
    #expect(f.leads?.filter { $0.source == "organic_search" }.count == 2296)
    #expect(result.report.warningCount("deals won before their lead's first contact") == 1)
    #expect(result.report.warningCount("leads without origin") == 60)
    #expect(f.deals.filter { $0.amount > 0 }.count == 45)
    #expect(f.deals.allSatisfy { $0.closedOn! >= $0.createdOn })
  }
}
