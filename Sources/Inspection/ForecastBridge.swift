import CRMData
import Foundation
import PipelineModel

/// One line of the forecast waterfall. The raw values are the JSON `category` keys.
public enum BridgeCategory: String, Codable, CaseIterable, Sendable {
  case won
  case lost
  case slipped
  case pulledIn = "pulled_in"
  case timePassing = "time_passing"
  case stageMoves = "stage_moves"
  case amountChanges = "amount_changes"
  case ownerChanges = "owner_changes"
  case newDeals = "new_deals"
  case modelRefit = "model_refit"

  /// The line's printed label.
  public var label: String {
    switch self {
    case .won: return "won"
    case .lost: return "lost"
    case .slipped: return "slipped out of the period"
    case .pulledIn: return "pulled into the period"
    case .timePassing: return "time passing"
    case .stageMoves: return "stage moves"
    case .amountChanges: return "amount changes"
    case .ownerChanges: return "owner changes"
    case .newDeals: return "new deals"
    case .modelRefit: return "model refit"
    }
  }
}

/// A deal behind a bridge line.
public struct BridgeMover: Codable, Sendable, Equatable {
  public var dealID: String
  /// This deal's change of the period's expected bookings in this step.
  public var change: Double
  /// What happened, in plain words ("Proposal → Negotiation", "lost on 2026-01-12").
  public var detail: String

  enum CodingKeys: String, CodingKey {
    case dealID = "deal_id"
    case change, detail
  }
}

/// One step of the waterfall: how many deals it touched, the change, and the top movers.
public struct BridgeStep: Codable, Sendable, Equatable {
  public var category: BridgeCategory
  public var label: String
  public var count: Int
  public var change: Double
  /// The deals with the largest absolute change, largest first (ties by id).
  public var movers: [BridgeMover]
}

/// Expected bookings of the period at one date: already booked plus the open pipeline.
public struct BridgeEnd: Codable, Sendable, Equatable {
  public var asOf: Day
  public var booked: Double
  public var openPipeline: Double
  public var openDeals: Int
  public var expected: Double

  enum CodingKeys: String, CodingKey {
    case asOf = "as_of"
    case booked
    case openPipeline = "open_pipeline"
    case openDeals = "open_deals"
    case expected
  }
}

/// What `pipecast bridge` reports: the waterfall from `start` to `end`. The steps' changes sum
/// to `end.expected − start.expected` (up to floating-point rounding, ~10⁻⁹ of the total).
public struct BridgeReport: Codable, Sendable, Equatable {
  public var period: Period
  public var start: BridgeEnd
  public var end: BridgeEnd
  public var change: Double
  public var steps: [BridgeStep]
  public var notes: [String]
}

/// How the period's expected bookings moved between two point-in-time dates, attributed
/// sequentially (docs/INSPECTION.md, "Bridge").
///
/// Expected bookings at a date X under a model M = the period's wins already booked by X +
/// Σ over deals open at X of amount × P(won within the rest of the period | stage, age, owner)
/// (`WinTiming`, deterministic). Deals not yet created are not counted (they are no deal's
/// doing; the forecast's `from_new_deals` covers them).
///
/// Attribution: start from (old model, every deal as at `from`) and apply the changes one
/// category at a time, in `BridgeCategory.allCases` order, re-evaluating the changed deals;
/// each step's change is the difference it makes given the steps before it, so interactions
/// go to the later step and the parts sum exactly to the total. Each deal open at `from` is
/// first assigned to one whole-deal category, taking all its changes (in this precedence):
/// won (within the period), lost, slipped (won outside the period, still open after the
/// period ended, or its CRM close date pushed from inside the period to after it), pulled in
/// (its CRM close date moved into the period). The other deals open at both dates get their
/// changes component by component: time passing (a week older in the same stage, a week less
/// of the period left), stage moves (new stage or re-entry, and its age), amount changes, owner
/// changes. Then the deals created after `from` (new deals) and last the switch from the old
/// model to the refitted one for every deal (model refit).
public enum ForecastBridge {
  /// Fits the model at both dates (each on its own point-in-time view) and bridges them.
  /// - Parameter folder: the whole export; `from` < `to` ≤ its as-of.
  public static func compute(
    folder: CRMFolder, from: Day, to: Day, period: Period,
    fitter: PipelineFitter = PipelineFitter(),
    top: Int = 5
  ) throws -> BridgeReport {
    guard from < to else { throw InspectionError.datesOutOfOrder(from: from, to: to) }
    guard to <= folder.asOf else {
      throw InspectionError.dateAfterExport(date: to, export: folder.asOf)
    }
    let before = folder.asOf(from)
    let after = folder.asOf(to)
    let modelBefore = try fitter.fit(folder: before)
    let modelAfter = try fitter.fit(folder: after)
    return try compute(
      before: before, modelBefore: modelBefore, after: after, modelAfter: modelAfter,
      period: period, top: top)
  }

