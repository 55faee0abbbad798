import CRMData
import Foundation
import PipelineModel
import Statistics

/// The deals still to be created in the horizon, week by week (`--scope all`).
///
/// Per week w (days 7w … 7w + 7 after as-of):
/// - leads of each source ~ Poisson(rate_w), or negative binomial when the model found the counts
///   over-dispersed; rate_w = the fitted weekly rate at as-of × exp(η(w) − η(as-of)) with η the
///   arrival GLM's trend and seasonal terms (so the intercept convention does not matter);
/// - each lead contacted with P = logistic(c₀ + c₁ · load), load = the week's leads per active
///   lead owner (`leadOwnersAtAsOf`, the fit's owner: leads.csv owner_id; capacity: more leads per
///   owner, fewer contacted);
/// - response hours drawn; qualified with logistic(β₀ + β₁ log(1 + hours) + source effect);
///   turned into a deal with the conversion rate, after the qualified-to-deal lag;
/// - outbound deals per active rep ~ Poisson(rate × creation ramp at the rep's tenure that week);
/// - expansion and renewal deals ~ Poisson(customers × monthly rates × 7/30.4375), customers
///   thinned by churn ~ Poisson(customers × hazard × 7/30.4375) (rates and hazard: the block's
///   draws, `ParameterSet`);
/// - amounts lognormal by segment (drawn by the segment mix) or by deal type, times the model's
///   won-to-all ratio (won deals are larger than closed deals on average); deal owners uniform
///   among the active lead-handling reps (AEs when there are any); expansion and renewal deals
///   stay with that owner under staffing levers (the account owner keeps the account).
/// Every new deal then walks the pipeline fresh from the first open stage — or, with
/// `model.newDeals` (docs/MODEL.md §8), from its origin's fitted entry stage, with its origin's
/// won amounts by segment (no won-to-all factor) and its segment's stay-length factor; renewals
/// then open on customers' anniversaries and qualified leads pending at as-of become deals too.
struct NewDealContext {
  let compiled: CompiledPipeline
  let params: ParameterSet
  let adjustments: SimulationAdjustments
  /// Reps that take leads, by index into `compiled.reps`.
  let handlers: [Int]
  let outbound: [Int]
  let leadMultiplier: [Double]
  let meanOutboundPerWeek: Double
  /// The lead owners a week's arrivals are spread over for the contact-versus-load curve: the
  /// model's active lead owners at as-of (`leadOwnersAtAsOf`, the fit's definition of an owner),
  /// or the lead-handling reps for model files without it.
  let leadOwners: Double
  /// Staffing levers (`adjustments.hires` / `departures`); nil when there are none, so the
  /// baseline path is untouched.
  let staffing: Staffing?

  /// Per-week deal owners, outbound creators and capacity under hires and departures. Hires are
  /// appended after `compiled.reps` (whose last slot is "no rep").
  struct Staffing {
    var reps: [RepRecord]
    /// Day offset (from the day after as-of) each rep starts; 0 for existing reps.
    var startOffset: [Double]
    /// Day offset each rep leaves (infinity: stays).
    var leaveOffset: [Double]
    /// Team of every rep (fitted reps' `team`, hires' lever team); nil: no team, or a hire who
    /// joins the whole company's pool (a `hire` without a team, or with one no active rep has).
    var team: [String?]
    /// Per week: existing lead-handling reps still present, and hired deal owners present.
    var presentHandlers: [[Int]]
    var presentHires: [[Int]]
    var outbound: [[Int]]
    /// Lead owners added (hires of the owners' role) or removed (departures), per week.
    var ownerDelta: [Double]
    /// Outbound deals per week of a hire at full ramp (mean of the active AEs' rates in this block).
    var hireOutboundPerWeek: Double
  }

