import CRMData
import Foundation
import Statistics

/// Reps: pooled win rates, outbound creation, and the creation and win ramps by tenure.
///
/// - Win rates, net of ramp: closed deals per owner, pooled by a beta-binomial empirical Bayes
///   prior whose mean for rep k is μₖ = c · (mean win ramp r at the tenure of each closed deal's
///   creation), c = total wins / Σ r (the average rep's rate at full ramp): indirect
///   standardisation. The prior strength κ maximises the marginal beta-binomial likelihood
///   (golden-section search on log κ in [0, ln 10⁵]); the pooled rate is (κμₖ + wins) / (κ + closed)
///   and the skill ratio pooled / μₖ is 1 for an average rep at any tenure. Raw win rates would
///   carry a new rep's ramp into their skill, and the simulation adds the ramp shift again.
/// - Skill in simulation: `lossLogOddsShift` makes the chain's eventual win probability from the
///   first stage equal the model's company value m times the rep's multiplier (pooled / μₖ · c / m).
///   The ratio, not the raw pooled rate, is targeted because closed-deal win rates are biased by
///   censoring (quick losses close first) in the same way for every rep.
/// - Ramp by tenure month (30.4375-day months from reps.csv `hired_on`), fitted over *all* reps
///   including those who left (never survivors only), counting only exposure after the data
///   starts and of reps who can own deals (`canOwnDeals`, or own one): creation ramp = outbound
///   deals created per rep-month at tenure m over the plateau rate (tenure ≥ `rampMonths`),
///   shrunk toward 1 with 5 pseudo-deals; win ramp = closed win rate of deals created at tenure m
///   over the plateau's, shrunk toward 1 with 20 pseudo-deals.
/// - Outbound creation: new deals (not expansions or renewals) not from the lead funnel
///   (`DealOrigins`: without leads.csv, every new deal), in the last 52 weeks, over the rep's
///   ramp-weighted weeks employed (so a new rep's rate is at full ramp).
enum RepFitting {
  static let daysPerMonth = 30.4375

