import CRMData
import Foundation
import Statistics

/// Generates a sample CRM world with known truth.
///
/// Every entity draws from its own random stream, derived from `(seed, kind, entity key)`: a lead
/// from (source, day, number that day), an outbound deal from (rep, day, number), a stage visit
/// from (deal, visit number). There is no global sequence, so the same seed with and without a
/// lever gives worlds that differ only through the lever (common random numbers), and durations
/// are drawn by inversion (one uniform each) so a scaled cycle stays aligned draw for draw.
///
/// The generation order: reps (hiring plan, attrition, skill) → leads day by day (negative-binomial
/// counts, assignment to SDRs) → weekly loads → contact, response time, qualification → deals from
/// leads and outbound deals by AEs → each deal's path through the stages (competing exits, slips,
/// amount changes, owner hand-overs when reps leave) → customers (churn, expansions, renewals) →
/// activities, quotas and costs.
public enum SampleWorld {
  /// Generates the world's full timeline through `configuration.horizonEnd`.
  /// - Throws: `SyntheticError` when the configuration is inconsistent.
  /// - Complexity: linear in the number of leads, deals and history rows (about a second per
  ///   100k deals in a release build).
  public static func generate(configuration: WorldConfiguration = WorldConfiguration(), seed: UInt64)
    throws -> GeneratedWorld
  {
    try validate(configuration)
    var builder = WorldBuilder(configuration: configuration, seed: seed)
    builder.run()
    return GeneratedWorld(builder: builder)
  }

  /// Generates and writes the folder (as of `configuration.asOf`) in one call: the path the CLI's
  /// `pipecast generate --scale` uses. Records are kept compact in memory (about 400 MB at scale
  /// 100) and streamed to the files.
  public static func write(configuration: WorldConfiguration, seed: UInt64, to url: URL) throws {
    try generate(configuration: configuration, seed: seed).write(to: url)
  }

  static func validate(_ c: WorldConfiguration) throws {
    guard !c.teams.isEmpty else { throw SyntheticError.invalidConfiguration("no teams") }
    guard c.stages.count >= 2 else { throw SyntheticError.invalidConfiguration("fewer than 2 stages") }
    for (i, s) in c.stages.enumerated() {
      let total = s.advance + s.loss + s.skip + s.back
      guard abs(total - 1) < 1e-9, s.advance >= 0, s.loss >= 0, s.skip >= 0, s.back >= 0 else {
        throw SyntheticError.invalidConfiguration(
          "stage \(s.name): exit probabilities must be ≥ 0 and sum to 1 (they sum to \(total))")
      }
      if s.skip > 0 && i + 2 >= c.stages.count {
        throw SyntheticError.invalidConfiguration("stage \(s.name) cannot skip past the last stage")
      }
      if s.back > 0 && i == 0 {
        throw SyntheticError.invalidConfiguration("the first stage cannot go back")
      }
    }
    for name in [c.customers.expansionEntryStage, c.customers.renewalEntryStage,
                 c.deals.amountChangeStage]
    where !c.stages.contains(where: { $0.name == name }) {
      throw SyntheticError.invalidConfiguration("unknown stage \(name)")
    }
    guard c.sources.allSatisfy({ $0.segmentWeights.count == c.segments.count }) else {
      throw SyntheticError.invalidConfiguration("each source needs one segment weight per segment")
    }
    guard c.leads.weekdayWeights.count == 7 else {
      throw SyntheticError.invalidConfiguration("weekdayWeights needs 7 values")
    }
    for lever in c.levers {
      switch lever.kind {
      case .leadVolumeScale(let source?, _) where !c.sources.contains(where: { $0.name == source }):
        throw SyntheticError.unknownName(kind: "source", name: source)
      case .extraHires(_, let team?) where !c.teams.contains(team):
        throw SyntheticError.unknownName(kind: "team", name: team)
      default: break
      }
    }
  }
}

/// What can go wrong when generating a world.
public enum SyntheticError: Error, Equatable, CustomStringConvertible {
  case invalidConfiguration(String)
  case unknownName(kind: String, name: String)
  case cannotWrite(path: String, reason: String)

  public var description: String {
    switch self {
    case .invalidConfiguration(let why): return "invalid world configuration: \(why)"
    case .unknownName(let kind, let name): return "lever names an unknown \(kind): \(name)"
    case .cannotWrite(let path, let reason): return "cannot write \(path): \(reason)"
    }
  }
}

