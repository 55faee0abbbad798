import CRMData
import Foundation
import PipelineModel
import Statistics

/// The model's parameters for one block of trials, in the flat layout the trial loop reads: the
/// point estimates, or one draw from their sampling distribution.
///
/// Parameter uncertainty (METHODS.md, "Uncertainty"), drawn once per block of
/// `SimulationOptions.trialsPerParameterDraw` trials from the block's own stream:
/// - time in stage, response time, qualified-to-deal lag: the unconstrained parameters
///   (exponential: log rate; lognormal: μ, log σ; gamma: log shape, log scale; Weibull: log scale,
///   log shape — `DurationFit`'s order) from N(estimate, covariance), a Laplace approximation;
/// - loss-given-time curves, contact-given-load and qualification logistics, lead-arrival GLM
///   coefficients: N(coefficients, covariance);
/// - each stage's non-lost exit shares (won, moves): Dirichlet(share × completed non-lost
///   exits), the posterior of the exit counts under a flat-ish prior; structural zeros stay zero;
/// - each rep's skill: the pooled win rate from its Beta(α + won, β + lost) posterior, turned
///   into a loss log-odds shift by the change of its win log-odds (first-order, as the fitter
///   maps rates to shifts);
/// - deal-size μ per segment / type: N(μ, σ² / count);
/// - churn hazard: Gamma(events, hazard / events), the posterior under a flat prior on the rate;
/// - the Poisson rates of new-deal creation the same way, Gamma(count, rate / count) from the
///   counts behind them (count = rate × exposure): expansion and renewal deals per customer-month
///   (exposure: the customer-months), each rep's outbound deals per week (`outboundDeals`); and
///   the share of customers' anniversaries that open a renewal (the renewal schedule) from
///   Beta(renewals, anniversaries − renewals), the same flat-prior posterior for a proportion. A
///   rate from a dozen deals is ±30% (1 / √count); left out, the new-deal half of the forecast
///   had intervals too narrow. Drawn after every other parameter, so adding them left the
///   earlier draws of a block unchanged.
/// Not drawn (no sampling information in the model): deal conversion rate, ramps, σ of the
/// amounts. A covariance that is missing, of the wrong size or not positive definite (after a
/// small ridge) leaves that parameter at its estimate; so does a count below 1.
struct ParameterSet {
  var stageTable: [Double]
  var stride: Int
  /// Per open deal (`CompiledPipeline.deals` order): the probability that its current stay never
  /// ends given its age, π / (π + (1 − π) S₀(age)) with this block's π and S₀. Empty when no
  /// stage has π > 0 (then the trial loop draws nothing for it).
  var openNeverEnding: [Double] = []
  /// Per open deal: what its first, age-conditioned stay needs of this block's parameters and
  /// its age (`TrialKernel.conditioning`), computed once per block instead of once per trial.
  var openConditioning: [TrialKernel.Conditioning] = []
  var repShift: [Double]
  // Lead funnel.
  var weekCount: Int
  /// Expected leads per week, `sources × weekCount`, source-major.
  var sourceRates: [Double]
  var contactCoefficients: [Double]
  var qualificationCoefficients: [Double]
  var response: DurationDistribution?
  var lag: DurationDistribution?
  // Amounts.
  var segmentCumulative: [Double]
  var segmentMu: [Double]
  var segmentSigma: [Double]
  var overall: (mu: Double, sigma: Double)
  var expansion: (mu: Double, sigma: Double)
  var renewal: (mu: Double, sigma: Double)
  /// With `model.newDeals`, per origin (lead, outbound, expansion, renewal): won-amount
  /// lognormals by segment, their cumulative shares (last 2) and the index of each segment in
  /// `model.dealSize.bySegment` (−1 when unknown); one "all" entry when there are no segments.
  var originCumulative: [[Double]] = []
  var originMu: [[Double]] = []
  var originSigma: [[Double]] = []
  var originSegment: [[Int]] = []
  // Accounts.
  var monthlyChurnHazard: Double
  var expansionDealsPerCustomerMonth: Double
  var renewalDealsPerCustomerMonth: Double
  /// Outbound deals per week at full ramp, by index into `compiled.reps` (last slot: no rep, 0).
  var repOutboundPerWeek: [Double]
  /// Share of the scheduled anniversaries that open a renewal (`compiled.renewalOpenShare`).
  var renewalOpenShare: Double
  /// Without an account model: expansion and renewal deals per week at their recent flat rates
  /// (`CompiledPipeline.flatExpansionPerWeek`, `flatRenewalPerWeek`); 0 with one.
  var flatExpansionPerWeek: Double
  var flatRenewalPerWeek: Double
  /// Scheduled renewals priced from contracts: log(amount / contract) ~ N(mean, sd); the mean
  /// drawn per block from N(estimate, sd / √renewals). NaN without a contract ratio.
  var renewalRatioMean: Double
  var renewalRatioSD: Double

