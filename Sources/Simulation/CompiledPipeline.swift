import CRMData
import Foundation
import PipelineModel
import Statistics

/// One deal open at as-of, as the simulation needs it.
public struct OpenDealInput: Sendable, Hashable {
  public var id: String
  /// Index of the deal's current stage in `FittedPipeline.stages`.
  public var stage: Int
  /// Days already spent in the current stage at the end of the as-of day (≥ 0).
  public var ageDays: Double
  public var amount: Double
  public var ownerID: String?
  public var source: String?
  public var segment: String?
  public var createdOn: Day?

  public init(
    id: String, stage: Int, ageDays: Double, amount: Double, ownerID: String? = nil,
    source: String? = nil, segment: String? = nil, createdOn: Day? = nil
  ) {
    self.id = id
    self.stage = stage
    self.ageDays = ageDays
    self.amount = amount
    self.ownerID = ownerID
    self.source = source
    self.segment = segment
    self.createdOn = createdOn
  }

  /// The open deals of `folder` at its as-of date, placed in `model`'s stages by name.
  ///
  /// Age in stage is measured from the entry into the current stage (deal history) to the end of
  /// the as-of day, the same convention as the censored stays the model was fitted on. Deals whose
  /// stage the model does not know are left out and counted in `skipped`.
  public static func openDeals(
    of folder: CRMFolder, model: FittedPipeline
  ) -> (deals: [OpenDealInput], skipped: Int) {
    let episodes = StageEpisodes(folder: folder)
    var modelIndex: [String: Int] = [:]
    for (i, s) in model.stages.enumerated() { modelIndex[s.name] = i }
    let asOfEnd = Moment(folder.asOf.advanced(by: 1))
    var result: [OpenDealInput] = []
    var skipped = 0
    for (i, deal) in folder.deals.enumerated() where deal.status == .open {
      guard let local = episodes.currentStage[i], let entered = episodes.currentStageEnteredOn[i],
        let stage = modelIndex[episodes.stages[local].name]
          ?? (model.stages.count == 1 ? 0 : nil)
      else {
        skipped += 1
        continue
      }
      result.append(
        OpenDealInput(
          id: deal.id, stage: stage, ageDays: max(0, entered.days(to: asOfEnd)),
          amount: max(0, deal.amount), ownerID: deal.ownerID, source: deal.source,
          segment: deal.segment, createdOn: deal.createdOn.day))
    }
    return (result, skipped)
  }
}

/// A deal open at as-of, packed for the trial loop (one sequential read per deal per trial).
struct DealRecord {
  var stage: Int32
  var rep: Int32
  var group: Int32
  var ageDays: Double
  /// log(ageDays), precomputed (the conditional draws work on the log scale).
  var logAge: Double
  var amount: Double
  /// Ramp shift of the loss log-odds at the deal's creation (the rep's own shift is per block).
  var rampShift: Double
  /// The segment's stay-length factor k (1 without `model.newDeals`): stays are k × the fitted
  /// ones, so the age is read as age / k on the fitted scale.
  var timeScale: Double = 1
}

/// Layout of one stage's row in the flat stage table (`ParameterSet.stageTable`).
///
/// Families: 0 exponential (p1 = mean, p2 = log mean); 1 lognormal (p1 = mu, p2 = sigma,
/// p3 = 1/sigma);
/// 2 gamma (p1 = shape, p2 = scale); 3 weibull (p1 = scale, p2 = 1/shape, p3 = shape,
/// p4 = log scale); 4 piecewise exponential (p1 = offset of its intervals in the side table that
/// follows the `n × stride` rows in the same buffer, `PiecewiseStay`). Then π (the share of
/// fresh stays that never end: the mixture's and a stopping hazard's), the median, the loss
/// curve c₀ c₁ c₂, the number of non-lost exits, the advance lever, and (cumulative share,
/// target) pairs with target −1 for won.
enum StageRow {
  static let family = 0
  static let p1 = 1
  static let p2 = 2
  static let p3 = 3
  static let p4 = 4
  static let neverEnding = 5
  static let median = 6
  static let c0 = 7
  static let c1 = 8
  static let c2 = 9
  static let exitCount = 10
  static let advanceAdd = 11
  static let exits = 12
  static func stride(stages n: Int) -> Int { exits + 2 * (n + 1) }
}

