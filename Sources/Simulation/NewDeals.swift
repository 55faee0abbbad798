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
///   lead-handling rep (capacity: more leads per rep, fewer contacted);
/// - response hours drawn; qualified with logistic(β₀ + β₁ log(1 + hours) + source effect);
///   turned into a deal with the conversion rate, after the qualified-to-deal lag;
/// - outbound deals per active rep ~ Poisson(rate × creation ramp at the rep's tenure that week);
/// - expansion and renewal deals ~ Poisson(customers × monthly rates × 7/30.4375), customers
///   thinned by churn ~ Poisson(customers × hazard × 7/30.4375);
/// - amounts lognormal by segment (drawn by the segment mix) or by deal type, times the model's
///   won-to-all ratio (won deals are larger than closed deals on average); owners uniform among
///   the active lead-handling reps.
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
  /// Staffing levers (`adjustments.hires` / `departures`); nil when there are none, so the
  /// baseline path is untouched.
  let staffing: Staffing?

  /// Per-week deal owners, outbound creators and capacity under hires and departures. Hires are
  /// appended after `compiled.reps` (whose last slot is "no rep").
  struct Staffing {
    var reps: [RepRecord]
    /// Day offset (from the day after as-of) each rep starts; 0 for existing reps.
    var startOffset: [Double]
    var handlers: [[Int]]
    var outbound: [[Int]]
    /// Multiplier of the lead-handling load, owners / (owners + hired − left), per week.
    var loadRatio: [Double]
    /// Outbound deals per week of a hire at full ramp (mean of the active AEs).
    var hireOutboundPerWeek: Double
  }

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
      ? 0 : outbound.reduce(0) { $0 + compiled.reps[$1].outboundPerWeek } / Double(outbound.count)
    if adjustments.hires.isEmpty && adjustments.departures.isEmpty {
      staffing = nil
    } else {
      staffing = Self.staffing(compiled, params.weekCount, adjustments, handlers, outbound)
    }
  }

  private static func staffing(
    _ c: CompiledPipeline, _ weekCount: Int, _ adj: SimulationAdjustments, _ handlers: [Int],
    _ outbound: [Int]
  ) -> Staffing {
    let fitted = c.model.reps?.reps ?? []
    let origin = c.asOf.advanced(by: 1)
    func offset(_ d: Day) -> Double { Double(max(0, origin.distance(to: d))) }
    let sdrOwners = fitted.filter { $0.active && $0.role == "sdr" }.count
    let ownerRole = sdrOwners > 0 ? "sdr" : "ae"
    let owners = Double(sdrOwners > 0 ? sdrOwners : max(1, handlers.count))
    let aeRates = fitted.filter { $0.active && $0.role != "sdr" && $0.outboundDealsPerWeek > 0 }
      .map(\.outboundDealsPerWeek)
    let hireRate = aeRates.isEmpty ? 0 : aeRates.reduce(0, +) / Double(aeRates.count)

    var reps = c.reps
    var start = [Double](repeating: 0, count: reps.count)
    var leave = [Double](repeating: .infinity, count: reps.count)
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
    var weeklyHandlers: [[Int]] = []
    var weeklyOutbound: [[Int]] = []
    var ratio: [Double] = []
    for w in 0..<weekCount {
      let t0 = Double(7 * w)
      let present = { (i: Int) in start[i] <= t0 && t0 < leave[i] }
      weeklyHandlers.append(handlers.filter(present) + dealOwnerHires.filter(present))
      weeklyOutbound.append(outbound.filter(present) + dealOwnerHires.filter(present))
      let delta = capacityChanges.reduce(0) { $0 + ($1.0 <= t0 ? $1.1 : 0) }
      ratio.append(owners + delta > 0 ? owners / (owners + delta) : 1)
    }
    return Staffing(
      reps: reps, startOffset: start, handlers: weeklyHandlers, outbound: weeklyOutbound,
      loadRatio: ratio, hireOutboundPerWeek: hireRate)
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
  private mutating func launch(
    trial: Int, created: Double, mu: Double, sigma: Double, segment: Int, rep: Int, source: Int32,
    origin: Int = -1, ctx: NewDealContext, rng: inout SimulationRandom
  ) {
    let c = ctx.compiled
    let (r, rampAt) = repState(rep, at: created, count: c.rampShift.count, ctx)
    let ramp = c.rampShift[rampAt]
    let skill = rep < ctx.params.repShift.count ? ctx.params.repShift[rep] : 0
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
    if created >= leverStart && ctx.adjustments.newDealSizeMultiplier != 1 {
      amount *= ctx.adjustments.newDealSizeMultiplier
    }
    if !amount.isFinite { amount = 0 }
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
  /// `hireRng` (its own stream per trial) draws the outbound deals of hires, so a staffing
  /// scenario leaves every other draw of the trial where the baseline has it.
  mutating func runNewDeals(
    trial: Int, ctx: NewDealContext, rng: inout SimulationRandom,
    hireRng: inout SimulationRandom
  ) {
    let c = ctx.compiled
    let p = ctx.params
    let adj = ctx.adjustments
    let noRep = c.reps.count - 1
    var customers = Double(c.model.accounts?.activeCustomers ?? 0)
    let weekFraction = 7 / 30.4375
    // Origin indices into the per-origin model (−1: the model has none; old behaviour).
    let byOrigin = c.model.newDeals != nil
    let leadOrigin = byOrigin ? 0 : -1
    let outboundOrigin = byOrigin ? 1 : -1
    let expansionOrigin = byOrigin ? 2 : -1
    let renewalOrigin = byOrigin ? 3 : -1
    // Qualified leads still without a deal at as-of: a deal with the conversion probability
    // given none came in `age` days, c·S(age) / (1 − c + c·S(age)), after the rest of the lag.
    if byOrigin, let funnel = c.model.leadFunnel, let pending = c.model.newDeals?.pendingLeads,
      !pending.isEmpty, let lag = p.lag
    {
      let conversion = min(1, max(0, funnel.dealConversionRate))
      for lead in pending {
        let survival = lag.survival(lead.ageDays)
        let denominator = 1 - conversion + conversion * survival
        let convert = denominator > 0 ? conversion * survival / denominator : 0
        if !(rng.uniform() < convert) { continue }
        let created = lag.sampleRemaining(givenSurvived: lead.ageDays, using: &rng)
        if !(created < horizon) { continue }
        let rep = ctx.handlers.isEmpty ? noRep : ctx.handlers[min(ctx.handlers.count - 1, Int(rng.uniform() * Double(ctx.handlers.count)))]
        let s = funnel.sources.firstIndex { $0.source == lead.source }
        let (segment, mu, sigma) = segmentDraw(p, origin: leadOrigin, rng: &rng)
        launch(trial: trial, created: created, mu: mu, sigma: sigma, segment: segment, rep: rep,
          source: s.map { c.leadSourceGroup[$0] } ?? c.noneGroup, origin: leadOrigin, ctx: ctx, rng: &rng)
      }
    }
    let scheduled = !c.renewalOpenDays.isEmpty || (byOrigin && c.model.newDeals?.renewalSchedule != nil)
    if scheduled {
      // Renewals due to open on customers' anniversaries, for customers who have not churned.
      let hazard = p.monthlyChurnHazard / 30.4375
      for day in c.renewalOpenDays {
        let keep = c.renewalOpenShare * exp(-hazard * day)
        if rng.uniform() >= keep { continue }
        let (segment, mu, sigma) = segmentDraw(p, origin: renewalOrigin, rng: &rng)
        let rep = ctx.handlers.isEmpty ? noRep : ctx.handlers[min(ctx.handlers.count - 1, Int(rng.uniform() * Double(ctx.handlers.count)))]
        launch(trial: trial, created: day + rng.uniform(), mu: mu, sigma: sigma, segment: segment, rep: rep,
          source: c.renewalGroup, origin: renewalOrigin, ctx: ctx, rng: &rng)
      }
    }
    for w in 0..<p.weekCount {
      let t0 = Double(7 * w)
      guard t0 < horizon else { break }
      let lever = t0 >= leverStart

      // Leads → contacted → qualified → deals.
      let handlers = ctx.staffing.map { $0.handlers[w] } ?? ctx.handlers
      if let funnel = c.model.leadFunnel, !handlers.isEmpty || (lever && adj.extraActiveReps > 0) {
        let handlerCount = Double(ctx.handlers.count + (lever ? adj.extraActiveReps : 0))
        var arrivals = 0
        var counts = (0..<funnel.sources.count).map { s -> Int in
          let mean = p.sourceRates[s * p.weekCount + w] * (lever ? ctx.leadMultiplier[s] : 1)
          if let size = funnel.sources[s].negativeBinomialSize, size > 0 {
            return Sampling.negativeBinomial(mean: mean, size: size, using: &rng)
          }
          return Sampling.poisson(mean, using: &rng)
        }
        arrivals = counts.reduce(0, +)
        var load = handlerCount > 0 ? Double(arrivals) / handlerCount : Double(arrivals)
        if let staff = ctx.staffing { load *= staff.loadRatio[w] }
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
          for _ in 0..<counts[s] {
            if rng.uniform() >= contact { continue }
            var hours = p.response.map { $0.sample(using: &rng) } ?? 0
            if lever { hours *= adj.responseTimeMultiplier }
            var qualify = funnel.qualificationRate
            if q.count >= 2 {
              var eta = q[0] + q[1] * log(1 + max(0, hours))
              if effect >= 0 && 2 + effect < q.count { eta += q[2 + effect] }
              qualify = 1 / (1 + exp(-eta))
            }
            if rng.uniform() >= qualify { continue }
            if rng.uniform() >= funnel.dealConversionRate { continue }
            let lag = p.lag.map { $0.sample(using: &rng) } ?? 0
            let created = t0 + 7 * rng.uniform() + hours / 24 + lag
            if !(created < horizon) { continue }
            let rep = handlers.isEmpty ? noRep : handlers[min(handlers.count - 1, Int(rng.uniform() * Double(handlers.count)))]
            let (segment, mu, sigma) = segmentDraw(p, origin: leadOrigin, rng: &rng)
            launch(trial: trial, created: created, mu: mu, sigma: sigma, segment: segment, rep: rep,
              source: c.leadSourceGroup[s], origin: leadOrigin, ctx: ctx, rng: &rng)
          }
        }
        counts.removeAll(keepingCapacity: true)
      }

      // Outbound pipeline by reps, following their ramp.
      if c.model.reps != nil {
        let multiplier = lever ? adj.outboundMultiplier : 1
        let creators = ctx.staffing.map { $0.outbound[w] } ?? ctx.outbound
        for rep in creators {
          let (r, rampAt) = repState(rep, at: t0, count: c.creationRamp.count, ctx)
          let ramp = c.creationRamp[rampAt]
          // Hires draw from their own stream (common random numbers for everyone else).
          let hired = rep >= c.reps.count
          var g = hired ? hireRng : rng
          let n = Sampling.poisson(r.outboundPerWeek * ramp * multiplier, using: &g)
          for _ in 0..<n {
            let created = t0 + 7 * g.uniform()
            let (segment, mu, sigma) = segmentDraw(p, origin: outboundOrigin, rng: &g)
            launch(trial: trial, created: created, mu: mu, sigma: sigma, segment: segment, rep: rep,
              source: c.outboundGroup, origin: outboundOrigin, ctx: ctx, rng: &g)
          }
          if hired { hireRng = g } else { rng = g }
        }
        if lever && adj.extraActiveReps > 0 {
          let n = Sampling.poisson(Double(adj.extraActiveReps) * ctx.meanOutboundPerWeek * multiplier, using: &rng)
          for _ in 0..<n {
            let (segment, mu, sigma) = segmentDraw(p, origin: outboundOrigin, rng: &rng)
            launch(trial: trial, created: t0 + 7 * rng.uniform(), mu: mu, sigma: sigma, segment: segment,
              rep: noRep, source: c.outboundGroup, origin: outboundOrigin, ctx: ctx, rng: &rng)
          }
        }
      }

      // Expansion and renewal deals from customers, who churn.
      if let a = c.model.accounts, customers > 0 {
        let expansionRate = max(0, a.expansionDealsPerCustomerMonth)
        // Scheduled renewals cover the schedule's span; the flat rate only beyond it.
        let renewalRate = scheduled && t0 < Double(NewDealModel.renewalScheduleSpanDays)
          ? 0 : max(0, a.renewalDealsPerCustomerMonth)
        let n = Sampling.poisson(customers * (expansionRate + renewalRate) * weekFraction, using: &rng)
        let expansionShare = expansionRate + renewalRate > 0 ? expansionRate / (expansionRate + renewalRate) : 1
        for _ in 0..<n {
          let isExpansion = rng.uniform() < expansionShare
          let rep = handlers.isEmpty ? noRep : handlers[min(handlers.count - 1, Int(rng.uniform() * Double(handlers.count)))]
          let created = t0 + 7 * rng.uniform()
          if byOrigin {
            let origin = isExpansion ? expansionOrigin : renewalOrigin
            let (segment, mu, sigma) = segmentDraw(p, origin: origin, rng: &rng)
            launch(trial: trial, created: created, mu: mu, sigma: sigma, segment: segment, rep: rep,
              source: isExpansion ? c.expansionGroup : c.renewalGroup, origin: origin, ctx: ctx, rng: &rng)
          } else {
            let (mu, sigma) = isExpansion ? p.expansion : p.renewal
            launch(trial: trial, created: created, mu: mu, sigma: sigma, segment: -1, rep: rep,
              source: isExpansion ? c.expansionGroup : c.renewalGroup, ctx: ctx, rng: &rng)
          }
        }
        let churned = Sampling.poisson(customers * p.monthlyChurnHazard * weekFraction, using: &rng)
        customers = max(0, customers - Double(churned))
      }
    }
  }
}
