import CRMData
import Foundation
import Statistics

/// Fits every open stage's joint "time to exit, then which exit" model and the absorbing chain.
///
/// Per stage:
/// - T ~ `timeInStage`: censored MLE over all stays (stays open at as-of right-censored), family
///   by AIC among lognormal, gamma, Weibull, exponential and piecewise exponential
///   (`DurationEstimation`);
/// - P(lost | T = t) = logistic(c₀ + c₁ log t + c₂ (log t)²) on completed stays only (a censored
///   stay says nothing about its exit, so the likelihood factorises into the two parts), with the
///   degree chosen by AIC, capped by the events-per-term rule and ridged on separation;
/// - non-lost exits split by their observed counts (`winShare`, `moveShares`).
/// The reported probabilities are those the model implies for a fresh entry:
/// P(lost) = ∫ f(t) P(lost | t) dt, integrated on the midpoint quantile grid
/// tᵢ = F⁻¹((i + ½)/M); intervals are the 2.5% and 97.5% points over parameter draws
/// (θ ~ N(θ̂, Σθ) for the time fit, c ~ N(ĉ, Σc) for the curve, shares ~ Beta(k + ½, m − k + ½)).
enum StageFitting {
  static let gridSize = 200
  static let drawGridSize = 64

  struct Output {
    var stages: [FittedStage]
    var notes: [String]
  }