  /// The loss log-odds skill shift of a hire at full ramp: the mean of this block's skill shifts
  /// of the fully ramped active lead-handling reps (tenure at least the last ramp month), or of
  /// all active lead-handling reps when none is ramped; 0 without any.
  ///
  /// A hire is drawn from the same population as the present team, so the present team's skill
  /// is the best estimate of theirs. Shift 0 is the company's historical win rate (departed reps
  /// and renewal-heavy books included), which on the sample world made hires about 1.2 times as
  /// likely to win as the reps whose deals they take, hiding the cost of their ramp-up.
  let hireSkillShift: Double
  init(compiled: CompiledPipeline, params: ParameterSet, adjustments: SimulationAdjustments) {
    self.compiled = compiled
    self.params = params
    self.adjustments = adjustments
    handlers = compiled.reps.indices.filter { compiled.reps[$0].handlesLeads }
    outbound = compiled.reps.indices.filter { compiled.reps[$0].active && compiled.reps[$0].outboundPerWeek > 0 }
    leadMultiplier = (compiled.model.leadFunnel?.sources ?? []).map {
      adjustments.leadVolumeMultiplier[$0.source] ?? 1
    }
    meanOutboundPerWeek = outbound.isEmpty
      ? 0 : outbound.reduce(0) { $0 + params.repOutboundPerWeek[$1] } / Double(outbound.count)
    if let owners = compiled.model.leadFunnel?.leadOwnersAtAsOf, owners > 0 {
      leadOwners = Double(owners)
    } else {
      leadOwners = Double(max(1, handlers.count))
    }
    if adjustments.hires.isEmpty && adjustments.departures.isEmpty {
      staffing = nil
    } else {
      staffing = Self.staffing(compiled, params, adjustments, handlers, outbound)
    }
    hireSkillShift = Self.hireSkillShift(compiled, params, handlers)
  }

  private static func hireSkillShift(_ c: CompiledPipeline, _ p: ParameterSet, _ handlers: [Int]) -> Double {
    let plateau = c.rampShift.count - 1
    let shifts = { (reps: [Int]) in reps.filter { $0 < p.repShift.count }.map { p.repShift[$0] } }
    var skills = shifts(handlers.filter { (c.reps[$0].tenureMonthsAtAsOf ?? -1) >= plateau })
    if skills.isEmpty { skills = shifts(handlers) }
    guard !skills.isEmpty else { return 0 }
    let mean = skills.reduce(0, +) / Double(skills.count)
    return mean.isFinite ? mean : 0
  }

  private static func staffing(
    _ c: CompiledPipeline, _ p: ParameterSet, _ adj: SimulationAdjustments, _ handlers: [Int],
    _ outbound: [Int]
  ) -> Staffing {
    let weekCount = p.weekCount
    let fitted = c.model.reps?.reps ?? []
    let origin = c.asOf.advanced(by: 1)
    func offset(_ d: Day) -> Double { Double(max(0, origin.distance(to: d))) }
    // Lead owners are SDRs when the data has active SDRs, else AEs (docs: `hire`).
    let ownerRole = fitted.contains { $0.active && $0.role == "sdr" } ? "sdr" : "ae"
    let aeRates = fitted.indices.filter {
      fitted[$0].active && fitted[$0].role != "sdr" && fitted[$0].outboundDealsPerWeek > 0
    }.map { p.repOutboundPerWeek[$0] }
    let hireRate = aeRates.isEmpty ? 0 : aeRates.reduce(0, +) / Double(aeRates.count)

    var reps = c.reps
    var start = [Double](repeating: 0, count: reps.count)
    var leave = [Double](repeating: .infinity, count: reps.count)
    var team: [String?] = reps.indices.map { $0 < fitted.count ? fitted[$0].team : nil }
    let handlerTeams = Set(handlers.compactMap { team[$0] })
    var capacityChanges: [(Double, Double)] = []
    var dealOwnerHires: [Int] = []
    for h in adj.hires {
      let t = offset(h.day)
      if h.role == ownerRole { capacityChanges.append((t, Double(h.count))) }
      guard h.role != "sdr" else { continue }
      let teamGroup = c.groupBy == .team
        ? (c.groupNames.firstIndex(of: h.team ?? "(none)").map(Int32.init) ?? c.noneGroup) : c.noneGroup
      for _ in 0..<max(0, h.count) {
        reps.append(
          RepRecord(
            group: c.noneGroup, teamGroup: teamGroup, tenureMonthsAtAsOf: 0,
            outboundPerWeek: hireRate, active: true, handlesLeads: true))
        start.append(t)
        leave.append(.infinity)
        team.append(h.team.flatMap { handlerTeams.contains($0) ? $0 : nil })
        dealOwnerHires.append(reps.count - 1)
      }
    }
    for d in adj.departures {
      let t = offset(d.day)
      var chosen: [Int] = []
      if !d.repIDs.isEmpty {
        chosen = d.repIDs.compactMap { id in fitted.firstIndex { $0.id == id } }
      } else {
        let candidates = fitted.indices.filter {
          fitted[$0].active && (d.team == nil || fitted[$0].team == d.team)
            && (fitted[$0].role ?? "ae") == d.role && leave[$0] == .infinity
        }.sorted { fitted[$0].id < fitted[$1].id }
        chosen = Array(candidates.prefix(max(0, d.count)))
      }
      for i in chosen where leave[i] == .infinity {
        leave[i] = t
        if (fitted[i].role ?? "ae") == ownerRole { capacityChanges.append((t, -1)) }
      }
    }
    var presentHandlers: [[Int]] = []
    var presentHires: [[Int]] = []
    var weeklyOutbound: [[Int]] = []
    var delta: [Double] = []
    for w in 0..<max(1, weekCount) {
      let t0 = Double(7 * w)
      let present = { (i: Int) in start[i] <= t0 && t0 < leave[i] }
      presentHandlers.append(handlers.filter(present))
      presentHires.append(dealOwnerHires.filter(present))
      weeklyOutbound.append(outbound.filter(present) + dealOwnerHires.filter(present))
      delta.append(capacityChanges.reduce(0) { $0 + ($1.0 <= t0 ? $1.1 : 0) })
    }
    return Staffing(
      reps: reps, startOffset: start, leaveOffset: leave, team: team, presentHandlers: presentHandlers,
      presentHires: presentHires, outbound: weeklyOutbound, ownerDelta: delta,
      hireOutboundPerWeek: hireRate)
  }