  /// Bridges two point-in-time views with the given models (the core, for hand-made models).
  public static func compute(
    before: CRMFolder, modelBefore: FittedPipeline, after: CRMFolder, modelAfter: FittedPipeline,
    period: Period, top: Int = 5
  ) throws(InspectionError) -> BridgeReport {
    guard before.asOf < after.asOf else {
      throw .datesOutOfOrder(from: before.asOf, to: after.asOf)
    }
    guard !modelBefore.stages.isEmpty, !modelAfter.stages.isEmpty else { throw .noStages }
    let horizon = max(1, period.dayOffsets(after: before.asOf).upperBound)
    var contexts = [
      Context(model: modelBefore, horizon: horizon), Context(model: modelAfter, horizon: horizon),
    ]
    let oldStates = DealSnapshot.all(of: before, model: modelBefore).map {
      BridgeState($0, asOf: before.asOf, model: modelBefore)
    }
    let newStates = DealSnapshot.all(of: after, model: modelAfter).map {
      BridgeState($0, asOf: after.asOf, model: modelAfter)
    }
    var newIndex: [String: Int] = [:]
    for (i, s) in newStates.enumerated() { newIndex[s.id] = i }

    // The running state: one entry per deal known at `to`, nil until the deal exists.
    var current: [BridgeState?] = newStates.map { _ in nil }
    var values = [Double](repeating: 0, count: newStates.count)
    var modelSlot = 0
    for s in oldStates {
      guard let j = newIndex[s.id] else { continue }  // deals never disappear; defensive
      current[j] = s
      values[j] = contexts[modelSlot].value(s, period: period)
    }
    let startEnd = Self.end(
      current.compactMap { $0 }, asOf: before.asOf, context: &contexts[0], period: period)

    // Whole-deal categories for deals open at `from`.
    var category = [BridgeCategory?](repeating: nil, count: newStates.count)
    var detail = [String](repeating: "", count: newStates.count)
    for (j, new) in newStates.enumerated() {
      guard let old = current[j] else {
        category[j] = .newDeals
        detail[j] = "created \(new.createdOn), " + Self.describe(new)
        continue
      }
      guard old.status == .open else { continue }
      let (c, d) = Self.classify(old: old, new: new, period: period)
      category[j] = c
      detail[j] = d
    }

    var steps: [BridgeStep] = []
    func step(_ c: BridgeCategory, _ apply: (Int) -> (BridgeState, String)?) {
      var movers: [BridgeMover] = []
      var total = 0.0
      var count = 0
      for j in newStates.indices {
        guard let (state, text) = apply(j) else { continue }
        let value = contexts[modelSlot].value(state, period: period)
        let delta = value - values[j]
        current[j] = state
        values[j] = value
        total += delta
        count += 1
        movers.append(BridgeMover(dealID: state.id, change: delta, detail: text))
      }
      movers.sort {
        abs($0.change) != abs($1.change) ? abs($0.change) > abs($1.change) : $0.dealID < $1.dealID
      }
      steps.append(
        BridgeStep(
          category: c, label: c.label, count: count, change: total,
          movers: Array(movers.prefix(max(0, top)))))
    }
    for c in [BridgeCategory.won, .lost, .slipped, .pulledIn] {
      step(c) { j in category[j] == c ? (newStates[j], detail[j]) : nil }
    }
    step(.timePassing) { j in
      guard category[j] == nil, var s = current[j], s.status == .open else { return nil }
      let ageBefore = s.ageDays
      s.asOf = after.asOf
      return (
        s,
        "\(s.stageName ?? "(no stage)"), \(Self.days(ageBefore)) → \(Self.days(s.ageDays)) days in stage"
      )
    }
    step(.stageMoves) { j in
      guard category[j] == nil, var s = current[j], s.status == .open else { return nil }
      let n = newStates[j]
      guard s.stageName != n.stageName || s.stageEnteredOn != n.stageEnteredOn else { return nil }
      let text =
        s.stageName == n.stageName
        ? "re-entered \(n.stageName ?? "(no stage)") on \(n.stageEnteredOn?.day.description ?? "?")"
        : "\(s.stageName ?? "(no stage)") → \(n.stageName ?? "(no stage)")"
      s.stageName = n.stageName
      s.stageEnteredOn = n.stageEnteredOn
      return (s, text)
    }
    step(.amountChanges) { j in
      guard category[j] == nil, var s = current[j], s.status == .open else { return nil }
      let n = newStates[j]
      guard s.amount != n.amount else { return nil }
      let text = "\(Self.money(s.amount)) → \(Self.money(n.amount))"
      s.amount = n.amount
      return (s, text)
    }
    step(.ownerChanges) { j in
      guard category[j] == nil, var s = current[j], s.status == .open else { return nil }
      let n = newStates[j]
      guard s.ownerID != n.ownerID else { return nil }
      let text = "\(s.ownerID) → \(n.ownerID)"
      s.ownerID = n.ownerID
      return (s, text)
    }
    step(.newDeals) { j in category[j] == .newDeals ? (newStates[j], detail[j]) : nil }
    // Every deal is now in its `to` state (checked in debug builds); switch the model.
    assert(
      newStates.indices.allSatisfy { j in current[j]?.sameValueState(as: newStates[j]) ?? false })
    modelSlot = 1
    step(.modelRefit) { j in
      let s = newStates[j]
      guard s.status == .open, s.stageName != nil else { return nil }
      return (s, s.stageName!)
    }
    let endEnd = Self.end(newStates, asOf: after.asOf, context: &contexts[1], period: period)

    var notes = [
      "expected bookings = won in \(period.label) by the date + Σ amount × P(won in the rest of "
        + "\(period.label) | stage, age, owner) over open deals; deals not yet created are not counted.",
      "attribution is sequential in the order of the lines; each line's change is given the lines "
        + "above it (interactions go to the later line), so the lines sum to the total.",
    ]
    let unplaced = newStates.filter { $0.status == .open && $0.stageName == nil }.count
    if unplaced > 0 {
      notes.append("\(unplaced) open deals at \(after.asOf) have no known stage: valued 0.")
    }
    return BridgeReport(
      period: period, start: startEnd, end: endEnd, change: endEnd.expected - startEnd.expected,
      steps: steps, notes: notes)
  }