  /// - Parameter vectorKernel: the trials will run the C kernel whenever the stage families
  ///   allow it; it conditions on age itself, so `openConditioning` (24 bytes and a log-normal
  ///   tail computation per open deal, per block and worker) is then left empty.
  init(
    compiled c: CompiledPipeline, adjustments: SimulationAdjustments,
    draw generator: inout SimulationRandom?, vectorKernel: Bool = false
  ) {
    let model = c.model
    let n = c.stageCount
    stride = StageRow.stride(stages: n)
    var table = [Double](repeating: 0, count: n * stride)
    var stageDistributions: [DurationDistribution] = []
    let z = ZigguratTables.shared
    for (s, stage) in model.stages.enumerated() {
      let base = s * stride
      var distribution = stage.timeInStage.distribution
      var loss = stage.lossGivenTime.coefficients
      var win = stage.winShare
      var moves = stage.moveShares
      var neverEnding = stage.mixtureNeverEndingShare
      if generator != nil {
        if neverEnding > 0 {
          (neverEnding, distribution) = Self.drawNeverEnding(stage, using: &generator!)
        } else {
          distribution = Self.drawDuration(stage.timeInStage, using: &generator!)
        }
        loss = Self.drawNormal(loss, covariance: stage.lossGivenTime.covariance, using: &generator!)
        let e = stage.exitCounts
        let completed = Double(e.advanced + e.won + e.skipped + e.movedBack)
        if completed >= 1 {
          var shares = [win] + moves
          var total = 0.0
          for i in shares.indices where shares[i] > 0 {
            shares[i] = generator!.gamma(shape: shares[i] * completed, z)
            total += shares[i]
          }
          if total > 0 && total.isFinite {
            win = shares[0] / total
            moves = shares.dropFirst().map { $0 / total }
          }
        }
      }
      Self.writeDistribution(distribution, into: &table, at: base)
      // The mixture's π and a piecewise hazard's never-ending share (this block's draw).
      table[base + StageRow.neverEnding] = FittedStage.combinedNeverEnding(mixture: neverEnding, distribution)
      stageDistributions.append(distribution)
      table[base + StageRow.c0] = loss.count > 0 ? loss[0] : 0
      table[base + StageRow.c1] = loss.count > 1 ? loss[1] : 0
      table[base + StageRow.c2] = loss.count > 2 ? loss[2] : 0
      table[base + StageRow.advanceAdd] =
        s < adjustments.stageAdvanceAdd.count ? adjustments.stageAdvanceAdd[s] : 0
      // Non-lost exits: won first, then moves in stage order; cumulative, normalised.
      var exits: [(share: Double, target: Double)] = []
      if win > 0 { exits.append((win, -1)) }
      for (j, m) in moves.enumerated() where m > 0 && j != s { exits.append((m, Double(j))) }
      let total = exits.reduce(0) { $0 + $1.share }
      if exits.isEmpty || !(total > 0) || !total.isFinite { exits = [(1, -1)] }
      var cumulative = 0.0
      for (k, e) in exits.enumerated() {
        cumulative += e.share / (total > 0 ? total : 1)
        table[base + StageRow.exits + 2 * k] = k == exits.count - 1 ? 2 : cumulative
        table[base + StageRow.exits + 2 * k + 1] = e.target
      }
      table[base + StageRow.exitCount] = Double(exits.count)
      // Unused exit slots get cumulative share 2 (never reached), so the stage loop can test
      // every slot: the same count of comparisons in every stage, no branch on the stage.
      for k in exits.count..<(n + 1) { table[base + StageRow.exits + 2 * k] = 2 }
    }
    stageTable = table
    let rowStride = stride
    let kernelConditions = vectorKernel && table.withUnsafeBufferPointer {
      VectorKernel.applies(table: $0.baseAddress!, stride: rowStride)
    }
    openConditioning = kernelConditions ? [] : table.withUnsafeBufferPointer { t in
      c.deals.map { d in
        d.ageDays > 0
          ? TrialKernel.conditioning(t.baseAddress! + Int(d.stage) * rowStride, logAge: d.logAge)
          : TrialKernel.Conditioning()
      }
    }
    let stagePis = (0..<n).map { table[$0 * rowStride + StageRow.neverEnding] }
    if stagePis.contains(where: { $0 > 0 }) {
      var zombies = [Double](repeating: 0, count: c.deals.count)
      for (i, d) in c.deals.enumerated() {
        let s = Int(d.stage)
        zombies[i] = MixtureCureFit.cureProbability(
          stagePis[s], stageDistributions[s], givenSurvived: d.ageDays)
      }
      openNeverEnding = zombies
    }

    // Reps' skill shifts (last slot: no rep).
    let fitted = model.reps?.reps ?? []
    var shifts = fitted.map(\.lossLogOddsShift) + [0]
    if generator != nil, let r = model.reps, r.poolingAlpha > 0, r.poolingBeta > 0 {
      for (i, rep) in fitted.enumerated() {
        // Perturb by the draw against its own posterior mean: a rep's pooled rate may have a prior
        // mean of its own (expected rate at its tenure mix), so centring on `pooledWinRate` would
        // bias the draw; with the common prior the two are the same.
        let a = r.poolingAlpha + Double(rep.wonDeals)
        let b = r.poolingBeta + Double(max(0, rep.closedDeals - rep.wonDeals))
        let p = a / (a + b)
        guard rep.pooledWinRate > 0 && rep.pooledWinRate < 1 && p > 0 && p < 1 else { continue }
        let x = generator!.gamma(shape: a, z)
        let y = generator!.gamma(shape: b, z)
        let q = min(max(x / (x + y), 1e-9), 1 - 1e-9)
        shifts[i] -= log(q / (1 - q)) - log(p / (1 - p))
      }
    }
    repShift = shifts.map { $0.isFinite ? $0 : 0 }

    // Lead funnel.
    weekCount = Int((c.horizonDays / 7).rounded(.up))
    let funnel = model.leadFunnel
    let origin = c.asOf.advanced(by: 1)
    var rates = [Double](repeating: 0, count: (funnel?.sources.count ?? 0) * weekCount)
    for (si, source) in (funnel?.sources ?? []).enumerated() {
      var coefficients = source.coefficients
      if generator != nil {
        coefficients = Self.drawNormal(coefficients, covariance: source.covariance, using: &generator!)
      }
      let reference = Self.arrivalPredictor(source.coefficients, day: origin, reference: source.referenceDay)
      for w in 0..<weekCount {
        var rate = source.weeklyRateAtAsOf
        if !coefficients.isEmpty {
          let eta = Self.arrivalPredictor(coefficients, day: origin.advanced(by: 7 * w), reference: source.referenceDay)
          rate *= exp(min(20, eta - reference))
        }
        rates[si * weekCount + w] = rate.isFinite ? max(0, rate) : 0
      }
    }
    sourceRates = rates
    contactCoefficients = funnel?.contactGivenLoad.coefficients ?? []
    qualificationCoefficients = funnel?.qualificationCoefficients ?? []
    response = funnel?.responseTime.distribution
    lag = funnel?.qualifiedToDealLag?.distribution
    if generator != nil, let funnel {
      contactCoefficients = Self.drawNormal(
        contactCoefficients, covariance: funnel.contactGivenLoad.covariance, using: &generator!)
      qualificationCoefficients = Self.drawNormal(
        qualificationCoefficients, covariance: funnel.qualificationCovariance, using: &generator!)
      response = Self.drawDuration(funnel.responseTime, using: &generator!)
      if let l = funnel.qualifiedToDealLag { lag = Self.drawDuration(l, using: &generator!) }
    }

    // Amounts.
    let size = model.dealSize
    // A group fitted on no positive amount (count 0, also in model files written before this
    // rule) books its deals at 0: log amount −∞, so exp(mu + sigma·z) is exactly 0.
    func drawMu(_ g: DealSizeModel.Group) -> Double {
      guard g.count > 0 else { return -.infinity }
      guard generator != nil, g.count > 1, g.sigma > 0 else { return g.mu }
      return g.mu + g.sigma / Double(g.count).squareRoot() * generator!.normal(z)
    }
    overall = (drawMu(size.overall), size.overall.sigma)
    segmentMu = size.bySegment.map { drawMu($0) }
    segmentSigma = size.bySegment.map(\.sigma)
    let shareTotal = size.bySegment.reduce(0) { $0 + max(0, $1.share) }
    var cumulative = 0.0
    segmentCumulative = size.bySegment.enumerated().map { (i, g) in
      cumulative += shareTotal > 0 ? max(0, g.share) / shareTotal : 1 / Double(size.bySegment.count)
      return i == size.bySegment.count - 1 ? 2 : cumulative
    }
    let expansionGroup = size.byType.first { $0.key == DealType.expansion.rawValue }
    let renewalGroup = size.byType.first { $0.key == DealType.renewal.rawValue }
    expansion = expansionGroup.map { (drawMu($0), $0.sigma) } ?? overall
    renewal = renewalGroup.map { (drawMu($0), $0.sigma) } ?? overall
    if let nd = model.newDeals {
      for name in NewDealModel.originNames {
        guard let o = nd.origin(name) else {
          originCumulative.append([2])
          originMu.append([overall.mu])
          originSigma.append([overall.sigma])
          originSegment.append([-1])
          continue
        }
        let groups = o.wonAmountBySegment.isEmpty ? [o.wonAmount] : o.wonAmountBySegment
        let total = groups.reduce(0) { $0 + max(0, $1.share) }
        var cumulative = 0.0
        originCumulative.append(groups.enumerated().map { (i, g) in
          cumulative += total > 0 ? max(0, g.share) / total : 1 / Double(groups.count)
          return i == groups.count - 1 ? 2 : cumulative
        })
        originMu.append(groups.map { drawMu($0) })
        originSigma.append(groups.map(\.sigma))
        originSegment.append(groups.map { g in size.bySegment.firstIndex { $0.key == g.key } ?? -1 })
      }
    }

    // Accounts.
    var hazard = model.accounts?.monthlyChurnHazard ?? 0
    if generator != nil, let a = model.accounts, a.churnEvents > 0, hazard > 0 {
      hazard = generator!.gamma(shape: Double(a.churnEvents), z) * hazard / Double(a.churnEvents)
    }
    monthlyChurnHazard = hazard.isFinite ? max(0, hazard) : 0

    // Poisson rates of new-deal creation (after every other draw; see the type's comment).
    let accounts = model.accounts
    let customerMonths = accounts?.customerMonths ?? 0
    expansionDealsPerCustomerMonth = Self.drawPoissonRate(
      accounts?.expansionDealsPerCustomerMonth ?? 0,
      count: (accounts?.expansionDealsPerCustomerMonth ?? 0) * customerMonths, using: &generator)
    renewalDealsPerCustomerMonth = Self.drawPoissonRate(
      accounts?.renewalDealsPerCustomerMonth ?? 0,
      count: (accounts?.renewalDealsPerCustomerMonth ?? 0) * customerMonths, using: &generator)
    repOutboundPerWeek = c.reps.indices.map { i in
      guard i < fitted.count else { return c.reps[i].outboundPerWeek }
      return Self.drawPoissonRate(
        c.reps[i].outboundPerWeek, count: fitted[i].outboundDeals.map(Double.init) ?? 0, using: &generator)
    }
    renewalOpenShare = c.renewalOpenShare
    if generator != nil, c.renewalOpenShare > 0, let schedule = model.newDeals?.renewalSchedule,
      schedule.renewals >= 1, schedule.anniversaries - schedule.renewals >= 1
    {
      let x = generator!.gamma(shape: Double(schedule.renewals), z)
      let y = generator!.gamma(shape: Double(schedule.anniversaries - schedule.renewals), z)
      let share = x / (x + y)
      if share.isFinite { renewalOpenShare = min(1, max(0, share)) }
    }
    flatExpansionPerWeek = Self.drawPoissonRate(
      c.flatExpansionPerWeek.rate, count: c.flatExpansionPerWeek.deals, using: &generator)
    flatRenewalPerWeek = Self.drawPoissonRate(
      c.flatRenewalPerWeek.rate, count: c.flatRenewalPerWeek.deals, using: &generator)
    if let ratio = model.newDeals?.renewalSchedule?.contractRatio {
      renewalRatioMean = ratio.logMean
      renewalRatioSD = ratio.logSD
      if generator != nil, ratio.renewals >= 2 {
        let drawn = ratio.logMean + ratio.logSD / Double(ratio.renewals).squareRoot() * generator!.normal(z)
        if drawn.isFinite { renewalRatioMean = drawn }
      }
    } else {
      renewalRatioMean = .nan
      renewalRatioSD = .nan
    }
  }