  /// The owner of a deal created at day `t`, from three uniforms of the deal's own stream.
  ///
  /// Baseline: the lead-handling rep at `u2`. With staffing levers, a deal from a lead goes to a
  /// hire with the hire's equal share of the pool the deal is routed in, as leads are routed to
  /// the AEs of the lead's team: hires of the baseline rep's team take
  /// hires / (present reps of the team + hires) of that team's deals (`u1` below it, the hire at
  /// `u3`), then hires without a team take their share of every deal. Otherwise, and always for
  /// expansions and renewals (`accountDeal`: the customer's owner keeps the account), the
  /// baseline's rep keeps the deal unless it has left, when a present rep at `u3` takes it. So a
  /// staffing scenario moves only the deals it must move (common random numbers).
  func owner(at t: Double, _ u1: Double, _ u2: Double, _ u3: Double, accountDeal: Bool = false) -> Int {
    let noRep = compiled.reps.count - 1
    func pick(_ list: [Int], _ u: Double) -> Int { list[min(list.count - 1, Int(u * Double(list.count)))] }
    guard let staff = staffing else { return handlers.isEmpty ? noRep : pick(handlers, u2) }
    let w = min(staff.presentHires.count - 1, max(0, Int(t / 7)))
    let hires = staff.presentHires[w]
    let present = staff.presentHandlers[w]
    if hires.count + present.count == 0 { return noRep }
    let baseline = handlers.isEmpty ? nil : pick(handlers, u2)
    if !accountDeal && !hires.isEmpty {
      let team = baseline.flatMap { staff.team[$0] }
      let teamHires = team == nil ? [] : hires.filter { staff.team[$0] == team }
      let teamPresent = team == nil ? 0 : present.filter { staff.team[$0] == team }.count
      let companyHires = hires.filter { staff.team[$0] == nil }
      let teamShare = teamHires.isEmpty ? 0 : Double(teamHires.count) / Double(teamPresent + teamHires.count)
      let companyShare = companyHires.isEmpty
        ? 0 : (1 - teamShare) * Double(companyHires.count) / Double(present.count + companyHires.count)
      if u1 < teamShare { return pick(teamHires, u3) }
      if u1 < teamShare + companyShare { return pick(companyHires, u3) }
    }
    if let r = baseline, staff.leaveOffset[r] > Double(7 * w) { return r }
    return present.isEmpty ? pick(hires, u3) : pick(present, u3)
  }
}

extension TrialKernel {
  private func group(rep: RepRecord, source: Int32, segment: Int, _ c: CompiledPipeline) -> Int32 {
    switch c.groupBy {
    case .owner: return rep.group
    case .team: return rep.teamGroup
    case .source: return source
    case .segment: return segment >= 0 && segment < c.segmentGroup.count ? c.segmentGroup[segment] : c.noneGroup
    case nil: return 0
    }
  }