  static func fit(
    episodes: StageEpisodes, definitions: [StageDefinition], options: PipelineFitter.Options
  ) -> Output {
    let n = episodes.stages.count
    var notes: [String] = []
    var durations = [[Double]](repeating: [], count: n)
    var observed = [[Bool]](repeating: [], count: n)
    var completedDurations = [[Double]](repeating: [], count: n)
    var completedLost = [[Bool]](repeating: [], count: n)
    var moveCounts = [[Int]](repeating: [Int](repeating: 0, count: n), count: n)
    var won = [Int](repeating: 0, count: n)
    var lost = [Int](repeating: 0, count: n)
    for e in episodes.episodes {
      let s = e.stage
      durations[s].append(e.durationDays)
      switch e.exit {
      case .censored:
        observed[s].append(false)
      case .lost:
        observed[s].append(true)
        lost[s] += 1
        completedDurations[s].append(e.durationDays)
        completedLost[s].append(true)
      case .won:
        observed[s].append(true)
        won[s] += 1
        completedDurations[s].append(e.durationDays)
        completedLost[s].append(false)
      case .moved(let j):
        observed[s].append(true)
        moveCounts[s][j] += 1
        completedDurations[s].append(e.durationDays)
        completedLost[s].append(false)
      }
    }
    // Company-wide fallbacks for stages nobody entered.
    let allCompleted = completedDurations.reduce(0) { $0 + $1.count }
    let allLost = lost.reduce(0, +)
    let pooledLossRate = (Double(allLost) + 0.5) / (Double(allCompleted) + 1)
    var allExits = 0.0
    var allExposure = 0.0
    for e in episodes.episodes {
      allExposure += e.durationDays
      if e.exit != .censored { allExits += 1 }
    }
    let pooledRate = (allExits + 0.5) / max(allExposure + 1, 1)

    var stages: [FittedStage] = []
    for i in 0..<n {
      let name = episodes.stages[i].name
      var generator = RandomStream(seed: options.seed, block: UInt64(i))
      let entered = durations[i].count
      let censored = observed[i].filter { !$0 }.count
      var counts = ExitCounts(advanced: 0, won: won[i], lost: lost[i], skipped: 0, movedBack: 0)
      for j in 0..<n {
        if j == i + 1 { counts.advanced += moveCounts[i][j] }
        else if j > i + 1 { counts.skipped += moveCounts[i][j] }
        else if j < i { counts.movedBack += moveCounts[i][j] }
      }
      let nonLost = won[i] + moveCounts[i].reduce(0, +)
      let advanceTarget = i + 1 < n ? i + 1 : nil
      var winShare: Double
      var moveShares = [Double](repeating: 0, count: n)
      if nonLost > 0 {
        winShare = Double(won[i]) / Double(nonLost)
        for j in 0..<n { moveShares[j] = Double(moveCounts[i][j]) / Double(nonLost) }
      } else {
        // No non-lost exit seen: send the (rare) non-lost exit forward.
        winShare = advanceTarget == nil ? 1 : 0
        if let a = advanceTarget { moveShares[a] = 1 }
      }

      let timeInStage: DurationEstimate
      var neverEnds: NeverEndingStays? = nil
      let curve: LogisticCurve
      if entered == 0 {
        notes.append("stage \(name): no stays observed; pooled company exit rate and loss share used")
        let rate = pooledRate.isFinite && pooledRate > 0 ? pooledRate : 1.0 / 30
        let d = DurationDistribution.exponential(rate: rate)
        timeInStage = DurationEstimate(
          distribution: d, covariance: [1], medianDays: d.quantile(0.5), p10Days: d.quantile(0.1),
          p90Days: d.quantile(0.9), kaplanMeierMedianDays: nil, aic: [:], maxSurvivalGap: 0,
          events: 0, censored: 0)
        let c0 = log(pooledLossRate / (1 - pooledLossRate))
        curve = LogisticCurve(coefficients: [c0], covariance: [4])
      } else {
        let grouped = GroupedDurations(durations: durations[i], observed: observed[i])
        let (estimate, cure, note) = DurationEstimation.estimateAllowingNeverEnding(
          grouped, minEvents: options.minEventsForParametric, what: "time in stage \(name)")
        if let note { notes.append(note) }
        timeInStage = estimate
        neverEnds = cure
        let lossData = GroupedDurations(durations: completedDurations[i], observed: completedLost[i])
        if lossData.times.isEmpty {
          let c0 = log(pooledLossRate / (1 - pooledLossRate))
          curve = LogisticCurve(coefficients: [c0], covariance: [4])
          notes.append("stage \(name): no completed stays; loss share pooled from all stages")
        } else {
          let fit = PolynomialLogistic.fit(
            x: lossData.times.map { log($0) }, successes: lossData.events,
            trials: zip(lossData.events, lossData.censored).map { $0 + $1 })
          if fit.ridged {
            notes.append(
              "stage \(name): loss-given-time logistic separated (\(lost[i]) lost of "
                + "\(completedDurations[i].count)); ridge penalty 0.5 added")
          }
          curve = LogisticCurve(coefficients: fit.coefficients, covariance: fit.covariance)
        }
      }

      // A never-ending stay (share π) has no exit: every exit probability is (1 − π) times that
      // of a stay that ends. π comes from the mixture or from a piecewise hazard that stops.
      let mixturePi = neverEnds?.probability ?? 0
      let pi = FittedStage.combinedNeverEnding(mixture: mixturePi, timeInStage.distribution)
      let endingLoss = impliedLoss(timeInStage.distribution, curve.coefficients, shift: 0, gridSize: gridSize)
      let lossValue = (1 - pi) * endingLoss
      let advanceShare = advanceTarget.map { moveShares[$0] } ?? winShare
      let advanceCount = Double(advanceTarget.map { moveCounts[i][$0] } ?? won[i])

      // Parameter draws for intervals.
      // With a mixture π > 0, (logit π, θ) are drawn jointly from the mixture fit's covariance; a
      // piecewise hazard's share follows from each draw of its hazards.
      let joint = mixturePi > 0 ? neverEnds!.covariance : []
      let thetaHat =
        (mixturePi > 0 ? [log(mixturePi / (1 - mixturePi))] : []) + timeInStage.unconstrainedParameters
      let kT = thetaHat.count
      let covarianceT = mixturePi > 0 ? joint : timeInStage.covariance
      let lT = covarianceT.count == kT * kT ? Dense.cholesky(covarianceT, kT) : nil
      let kC = curve.coefficients.count
      let lC = curve.covariance.count == kC * kC ? Dense.cholesky(curve.covariance, kC) : nil
      var lossDraws: [Double] = []
      var advanceDraws: [Double] = []
      lossDraws.reserveCapacity(options.intervalDraws)
      for _ in 0..<options.intervalDraws {
        let drawn = draw(thetaHat, lT, &generator)
        let c = draw(curve.coefficients, lC, &generator)
        let mixtureDraw = mixturePi > 0 ? 1 / (1 + exp(-drawn[0])) : 0
        let theta = mixturePi > 0 ? Array(drawn.dropFirst()) : drawn
        let dist = timeInStage.distribution(unconstrained: theta)
        let piDraw = FittedStage.combinedNeverEnding(mixture: mixtureDraw, dist)
        var pl = impliedLoss(dist, c, shift: 0, gridSize: drawGridSize)
        if !pl.isFinite { pl = endingLoss }
        let share = Sampling.beta(
          advanceCount + 0.5, Double(nonLost) - advanceCount + 0.5, using: &generator)
        lossDraws.append((1 - piDraw) * pl)
        advanceDraws.append((1 - piDraw) * (1 - pl) * share)
      }
      lossDraws.sort()
      advanceDraws.sort()
      let completed = Double(completedDurations[i].count)
      let loss = EstimatedProbability(
        value: lossValue, lower: min(lossValue, Dense.quantile(lossDraws, 0.025)),
        upper: max(lossValue, Dense.quantile(lossDraws, 0.975)), count: completed)
      let advanceValue = (1 - pi) * (1 - endingLoss) * advanceShare
      let advance = EstimatedProbability(
        value: advanceValue, lower: min(advanceValue, Dense.quantile(advanceDraws, 0.025)),
        upper: max(advanceValue, Dense.quantile(advanceDraws, 0.975)), count: completed)

      let definition = definitions.first { $0.name == name }
      stages.append(
        FittedStage(
          name: name, order: episodes.stages[i].order, crmProbability: definition?.probability,
          entered: entered, censored: censored, exitCounts: counts, advanceProbability: advance,
          lossProbability: loss, winDirectProbability: (1 - pi) * (1 - endingLoss) * winShare,
          moveProbabilities: moveShares.map { (1 - pi) * (1 - endingLoss) * $0 }, winProbability: 0,
          expectedRemainingSteps: 0, suggestedCRMProbability: 0, timeInStage: timeInStage,
          lossGivenTime: curve, winShare: winShare, moveShares: moveShares, neverEnds: neverEnds))
    }

    if let chain = chain(stages, shift: 0) {
      for i in stages.indices {
        stages[i].winProbability = chain.winProbability[i]
        stages[i].expectedRemainingSteps = chain.expectedSteps[i]
        stages[i].suggestedCRMProbability = chain.winProbability[i]
      }
    } else {
      notes.append("absorbing chain could not be solved; win probabilities set to direct wins")
      for i in stages.indices {
        stages[i].winProbability = stages[i].winDirectProbability
        stages[i].expectedRemainingSteps = 1
        stages[i].suggestedCRMProbability = stages[i].winDirectProbability
      }
    }
    return Output(stages: stages, notes: notes)
  }