  /// A draw of a Poisson rate estimated as count / exposure from its posterior under a flat prior,
  /// Gamma(shape count, scale rate / count) (mean: the estimate; relative sd 1 / √count). The
  /// estimate itself without a generator, or when the count is below 1 (rounded: a count recovered
  /// as rate × exposure carries rounding error).
  static func drawPoissonRate(_ rate: Double, count: Double, using generator: inout SimulationRandom?) -> Double {
    let events = count.isFinite ? count.rounded() : 0
    guard generator != nil, events >= 1, rate > 0, rate.isFinite else { return rate.isFinite ? max(0, rate) : 0 }
    let drawn = generator!.gamma(shape: events, ZigguratTables.shared) * rate / events
    return drawn.isFinite ? max(0, drawn) : rate
  }

  /// Linear predictor of the arrival GLM: intercept, trend per year since `reference`, then
  /// Fourier pairs sin(2πk·years), cos(2πk·years) for k = 1, 2, ….
  static func arrivalPredictor(_ b: [Double], day: Day, reference: Day) -> Double {
    let years = Double(reference.distance(to: day)) / 365.25
    var eta = b.first ?? 0
    if b.count > 1 { eta += b[1] * years }
    var k = 1
    var i = 2
    while i + 1 < b.count {
      let angle = 2 * Double.pi * Double(k) * years
      eta += b[i] * sin(angle) + b[i + 1] * cos(angle)
      i += 2
      k += 1
    }
    return eta
  }