  private func rampIndex(_ months: Int?, plusDays days: Double, count: Int) -> Int {
    guard let months else { return count - 1 }
    return min(count - 1, max(0, months + Int(days / 30.4375)))
  }

  /// The rep record and its ramp index at day `t`, hires included.
  private func repState(
    _ rep: Int, at t: Double, count: Int, _ ctx: NewDealContext
  ) -> (RepRecord, Int) {
    if let staff = ctx.staffing {
      let r = staff.reps[rep]
      let start = staff.startOffset[rep]
      if rep >= ctx.compiled.reps.count {
        return (r, min(count - 1, max(0, Int((t - start) / 30.4375))))
      }
      return (r, rampIndex(r.tenureMonthsAtAsOf, plusDays: t, count: count))
    }
    let r = ctx.compiled.reps[rep]
    return (r, rampIndex(r.tenureMonthsAtAsOf, plusDays: t, count: count))
  }

  /// Creates one new deal at `created` and walks it through the pipeline.
  ///
  /// `isRenewal`: the deal renews a contract, so the deal-size lever leaves its amount alone (it
  /// acts on what sales sells: new and expansion deals).
  private mutating func launch(
    trial: Int, created: Double, mu: Double, sigma: Double, segment: Int, rep: Int, source: Int32,
    origin: Int = -1, isRenewal: Bool = false, ctx: NewDealContext, rng: inout SimulationRandom
  ) {
    let c = ctx.compiled
    let (r, rampAt) = repState(rep, at: created, count: c.rampShift.count, ctx)
    let ramp = c.rampShift[rampAt]
    let skill = rep < ctx.params.repShift.count ? ctx.params.repShift[rep] : ctx.hireSkillShift
    let shift = skill + ramp
    var amount: Double
    var stage = 0
    var timeScale = 1.0
    if origin >= 0 {
      // Per-origin model: won amounts (no won-to-all factor), entry stage, segment speed.
      amount = exp(mu + sigma * rng.normal(z))
      let cumulative = c.originEntry[origin]
      if cumulative.count > 1 {
        let u = rng.uniform()
        while u >= cumulative[stage] { stage += 1 }
      }
      if segment >= 0 && segment < c.segmentTimeFactor.count { timeScale = c.segmentTimeFactor[segment] }
    } else {
      amount = exp(mu + sigma * rng.normal(z)) * c.wonToAllRatio
    }
    if !isRenewal && created >= leverStart && ctx.adjustments.newDealSizeMultiplier != 1 {
      amount *= ctx.adjustments.newDealSizeMultiplier
    }
    if !amount.isFinite { amount = 0 }
    newDeals &+= 1
    let t = walk(
      stage: stage, age: 0, logAge: -.infinity, start: created, shift: shift, timeScale: timeScale, rng: &rng)
    if t >= 0 {
      _ = book(trial: trial, t: t, amount: amount, group: group(rep: r, source: source, segment: segment, c), fromOpen: false)
    }
  }

  /// The segment and amount lognormal of a new deal: by origin with `model.newDeals` (origin ≥ 0),
  /// else by the segment mix of all deals.
  private func segmentDraw(_ p: ParameterSet, origin: Int, rng: inout SimulationRandom) -> (Int, Double, Double) {
    if origin >= 0 && origin < p.originCumulative.count {
      let cumulative = p.originCumulative[origin]
      let u = rng.uniform()
      var i = 0
      while u >= cumulative[i] { i += 1 }
      return (p.originSegment[origin][i], p.originMu[origin][i], p.originSigma[origin][i])
    }
    return segmentDraw(p, rng: &rng)
  }

  private func segmentDraw(_ p: ParameterSet, rng: inout SimulationRandom) -> (Int, Double, Double) {
    if p.segmentCumulative.isEmpty { return (-1, p.overall.mu, p.overall.sigma) }
    let u = rng.uniform()
    var i = 0
    while u >= p.segmentCumulative[i] { i += 1 }
    return (i, p.segmentMu[i], p.segmentSigma[i])
  }

