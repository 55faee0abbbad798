import CRMData
import Testing
@testable import PipelineModel

@Suite struct StageEpisodesTests {
  static func folder(deals: [Deal], history: [DealHistoryRow]?, asOf: String) -> CRMFolder {
    let stages = [
      StageDefinition(name: "Qualify", order: 1), StageDefinition(name: "Propose", order: 2),
      StageDefinition(name: "Won", order: 3, kind: .won), StageDefinition(name: "Lost", order: 4, kind: .lost),
    ]
    var ranges: [Range<Int>] = []
    if let history {
      for deal in deals {
        let idx = history.indices.filter { history[$0].dealID == deal.id }
        ranges.append((idx.first ?? 0)..<((idx.last ?? -1) + 1))
      }
    }
    return CRMFolder(
      deals: deals, history: history, stages: stages, stagesFromFile: true, leads: nil, activities: nil,
      reps: nil, quotas: nil, accounts: nil, costs: nil, asOf: Day(asOf)!, calendar: .standard,
      historyRanges: ranges)
  }

  @Test func cutsHistoryIntoStaysWithCensoring() {
    let d = { (s: String) in Moment(s)! }
    let deals = [
      Deal(id: "A", createdOn: d("2025-01-01"), ownerID: "r", amount: 10, status: .won, closedOn: d("2025-01-21")),
      Deal(id: "B", createdOn: d("2025-01-05"), ownerID: "r", amount: 10, status: .open),
    ]
    let history = [
      DealHistoryRow(dealID: "A", changedOn: d("2025-01-01"), stage: "Qualify"),
      DealHistoryRow(dealID: "A", changedOn: d("2025-01-03"), stage: "Qualify", amount: 12),
      DealHistoryRow(dealID: "A", changedOn: d("2025-01-11"), stage: "Propose"),
      DealHistoryRow(dealID: "A", changedOn: d("2025-01-21"), stage: "Won"),
      DealHistoryRow(dealID: "B", changedOn: d("2025-01-05"), stage: "Qualify"),
    ]
    let e = StageEpisodes(folder: Self.folder(deals: deals, history: history, asOf: "2025-01-31"))
    #expect(e.episodes.count == 3)
    #expect(e.episodes[0] == StageEpisode(dealIndex: 0, stage: 0, enteredOn: d("2025-01-01"), durationDays: 10, exit: .moved(to: 1)))
    #expect(e.episodes[1].exit == .won && e.episodes[1].durationDays == 10)
    // B entered 2025-01-05, censored at the end of 2025-01-31: 27 days.
    #expect(e.episodes[2].exit == .censored && e.episodes[2].durationDays == 27)
    #expect(e.currentStage == [nil, 0])
  }

  @Test func folderWithoutHistoryUsesOnePseudoStage() {
    let d = { (s: String) in Moment(s)! }
    let deals = [Deal(id: "A", createdOn: d("2025-01-01"), ownerID: "r", amount: 1, status: .lost, closedOn: d("2025-01-01"))]
    let e = StageEpisodes(folder: Self.folder(deals: deals, history: nil, asOf: "2025-02-01"))
    #expect(e.isPseudoStage)
    #expect(e.episodes == [StageEpisode(dealIndex: 0, stage: 0, enteredOn: d("2025-01-01"), durationDays: 0.5, exit: .lost)])
  }
}