  /// Writes `d` into the stage row at `base`; a piecewise hazard's intervals go to the side table
  /// after the rows (appended to `table`; the row's p1 is the entry's offset, `PiecewiseStay`).
  static func writeDistribution(_ d: DurationDistribution, into table: inout [Double], at base: Int) {
    switch d {
    case .exponential(let rate):
      table[base + StageRow.family] = 0
      table[base + StageRow.p1] = 1 / rate
      table[base + StageRow.p2] = -log(rate)
    case .logNormal(let mu, let sigma):
      table[base + StageRow.family] = 1
      table[base + StageRow.p1] = mu
      table[base + StageRow.p2] = sigma
      table[base + StageRow.p3] = 1 / sigma
    case .gamma(let shape, let scale):
      table[base + StageRow.family] = 2
      table[base + StageRow.p1] = shape
      table[base + StageRow.p2] = scale
    case .weibull(let shape, let scale):
      table[base + StageRow.family] = 3
      table[base + StageRow.p1] = scale
      table[base + StageRow.p2] = 1 / shape
      table[base + StageRow.p3] = shape
      table[base + StageRow.p4] = log(scale)
    case .piecewiseExponential(let p):
      table[base + StageRow.family] = 4
      table[base + StageRow.p1] = Double(PiecewiseStay.append(p, to: &table))
    }
    table[base + StageRow.median] = d.median
  }

