import CRMData
import Foundation

/// Fits `NewDealModel`: per origin (lead, outbound, expansion, renewal) the entry-stage mix and
/// the won-amount lognormals by segment; segment stay-length factors; the renewal schedule.
///
/// - Entry stage: the stage of each deal's first stay in `StageEpisodes` (its first history row),
///   counted over all deals of the origin, mapped to the model's stages by name.
/// - Won amounts: log final amount of won deals of the origin, by segment, partially pooled
///   toward the origin's overall fit (normal–normal empirical Bayes, as `DealSizeFitting`).
/// - Segment speed: for completed stays, r = log(duration) − mean log(duration) of the stage;
///   a segment's factor is exp(n/(n + 50) · mean r) over its n stays.
/// - Renewal schedule: the signed offset of each renewal deal's creation from the nearest
///   anniversary (year ≥ 1) of its account's `became_customer_on`; when ≥ 3 renewals and ≥ 70%
///   of them lie within ±14 days of the median, renewals are scheduled: lead days = −median,
///   open share = renewals created in the last 52 weeks / anniversaries due to open in that
///   window for customers still active then, and the open days of the next anniversaries of the
///   customers active at as-of.
/// - Pending leads: qualified leads without a deal or disqualification at as-of, qualified in the
///   last 90 days (the simulation turns each into a deal with the conversion probability given
///   that none came yet, after the rest of the lag).
enum NewDealFitting {
  static let speedPseudoStays = 50.0
  static let alignmentDays = 14.0
  static let pendingLeadWindowDays = 90.0
  static let scheduleHorizonDays = NewDealModel.renewalScheduleSpanDays