// MARK: - Stream keys

/// Kinds of entity, each with its own family of random streams.
enum StreamKind: UInt64 {
  case rep = 1, hiring, leadCount, extraLeadCount, lead, extraLead, deal, visit, slip, transfer,
    outboundCount, outboundDeal, customer, expansionDeal, renewalDeal, activity, cost
}

@inline(__always)
func mix64(_ x: UInt64) -> UInt64 {
  var z = x &+ 0x9E37_79B9_7F4A_7C15
  z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
  z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
  return z ^ (z >> 31)
}

/// The stream block of an entity: a hash of its kind and up to three coordinates.
@inline(__always)
func streamKey(_ kind: StreamKind, _ a: UInt64, _ b: UInt64 = 0, _ c: UInt64 = 0) -> UInt64 {
  mix64(mix64(mix64(kind.rawValue &* 0xD6E8_FEB8_6659_FD93 ^ a) ^ b) ^ c)
}

extension RandomStream {
  @inline(__always)
  mutating func u() -> Double { nextUniform() }
}

// MARK: - Builder

struct WorldBuilder {
  let config: WorldConfiguration
  let seed: UInt64
  let start: Day
  let end: Day
  let stageCount: Int
  var wonCode: Int8 { Int8(stageCount) }
  var lostCode: Int8 { Int8(stageCount + 1) }

  var reps: [RepRecord] = []
  var leads: [LeadRecord] = []
  var deals: [DealRecord] = []
  var history: [HistoryEvent] = []
  var accounts: [AccountRecord] = []
  var activities: [ActivityRecord] = []

  /// Active reps per role (0 AE, 1 SDR), team and day offset from `start`.
  var active: [[[[Int32]]]] = []
  /// Median total cycle (days) from each entry stage, per segment.
  var medianCycle: [[Double]] = []

  init(configuration: WorldConfiguration, seed: UInt64) {
    self.config = configuration
    self.seed = seed
    self.start = configuration.start
    self.end = configuration.horizonEnd
    self.stageCount = configuration.stages.count
    medianCycle = (0..<stageCount).map { entry in
      configuration.segments.map { seg in
        configuration.stages[entry...].reduce(0) { $0 + $1.advanceTime.median } * seg.cycleFactor
      }
    }
  }

  func stream(_ kind: StreamKind, _ a: UInt64, _ b: UInt64 = 0, _ c: UInt64 = 0) -> RandomStream {
    RandomStream(seed: seed, block: streamKey(kind, a, b, c))
  }

  func offset(_ day: Day) -> Int { start.distance(to: day) }
  var dayCount: Int { start.distance(to: end) + 1 }

  mutating func run() {
    makeReps()
    makeActiveLists()
    makeLeads()
    makeOutboundDeals()
    makeCustomers()
  }

  // MARK: Reps