  static func classify(old: BridgeState, new: BridgeState, period: Period) -> (
    BridgeCategory?, String
  ) {
    func date(_ d: Day?) -> String { d?.description ?? "none" }
    switch new.status {
    case .won:
      if let closed = new.closedOn, period.contains(closed) {
        return (.won, "won on \(closed) for \(money(new.amount)) (was \(old.stageName ?? "?"))")
      }
      return (.slipped, "won on \(date(new.closedOn)), outside \(period.label)")
    case .lost:
      return (.lost, "lost on \(date(new.closedOn)) (was \(old.stageName ?? "?"))")
    case .open:
      if period.dayOffsets(after: new.asOf).isEmpty {
        return (.slipped, "still open when \(period.label) ended")
      }
      let wasIn = old.expectedCloseOn.map(period.contains) ?? false
      let isIn = new.expectedCloseOn.map(period.contains) ?? false
      if wasIn, let d = new.expectedCloseOn, d >= period.end {
        return (.slipped, "CRM close date \(date(old.expectedCloseOn)) → \(d)")
      }
      if !wasIn && isIn {
        return (
          .pulledIn, "CRM close date \(date(old.expectedCloseOn)) → \(date(new.expectedCloseOn))"
        )
      }
      return (nil, "")
    }
  }

  static func end(_ states: [BridgeState], asOf: Day, context: inout Context, period: Period)
    -> BridgeEnd
  {
    var booked = 0.0
    var open = 0.0
    var count = 0
    for s in states {
      switch s.status {
      case .won: booked += context.value(s, period: period)
      case .lost: break
      case .open:
        count += 1
        open += context.value(s, period: period)
      }
    }
    return BridgeEnd(
      asOf: asOf, booked: booked, openPipeline: open, openDeals: count, expected: booked + open)
  }

