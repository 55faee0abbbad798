import CRMData
import Foundation
import Testing
import _TestSupport

@testable import Importers

@Suite struct VendorAdapterTests {
  @Test func salesforceOpportunitiesAndHistory() throws {
    let (result, loaded) = try importAndLoad(.salesforce, [Paths.fixture("salesforce")])
    let f = loaded.folder
    #expect(f.deals.count == 5)
    #expect(counts(f) == [1, 1, 3])
    // CloseDate is the close date once closed, the expected close date while open.
    #expect(f.deal("0065g00000AAA01")?.closedOn == Moment("2024-03-15"))
    #expect(f.deal("0065g00000AAA03")?.expectedCloseOn == Moment("2024-06-30"))
    #expect(f.deal("0065g00000AAA03")?.closedOn == nil)
    #expect(f.deal("0065g00000AAA03")?.type == .expansion)
    #expect(f.deal("0065g00000AAA01")?.type == .renewal)
    #expect(f.deal("0065g00000AAA03")?.forecastCategory == .commit)
    #expect(f.deal("0065g00000AAA01")?.forecastCategory == nil)
    // Kinds from IsClosed/IsWon, order from probability.
    #expect(f.stagesFromFile)
    #expect(f.stageNames() == ["Qualification", "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost"])
    #expect(f.kind("Closed Won") == .won)
    #expect(f.kind("Closed Lost") == .lost)
    #expect(f.stages.first { $0.name == "Proposal/Price Quote" }?.probability == 0.75)
    #expect(f.history?.count == 11)
    // The orphan history row is dropped and reported; the lost deal without Amount is warned.
    #expect(result.report.dropped.first?.count == 1)
    #expect(result.report.dropped.first?.firstLine == 13)
    #expect(result.report.warningCount("lost deals without Amount") == 1)
    #expect(result.report.columns.contains { $0.column == "Name" && $0.target == nil })
  }

  @Test func dynamicsStatecodeAndStageHistory() throws {
    let (result, loaded) = try importAndLoad(.dynamics365, [Paths.fixture("dynamics365")])
    let f = loaded.folder
    #expect(counts(f) == [1, 1, 2])
    #expect(f.deal("6f1a0d2e-0001")?.amount == 27500)  // actual revenue when won
    #expect(f.deal("6f1a0d2e-0002")?.amount == 14000)  // estimated when lost
    #expect(f.deal("6f1a0d2e-0003")?.expectedCloseOn == Moment("2024-08-31"))
    #expect(f.stageNames() == ["1-Qualify", "2-Develop", "3-Propose", "Won", "Lost"])
    #expect(f.kind("3-Propose") == .open)
    // A closing row is added at actualclosedate.
    let rows = f.history!.filter { $0.dealID == "6f1a0d2e-0001" }
    #expect(rows.map(\.stage) == ["1-Qualify", "2-Develop", "3-Propose", "Won"])
    #expect(result.report.warningCount("deals without stage history") == 1)
  }

  @Test func hubspotDateEnteredColumnsBecomeHistory() throws {
    let (result, loaded) = try importAndLoad(.hubspot, [Paths.fixture("hubspot")])
    let f = loaded.folder
    #expect(counts(f) == [1, 1, 2])
    #expect(f.deal("9001")?.amount == 18000)  // "$18,000.00"
    #expect(f.deal("9002")?.type == .expansion)
    #expect(f.deal("9004")?.ownerID == "unassigned")
    #expect(f.stageNames() == ["Appointment Scheduled", "Qualified To Buy", "Presentation Scheduled", "Closed Won", "Closed Lost"])
    #expect(f.history!.filter { $0.dealID == "9001" }.map(\.stage)
      == ["Appointment Scheduled", "Qualified To Buy", "Presentation Scheduled", "Closed Won"])
    #expect(result.report.columns.contains { $0.column.hasPrefix("Date exited") && $0.target?.hasPrefix("not read") == true })
  }

  @Test func pipedriveStatusTimesAndDeletedRows() throws {
    let (result, loaded) = try importAndLoad(.pipedrive, [Paths.fixture("pipedrive")])
    let f = loaded.folder
    #expect(f.deals.count == 5)
    #expect(counts(f) == [1, 1, 3])
    #expect(f.deal("101")?.closedOn == Moment("2024-03-01T10:00:00"))
    #expect(f.deal("103")?.expectedCloseOn == Moment("2024-05-31"))
    #expect(result.report.dropped == [.init(file: "deals.csv", reason: "deleted deal", count: 1, firstLine: 7)])
    #expect(f.stageNames() == ["Qualified", "Contact Made", "Proposal Made", "Negotiations Started", "Won", "Lost"])
    #expect(result.report.inputs == [.init(file: "deals.csv", role: "Pipedrive deals export", rowsIn: 6, rowsUsed: 5, note: nil)])
  }

  @Test func malformedExportNamesFileLineAndColumn() throws {
    do {
      _ = try Importer.convert(.salesforce, files: [Paths.fixture("broken")])
      Issue.record("expected an error")
    } catch {
      guard case .invalidExport(let d) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      let text = d.map(\.description)
      #expect(text.contains { $0.hasPrefix("Opportunity.csv:3:8: CloseDate '2024-31-12' is not a date") })
      #expect(text.contains { $0.hasPrefix("Opportunity.csv:4:6: Amount '1.000,50' is not an amount") })
    }
  }

  @Test func badCSVQuotingIsReportedWithLine() throws {
    let bytes = CSVBytes("Id,StageName,IsWon\n1,\"Closed Won,true\n")
    #expect(throws: ImporterError.self) { try SourceTable.parse(bytes, name: "Opportunity.csv") }
    do {
      _ = try SourceTable.parse(bytes, name: "Opportunity.csv")
    } catch {
      #expect(error.description.hasPrefix("Opportunity.csv:2:2: a quoted field is never closed"))
    }
  }

  @Test func missingRequiredColumnSaysWhatToDo() throws {
    let table = try SourceTable.parse(
      CSVBytes("Id,OwnerId,StageName,IsWon,CreatedDate\n1,r,Closed Won,true,2024-01-01\n"), name: "Opportunity.csv")
    do {
      _ = try Importer.convert(.salesforce, tables: [table])
      Issue.record("expected an error")
    } catch {
      #expect(error.description.contains("Opportunity.csv:1: the Salesforce Opportunity export has no column for close_date"))
      #expect(error.description.contains("columns.deals.close_date"))
    }
  }

  @Test func missingFileIsNamed() throws {
    do {
      _ = try Importer.convert(.olistFunnel, files: [Paths.fixture("pipedrive")])
      Issue.record("expected an error")
    } catch {
      guard case .missingFile = error else {
        Issue.record("unexpected \(error)")
        return
      }
    }
  }

  @Test func anInvalidFolderIsNeverWritten() throws {
    var export = CanonicalExport()
    export.deals = [Deal(id: "D1", createdOn: Moment("2024-02-01")!, ownerID: "r", amount: 1, status: .won, closedOn: Moment("2024-01-01"))]
    let result = ImportResult(export: export, report: ImportReport(source: "test", exportDate: Day(index: 0)))
    let dir = TestSupport.temporaryDirectory()
    let out = dir.appendingPathComponent("crm")
    #expect(throws: ImporterError.self) { try Importer.write(result, to: out) }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
  }
}