  /// All deals created in the horizon for one trial.
  ///
  /// Common random numbers: `rng` (the trial's new-deal stream) gives one key, and every item
  /// draws from its own stream under it (`SimulationRandom(key:…)`): each pending lead and
  /// scheduled renewal, each (week, source)'s arrival count and each of its leads (contact,
  /// response, qualification, conversion, lag, owner, amount and the deal's walk), each (week,
  /// rep)'s outbound deals, each week's customer deals and churn. A lever changes a trial only
  /// through what it acts on: the same lead arrives, is contacted when its uniform is below the
  /// (possibly changed) contact probability, and becomes the same deal in the baseline and the
  /// scenario, whatever other leads or deals did.
  mutating func runNewDeals(trial: Int, ctx: NewDealContext, rng: inout SimulationRandom) {
    let c = ctx.compiled
    let p = ctx.params
    let adj = ctx.adjustments
    let noRep = c.reps.count - 1
    let key = rng.next()
    var customers = Double(c.model.accounts?.activeCustomers ?? 0)
    let weekFraction = 7 / 30.4375
    // Stream tags (first path element of `SimulationRandom(key:…)`).
    let pendingTag = 1, scheduledTag = 2, countTag = 3, leadTag = 4, outboundTag = 5
    let extraTag = 6, customerTag = 7, customerDealTag = 8, outboundSourceTag = 9
    /// `--by source` group of an outbound deal: drawn from its own stream when the outbound
    /// deals have several sources, so grouping never changes what the trial simulates.
    func outboundSource(_ g: inout SimulationRandom) -> Int32 {
      guard c.outboundSourceGroups.count > 1 else { return c.outboundSourceGroups[0] }
      let u = g.uniform()
      var i = 0
      while u >= c.outboundSourceCumulative[i] { i += 1 }
      return c.outboundSourceGroups[i]
    }
    // Origin indices into the per-origin model (−1: the model has none; old behaviour).
    let byOrigin = c.model.newDeals != nil
    let leadOrigin = byOrigin ? 0 : -1
    let outboundOrigin = byOrigin ? 1 : -1
    let expansionOrigin = byOrigin ? 2 : -1
    let renewalOrigin = byOrigin ? 3 : -1
    func owner(_ t: Double, _ g: inout SimulationRandom, accountDeal: Bool = false) -> Int {
      let u1 = g.uniform()
      let u2 = g.uniform()
      let u3 = g.uniform()
      return ctx.owner(at: t, u1, u2, u3, accountDeal: accountDeal)
    }
    // Qualified leads still without a deal at as-of: a deal with the conversion probability
    // given none came in `age` days, c·S(age) / (1 − c + c·S(age)), after the rest of the lag.
    if byOrigin, let funnel = c.model.leadFunnel, let pending = c.model.newDeals?.pendingLeads,
      !pending.isEmpty, let lag = p.lag
    {
      let conversion = min(1, max(0, funnel.dealConversionRate))
      for (i, lead) in pending.enumerated() {
        var g = SimulationRandom(key: key, pendingTag, i)
        let survival = lag.survival(lead.ageDays)
        let denominator = 1 - conversion + conversion * survival
        let convert = denominator > 0 ? conversion * survival / denominator : 0
        if !(g.uniform() < convert) { continue }
        let created = lag.sampleRemaining(givenSurvived: lead.ageDays, using: &g)
        if !(created < horizon) { continue }
        let rep = owner(created, &g)
        let s = funnel.sources.firstIndex { $0.source == lead.source }
        let (segment, mu, sigma) = segmentDraw(p, origin: leadOrigin, rng: &g)
        launch(trial: trial, created: created, mu: mu, sigma: sigma, segment: segment, rep: rep,
          source: s.map { c.leadSourceGroup[$0] } ?? c.noneGroup, origin: leadOrigin, ctx: ctx, rng: &g)
      }
    }
    let scheduled = !c.renewalOpenDays.isEmpty || (byOrigin && c.model.newDeals?.renewalSchedule != nil)
    if scheduled {
      // Renewals due to open on customers' anniversaries, for customers who have not churned.
      let hazard = p.monthlyChurnHazard / 30.4375
      for (i, day) in c.renewalOpenDays.enumerated() {
        var g = SimulationRandom(key: key, scheduledTag, i)
        let keep = p.renewalOpenShare * exp(-hazard * day)
        if g.uniform() >= keep { continue }
        var (segment, mu, sigma) = segmentDraw(p, origin: renewalOrigin, rng: &g)
        // Priced from the customer's own contract when it is known (`Contracts`).
        let logContract = c.renewalLogContract[i]
        if logContract.isFinite, p.renewalRatioMean.isFinite {
          mu = logContract + p.renewalRatioMean
          sigma = p.renewalRatioSD
          if c.renewalSegment[i] >= 0 { segment = c.renewalSegment[i] }
        }
        let created = day + g.uniform()
        let rep = owner(created, &g, accountDeal: true)
        launch(trial: trial, created: created, mu: mu, sigma: sigma, segment: segment, rep: rep,
          source: c.renewalGroup, origin: renewalOrigin, isRenewal: true, ctx: ctx, rng: &g)
      }
    }
    for w in 0..<p.weekCount {
      let t0 = Double(7 * w)
      guard t0 < horizon else { break }
      let lever = t0 >= leverStart

      // Leads → contacted → qualified → deals.
      // (No deals from leads without anyone to own them: a model without reps.)
      let anyOwner = !ctx.handlers.isEmpty || !(ctx.staffing?.presentHires[w].isEmpty ?? true)
        || (lever && adj.extraActiveReps > 0)
      if let funnel = c.model.leadFunnel, anyOwner {
        let counts = (0..<funnel.sources.count).map { s -> Int in
          var g = SimulationRandom(key: key, countTag, w, s)
          let mean = p.sourceRates[s * p.weekCount + w] * (lever ? ctx.leadMultiplier[s] : 1)
          if let size = funnel.sources[s].negativeBinomialSize, size > 0 {
            return Sampling.negativeBinomial(mean: mean, size: size, using: &g)
          }
          return Sampling.poisson(mean, using: &g)
        }
        let arrivals = counts.reduce(0, +)
        // Load as the fit defines it: the week's leads per active lead owner (hires of the
        // owners' role add owners, departures remove them).
        var owners = ctx.leadOwners + (ctx.staffing?.ownerDelta[w] ?? 0)
        if lever { owners += Double(adj.extraActiveReps) }
        let load = Double(arrivals) / max(1, owners)
        var contact = p.contactCoefficients.count >= 2
          ? 1 / (1 + exp(-(p.contactCoefficients[0] + p.contactCoefficients[1] * load)))
          : funnel.contactRate
        if lever {
          if let set = adj.contactRateSet { contact = set }
          contact = min(1, max(0, contact * adj.contactRateMultiplier + adj.contactRateAdd))
        }
        let q = p.qualificationCoefficients
        for s in counts.indices {
          let effect = c.leadSourceEffect[s]
          let leadPath = SimulationRandom.pathHash(key: key, leadTag, w, s)
          for k in 0..<counts[s] {
            var g = SimulationRandom(path: leadPath, last: k)
            if g.uniform() >= contact { continue }
            var hours = p.response.map { g.duration($0, z) } ?? 0
            if lever { hours *= adj.responseTimeMultiplier }
            var qualify = funnel.qualificationRate
            if q.count >= 2 {
              var eta = q[0] + q[1] * fastLog(1 + max(0, hours))
              if effect >= 0 && 2 + effect < q.count { eta += q[2 + effect] }
              qualify = 1 / (1 + fastExp(-eta))
            }
            if g.uniform() >= qualify { continue }
            if g.uniform() >= funnel.dealConversionRate { continue }
            let lag = p.lag.map { g.duration($0, z) } ?? 0
            let created = t0 + 7 * g.uniform() + hours / 24 + lag
            if !(created < horizon) { continue }
            let rep = owner(created, &g)
            let (segment, mu, sigma) = segmentDraw(p, origin: leadOrigin, rng: &g)
            launch(trial: trial, created: created, mu: mu, sigma: sigma, segment: segment, rep: rep,
              source: c.leadSourceGroup[s], origin: leadOrigin, ctx: ctx, rng: &g)
          }
        }
      }

      // Outbound pipeline by reps, following their ramp; each (week, rep) its own stream, hires
      // included (their indices follow the existing reps').
      if c.model.reps != nil {
        let multiplier = lever ? adj.outboundMultiplier : 1
        let creators = ctx.staffing.map { $0.outbound[w] } ?? ctx.outbound
        for rep in creators {
          let (r, rampAt) = repState(rep, at: t0, count: c.creationRamp.count, ctx)
          let ramp = c.creationRamp[rampAt]
          var g = SimulationRandom(key: key, outboundTag, w, rep)
          var sourceStream = c.outboundSourceGroups.count == 1 ? g : SimulationRandom(key: key, outboundSourceTag, w, rep)
          let rate = rep < p.repOutboundPerWeek.count ? p.repOutboundPerWeek[rep] : r.outboundPerWeek
          let n = Sampling.poisson(rate * ramp * multiplier, using: &g)
          for _ in 0..<n {
            let created = t0 + 7 * g.uniform()
            let (segment, mu, sigma) = segmentDraw(p, origin: outboundOrigin, rng: &g)
            launch(trial: trial, created: created, mu: mu, sigma: sigma, segment: segment, rep: rep,
              source: outboundSource(&sourceStream), origin: outboundOrigin, ctx: ctx, rng: &g)
          }
        }
        if lever && adj.extraActiveReps > 0 {
          var g = SimulationRandom(key: key, extraTag, w)
          var sourceStream = c.outboundSourceGroups.count == 1 ? g : SimulationRandom(key: key, outboundSourceTag, w, -1)
          let n = Sampling.poisson(Double(adj.extraActiveReps) * ctx.meanOutboundPerWeek * multiplier, using: &g)
          for _ in 0..<n {
            let (segment, mu, sigma) = segmentDraw(p, origin: outboundOrigin, rng: &g)
            launch(trial: trial, created: t0 + 7 * g.uniform(), mu: mu, sigma: sigma, segment: segment,
              rep: noRep, source: outboundSource(&sourceStream), origin: outboundOrigin, ctx: ctx, rng: &g)
          }
        }
      }

      // Expansion and renewal deals: from customers, who churn (account model), else at their
      // recent flat weekly rates (no churn, no anniversaries). Expected deals this week =
      // volume × (expansion + renewal rate) × time (customers and months, or 1 and 1).
      var rates: (expansion: Double, renewal: Double, volume: Double, time: Double)?
      if c.model.accounts != nil, customers > 0 {
        // Scheduled renewals cover the schedule's span; the flat rate only beyond it.
        let renewalRate = scheduled && t0 < Double(NewDealModel.renewalScheduleSpanDays)
          ? 0 : max(0, p.renewalDealsPerCustomerMonth)
        rates = (max(0, p.expansionDealsPerCustomerMonth), renewalRate, customers, weekFraction)
      } else if c.model.accounts == nil, byOrigin, p.flatExpansionPerWeek + p.flatRenewalPerWeek > 0 {
        rates = (p.flatExpansionPerWeek, p.flatRenewalPerWeek, 1, 1)
      }
      if let r = rates {
        var weekly = SimulationRandom(key: key, customerTag, w)
        let n = Sampling.poisson(r.volume * (r.expansion + r.renewal) * r.time, using: &weekly)
        let expansionShare = r.expansion + r.renewal > 0 ? r.expansion / (r.expansion + r.renewal) : 1
        for k in 0..<n {
          var g = SimulationRandom(key: key, customerDealTag, w, k)
          let isExpansion = g.uniform() < expansionShare
          let created = t0 + 7 * g.uniform()
          let rep = owner(created, &g, accountDeal: true)
          if byOrigin {
            let origin = isExpansion ? expansionOrigin : renewalOrigin
            let (segment, mu, sigma) = segmentDraw(p, origin: origin, rng: &g)
            launch(trial: trial, created: created, mu: mu, sigma: sigma, segment: segment, rep: rep,
              source: isExpansion ? c.expansionGroup : c.renewalGroup, origin: origin, isRenewal: !isExpansion,
              ctx: ctx, rng: &g)
          } else {
            let (mu, sigma) = isExpansion ? p.expansion : p.renewal
            launch(trial: trial, created: created, mu: mu, sigma: sigma, segment: -1, rep: rep,
              source: isExpansion ? c.expansionGroup : c.renewalGroup, isRenewal: !isExpansion, ctx: ctx, rng: &g)
          }
        }
        if c.model.accounts != nil {
          let churned = Sampling.poisson(customers * p.monthlyChurnHazard * weekFraction, using: &weekly)
          customers = max(0, customers - Double(churned))
        }
      }
    }
  }
}