  mutating func makeReps() {
    let p = config.reps
    let roles: [(RepRole, Double)] = [(.ae, p.initialAEsPerTeam), (.sdr, p.initialSDRsPerTeam)]
    var nextKey: UInt64 = 0
    func newRep(team: Int, role: RepRole, hired: Day, leaveFrom: Day, extra: Bool, key: UInt64)
      -> RepRecord
    {
      var g = stream(.rep, key)
      let leaveDays = -log(g.u()) / (p.leaveHazardPerYear / 365.25)
      let left = leaveFrom.advanced(by: max(1, Int(leaveDays.rounded(.up))))
      let b = Sampling.beta(p.skillAlpha, p.skillBeta, using: &g)
      let skill = role == .ae ? p.skillLow + (p.skillHigh - p.skillLow) * b : 1
      let name = RepNames.name(key: key, using: &g)
      return RepRecord(key: key, team: team, role: role, hired: hired,
                       left: left <= end ? left : nil, skill: skill, isExtra: extra, name: name)
    }
    // Initial staff, hired before the start, all still there on the start day.
    var initial = [[Int]](repeating: [0, 0], count: config.teams.count)
    for team in config.teams.indices {
      for (r, (role, perTeam)) in roles.enumerated() {
        let n = max(1, Int((perTeam * config.scale).rounded()))
        initial[team][r] = n
        for _ in 0..<n {
          var g = stream(.hiring, nextKey)
          let hired = start.advanced(by: -1 - Int(g.u() * Double(p.initialTenureMaxDays)))
          reps.append(newRep(team: team, role: role, hired: hired, leaveFrom: start, extra: false,
                             key: nextKey))
          nextKey += 1
        }
      }
    }
    // Monthly hiring plan: replace leavers and grow.
    var month = FiscalCalendar.standard.month(containing: start).next
    while month.start <= end {
      let years = Double(start.distance(to: month.start)) / 365.25
      for team in config.teams.indices {
        for (r, (role, _)) in roles.enumerated() {
          let target = Int((Double(initial[team][r]) * exp(p.headcountGrowthPerYear * years)).rounded())
          let activeCount = reps.reduce(0) { n, rep in
            let on = rep.team == team && rep.role == role && !rep.isExtra && rep.hired <= month.start
              && (rep.left.map { $0 > month.start } ?? true)
            return n + (on ? 1 : 0)
          }
          for _ in 0..<max(0, target - activeCount) {
            var g = stream(.hiring, nextKey)
            let hired = month.start.advanced(by: Int(g.u() * 14))
            if hired <= end {
              reps.append(newRep(team: team, role: role, hired: hired, leaveFrom: hired,
                                 extra: false, key: nextKey))
            }
            nextKey += 1
          }
        }
      }
      month = month.next
    }
    // Extra hires from levers: their own keys, so the base plan is unchanged.
    var extraKey: UInt64 = 1 << 40
    for lever in config.levers {
      guard case .extraHires(let count, let teamName) = lever.kind, lever.from <= end else { continue }
      let team = teamName.flatMap { config.teams.firstIndex(of: $0) } ?? 0
      for _ in 0..<max(0, count) {
        reps.append(newRep(team: team, role: .ae, hired: lever.from, leaveFrom: lever.from,
                           extra: true, key: extraKey))
        extraKey += 1
      }
    }
  }

  mutating func makeActiveLists() {
    let teams = config.teams.count
    active = [[[[Int32]]]](
      repeating: [[[Int32]]](repeating: [[Int32]](repeating: [], count: dayCount), count: teams),
      count: 2)
    for (i, rep) in reps.enumerated() {
      let r = rep.role == .ae ? 0 : 1
      let first = max(0, offset(rep.hired))
      let last = min(dayCount, rep.left.map { offset($0) } ?? dayCount)
      guard first < last else { continue }
      for d in first..<last { active[r][rep.team][d].append(Int32(i)) }
    }
  }

  /// An active AE (role 0) or SDR (role 1) of `team` on `day`, chosen by `u`; other teams (in
  /// order) when the team has none that day.
  func pick(role: Int, team: Int, day: Day, u: Double) -> Int32? {
    let d = offset(day)
    guard d >= 0, d < dayCount else { return nil }
    let teams = config.teams.count
    for t in 0..<teams {
      let list = active[role][(team + t) % teams][d]
      if !list.isEmpty { return list[min(list.count - 1, Int(u * Double(list.count)))] }
    }
    return nil
  }

  func tenureMonths(_ rep: Int32, on day: Day) -> Double {
    Double(reps[Int(rep)].hired.distance(to: day)) / 30.44
  }

  // MARK: Levers

  func leverFactor(on day: Day, _ value: (Lever.Kind) -> Double?) -> Double {
    var f = 1.0
    for lever in config.levers where day >= lever.from {
      if let v = value(lever.kind) { f *= v }
    }
    return f
  }

  func volumeFactor(source: Int, day: Day) -> Double {
    let name = config.sources[source].name
    return leverFactor(on: day) {
      if case .leadVolumeScale(let s, let f) = $0, s == nil || s == name { return f }
      return nil
    }
  }

  // MARK: Leads