  static func fit(
    folder: CRMFolder, origins: DealOrigins, solver: LossShiftSolver, options: PipelineFitter.Options
  ) -> (RepModel?, [String]) {
    var notes: [String] = []
    let asOf = folder.asOf
    let asOfEnd = Moment(asOf.advanced(by: 1))
    var ids: [String] = []
    var index: [String: Int] = [:]
    var info: [Rep?] = []
    for rep in folder.reps ?? [] where index[rep.id] == nil {
      index[rep.id] = ids.count
      ids.append(rep.id)
      info.append(rep)
    }
    var owner = [Int](repeating: 0, count: folder.deals.count)
    for (i, deal) in folder.deals.enumerated() {
      if let k = index[deal.ownerID] { owner[i] = k } else {
        index[deal.ownerID] = ids.count
        owner[i] = ids.count
        ids.append(deal.ownerID)
        info.append(nil)
      }
    }
    if folder.reps == nil { notes.append("no reps.csv: ramp-up not fitted (flat), reps taken from deal owners") }
    let n = ids.count
    guard n > 0 else { return (nil, notes) }

    // MARK: closed deals per rep (pooled below, once the win ramp is known)
    var closed = [Int](repeating: 0, count: n)
    var won = [Int](repeating: 0, count: n)
    for (i, deal) in folder.deals.enumerated() where deal.status != .open {
      closed[owner[i]] += 1
      if deal.status == .won { won[owner[i]] += 1 }
    }
    let totalClosed = closed.reduce(0, +)
    let totalWon = won.reduce(0, +)
    let m = totalClosed > 0 ? min(max(Double(totalWon) / Double(totalClosed), 1e-4), 1 - 1e-4) : 0.5
    let baseWin = solver.baseWin

    // MARK: ramp
    let rampMonths = max(options.rampMonths, 1)
    let dataStart = folder.deals.map(\.createdOn).min()!
    var exposure = [Double](repeating: 0, count: rampMonths + 1)
    var created = [Double](repeating: 0, count: rampMonths + 1)
    var rampClosed = [Double](repeating: 0, count: rampMonths + 1)
    var rampWon = [Double](repeating: 0, count: rampMonths + 1)
    func tenureBin(_ hired: Moment, _ at: Moment) -> Int? {
      let d = hired.days(to: at)
      guard d >= 0 else { return nil }
      return min(Int(d / daysPerMonth), rampMonths)
    }
    var anyHire = false
    var ownsDeals = [Bool](repeating: false, count: n)
    for k in owner { ownsDeals[k] = true }
    for k in 0..<n {
      guard let rep = info[k], let hired = rep.hiredOn else { continue }
      anyHire = true
      // Exposure only for reps who can own deals: the rates' numerators count owned deals, so an
      // SDR's or manager's months would dilute whichever tenure bins they fall in (mostly the
      // plateau) and push the early months' ratios up.
      guard Self.canOwnDeals(rep.role) || ownsDeals[k] else { continue }
      let end = min(rep.leftOn ?? asOfEnd, asOfEnd)
      // Walk month by month, counting only days after the data starts.
      var month = 0
      while true {
        let monthStart = hired.secondsSinceEpoch + Int64(Double(month) * daysPerMonth * 86_400)
        if monthStart >= end.secondsSinceEpoch { break }
        let monthEnd = min(
          hired.secondsSinceEpoch + Int64(Double(month + 1) * daysPerMonth * 86_400), end.secondsSinceEpoch)
        let from = max(monthStart, dataStart.secondsSinceEpoch)
        if monthEnd > from {
          exposure[min(month, rampMonths)] += Double(monthEnd - from) / 86_400 / daysPerMonth
        }
        month += 1
        if month > 600 { break }
      }
    }
    // Creation ramp: the rep's own pipeline (outbound deals), which is what the simulation
    // scales by it; lead deals are assigned and renewals/expansions follow accounts, so they do
    // not ramp with the rep. All deals when there is no outbound deal at all.
    let anyOutbound = folder.deals.indices.contains { origins.isOutbound($0) }
    for (i, deal) in folder.deals.enumerated() {
      guard let rep = info[owner[i]], let hired = rep.hiredOn, let bin = tenureBin(hired, deal.createdOn)
      else { continue }
      if !anyOutbound || origins.isOutbound(i) { created[bin] += 1 }
      if deal.status != .open {
        rampClosed[bin] += 1
        if deal.status == .won { rampWon[bin] += 1 }
      }
    }
    var creationRamp = [Double](repeating: 1, count: rampMonths + 1)
    var winRateRamp = [Double](repeating: 1, count: rampMonths + 1)
    if anyHire {
      var plateauRate = exposure[rampMonths] > 0 ? created[rampMonths] / exposure[rampMonths] : 0
      var plateauWin = rampClosed[rampMonths] > 0 ? rampWon[rampMonths] / rampClosed[rampMonths] : m
      if exposure[rampMonths] < 1 {
        notes.append("reps: no tenure beyond \(rampMonths) months in the data; ramp plateau taken from all months")
        let e = exposure.reduce(0, +)
        plateauRate = e > 0 ? created.reduce(0, +) / e : 0
        let c = rampClosed.reduce(0, +)
        plateauWin = c > 0 ? rampWon.reduce(0, +) / c : m
      }
      plateauWin = min(max(plateauWin, 1e-4), 1 - 1e-4)
      for b in 0..<rampMonths {
        if plateauRate > 0 {
          creationRamp[b] = (created[b] + 5) / (exposure[b] * plateauRate + 5)
        }
        winRateRamp[b] = ((rampWon[b] + 20 * plateauWin) / (rampClosed[b] + 20)) / plateauWin
      }
    }
    let winRampShift = winRateRamp.map { r -> Double in
      let s = solver.shift(forWin: min(max(baseWin * r, 1e-6), 1 - 1e-6))
      return s.isFinite ? s : 0
    }

    // MARK: skill, net of the win ramp (indirect standardisation)
    // Each closed deal's expected win rate for an average-skill rep is c · r(tenure at creation):
    // r the win ramp (1 without a hire date), c the plateau rate that makes expected wins add up
    // to observed wins. The rep's prior mean is μₖ = c · mean r over their closed deals.
    var rampSum = [Double](repeating: 0, count: n)
    for (i, deal) in folder.deals.enumerated() where deal.status != .open {
      var r = 1.0
      if let rep = info[owner[i]], let hired = rep.hiredOn, let bin = tenureBin(hired, deal.createdOn) {
        r = winRateRamp[bin]
      }
      rampSum[owner[i]] += r
    }
    let totalRamp = rampSum.reduce(0, +)
    let standardWinRate = totalRamp > 0 ? min(max(Double(totalWon) / totalRamp, 1e-4), 1 - 1e-4) : m
    let priorMean = (0..<n).map { k in
      closed[k] > 0 ? min(max(standardWinRate * rampSum[k] / Double(closed[k]), 1e-4), 1 - 1e-4) : standardWinRate
    }
    let kappa = betaBinomialStrength(means: priorMean, wins: won, trials: closed)
    let alpha = standardWinRate * kappa
    let beta = (1 - standardWinRate) * kappa

    // MARK: outbound creation at full ramp
    let windowStart = Moment(asOf.advanced(by: -363))
    var outbound = [Double](repeating: 0, count: n)
    var firstDeal = [Moment?](repeating: nil, count: n)
    for (i, deal) in folder.deals.enumerated() {
      let k = owner[i]
      if firstDeal[k] == nil || deal.createdOn < firstDeal[k]! { firstDeal[k] = deal.createdOn }
      guard deal.createdOn >= windowStart else { continue }
      if origins.isOutbound(i) { outbound[k] += 1 }
    }
    var reps: [RepModel.FittedRep] = []
    for k in 0..<n {
      let rep = info[k]
      let start = max(windowStart, rep?.hiredOn ?? firstDeal[k] ?? windowStart)
      let end = min(rep?.leftOn ?? asOfEnd, asOfEnd)
      var weightedWeeks = 0.0
      var t = start
      while t < end {
        let next = min(Moment(secondsSinceEpoch: t.secondsSinceEpoch + 7 * 86_400), end)
        var weight = 1.0
        if let hired = rep?.hiredOn, let bin = tenureBin(hired, t) { weight = creationRamp[bin] }
        weightedWeeks += t.days(to: next) / 7 * weight
        t = next
      }
      let rate = weightedWeeks > 0.5 ? outbound[k] / weightedWeeks : 0
      let pooled = (kappa * priorMean[k] + Double(won[k])) / (kappa + Double(closed[k]))
      // Skill = pooled / μₖ (1 for an average rep at any tenure); × c / m puts it on the scale of
      // the model's company rate m, which the ramp shift at the deal's tenure then lowers.
      let multiplier = pooled / priorMean[k] * standardWinRate / m
      let shift = solver.shift(forWin: min(max(baseWin * multiplier, 1e-6), 1 - 1e-6))
      var tenure: Int?
      if let hired = rep?.hiredOn, hired <= asOfEnd { tenure = Int(hired.days(to: asOfEnd) / daysPerMonth) }
      reps.append(
        RepModel.FittedRep(
          id: ids[k], team: rep?.team, role: rep?.role?.rawValue, hiredOn: rep?.hiredOn?.day,
          tenureMonths: tenure, active: rep?.leftOn == nil, outboundDealsPerWeek: rate.isFinite ? rate : 0,
          closedDeals: closed[k], wonDeals: won[k], pooledWinRate: pooled,
          winRateMultiplier: multiplier.isFinite ? multiplier : 1, lossLogOddsShift: shift.isFinite ? shift : 0,
          outboundDeals: Int(outbound[k])))
    }
    reps.sort { $0.id < $1.id }
    return (
      RepModel(
        reps: reps, creationRamp: creationRamp, winRateRamp: winRateRamp,
        winRampLossLogOddsShift: winRampShift, poolingAlpha: alpha, poolingBeta: beta),
      notes
    )
  }

