import CRMData
import Foundation
import PipelineModel
import Simulation

/// One deal as the point-in-time folder shows it, with what the model needs to place it.
struct DealSnapshot: Sendable, Hashable {
  var id: String
  var status: DealStatus
  var closedOn: Day?
  var amount: Double
  var ownerID: String
  var createdOn: Day
  /// Index in the model's stages of the current open stage (nil: closed, or stage unknown).
  var stage: Int?
  /// When the deal entered its current stage.
  var stageEnteredOn: Moment?
  var expectedCloseOn: Day?
  var forecastCategory: ForecastCategory?
  /// Index of the deal in `CRMFolder.deals`.
  var index: Int

  /// Age in stage at the end of `asOf`, the simulator's convention (0 when unknown).
  func ageDays(asOf: Day) -> Double {
    guard let entered = stageEnteredOn else { return 0 }
    return max(0, entered.days(to: Moment(asOf.advanced(by: 1))))
  }

  /// Every deal of `folder`, placed in `model`'s stages by name like `OpenDealInput.openDeals`
  /// (a one-stage model takes every open deal).
  static func all(of folder: CRMFolder, model: FittedPipeline) -> [DealSnapshot] {
    let episodes = StageEpisodes(folder: folder)
    var modelIndex: [String: Int] = [:]
    for (i, s) in model.stages.enumerated() { modelIndex[s.name] = i }
    return folder.deals.enumerated().map { i, deal in
      var stage: Int? = nil
      var entered: Moment? = nil
      if deal.status == .open, let local = episodes.currentStage[i],
        let e = episodes.currentStageEnteredOn[i]
      {
        stage = modelIndex[episodes.stages[local].name] ?? (model.stages.count == 1 ? 0 : nil)
        entered = stage == nil ? nil : e
      }
      return DealSnapshot(
        id: deal.id, status: deal.status, closedOn: deal.closedOn?.day,
        amount: deal.amount.isFinite ? max(0, deal.amount) : 0, ownerID: deal.ownerID,
        createdOn: deal.createdOn.day, stage: stage, stageEnteredOn: entered,
        expectedCloseOn: deal.expectedCloseOn?.day, forecastCategory: deal.forecastCategory,
        index: i)
    }
  }
}

/// The owner's skill and ramp as one loss log-odds shift, exactly as the simulator applies it
/// to an open deal at the point estimates: the rep's `lossLogOddsShift` (0 for an owner the rep
/// model does not know) plus the win-ramp shift of the owner's tenure month at the deal's
/// creation (months of 30.4375 days from the hire date; the last entry holds after).
struct RepShifts {
  let shiftByRep: [String: Double]
  let hiredOn: [String: Day]
  let ramp: [Double]

  init(model: FittedPipeline) {
    var shifts: [String: Double] = [:]
    var hired: [String: Day] = [:]
    for r in model.reps?.reps ?? [] {
      shifts[r.id] = r.lossLogOddsShift.isFinite ? r.lossLogOddsShift : 0
      if let h = r.hiredOn { hired[r.id] = h }
    }
    shiftByRep = shifts
    hiredOn = hired
    let r = model.reps?.winRampLossLogOddsShift ?? []
    ramp = r.isEmpty ? [0] : r
  }

  func shift(owner: String, createdOn: Day) -> Double {
    guard let base = shiftByRep[owner] else { return 0 }
    var ramped = 0.0
    if let hired = hiredOn[owner] {
      let months = max(0, Int(Double(hired.distance(to: createdOn)) / 30.4375))
      ramped = ramp[min(months, ramp.count - 1)]
    }
    return base + (ramped.isFinite ? ramped : 0)
  }
}

extension Period {
  /// The period as day offsets after the end of `asOf` (0 = the day after), clamped at 0.
  func dayOffsets(after asOf: Day) -> Range<Int> {
    let origin = asOf.advanced(by: 1)
    let from = max(0, origin.distance(to: start))
    let to = max(from, origin.distance(to: end))
    return from..<to
  }
}