  /// θ̂ + L z with z standard normal (θ̂ itself when there is no usable factor).
  static func draw(
    _ center: [Double], _ factor: [Double]?, _ generator: inout RandomStream
  ) -> [Double] {
    guard let factor else { return center }
    let k = center.count
    let z = (0..<k).map { _ in Sampling.standardNormal(using: &generator) }
    var out = center
    for r in 0..<k { for c in 0...r { out[r] += factor[r * k + c] * z[c] } }
    return out
  }

  /// ∫ f(t) · logistic(shift + c₀ + c₁ log t + …) dt on the midpoint quantile grid.
  static func impliedLoss(
    _ distribution: DurationDistribution, _ coefficients: [Double], shift: Double, gridSize: Int
  ) -> Double {
    var total = 0.0
    for g in 0..<gridSize {
      let t = distribution.quantile((Double(g) + 0.5) / Double(gridSize))
      let x = log(max(t, 1e-12))
      var eta = shift
      var power = 1.0
      for c in coefficients {
        eta += c * power
        power *= x
      }
      total += 1 / (1 + exp(-eta))
    }
    let p = total / Double(gridSize)
    return p.isFinite ? min(max(p, 0), 1) : 0.5
  }

  /// The absorbing chain implied by the stages, with every loss log-odds shifted by `shift`.
  static func chain(_ stages: [FittedStage], shift: Double, gridSize: Int = gridSize) -> AbsorbingChain? {
    let losses = stages.map {
      shift == 0 && $0.neverEndingShare == 0
        ? $0.lossProbability.value
        : impliedLoss($0.timeInStage.distribution, $0.lossGivenTime.coefficients, shift: shift, gridSize: gridSize)
    }
    return chain(stages, losses: losses)
  }