  mutating func makeLeads() {
    let lp = config.leads
    let weekdayMean = lp.weekdayWeights.reduce(0, +) / 7
    let firstWeek = start.startOfWeek
    var day = start
    while day <= end {
      let years = Double(start.distance(to: day)) / 365.25
      let doy = Double(Day(year: day.year, month: 1, day: 1)!.distance(to: day))
      for (s, src) in config.sources.enumerated() {
        let annual = 1 + src.annualAmplitude * cos(2 * Double.pi * (doy - src.peakDayOfYear) / 365.25)
        let mean = src.weeklyLeads / 7 * lp.weekdayWeights[day.weekday - 1] / weekdayMean * annual
          * exp(src.trendPerYear * years) * config.scale
        var gc = stream(.leadCount, UInt64(s), UInt64(bitPattern: Int64(day.index)))
        let n = Sampling.negativeBinomial(mean: mean, size: src.dispersionSize, using: &gc)
        let factor = volumeFactor(source: s, day: day)
        var extra = 0
        if factor > 1 {
          var ge = stream(.extraLeadCount, UInt64(s), UInt64(bitPattern: Int64(day.index)))
          extra = Sampling.negativeBinomial(mean: mean * (factor - 1), size: src.dispersionSize,
                                            using: &ge)
        }
        for j in 0..<(n + extra) {
          let key = j < n
            ? streamKey(.lead, UInt64(s), UInt64(bitPattern: Int64(day.index)), UInt64(j))
            : streamKey(.extraLead, UInt64(s), UInt64(bitPattern: Int64(day.index)), UInt64(j - n))
          var g = RandomStream(seed: seed, block: key)
          let uKeep = g.u(), uTeam = g.u(), uRep = g.u(), uTime = g.u()
          if j < n && factor < 1 && uKeep >= factor { continue }
          let team = min(config.teams.count - 1, Int(uTeam * Double(config.teams.count)))
          guard let owner = pick(role: 1, team: team, day: day, u: uRep)
                  ?? pick(role: 0, team: team, day: day, u: uRep) else { continue }
          let seconds = Int64(7 * 3600 + Int(uTime * 13 * 3600))
          leads.append(LeadRecord(
            key: key, created: Moment(secondsSinceEpoch: Int64(day.index) * 86_400 + seconds),
            source: s, team: team, owner: owner, week: Int32(firstWeek.distance(to: day) / 7)))
        }
      }
      day = day.advanced(by: 1)
    }
    // Weekly load of each rep.
    let weeks = firstWeek.distance(to: end) / 7 + 1
    var load = [Int32](repeating: 0, count: reps.count * weeks)
    for lead in leads { load[Int(lead.owner) * weeks + Int(lead.week)] += 1 }
    for i in leads.indices {
      let l = Double(load[Int(leads[i].owner) * weeks + Int(leads[i].week)])
      handle(lead: i, load: l)
    }
  }

  mutating func handle(lead i: Int, load: Double) {
    let lp = config.leads
    var lead = leads[i]
    var g = RandomStream(seed: seed, block: lead.key ^ 0x5EED)
    let uContact = g.u(), uResponse = g.u(), uQualify = g.u(), uConvert = g.u(), uAE = g.u()
    let uLog = g.u(), uKind = g.u(), uDuration = g.u()
    let qualifyDelay = Sampling.gamma(shape: lp.qualifyDelayShape, scale: lp.qualifyDelayScaleDays, using: &g)
    let disqualifyDelay = Sampling.gamma(shape: lp.disqualifyDelayShape, scale: lp.disqualifyDelayScaleDays, using: &g)
    let dealDelay = Sampling.gamma(shape: lp.dealDelayShape, scale: lp.dealDelayScaleDays, using: &g)
    let day = lead.created.day

    var pContact = logistic(lp.contactIntercept + lp.contactLoadSlope * load)
    var setTo: Double?
    for lever in config.levers where day >= lever.from {
      switch lever.kind {
      case .contactRateScale(let f): pContact = min(0.99, pContact * f)
      case .contactRateSet(let v): setTo = v
      default: break
      }
    }
    if let setTo { pContact = setTo }
    defer { leads[i] = lead }
    guard uContact < pContact else { return }
    let responseScale = leverFactor(on: day) {
      if case .responseTimeScale(let f) = $0 { return f }
      return nil
    }
    let mu = log(lp.responseMedianHours) + lp.responseLoadSlope * load
    let hours = exp(mu + lp.responseSigma * inverseNormalCDF(uResponse)) * responseScale
    let contacted = Moment(secondsSinceEpoch: lead.created.secondsSinceEpoch + Int64((hours * 3600).rounded()))
    guard contacted.day <= end else { return }
    lead.contacted = contacted
    if uLog < config.activities.leadContactLogged {
      let call = uKind < 0.6
      activities.append(ActivityRecord(
        at: contacted, kind: call ? .call : .email, owner: lead.owner, deal: -1, lead: Int32(i),
        durationMinutes: call ? Int32(max(1, (12 * exp(0.6 * inverseNormalCDF(uDuration))).rounded())) : -1,
        planned: false, tie: lead.key))
    }
    let src = config.sources[lead.source]
    let pQualify = logistic(src.qualificationIntercept + lp.qualificationLogHoursSlope * log1p(hours))
    if uQualify >= pQualify {
      let d = contacted.day.advanced(by: Int(disqualifyDelay.rounded(.up)))
      if d <= end { lead.disqualified = d }
      return
    }
    let qualified = contacted.day.advanced(by: Int(qualifyDelay.rounded(.up)))
    guard qualified <= end else { return }
    lead.qualified = qualified
    guard uConvert < lp.dealConversion else { return }
    let created = qualified.advanced(by: Int(dealDelay.rounded(.up)))
    guard created <= end, let owner = pick(role: 0, team: lead.team, day: created, u: uAE) else { return }
    let index = newDeal(
      key: streamKey(.deal, lead.key), created: created, owner: owner, team: lead.team,
      source: lead.source, type: .new, lead: Int32(i), account: -1, amount: nil, entryStage: 0)
    lead.deal = Int32(index)
  }