  /// A draw of a duration distribution's parameters on the unconstrained scale.
  static func drawDuration(_ e: DurationEstimate, using g: inout SimulationRandom) -> DurationDistribution {
    let t = drawNormal(e.unconstrainedParameters, covariance: e.covariance, using: &g)
    guard t.allSatisfy({ $0.isFinite && abs($0) < 700 }) else { return e.distribution }
    return e.distribution(unconstrained: t)
  }

  /// A joint draw of (logit π, S₀'s unconstrained parameters) from N(estimate, covariance) of the
  /// stage's never-ending mixture fit; the estimates themselves when the covariance is unusable.
  static func drawNeverEnding(
    _ stage: FittedStage, using g: inout SimulationRandom
  ) -> (Double, DurationDistribution) {
    let pi = stage.mixtureNeverEndingShare
    let d = stage.timeInStage.distribution
    let center = [log(pi / (1 - pi))] + MixtureCureFit.unconstrained(d)
    let t = drawNormal(center, covariance: stage.neverEnds?.covariance ?? [], using: &g)
    guard t.allSatisfy({ $0.isFinite && abs($0) < 700 }) else { return (pi, d) }
    return (1 / (1 + exp(-t[0])), MixtureCureFit.distribution(d.family, unconstrained: Array(t.dropFirst())))
  }