  /// The chain for losses of the stays that *end* (`losses[i]`): from stage i, move to j with
  /// (1 − πᵢ)(1 − lossᵢ) mᵢⱼ, win with (1 − πᵢ)(1 − lossᵢ) wᵢ, lose with (1 − πᵢ) lossᵢ; the
  /// rest, πᵢ, is a stay that never ends (neither won nor lost: the chain's win and loss
  /// probabilities then sum to less than 1). With every π = 0 this is the plain chain.
  static func chain(_ stages: [FittedStage], losses: [Double]) -> AbsorbingChain? {
    func solve(_ l: [Double]) -> AbsorbingChain? {
      let keep = stages.map { 1 - $0.neverEndingShare }
      let moves = stages.indices.map { i in stages[i].moveShares.map { keep[i] * (1 - l[i]) * $0 } }
      let win = stages.indices.map { keep[$0] * (1 - l[$0]) * stages[$0].winShare }
      let loss = stages.indices.map { keep[$0] * l[$0] }
      return try? AbsorbingChain(moves: moves, win: win, loss: loss)
    }
    if let c = solve(losses) { return c }
    // A loop with no way out: give every stage a tiny loss so the chain is solvable.
    return solve(losses.map { max($0, 1e-9) })
  }
}

/// Solves for the loss log-odds shift that gives a target eventual win probability from the
/// first stage. Tabulates the chain's win probability on shifts −8…8 (step 0.05; it falls
/// monotonically in the shift) once, then inverts by linear interpolation, so thousands of reps
/// cost one table.
struct LossShiftSolver {
  let shifts: [Double]
  let wins: [Double]

  init(stages: [FittedStage]) {
    var s: [Double] = []
    var w: [Double] = []
    if !stages.isEmpty {
      var shift = -8.0
      while shift <= 8.0001 {
        if let c = StageFitting.chain(stages, shift: shift, gridSize: 100) {
          s.append(shift)
          w.append(c.winProbability[0])
        }
        shift += 0.05
      }
    }
    shifts = s
    wins = w
  }

  /// The win probability from the first stage at zero shift (the company's, by the model).
  var baseWin: Double {
    guard !shifts.isEmpty else { return 0 }
    return value(at: 0)
  }

  func value(at shift: Double) -> Double {
    guard let i = shifts.firstIndex(where: { $0 >= shift }) else { return wins.last ?? 0 }
    if i == 0 { return wins[0] }
    let f = (shift - shifts[i - 1]) / (shifts[i] - shifts[i - 1])
    return wins[i - 1] + f * (wins[i] - wins[i - 1])
  }

  /// The shift whose win probability is `target` (clamped to the table's range; 0 if no table).
  func shift(forWin target: Double) -> Double {
    guard shifts.count > 1, target.isFinite else { return 0 }
    // wins decrease with shift.
    if target >= wins[0] { return shifts[0] }
    if target <= wins[wins.count - 1] { return shifts[shifts.count - 1] }
    for i in 1..<wins.count where wins[i] <= target {
      let denominator = wins[i - 1] - wins[i]
      let f = denominator > 0 ? (wins[i - 1] - target) / denominator : 0
      return shifts[i - 1] + f * (shifts[i] - shifts[i - 1])
    }
    return 0
  }
}