  // MARK: Outbound deals

  mutating func makeOutboundDeals() {
    let p = config.reps
    let outboundSource = config.sources.firstIndex { $0.name == "outbound" } ?? (config.sources.count - 1)
    for (r, rep) in reps.enumerated() where rep.role == .ae {
      var day = max(rep.hired, start)
      let last = min(end, (rep.left ?? end.advanced(by: 1)).advanced(by: -1))
      while day <= last {
        if day.weekday <= 5 {
          let months = Double(rep.hired.distance(to: day)) / 30.44
          let rate = p.outboundDealsPerDay * p.ramp(months: months, floor: p.rampPipelineFloor)
          var g = stream(.outboundCount, rep.key, UInt64(bitPattern: Int64(day.index)))
          let n = Sampling.poisson(rate, using: &g)
          for j in 0..<n {
            newDeal(
              key: streamKey(.outboundDeal, rep.key, UInt64(bitPattern: Int64(day.index)), UInt64(j)),
              created: day, owner: Int32(r), team: rep.team, source: outboundSource, type: .new,
              lead: -1, account: -1, amount: nil, entryStage: 0)
          }
        }
        day = day.advanced(by: 1)
      }
    }
  }

  // MARK: Deals

  /// Creates a deal, simulates its whole path and stores it; returns its storage index.
  /// `amount` nil draws a new-deal amount from segment and source; `account` −1 opens a prospect.
  @discardableResult
  mutating func newDeal(
    key: UInt64, created: Day, owner: Int32, team: Int, source: Int, type: DealType, lead: Int32,
    account: Int32, amount: Double?, entryStage: Int, segment fixedSegment: Int? = nil
  ) -> Int {
    let dp = config.deals
    var g = RandomStream(seed: seed, block: key)
    let uSegment = g.u(), uAmount = g.u(), uExpected = g.u()
    var segment = fixedSegment ?? 0
    if fixedSegment == nil {
      let weights = source >= 0 ? config.sources[source].segmentWeights : config.segments.map { _ in 1.0 }
      segment = categorical(weights, uSegment)
    }
    let seg = config.segments[segment]
    var value: Double
    if let amount {
      value = amount
    } else {
      value = seg.medianAmount * exp(seg.amountSigma * inverseNormalCDF(uAmount))
        * (source >= 0 ? config.sources[source].amountMultiplier : 1)
    }
    if type != .renewal {
      value *= leverFactor(on: created) {
        if case .dealSizeScale(let f) = $0 { return f }
        return nil
      }
    }
    value = roundAmount(value)
    let expectedDays = dp.expectedCloseOptimism * medianCycle[entryStage][segment]
      * exp(dp.expectedCloseSigma * inverseNormalCDF(uExpected))
    var expected = created.advanced(by: max(1, Int(expectedDays.rounded())))

    let index = deals.count
    var accountIndex = account
    if accountIndex < 0 {
      accountIndex = Int32(accounts.count)
      accounts.append(AccountRecord(originDeal: Int32(index), segment: segment))
    }
    // The path, with the creating owner; hand-overs are merged in afterwards.
    var path: [HistoryEvent] = []
    path.reserveCapacity(8)
    path.append(HistoryEvent(day: created, stage: Int8(entryStage), amount: value, expected: expected, owner: owner))
    let m = reps[Int(owner)].skill
      * config.reps.ramp(months: tenureMonths(owner, on: created), floor: config.reps.rampWinOddsFloor)
    var slips = RandomStream(seed: seed, block: streamKey(.slip, key))
    var stage = entryStage
    var entered = created
    var outcomeWon = false
    var closed = created
    let amountStage = config.stages.firstIndex { $0.name == dp.amountChangeStage } ?? -1
    for visit in 0..<dp.maxVisits {
      var v = RandomStream(seed: seed, block: streamKey(.visit, key, UInt64(visit)))
      let uCause = v.u(), uTime = v.u(), uChange = v.u(), uFactor = v.u()
      let sp = config.stages[stage]
      var pAdvance = sp.advance, pLoss = sp.loss, pSkip = sp.skip, pBack = sp.back
      // Skill and ramp: odds multiplier m on not losing; the other exits keep their ratios.
      let newLoss = pLoss / (pLoss + (1 - pLoss) * m)
      let rest = 1 - pLoss
      if rest > 0 {
        let k = (1 - newLoss) / rest
        pAdvance *= k; pSkip *= k; pBack *= k
      }
      pLoss = newLoss
      var timeFactor = seg.cycleFactor
      for lever in config.levers where entered >= lever.from {
        switch lever.kind {
        case .stageConversionAdd(let add):
          let moved = min(max(add, -pAdvance), pLoss)
          pAdvance += moved; pLoss -= moved
        case .cycleLengthScale(let f): timeFactor *= f
        default: break
        }
      }
      let isLoss: Bool
      var next = stage
      if uCause < pAdvance {
        isLoss = false; next = stage + 1
      } else if uCause < pAdvance + pSkip {
        isLoss = false; next = stage + 2
      } else if uCause < pAdvance + pSkip + pBack {
        isLoss = false; next = stage - 1
      } else {
        isLoss = true
      }
      let dist = isLoss ? sp.lossTime : sp.advanceTime
      let days = max(1, Int((dist.quantile(uTime) * timeFactor).rounded(.up)))
      let exit = entered.advanced(by: days)
      // The expected close date slips while the deal is still open past it.
      while expected.advanced(by: 1) < exit {
        let slipDays = config.deals.slipMedianDays * exp(config.deals.slipSigma * inverseNormalCDF(slips.u()))
        let slipDay = expected.advanced(by: 1)
        expected = expected.advanced(by: max(1, Int(slipDays.rounded())))
        path.append(HistoryEvent(day: slipDay, stage: Int8(stage), amount: value, expected: expected, owner: owner))
      }
      if isLoss || next >= stageCount || visit == dp.maxVisits - 1 {
        outcomeWon = !isLoss && next >= stageCount
        closed = exit
        path.append(HistoryEvent(day: exit, stage: outcomeWon ? wonCode : lostCode, amount: value,
                                 expected: exit, owner: owner))
        break
      }
      if next == amountStage && uChange < dp.amountChangeProbability {
        value = roundAmount(value * exp(dp.amountChangeMu + dp.amountChangeSigma * inverseNormalCDF(uFactor)))
      }
      stage = next
      entered = exit
      path.append(HistoryEvent(day: exit, stage: Int8(stage), amount: value, expected: expected, owner: owner))
    }
    let rows = handOver(path, key: key, team: team, closed: closed)
    let historyStart = history.count
    history.append(contentsOf: rows)
    deals.append(DealRecord(
      key: key, created: created, team: team, segment: segment, source: source, type: type,
      lead: lead, account: accountIndex, won: outcomeWon, closed: closed,
      historyStart: historyStart, historyCount: rows.count))
    logActivities(deal: index, key: key, rows: rows, closed: closed)
    return index
  }