  /// mean + L z with L the Cholesky factor of `covariance` (row-major k×k) and z standard normal.
  /// Returns `mean` unchanged when the covariance is absent, mis-sized or not positive definite
  /// even after a ridge of 1e-10 × trace.
  static func drawNormal(_ mean: [Double], covariance: [Double], using g: inout SimulationRandom) -> [Double] {
    let k = mean.count
    guard k > 0, covariance.count == k * k, covariance.allSatisfy(\.isFinite),
      let l = cholesky(covariance, k)
    else { return mean }
    let z = ZigguratTables.shared
    let normals = (0..<k).map { _ in g.normal(z) }
    var result = mean
    for i in 0..<k {
      var sum = 0.0
      for j in 0...i { sum += l[i * k + j] * normals[j] }
      result[i] += sum
    }
    return result
  }

  static func cholesky(_ a: [Double], _ k: Int) -> [Double]? {
    var trace = 0.0
    for i in 0..<k { trace += a[i * k + i] }
    guard trace > 0 else { return nil }
    for ridge in [0, 1e-10 * trace] {
      var l = [Double](repeating: 0, count: k * k)
      var ok = true
      outer: for i in 0..<k {
        for j in 0...i {
          var sum = 0.5 * (a[i * k + j] + a[j * k + i]) + (i == j ? ridge : 0)
          for m in 0..<j { sum -= l[i * k + m] * l[j * k + m] }
          if i == j {
            guard sum > 0 else { ok = false; break outer }
            l[i * k + i] = sum.squareRoot()
          } else {
            l[i * k + j] = sum / l[j * k + j]
          }
        }
      }
      if ok { return l }
    }
    return nil
  }
}