  static func fit(
    folder: CRMFolder, origins dealOrigins: DealOrigins, episodes: StageEpisodes, stageNames: [String]
  ) -> NewDealModel {
    var notes: [String] = []
    let asOfEnd = Moment(folder.asOf.advanced(by: 1))
    let recentStart = Moment(folder.asOf.advanced(by: -363))
    var modelStage: [Int: Int] = [:]
    for (i, s) in episodes.stages.enumerated() {
      if let j = stageNames.firstIndex(of: s.name) { modelStage[i] = j }
    }
    if stageNames.count == 1 && modelStage.isEmpty { modelStage[0] = 0 }

    // First stay of each deal.
    var entry = [Int?](repeating: nil, count: folder.deals.count)
    var entryMoment = [Moment?](repeating: nil, count: folder.deals.count)
    for e in episodes.episodes {
      if let m = entryMoment[e.dealIndex], m <= e.enteredOn { continue }
      entryMoment[e.dealIndex] = e.enteredOn
      entry[e.dealIndex] = modelStage[e.stage]
    }

    // Segment speeds from completed stays.
    var sums = [Double](repeating: 0, count: episodes.stages.count)
    var counts = [Double](repeating: 0, count: episodes.stages.count)
    for e in episodes.episodes where e.exit != .censored && e.durationDays > 0 {
      sums[e.stage] += log(e.durationDays)
      counts[e.stage] += 1
    }
    var residual: [String: (sum: Double, n: Int)] = [:]
    var totalResidual = 0.0
    var totalStays = 0
    for e in episodes.episodes where e.exit != .censored && e.durationDays > 0 {
      guard let segment = folder.deals[e.dealIndex].segment else { continue }
      let r = log(e.durationDays) - sums[e.stage] / counts[e.stage]
      residual[segment, default: (0, 0)].sum += r
      residual[segment, default: (0, 0)].n += 1
      totalResidual += r
      totalStays += 1
    }
    // Relative to the stays with a segment (so the factors average to 1 over them).
    let centre = totalStays > 0 ? totalResidual / Double(totalStays) : 0
    let speeds = residual.keys.sorted().map { key -> NewDealModel.SegmentSpeed in
      let g = residual[key]!
      let n = Double(g.n)
      let logFactor = n / (n + speedPseudoStays) * (g.sum / n - centre)
      return NewDealModel.SegmentSpeed(
        segment: key, timeFactor: logFactor.isFinite ? exp(logFactor) : 1, stays: g.n)
    }

    // Origins.
    var origins: [NewDealModel.Origin] = []
    for name in NewDealModel.originNames {
      var deals = 0
      var recent = 0
      var entryCounts = [Double](repeating: 0, count: stageNames.count)
      var closed = 0
      var won = 0
      var all = DealSizeFitting.Accumulator()
      var bySegment: [String: DealSizeFitting.Accumulator] = [:]
      var sources: [String: (all: Int, recent: Int)] = [:]
      for (i, deal) in folder.deals.enumerated() where dealOrigins.name(i) == name {
        deals += 1
        let isRecentDeal = deal.createdOn >= recentStart
        if isRecentDeal { recent += 1 }
        sources[deal.source ?? "outbound", default: (0, 0)].all += 1
        if isRecentDeal { sources[deal.source ?? "outbound", default: (0, 0)].recent += 1 }
        if let s = entry[i], s < entryCounts.count { entryCounts[s] += 1 }
        if deal.status != .open { closed += 1 }
        guard deal.status == .won, deal.amount > 0 else { continue }
        won += 1
        let y = log(deal.amount)
        let isRecent = (deal.closedOn ?? asOfEnd) >= recentStart
        all.add(y, recent: isRecent)
        bySegment[deal.segment ?? "(none)", default: .init()].add(y, recent: isRecent)
      }
      guard deals > 0 else { continue }
      let entered = entryCounts.reduce(0, +)
      var shares = entryCounts.map { entered > 0 ? $0 / entered : 0 }
      if entered == 0 {
        shares = stageNames.indices.map { $0 == 0 ? 1 : 0 }
        notes.append("\(name) deals: no history rows, entry stage taken as the first stage")
      }
      var overall: DealSizeModel.Group
      var segments: [DealSizeModel.Group] = []
      if all.n >= 2 {
        overall = DealSizeFitting.group(
          key: "all", mu: all.mean, sigma: all.variance.squareRoot(), count: all.n, share: 1)
        if bySegment.count > 1 || bySegment.keys.first != "(none)" {
          segments = pooled(bySegment.filter { $0.key != "(none)" }, overall: all)
        }
      } else {
        // Too few wins: fall back to the origin's own amounts, all statuses.
        var any = DealSizeFitting.Accumulator()
        for (i, deal) in folder.deals.enumerated() where dealOrigins.name(i) == name && deal.amount > 0 {
          any.add(log(deal.amount), recent: true)
        }
        overall = DealSizeFitting.group(
          key: "all", mu: any.mean, sigma: any.variance.squareRoot(), count: any.n, share: 1)
        notes.append("\(name) deals: fewer than 2 wins, amounts from all \(name) deals")
      }
      var sourceShares: [NewDealModel.SourceShare]?
      if name == "outbound" {
        let total = Double(recent > 0 ? recent : deals)
        sourceShares = sources.keys.sorted().compactMap { source in
          let n = Double(recent > 0 ? sources[source]!.recent : sources[source]!.all)
          return n > 0 ? NewDealModel.SourceShare(source: source, share: n / total) : nil
        }
      }
      origins.append(
        NewDealModel.Origin(
          origin: name, recentDeals: recent, deals: deals, entryStageShares: shares,
          wonAmount: overall, wonAmountBySegment: segments,
          closedWinRate: closed > 0 ? Double(won) / Double(closed) : 0, sourceShares: sourceShares))
    }

    let (schedule, scheduleNotes) = renewalSchedule(folder: folder)
    notes += scheduleNotes
    var pending: [NewDealModel.PendingLead] = []
    for lead in folder.leads ?? [] where lead.dealID == nil && lead.disqualifiedOn == nil {
      guard let q = lead.qualifiedOn, q < asOfEnd else { continue }
      let age = max(0, q.days(to: asOfEnd))
      if age <= pendingLeadWindowDays { pending.append(.init(source: lead.source, ageDays: age)) }
    }
    pending.sort { ($0.source, $0.ageDays) < ($1.source, $1.ageDays) }
    let firstCreated = folder.deals.lazy.map(\.createdOn).min() ?? recentStart
    let windowWeeks = max(max(recentStart, firstCreated).days(to: asOfEnd), 1) / 7
    return NewDealModel(
      origins: origins, renewalSchedule: schedule, segmentSpeeds: speeds, pendingLeads: pending,
      recentWindowWeeks: windowWeeks, notes: notes)
  }