  /// Merges owner hand-overs into a deal's path: when the owner leaves while the deal is open, a
  /// teammate (drawn from the deal's transfer stream) takes it over on the leaving day.
  func handOver(_ path: [HistoryEvent], key: UInt64, team: Int, closed: Day) -> [HistoryEvent] {
    var owner = path[0].owner
    var leaves = reps[Int(owner)].left
    guard let first = leaves, first < closed else { return path }
    var g = RandomStream(seed: seed, block: streamKey(.transfer, key))
    var out: [HistoryEvent] = []
    out.reserveCapacity(path.count + 2)
    _ = first
    for var row in path {
      while let l = leaves, l <= row.day, l < closed, var state = out.last {
        guard let next = pick(role: 0, team: team, day: l, u: g.u()) else { leaves = nil; break }
        state.day = l
        state.owner = next
        out.append(state)
        owner = next
        leaves = reps[Int(owner)].left
      }
      row.owner = owner
      out.append(row)
    }
    return out
  }

  mutating func logActivities(deal: Int, key: UInt64, rows: [HistoryEvent], closed: Day) {
    let ap = config.activities
    var g = RandomStream(seed: seed, block: streamKey(.activity, key))
    var previousStage: Int8 = -1
    for (n, row) in rows.enumerated() {
      let uLog = g.u(), uHour = g.u(), uDuration = g.u()
      defer { previousStage = row.stage }
      guard row.stage != previousStage, row.stage < wonCode, uLog < ap.stageEntryLogged else { continue }
      let (kind, minutes): (ActivityKind, Int32)
      switch Int(row.stage) {
      case 0: (kind, minutes) = (.call, Int32(max(1, (15 * exp(0.5 * inverseNormalCDF(uDuration))).rounded())))
      case 1: (kind, minutes) = (.meeting, [30, 45, 60][min(2, Int(uDuration * 3))])
      case 2: (kind, minutes) = (.demo, [45, 60][min(1, Int(uDuration * 2))])
      case stageCount - 1: (kind, minutes) = (.email, -1)
      default: (kind, minutes) = (.meeting, [30, 60][min(1, Int(uDuration * 2))])
      }
      let seconds = Int64(row.day.index) * 86_400 + Int64(8 * 3600 + Int(uHour * 9) * 3600)
      activities.append(ActivityRecord(
        at: Moment(secondsSinceEpoch: seconds), kind: kind, owner: row.owner, deal: Int32(deal),
        lead: -1, durationMinutes: minutes, planned: false, tie: key &+ UInt64(n)))
    }
    // A planned next step at the export for deals open then.
    let asOf = config.asOf
    guard rows[0].day <= asOf, closed > asOf, g.u() < ap.plannedNextStep else { return }
    let owner = rows.last { $0.day <= asOf }?.owner ?? rows[0].owner
    let day = asOf.advanced(by: 1 + Int(g.u() * 14))
    let kind: ActivityKind = g.u() < 0.5 ? .meeting : .call
    activities.append(ActivityRecord(
      at: Moment(secondsSinceEpoch: Int64(day.index) * 86_400 + 10 * 3600), kind: kind, owner: owner,
      deal: Int32(deal), lead: -1, durationMinutes: kind == .meeting ? 30 : -1, planned: true, tie: key))
  }

