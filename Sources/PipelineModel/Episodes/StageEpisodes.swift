import CRMData

/// One stay of a deal in an open stage: when it entered, how long it stayed, and how it left.
///
/// A stay that is still going on at as-of is *censored*: we know only that it lasted at least
/// `durationDays`. It is never counted as a loss.
public struct StageEpisode: Sendable, Hashable {
  /// How a stay in a stage ended.
  public enum Exit: Sendable, Hashable {
    /// Moved to another open stage (forward, skipping, or backwards), by its pipeline index.
    case moved(to: Int)
    case won
    case lost
    /// Still in the stage at as-of.
    case censored
  }

  /// Index of the deal in `CRMFolder.deals`.
  public var dealIndex: Int
  /// Index of the stage in the pipeline order (`StageEpisodes.stages`).
  public var stage: Int
  public var enteredOn: Moment
  /// Days from entry to exit, or to the end of the as-of day when censored; same-day exits
  /// count as `StageEpisodes.sameDayDuration`.
  public var durationDays: Double
  public var exit: Exit
}

/// Every deal's path through the open stages, cut into stays, read from deal history.
///
/// Rules (docs/METHODS.md, "Stage episodes"):
/// - a stage *entry* is a deal's first history row or a row whose stage differs from the previous
///   row's; other rows are updates within the stage;
/// - rows whose stage is a won or lost stage mark the close, whose date is read from deals.csv;
/// - a closed deal's last open stay ends at `closed_on` with exit won or lost;
/// - an open deal's last stay is censored at the end of the as-of day;
/// - a folder without deal_history.csv has one pseudo-stage, "Pipeline", entered on created_on;
///   deals without history rows in a folder that has history are left out of the stage fits and
///   counted in `dealsWithoutHistory`.
public struct StageEpisodes: Sendable {
  /// The open stages in pipeline order.
  public let stages: [StageDefinition]
  public let episodes: [StageEpisode]
  /// Open stage index of each deal at as-of (nil when closed or without history).
  public let currentStage: [Int?]
  /// When the deal entered its current stage (nil when closed or without history).
  public let currentStageEnteredOn: [Moment?]
  public let dealsWithoutHistory: Int
  /// True when the pipeline is the single pseudo-stage of a folder without history.
  public let isPseudoStage: Bool

  /// Same-day exits are given half a day, so that log-scale duration models stay finite.
  public static let sameDayDuration = 0.5

  /// The pseudo-stage used when a folder has no stage history.
  public static let pseudoStageName = "Pipeline"

  public init(folder: CRMFolder) {
    let asOfEnd = Moment(folder.asOf.advanced(by: 1))
    var stages = folder.openStages
    let pseudo = folder.history == nil || stages.isEmpty
    if pseudo { stages = [StageDefinition(name: Self.pseudoStageName, order: 0)] }
    var stageIndex: [String: Int] = [:]
    for (i, s) in stages.enumerated() { stageIndex[s.name] = i }
    var closingStages: Set<String> = []
    for s in folder.stages where s.kind != .open { closingStages.insert(s.name) }

    var episodes: [StageEpisode] = []
    episodes.reserveCapacity(folder.deals.count * 3)
    var current = [Int?](repeating: nil, count: folder.deals.count)
    var currentEntered = [Moment?](repeating: nil, count: folder.deals.count)
    var withoutHistory = 0

    func duration(_ from: Moment, _ to: Moment) -> Double {
      let d = from.days(to: to)
      return d <= 0 ? Self.sameDayDuration : d
    }

    for (dealIndex, deal) in folder.deals.enumerated() {
      let finalExit: StageEpisode.Exit
      let finalMoment: Moment
      switch deal.status {
      case .open:
        finalExit = .censored
        finalMoment = asOfEnd
      case .won:
        finalExit = .won
        finalMoment = deal.closedOn ?? asOfEnd
      case .lost:
        finalExit = .lost
        finalMoment = deal.closedOn ?? asOfEnd
      }
      if pseudo {
        episodes.append(
          StageEpisode(
            dealIndex: dealIndex, stage: 0, enteredOn: deal.createdOn,
            durationDays: duration(deal.createdOn, finalMoment), exit: finalExit))
        if deal.status == .open {
          current[dealIndex] = 0
          currentEntered[dealIndex] = deal.createdOn
        }
        continue
      }
      let rows = folder.historyRows(ofDeal: dealIndex)
      var stay: (stage: Int, entered: Moment)? = nil
      var sawOpenRow = false
      for row in rows {
        if closingStages.contains(row.stage) { break }
        guard let s = stageIndex[row.stage] else { continue }
        sawOpenRow = true
        if let open = stay {
          if open.stage == s { continue }
          episodes.append(
            StageEpisode(
              dealIndex: dealIndex, stage: open.stage, enteredOn: open.entered,
              durationDays: duration(open.entered, row.changedOn), exit: .moved(to: s)))
        }
        stay = (s, row.changedOn)
      }
      guard sawOpenRow, let last = stay else {
        withoutHistory += 1
        continue
      }
      let end = max(finalMoment, last.entered)
      episodes.append(
        StageEpisode(
          dealIndex: dealIndex, stage: last.stage, enteredOn: last.entered,
          durationDays: duration(last.entered, end), exit: finalExit))
      if deal.status == .open {
        current[dealIndex] = last.stage
        currentEntered[dealIndex] = last.entered
      }
    }
    self.stages = stages
    self.episodes = episodes
    self.currentStage = current
    self.currentStageEnteredOn = currentEntered
    self.dealsWithoutHistory = withoutHistory
    self.isPseudoStage = pseudo
  }

  /// The stays in stage `index`.
  public func episodes(inStage index: Int) -> [StageEpisode] {
    episodes.filter { $0.stage == index }
  }
}