/// A rep as the new-deal generator needs it.
struct RepRecord {
  var group: Int32
  var teamGroup: Int32
  var tenureMonthsAtAsOf: Int?
  var outboundPerWeek: Double
  var active: Bool
  var handlesLeads: Bool
}

/// The fitted model and the open pipeline compiled into flat arrays, with the horizon's day →
/// period table. Built once per run; read-only while trials run.
struct CompiledPipeline: Sendable {
  let model: FittedPipeline
  let stageCount: Int
  let asOf: Day
  /// Days from the end of the as-of day to the end of the last period.
  let horizonDays: Double
  /// Day offset (0 = the day after as-of) → period index, −1 before the first period.
  let periodOfDay: [Int32]
  let periods: [Period]
  let deals: [DealRecord]
  let dealIDs: [String]
  let groupNames: [String]
  let groupBy: GroupDimension?
  /// Model reps; the extra last slot is "no rep" (shift 0).
  let reps: [RepRecord]
  let rampShift: [Double]
  let creationRamp: [Double]
  /// Group index of each source's new deals, in `model.leadFunnel.sources` order.
  let leadSourceGroup: [Int32]
  /// Index in the qualification source effects (−1 = reference level).
  let leadSourceEffect: [Int]
  let segmentGroup: [Int32]
  /// Group of each simulated outbound deal: one of `outboundSourceGroups` (never empty) drawn
  /// with the cumulative shares `outboundSourceCumulative` (last entry 2); drawn only when there
  /// are several (`--by source` and outbound deals of several sources).
  let outboundSourceGroups: [Int32]
  let outboundSourceCumulative: [Double]
  /// Without an account model (no accounts.csv, or no customer in it): expansion and renewal
  /// deals at a flat weekly rate, their deals over the weeks of `model.newDeals`' recent window
  /// (`deals` is that count, for the rate's uncertainty); 0 with an account model.
  let flatExpansionPerWeek: (rate: Double, deals: Double)
  let flatRenewalPerWeek: (rate: Double, deals: Double)
  let expansionGroup: Int32
  let renewalGroup: Int32
  let noneGroup: Int32
  /// Multiplier of new deals' drawn amounts (won deals are larger than closed deals on average).
  /// Used only without `model.newDeals` (whose amounts are fitted on won deals already).
  let wonToAllRatio: Double
  /// With `model.newDeals`: per origin (lead, outbound, expansion, renewal), the cumulative
  /// entry-stage shares over the model's stages (last entry 2); empty = the first stage.
  let originEntry: [[Double]]
  /// Stay-length factor of each `model.dealSize.bySegment` segment (1 without `newDeals`).
  let segmentTimeFactor: [Double]
  /// Scheduled renewal openings: days after the end of as-of (day d after as-of → d − 1), and
  /// the share of due anniversaries that open. Empty: renewals at the flat rate.
  let renewalOpenDays: [Double]
  let renewalOpenShare: Double
  /// For each of `renewalOpenDays`, log of the customer's contract when the renewal is priced
  /// from it (the model has a contract ratio and the customer a contract), else NaN (the
  /// renewal origin's amounts).
  let renewalLogContract: [Double]
  /// For each of `renewalOpenDays`, the customer's segment (index into
  /// `model.dealSize.bySegment`), −1 when unknown or not priced from a contract.
  let renewalSegment: [Int]
  let notes: [String]

