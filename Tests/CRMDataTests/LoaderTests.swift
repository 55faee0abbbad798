import CRMData
import Foundation
import Testing
import _TestSupport

@Suite("Folder loader")
struct LoaderTests {
  @Test func loadsTheSampleFolder() throws {
    let loaded = try loadFolder(Sample.all)
    let f = loaded.folder
    #expect(loaded.warnings.map(\.description) == [])
    #expect(loaded.missingFiles == [])
    #expect(loaded.rowCounts["deals.csv"] == 4)
    #expect(loaded.rowCounts["deal_history.csv"] == 9)
    #expect(f.deals.map(\.id) == ["D1", "D2", "D3", "D4"])
    #expect(f.deals[1].amount == 500.5)
    #expect(f.deals[1].forecastCategory == .bestCase)
    #expect(f.deals[0].type == .new)
    #expect(f.stagesFromFile)
    #expect(f.openStages.map(\.name) == ["Qualify", "Propose", "Negotiate"])
    #expect(f.reps?[0].name == "Åse Øvergård")
    #expect(f.accounts?[0].name == "Acme, Inc.")
    #expect(f.quotas?.map(\.period.label) == ["2025-Q1", "2025-03"])
    #expect(f.leads?[0].createdOn.description == "2025-01-01T08:00:00Z")
    // The export date: A2 (done, 2025-03-21); the planned A3 and expected closes do not count.
    #expect(f.asOf == Day("2025-03-21"))
    #expect(f.historyRows(ofDeal: 1).map(\.stage) == ["Qualify", "Propose", "Negotiate"])
    #expect(f.currentStage(ofDeal: 0) == "Won")
    #expect(f.currentStageIndex(ofDeal: 1) == 2)
  }

  @Test func onlyDealsIsRequiredAndAbsentFilesAreNoted() throws {
    let loaded = try loadFolder(["deals.csv": Sample.deals])
    #expect(loaded.folder.history == nil)
    #expect(loaded.folder.leads == nil)
    #expect(loaded.folder.stages.isEmpty)
    #expect(loaded.missingFiles.count == 8)
    #expect(loaded.missingFiles.contains { $0.hasPrefix("no leads.csv: ") })
    #expect(loaded.folder.asOf == Day("2025-03-20"))
  }

  @Test func historyIsSortedByDealThenTimeStably() throws {
    let history = """
      deal_id,changed_on,stage
      D2,2025-02-01,Propose
      D1,2025-01-20,Propose
      D2,2025-01-10,Qualify
      D1,2025-01-05,Qualify

      """
    var files = Sample.with("deal_history.csv", history)
    files["stages.csv"] = nil
    let f = try loadFolder(files).folder
    #expect(f.history?.map { "\($0.dealID) \($0.stage)" } == [
      "D1 Qualify", "D1 Propose", "D2 Qualify", "D2 Propose",
    ])
    #expect(f.historyRanges == [0..<2, 2..<4, 4..<4, 4..<4])
  }

  @Test func stagesAreInferredFromHistoryWithoutStagesCSV() throws {
    var files = Sample.all
    files["stages.csv"] = nil
    let loaded = try loadFolder(files)
    let stages = loaded.folder.stages
    #expect(!loaded.folder.stagesFromFile)
    #expect(stages.map(\.name) == ["Qualify", "Propose", "Negotiate", "Won", "Lost"])
    #expect(stages.map(\.kind) == [.open, .open, .open, .won, .lost])
    #expect(stages.map(\.order) == [1, 2, 3, 4, 5])
    #expect(loaded.missingFiles == [CRMFolderLoader.missingFileNotes["stages.csv"]!])
  }

  @Test func stageNamesMatchStagesCSVIgnoringCase() throws {
    let history = "deal_id,changed_on,stage\nD1,2025-01-05,qualify\n"
    let f = try loadFolder(Sample.with("deal_history.csv", history)).folder
    #expect(f.history?.first?.stage == "Qualify")
  }

  @Test func parallelAndSequentialLoadsAreIdentical() throws {
    var deals = "deal_id,created_on,owner_id,amount,status,closed_on,segment\n"
    var history = "deal_id,changed_on,stage,amount\n"
    for i in 0..<40_000 {
      let closed = i % 3 == 0
      deals += "D\(i),2024-0\(i % 9 + 1)-1\(i % 10),R\(i % 7),\(i).5,\(closed ? "won" : "open"),"
      deals += closed ? "2025-01-0\(i % 9 + 1)," : ","
      deals += i % 5 == 0 ? "\"Mid, market\"\n" : "SMB\n"
      history += "D\(i),2024-0\(i % 9 + 1)-1\(i % 10),A,\(i)\nD\(i),2024-12-01,B,\n"
    }
    let files = ["deals.csv": deals, "deal_history.csv": history]
    let one = try loadFolder(files, threads: 1).folder
    let four = try loadFolder(files, threads: 4).folder
    #expect(one.deals == four.deals)
    #expect(one.history == four.history)
    #expect(one.stages == four.stages)
    #expect(one.deals.count == 40_000)
  }

  @Test func loadsFromDiskIncludingTheStoredFixture() throws {
    let url = TestSupport.folder(Sample.all)
    defer { try? FileManager.default.removeItem(at: url) }
    #expect(try CRMFolderLoader.load(at: url).folder.deals.count == 4)

    let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Fixtures/crm-small")
    let loaded = try CRMFolderLoader.load(at: fixture)
    #expect(loaded.folder.deals.count == 3)
    #expect(loaded.missingFiles.count == 7)
    #expect(loaded.folder.stages.map(\.name) == ["Discovery", "Demo", "Closed Won", "Closed Lost"])
  }
}