  func roundAmount(_ x: Double) -> Double {
    let unit = config.deals.amountRounding
    return max(unit, (x / unit).rounded() * unit)
  }

  func categorical(_ weights: [Double], _ u: Double) -> Int {
    let total = weights.reduce(0, +)
    var acc = 0.0
    for (i, w) in weights.enumerated() {
      acc += w / total
      if u < acc { return i }
    }
    return weights.count - 1
  }

  // MARK: Customers

  /// For each won new deal, in creation order: the account becomes a customer; expansions arrive
  /// as a Poisson process, renewals open before each anniversary, and the customer ends at a
  /// mid-contract churn (constant hazard) or a lost renewal.
  mutating func makeCustomers() {
    let cp = config.customers
    let expansionStage = config.stages.firstIndex { $0.name == cp.expansionEntryStage }!
    let renewalStage = config.stages.firstIndex { $0.name == cp.renewalEntryStage }!
    let newDeals = deals.indices.filter { deals[$0].type == .new }
    for d in newDeals {
      let origin = deals[d]
      guard origin.won, origin.closed <= end else { continue }
      let account = Int(origin.account)
      accounts[account].becameCustomer = origin.closed
      var g = stream(.customer, origin.key)
      let midChurn = origin.closed.advanced(by: max(1, Int((-log(g.u()) / cp.churnHazardPerYear * 365.25).rounded(.up))))
      let originalOwner = history[origin.historyStart + origin.historyCount - 1].owner
      var contract = history[origin.historyStart + origin.historyCount - 1].amount
      var churned: Day? = midChurn <= end ? midChurn : nil
      var nextExpansion = origin.closed.advanced(by: max(1, Int((-log(g.u()) / cp.expansionRatePerYear * 365.25).rounded(.up))))
      var expansionNumber: UInt64 = 0
      var year = 1
      var wonExpansions: [(Day, Double)] = []
      while true {
        let anniversary = origin.closed.advanced(by: Int((365.25 * Double(year)).rounded()))
        let renewalOpens = anniversary.advanced(by: -cp.renewalLeadDays)
        let stopAt = churned ?? midChurn
        // Expansions before the next renewal opens.
        while nextExpansion < renewalOpens, nextExpansion < stopAt, nextExpansion <= end {
          let key = streamKey(.expansionDeal, origin.key, expansionNumber)
          var ga = RandomStream(seed: seed, block: key ^ 0xA11)
          let owner = accountOwner(originalOwner, team: origin.team, day: nextExpansion, u: ga.u())
          let amount = contract * cp.expansionAmountFraction * exp(0.4 * inverseNormalCDF(ga.u()))
          if let owner {
            let e = newDeal(key: key, created: nextExpansion, owner: owner, team: origin.team,
                            source: -1, type: .expansion, lead: -1, account: Int32(account),
                            amount: amount, entryStage: expansionStage, segment: origin.segment)
            if deals[e].won {
              wonExpansions.append((deals[e].closed, history[deals[e].historyStart + deals[e].historyCount - 1].amount))
            }
          }
          expansionNumber += 1
          nextExpansion = nextExpansion.advanced(by: max(1, Int((-log(g.u()) / cp.expansionRatePerYear * 365.25).rounded(.up))))
        }
        guard renewalOpens <= end, renewalOpens < stopAt else { break }
        // The contract grows by expansions won before the renewal opens.
        contract += wonExpansions.filter { $0.0 <= renewalOpens }.reduce(0) { $0 + $1.1 }
        wonExpansions.removeAll { $0.0 <= renewalOpens }
        let key = streamKey(.renewalDeal, origin.key, UInt64(year))
        var gr = RandomStream(seed: seed, block: key ^ 0xA11)
        let owner = accountOwner(originalOwner, team: origin.team, day: renewalOpens, u: gr.u())
        let amount = contract * exp(0.03 + 0.08 * inverseNormalCDF(gr.u()))
        guard let owner else { break }
        let r = newDeal(key: key, created: renewalOpens, owner: owner, team: origin.team, source: -1,
                        type: .renewal, lead: -1, account: Int32(account), amount: amount,
                        entryStage: renewalStage, segment: origin.segment)
        if !deals[r].won {
          let lostOn = max(anniversary, deals[r].closed)
          if lostOn < stopAt && lostOn <= end { churned = lostOn }
          break
        }
        contract = history[deals[r].historyStart + deals[r].historyCount - 1].amount
        year += 1
      }
      accounts[account].churned = churned
    }
  }

  func accountOwner(_ owner: Int32, team: Int, day: Day, u: Double) -> Int32? {
    let rep = reps[Int(owner)]
    if rep.hired <= day && (rep.left.map { day < $0 } ?? true) { return owner }
    return pick(role: 0, team: team, day: day, u: u)
  }
}

/// Deterministic rep names from a small list (no real people).
enum RepNames {
  static let first = ["Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery",
                      "Quinn", "Robin", "Drew", "Kai", "Noa", "Eli", "Mia", "Lena", "Omar", "Ines", "Yuki"]
  static let last = ["Berg", "Costa", "Diaz", "Ekström", "Fischer", "Garcia", "Hughes", "Ivanova",
                     "Jensen", "Kato", "Lopez", "Moreau", "Novak", "Okafor", "Park", "Rossi", "Silva",
                     "Tan", "Weber", "Young"]

  static func name(key: UInt64, using g: inout RandomStream) -> String {
    let a = Int(g.next() % UInt64(first.count))
    let b = Int(g.next() % UInt64(last.count))
    return "\(first[a]) \(last[b])"
  }
}