  init(
    model: FittedPipeline, openDeals: [OpenDealInput], asOf: Day, options: SimulationOptions
  ) throws(SimulationError) {
    guard !options.periods.isEmpty else { throw .noPeriods }
    for (a, b) in zip(options.periods, options.periods.dropFirst()) where a.end != b.start {
      throw .periodsNotConsecutive(after: a.label)
    }
    guard options.trials >= 1 else { throw .invalidTrials(options.trials) }
    guard options.threads >= 1 else { throw .invalidThreads(options.threads) }
    guard !model.stages.isEmpty else { throw .noStages }
    let n = model.stages.count
    for s in model.stages {
      if s.moveShares.count != n {
        throw .malformedStage(name: s.name, reason: "move_shares has \(s.moveShares.count) entries, expected \(n)")
      }
      if s.lossGivenTime.coefficients.count > 3 {
        throw .malformedStage(name: s.name, reason: "loss curve has more than 3 coefficients")
      }
    }
    self.model = model
    self.stageCount = n
    self.asOf = asOf
    self.periods = options.periods
    self.groupBy = options.groupBy
    let origin = asOf.advanced(by: 1)
    let last = options.periods.last!
    let horizon = origin.distance(to: last.end)
    guard horizon > 0 else { throw .horizonBeforeAsOf(lastPeriod: last.label, asOf: asOf.description) }
    horizonDays = Double(horizon)
    var table = [Int32](repeating: -1, count: horizon)
    for (p, period) in options.periods.enumerated() {
      let from = max(0, origin.distance(to: period.start))
      let to = min(horizon, origin.distance(to: period.end))
      if from < to { for d in from..<to { table[d] = Int32(p) } }
    }
    periodOfDay = table

    var notes: [String] = []
    let fittedReps = model.reps?.reps ?? []
    var repIndex: [String: Int] = [:]
    for (i, r) in fittedReps.enumerated() { repIndex[r.id] = i }
    let anyAE = fittedReps.contains { $0.active && $0.role == "ae" }

    // Group labels: every value the open deals or the new deals can take, sorted.
    func ownerTeam(_ owner: String?) -> String? {
      owner.flatMap { repIndex[$0] }.flatMap { fittedReps[$0].team }
    }
    func label(_ deal: OpenDealInput) -> String {
      switch options.groupBy {
      case .owner: return deal.ownerID ?? "(none)"
      case .team: return ownerTeam(deal.ownerID) ?? "(none)"
      case .source: return deal.source ?? "(none)"
      case .segment: return deal.segment ?? "(none)"
      case nil: return "(all)"
      }
    }
    let segments = model.dealSize.bySegment
    let sources = model.leadFunnel?.sources ?? []
    let outboundSourceShares = model.newDeals?.origin("outbound")?.sourceShares ?? []
    var labels: Set<String> = ["(none)"]
    for d in openDeals { labels.insert(label(d)) }
    if options.scope == .all {
      switch options.groupBy {
      case .owner: for r in fittedReps where r.active { labels.insert(r.id) }
      case .team: for r in fittedReps where r.active { labels.insert(r.team ?? "(none)") }
      case .source:
        labels.formUnion(sources.map(\.source) + ["outbound", "expansion", "renewal"])
        labels.formUnion(outboundSourceShares.map(\.source))
      case .segment: labels.formUnion(segments.map(\.key))
      case nil: break
      }
    }
    if options.groupBy == nil { labels = ["(all)"] }
    let names = labels.sorted()
    var groupIndex: [String: Int32] = [:]
    for (i, name) in names.enumerated() { groupIndex[name] = Int32(i) }
    groupNames = names
    let none = groupIndex["(none)"] ?? 0
    noneGroup = none
    func group(_ name: String?) -> Int32 { name.flatMap { groupIndex[$0] } ?? none }

    let ramp = model.reps?.winRampLossLogOddsShift ?? []
    rampShift = ramp.isEmpty ? [0] : ramp
    creationRamp = (model.reps?.creationRamp ?? []).isEmpty ? [1] : model.reps!.creationRamp

    reps = fittedReps.map { r in
      let ownerGroup = options.groupBy == .owner ? group(r.id) : none
      let teamGroup = options.groupBy == .team ? group(r.team ?? "(none)") : none
      return RepRecord(
        group: ownerGroup, teamGroup: teamGroup, tenureMonthsAtAsOf: r.tenureMonths,
        outboundPerWeek: max(0, r.outboundDealsPerWeek), active: r.active,
        handlesLeads: r.active && (!anyAE || r.role == "ae"))
    } + [RepRecord(group: none, teamGroup: none, tenureMonthsAtAsOf: nil, outboundPerWeek: 0, active: false, handlesLeads: false)]

    var records: [DealRecord] = []
    records.reserveCapacity(openDeals.count)
    var unknownOwners = 0
    for d in openDeals {
      precondition(d.stage >= 0 && d.stage < n, "open deal \(d.id): stage index out of range")
      let r = d.ownerID.flatMap { repIndex[$0] }
      if r == nil && !fittedReps.isEmpty { unknownOwners += 1 }
      var shift = 0.0
      if let r, let hired = fittedReps[r].hiredOn, let created = d.createdOn {
        let months = max(0, Int(Double(hired.distance(to: created)) / 30.4375))
        shift = rampShift[min(months, rampShift.count - 1)]
      }
      var k = model.newDeals?.timeFactor(segment: d.segment) ?? 1
      if !(k.isFinite && k > 0) { k = 1 }
      let age = max(0, d.ageDays.isFinite ? d.ageDays : 0) / k
      records.append(
        DealRecord(
          stage: Int32(d.stage), rep: Int32(r ?? fittedReps.count), group: group(label(d)),
          ageDays: age, logAge: age > 0 ? log(age) : -.infinity,
          amount: d.amount.isFinite ? max(0, d.amount) : 0, rampShift: shift, timeScale: k))
    }
    if unknownOwners > 0 {
      notes.append("\(unknownOwners) open deals have an owner the rep model does not know: no rep skill shift applied.")
    }
    deals = records
    dealIDs = openDeals.map(\.id)

    leadSourceGroup = sources.map { options.groupBy == .source ? group($0.source) : none }
    let qualificationSources = model.leadFunnel?.qualificationSources ?? []
    leadSourceEffect = sources.map { s in
      guard let i = qualificationSources.firstIndex(of: s.source), i > 0 else { return -1 }
      return i - 1
    }
    segmentGroup = segments.map { options.groupBy == .segment ? group($0.key) : none }
    let outboundSources: [(source: String, share: Double)] = options.groupBy != .source ? []
      : outboundSourceShares.isEmpty ? [("outbound", 1)] : outboundSourceShares.map { ($0.source, $0.share) }
    let outboundTotal = outboundSources.reduce(0) { $0 + max(0, $1.share) }
    var outboundCumulative = 0.0
    outboundSourceGroups = outboundSources.isEmpty ? [none] : outboundSources.map { group($0.source) }
    outboundSourceCumulative = outboundSources.isEmpty ? [2] : outboundSources.enumerated().map { (i, s) in
      outboundCumulative += max(0, s.share) / outboundTotal
      return i == outboundSources.count - 1 ? 2 : outboundCumulative
    }
    expansionGroup = options.groupBy == .source ? group("expansion") : none
    renewalGroup = options.groupBy == .source ? group("renewal") : none
    let ratio = model.dealSize.wonToAllRatio
    wonToAllRatio = ratio.isFinite && ratio > 0 ? ratio : 1
    if let nd = model.newDeals {
      originEntry = NewDealModel.originNames.map { name in
        guard let o = nd.origin(name), o.entryStageShares.count == n else { return [] }
        let total = o.entryStageShares.reduce(0) { $0 + max(0, $1) }
        guard total > 0, total.isFinite else { return [] }
        var cumulative = 0.0
        return o.entryStageShares.enumerated().map { (i, x) in
          cumulative += max(0, x) / total
          return i == n - 1 ? 2 : cumulative
        }
      }
      segmentTimeFactor = segments.map { g in
        let f = nd.timeFactor(segment: g.key)
        return f.isFinite && f > 0 ? f : 1
      }
      if let schedule = nd.renewalSchedule, schedule.openShare > 0 {
        let contracts = schedule.contractRatio == nil ? nil : schedule.upcomingContracts
        let kept = schedule.upcomingOpenDays.indices.filter {
          let day = Double(schedule.upcomingOpenDays[$0] - 1)
          return day >= 0 && day < Double(horizon)
        }
        renewalOpenDays = kept.map { Double(schedule.upcomingOpenDays[$0] - 1) }
        renewalLogContract = kept.map { i in
          guard let contracts, i < contracts.count, contracts[i] > 0 else { return .nan }
          return log(contracts[i])
        }
        let segmentIndex = Dictionary(segments.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { a, _ in a })
        renewalSegment = kept.map { i in
          guard contracts != nil, let names = schedule.upcomingSegments, i < names.count else { return -1 }
          return segmentIndex[names[i]] ?? -1
        }
        renewalOpenShare = min(1, schedule.openShare)
      } else {
        renewalOpenDays = []
        renewalLogContract = []
        renewalSegment = []
        renewalOpenShare = 0
      }
    } else {
      originEntry = []
      segmentTimeFactor = segments.map { _ in 1 }
      renewalOpenDays = []
      renewalLogContract = []
      renewalSegment = []
      renewalOpenShare = 0
    }

    func flatRate(_ origin: String) -> (rate: Double, deals: Double) {
      guard model.accounts == nil, let nd = model.newDeals, let o = nd.origin(origin), o.recentDeals > 0
      else { return (0, 0) }
      let weeks = nd.recentWindowWeeks ?? 52
      return weeks > 0 ? (Double(o.recentDeals) / weeks, Double(o.recentDeals)) : (0, 0)
    }
    flatExpansionPerWeek = flatRate("expansion")
    flatRenewalPerWeek = flatRate("renewal")
    if options.scope == .all {
      if model.leadFunnel == nil {
        notes.append(
          "No lead funnel model (no leads.csv): every new deal is simulated as its owner's own pipeline, at each rep's recent rate.")
      }
      if model.reps == nil {
        notes.append("No rep model: outbound deals from reps not simulated.")
      } else {
        let active = fittedReps.filter(\.active).count
        notes.append(
          "Staffing held at the \(active) reps active at as-of: no hires or departures after it (a what-if scenario adds them).")
      }
      if model.accounts?.derivedFromDeals == true {
        notes.append(
          "No accounts.csv: customers read from deals' account_id (since their first won deal); no churn is recorded there, so none is simulated.")
      }
      if model.accounts == nil {
        if flatExpansionPerWeek.rate + flatRenewalPerWeek.rate > 0 {
          let e = Int(flatExpansionPerWeek.deals), r = Int(flatRenewalPerWeek.deals)
          notes.append(
            "No account model: expansion and renewal deals created at their recent flat rates (\(e) and \(r) in the last \(Int((model.newDeals?.recentWindowWeeks ?? 52).rounded())) weeks), without churn or anniversaries.")
        } else {
          notes.append("No account model: expansion and renewal deals not simulated.")
        }
      }
    }
    if options.parameterUncertainty {
      notes.append(
        "Parameter uncertainty: model parameters drawn from their sampling distributions once per \(options.trialsPerParameterDraw) trials.")
    } else {
      notes.append("Parameter uncertainty off: intervals reflect only the randomness of outcomes.")
    }
    self.notes = notes
  }
}