  static func describe(_ s: BridgeState) -> String {
    switch s.status {
    case .won: return "won on \(s.closedOn?.description ?? "?") for \(money(s.amount))"
    case .lost: return "lost on \(s.closedOn?.description ?? "?")"
    case .open: return "\(s.stageName ?? "(no stage)"), \(money(s.amount))"
    }
  }

  static func money(_ x: Double) -> String { String(Int64(x.rounded())) }
  static func days(_ x: Double) -> String { String(format: "%.0f", x) }

  /// A model with its win timing and rep shifts.
  struct Context {
    var timing: WinTiming
    let shifts: RepShifts
    let stageIndex: [String: Int]

    init(model: FittedPipeline, horizon: Int) {
      timing = WinTiming(model: model, horizonDays: horizon)
      shifts = RepShifts(model: model)
      var index: [String: Int] = [:]
      for (i, s) in model.stages.enumerated() { index[s.name] = i }
      stageIndex = index
    }

    /// The deal's contribution to the period's expected bookings.
    mutating func value(_ s: BridgeState, period: Period) -> Double {
      switch s.status {
      case .won: return s.closedOn.map(period.contains) == true ? s.amount : 0
      case .lost: return 0
      case .open:
        guard let name = s.stageName,
          let stage = stageIndex[name] ?? (timing.model.stages.count == 1 ? 0 : nil)
        else { return 0 }
        let window = period.dayOffsets(after: s.asOf)
        guard !window.isEmpty else { return 0 }
        let p = DealPosition(
          stage: stage, ageDays: s.ageDays,
          lossLogOddsShift: shifts.shift(owner: s.ownerID, createdOn: s.createdOn))
        return s.amount * timing.probabilityOfWin(p, inDays: window)
      }
    }
  }
}

/// A deal's state as the bridge values it; `asOf` is the date its age and the period's
/// remaining window are measured at.
struct BridgeState: Sendable, Hashable {
  var id: String
  var asOf: Day
  var status: DealStatus
  var closedOn: Day?
  var amount: Double
  var ownerID: String
  var createdOn: Day
  var stageName: String?
  var stageEnteredOn: Moment?
  var expectedCloseOn: Day?

  init(_ s: DealSnapshot, asOf: Day, model: FittedPipeline) {
    id = s.id
    self.asOf = asOf
    status = s.status
    closedOn = s.closedOn
    amount = s.amount
    ownerID = s.ownerID
    createdOn = s.createdOn
    stageName = s.stage.map { model.stages[$0].name }
    stageEnteredOn = s.stageEnteredOn
    expectedCloseOn = s.expectedCloseOn
  }

  var ageDays: Double {
    guard let entered = stageEnteredOn else { return 0 }
    return max(0, entered.days(to: Moment(asOf.advanced(by: 1))))
  }

  /// Equal in everything the value depends on.
  func sameValueState(as other: BridgeState) -> Bool {
    guard status == other.status, amount == other.amount else { return false }
    switch status {
    case .won: return closedOn == other.closedOn
    case .lost: return true
    case .open:
      return asOf == other.asOf && ownerID == other.ownerID && stageName == other.stageName
        && stageEnteredOn == other.stageEnteredOn
    }
  }
}