  /// Whether a rep of this role owns deals (and so belongs in the creation ramp's exposure):
  /// account executives, account managers, and reps of unknown role; not SDRs or managers, who
  /// count only if they own a deal in the data.
  static func canOwnDeals(_ role: RepRole?) -> Bool {
    switch role {
    case nil, .ae?, .am?: return true
    case .sdr?, .manager?: return false
    }
  }

  /// Prior strength κ maximising the beta-binomial marginal likelihood with the mean fixed at m:
  /// Σᵢ [log B(κm + wᵢ, κ(1 − m) + nᵢ − wᵢ) − log B(κm, κ(1 − m))]. Large κ: reps do not differ
  /// beyond chance (full pooling).
  static func betaBinomialStrength(mean m: Double, wins: [Int], trials: [Int]) -> Double {
    betaBinomialStrength(means: [Double](repeating: m, count: wins.count), wins: wins, trials: trials)
  }

  /// Prior strength κ with a prior mean mᵢ of its own for each rep (their expected win rate given
  /// their tenure mix): Σᵢ [log B(κmᵢ + wᵢ, κ(1 − mᵢ) + nᵢ − wᵢ) − log B(κmᵢ, κ(1 − mᵢ))],
  /// maximised by golden-section search on log κ in [0, ln 10⁵].
  static func betaBinomialStrength(means: [Double], wins: [Int], trials: [Int]) -> Double {
    precondition(means.count == wins.count && wins.count == trials.count, "one mean, win and trial count per rep")
    func logLikelihood(_ logKappa: Double) -> Double {
      let k = exp(logKappa)
      var ll = 0.0
      for (m, (w, n)) in zip(means, zip(wins, trials)) where n > 0 {
        let a = k * m
        let b = k * (1 - m)
        let wd = Double(w)
        let nd = Double(n)
        ll += lgamma(a + wd) + lgamma(b + nd - wd) - lgamma(a + b + nd) - (lgamma(a) + lgamma(b) - lgamma(a + b))
      }
      return ll
    }
    var lo = 0.0
    var hi = log(1e5)
    let g = (5.0.squareRoot() - 1) / 2
    var x1 = hi - g * (hi - lo)
    var x2 = lo + g * (hi - lo)
    var f1 = logLikelihood(x1)
    var f2 = logLikelihood(x2)
    for _ in 0..<80 {
      if f1 < f2 {
        lo = x1
        x1 = x2
        f1 = f2
        x2 = lo + g * (hi - lo)
        f2 = logLikelihood(x2)
      } else {
        hi = x2
        x2 = x1
        f2 = f1
        x1 = hi - g * (hi - lo)
        f1 = logLikelihood(x1)
      }
    }
    let k = exp((lo + hi) / 2)
    return k.isFinite ? k : 1e5
  }
}