  /// Groups partially pooled toward `overall` (see `DealSizeFitting`); `share` from `recent`.
  static func pooled(
    _ groups: [String: DealSizeFitting.Accumulator], overall: DealSizeFitting.Accumulator
  ) -> [DealSizeModel.Group] {
    let keys = groups.keys.sorted()
    guard !keys.isEmpty else { return [] }
    var withinNumerator = 0.0
    var withinDegrees = 0.0
    for k in keys {
      let g = groups[k]!
      if g.n > 1 {
        withinNumerator += g.variance * Double(g.n - 1)
        withinDegrees += Double(g.n - 1)
      }
    }
    let within = withinDegrees > 0 ? withinNumerator / withinDegrees : overall.variance
    let means = keys.map { groups[$0]!.mean }
    let grand = means.reduce(0, +) / Double(means.count)
    var tau2 = 1e-4
    if keys.count > 1 {
      let spread = means.map { ($0 - grand) * ($0 - grand) }.reduce(0, +) / Double(keys.count - 1)
      let sampling = keys.map { within / Double(max(groups[$0]!.n, 1)) }.reduce(0, +) / Double(keys.count)
      tau2 = max(spread - sampling, 1e-4)
    }
    let recentTotal = groups.values.reduce(0) { $0 + $1.recent }
    let total = groups.values.reduce(0) { $0 + $1.n }
    return keys.map { key in
      let g = groups[key]!
      let samplingVariance = within / Double(max(g.n, 1))
      let b = samplingVariance / (samplingVariance + tau2)
      let mu = b * overall.mean + (1 - b) * g.mean
      let sigma2 =
        (Double(max(g.n - 1, 0)) * g.variance + DealSizeFitting.sigmaPriorDegrees * within)
        / (Double(max(g.n - 1, 0)) + DealSizeFitting.sigmaPriorDegrees)
      let share = recentTotal > 0
        ? Double(g.recent) / Double(recentTotal) : Double(g.n) / Double(max(total, 1))
      return DealSizeFitting.group(key: key, mu: mu, sigma: sigma2.squareRoot(), count: g.n, share: share)
    }
  }

  /// The anniversary day of `start` in year k (k ≥ 1), 365.25-day years.
  static func anniversary(_ start: Day, year k: Int) -> Day {
    start.advanced(by: Int((365.25 * Double(k)).rounded()))
  }

  static func renewalSchedule(folder: CRMFolder) -> (NewDealModel.RenewalSchedule?, [String]) {
    guard let accounts = folder.accounts else { return (nil, []) }
    var became: [String: Day] = [:]
    var churned: [String: Day] = [:]
    for a in accounts {
      if let b = a.becameCustomerOn { became[a.id] = b.day }
      if let c = a.churnedOn { churned[a.id] = c.day }
    }
    var offsets: [Double] = []
    for deal in folder.deals where deal.type == .renewal {
      guard let account = deal.accountID, let b = became[account] else { continue }
      let created = deal.createdOn.day
      let years = Double(b.distance(to: created)) / 365.25
      let k = max(1, Int(years.rounded()))
      offsets.append(Double(anniversary(b, year: k).distance(to: created)))
    }
    guard offsets.count >= 3, let median = Dense.median(offsets) else {
      return (nil, offsets.isEmpty ? [] : ["renewals: fewer than 3 renewal deals with a customer date; flat renewal rate"])
    }
    // Random offsets fall within ±14 days of a point of the year 8% of the time: three of three,
    // or 70% of many, aligned is not chance.
    let aligned = Double(offsets.filter { abs($0 - median) <= alignmentDays }.count) / Double(offsets.count)
    guard aligned >= 0.7 else {
      return (nil, [
        "renewals: only \(Int((aligned * 100).rounded()))% open within ±\(Int(alignmentDays)) days of the same point of the customer year; flat renewal rate"
      ])
    }
    let offset = Int(median.rounded())
    let asOf = folder.asOf
    let windowStart = asOf.advanced(by: -363)
    var due = 0
    var upcoming: [(day: Int, account: String)] = []
    for (id, b) in became {
      var k = 1
      while true {
        let open = anniversary(b, year: k).advanced(by: offset)
        if open > asOf.advanced(by: scheduleHorizonDays) { break }
        defer { k += 1 }
        if open < windowStart || open <= b { continue }
        let churnDay = churned[id]
        if let c = churnDay, c <= open { break }
        if open <= asOf {
          due += 1
        } else if churnDay == nil {
          upcoming.append((asOf.distance(to: open), id))
        }
      }
    }
    var renewals = 0
    for deal in folder.deals where deal.type == .renewal && deal.createdOn.day >= windowStart {
      renewals += 1
    }
    let contracts = Contracts(folder: folder)
    var accountSegment: [String: String] = [:]
    for a in accounts { if let s = a.segment { accountSegment[a.id] = s } }
    let ordered = upcoming.map { u in
      (day: u.day, contract: contracts.value(of: u.account),
       segment: accountSegment[u.account] ?? contracts.segment(of: u.account) ?? "")
    }.sorted { ($0.day, $0.contract, $0.segment) < ($1.day, $1.contract, $1.segment) }
    guard due > 0 else {
      return (nil, ["renewals: no customer anniversary due in the last year; flat renewal rate"])
    }
    let share = min(1, Double(renewals) / Double(due))
    return (
      NewDealModel.RenewalSchedule(
        leadDays: -median, alignedShare: aligned, openShare: share, renewals: renewals,
        anniversaries: due, upcomingOpenDays: ordered.map(\.day), upcomingContracts: ordered.map(\.contract),
        upcomingSegments: ordered.map(\.segment),
        contractRatio: contracts.renewalRatio()),
      []
    )
  }
}
