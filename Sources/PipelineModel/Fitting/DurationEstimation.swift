import Foundation
import Statistics

/// Durations collapsed to distinct values: `times` ascending, with the number of events and of
/// censored observations at each. A million stays recorded in whole or half days collapse to a
/// few hundred rows, so every fit below is exact (frequency weights) and fast.
struct GroupedDurations {
  var times: [Double] = []
  var events: [Double] = []
  var censored: [Double] = []

  /// - Complexity: O(n log n): events and censored durations are sorted separately as plain
  ///   `Double` arrays (no index indirection) and merged.
  init(durations: [Double], observed: [Bool]) {
    precondition(durations.count == observed.count)
    var eventTimes: [Double] = []
    var censoredTimes: [Double] = []
    eventTimes.reserveCapacity(durations.count)
    for i in durations.indices {
      if observed[i] { eventTimes.append(durations[i]) } else { censoredTimes.append(durations[i]) }
    }
    eventTimes.sort()
    censoredTimes.sort()
    var e = 0
    var c = 0
    while e < eventTimes.count || c < censoredTimes.count {
      let takeEvent = c >= censoredTimes.count || (e < eventTimes.count && eventTimes[e] <= censoredTimes[c])
      let t = takeEvent ? eventTimes[e] : censoredTimes[c]
      if times.last != t {
        times.append(t)
        events.append(0)
        censored.append(0)
      }
      if takeEvent {
        events[events.count - 1] += 1
        e += 1
      } else {
        censored[censored.count - 1] += 1
        c += 1
      }
    }
  }

  var eventCount: Double { events.reduce(0, +) }
  var censoredCount: Double { censored.reduce(0, +) }
  var exposure: Double { zip(times, zip(events, censored)).reduce(0) { $0 + $1.0 * ($1.1.0 + $1.1.1) } }

  /// Kaplan–Meier on grouped data (events before censorings at tied times): the event times and
  /// the survival just after each.
  func kaplanMeier() -> (times: [Double], survival: [Double]) {
    var atRisk = events.reduce(0, +) + censored.reduce(0, +)
    var s = 1.0
    var kmTimes: [Double] = []
    var kmSurvival: [Double] = []
    for i in times.indices {
      if events[i] > 0 && atRisk > 0 {
        s *= 1 - events[i] / atRisk
        kmTimes.append(times[i])
        kmSurvival.append(s)
      }
      atRisk -= events[i] + censored[i]
    }
    return (kmTimes, kmSurvival)
  }

  /// The weighted rows (one per distinct time and status) for `DurationFitter`.
  func weightedRows() -> (durations: [Double], observed: [Bool], weights: [Double]) {
    var d: [Double] = []
    var o: [Bool] = []
    var w: [Double] = []
    for i in times.indices {
      if events[i] > 0 {
        d.append(times[i])
        o.append(true)
        w.append(events[i])
      }
      if censored[i] > 0 {
        d.append(times[i])
        o.append(false)
        w.append(censored[i])
      }
    }
    return (d, o, w)
  }
}

enum DurationEstimation {
  /// Parametric families, in preference order on AIC ties: every duration tries these.
  static let families: [DurationFamily] = [.logNormal, .gamma, .weibull, .exponential]
  /// Time in stage also tries the piecewise-exponential hazard (last, so a tie keeps the smooth
  /// family). It counts one parameter per hazard and per cut, so it wins only where no
  /// two-parameter family follows the data (bimodal exits, exits that stop at some age).
  static let stageFamilies: [DurationFamily] = families + [.piecewiseExponential]

  /// Fits every family by censored maximum likelihood and keeps the smallest AIC; checks the fit
  /// against Kaplan–Meier. Falls back to the exponential (closed-form MLE events / exposure,
  /// with half an event added when there is none) when events are fewer than `minEvents` or every
  /// family fails; the fallback is reported in the returned note.
  /// - Parameters:
  ///   - what: a label for notes ("time in stage Qualify").
  ///   - families: the candidates (`families` or `stageFamilies`).
  static func estimate(
    _ data: GroupedDurations, minEvents: Int, what: String,
    families: [DurationFamily] = DurationEstimation.families
  ) -> (DurationEstimate, note: String?) {
    let events = data.eventCount
    let km = data.kaplanMeier()
    let kmMedian: Double? = {
      for (t, s) in zip(km.times, km.survival) where s <= 0.5 { return t }
      return nil
    }()
    var note: String?
    var chosen: DurationFit?
    var aic: [String: Double] = [:]
    if events >= Double(minEvents) {
      let rows = data.weightedRows()
      let attempts = DurationFitter().fitAll(
        families: families, durations: rows.durations, observed: rows.observed, weights: rows.weights)
      for attempt in attempts {
        guard case .success(let fit) = attempt.result, fit.aic.isFinite,
          fit.distribution.median.isFinite, fit.distribution.median > 0
        else { continue }
        aic[attempt.family.rawValue] = fit.aic
        if chosen == nil || fit.aic < chosen!.aic { chosen = fit }
      }
      if chosen == nil { note = "\(what): no family converged; exponential fallback" }
    } else {
      note = "\(what): only \(Int(events)) exits (< \(minEvents)); exponential fit"
    }
    let distribution: DurationDistribution
    let covariance: [Double]
    if let chosen {
      distribution = chosen.distribution
      covariance = chosen.covariance.flatMap { $0 }
    } else {
      // With no exposure at all there is nothing to scale by: a 30-unit mean, flagged in notes.
      let exposure = data.exposure
      let d = events > 0 ? events : 0.5
      let raw = exposure > 0 ? d / exposure : 1.0 / 30
      let rate = raw.isFinite && raw > 0 ? raw : 1.0 / 30
      distribution = .exponential(rate: rate)
      covariance = [1 / d]
      aic = [:]
      if events > 0 {
        aic["exponential"] = -2 * (events * log(rate) - rate * exposure) + 2
      }
    }
    let gap = survivalGap(km, neverEnding: distribution.neverEndingProbability, distribution)
    let estimate = DurationEstimate(
      distribution: distribution, covariance: covariance, medianDays: distribution.quantile(0.5),
      p10Days: distribution.quantile(0.1), p90Days: distribution.quantile(0.9),
      kaplanMeierMedianDays: kmMedian, aic: aic, maxSurvivalGap: gap, events: Int(events),
      censored: Int(data.censoredCount))
    return (estimate, note)
  }
}

extension DurationEstimation {
  /// The largest vertical gap between Kaplan–Meier and the population survival
  /// π + (1 − π) S₀(t) (π = 0 without stays that never end), before and after each KM step.
  static func survivalGap(
    _ km: (times: [Double], survival: [Double]), neverEnding pi: Double, _ distribution: DurationDistribution
  ) -> Double {
    var gap = 0.0
    var previous = 1.0
    for (t, s) in zip(km.times, km.survival) {
      let fitted = pi + (1 - pi) * distribution.survival(t)
      gap = max(gap, abs(fitted - s), abs(fitted - previous))
      previous = s
    }
    return gap
  }
}

extension DurationEstimation {
  /// Significance level of the boundary likelihood-ratio test for π > 0.
  static let neverEndingLevel = 0.01
  /// Fewer censored stays than this: π is not tested (it is identified only by open stays).
  static let neverEndingMinCensored = 10.0

  /// `estimate(_:minEvents:what:)` plus a share of stays that never end (`NeverEndingStays`).
  ///
  /// Every family is also fitted as a mixture S(t) = π + (1 − π) S₀(t) by joint censored maximum
  /// likelihood (`MixtureCureFitter`). The best mixture (smallest AIC) replaces the best plain
  /// fit only when its AIC is smaller *and* the likelihood-ratio test against the same family
  /// with π = 0 rejects at `neverEndingLevel` (½χ²₀ + ½χ²₁ on the boundary). Then the estimate's
  /// distribution is S₀ (its quantiles are those of the stays that end), its covariance the S₀
  /// block of the joint one, `aic` gains "family+never_ends" entries, and the survival gap is
  /// measured between the mixture and Kaplan–Meier. Otherwise the plain estimate is returned
  /// unchanged with π = 0 and the test recorded. No mixture is tried on the exponential fallback
  /// (fewer than `minEvents` exits) or with fewer than `neverEndingMinCensored` open stays.
  ///
  /// The plain fits include the piecewise-exponential hazard (`stageFamilies`), which carries its
  /// own never-ending share when its hazard after the last exit is 0; the mixtures are of the
  /// parametric families only, and must beat the piecewise fit's AIC too. A piecewise choice with
  /// stays that never end is reported in the note.
  static func estimateAllowingNeverEnding(
    _ data: GroupedDurations, minEvents: Int, what: String
  ) -> (DurationEstimate, NeverEndingStays?, note: String?) {
    let (plain, note) = estimate(data, minEvents: minEvents, what: what, families: stageFamilies)
    guard note == nil, data.censoredCount >= neverEndingMinCensored, data.eventCount >= Double(minEvents)
    else { return (plain, nil, note ?? piecewiseNote(plain, what: what)) }
    let rows = data.weightedRows()
    let fitter = DurationFitter()
    var bestPlainAIC = plain.aic[DurationFamily.piecewiseExponential.rawValue] ?? .infinity
    var best: (fit: MixtureCureFit, aic: Double)?
    var aic = plain.aic
    for family in families {
      guard
        let null = try? fitter.fit(
          family, durations: rows.durations, observed: rows.observed, weights: rows.weights),
        null.aic.isFinite
      else { continue }
      bestPlainAIC = min(bestPlainAIC, null.aic)
      guard
        let cure = try? MixtureCureFitter().fit(
          family, durations: rows.durations, observed: rows.observed, weights: rows.weights,
          noCure: null),
        cure.logLikelihood.isFinite, cure.distribution.median.isFinite,
        cure.distribution.median > 0
      else { continue }
      // On the plain fit's scale: the two log-likelihoods differ only by the test statistic.
      let cureAIC = null.aic - cure.likelihoodRatio + 2
      aic[family.rawValue + "+never_ends"] = cureAIC
      if best == nil || cureAIC < best!.aic { best = (cure, cureAIC) }
    }
    guard let best else { return (plain, nil, nil) }
    let cure = best.fit
    let chosen =
      best.aic < bestPlainAIC && cure.pValue < neverEndingLevel && cure.cureFraction > 0
      && cure.cureFraction < 1 && cure.covariance.count == cure.estimates.count * cure.estimates.count
    var record = NeverEndingStays(
      probability: chosen ? cure.cureFraction : 0, fittedProbability: cure.cureFraction,
      family: cure.family.rawValue, likelihoodRatio: cure.likelihoodRatio, pValue: cure.pValue,
      aicWith: best.aic, aicWithout: bestPlainAIC, covariance: chosen ? cure.covariance : [])
    guard chosen else {
      var unchanged = plain
      unchanged.aic = aic
      return (unchanged, record, piecewiseNote(plain, what: what))
    }
    let distribution = cure.distribution
    let k = cure.estimates.count
    var thetaCovariance: [Double] = []
    for r in 1..<k { for c in 1..<k { thetaCovariance.append(cure.covariance[r * k + c]) } }
    let pi = cure.cureFraction
    let km = data.kaplanMeier()
    let gap = survivalGap(km, neverEnding: pi, distribution)
    record.probability = pi
    let estimate = DurationEstimate(
      distribution: distribution, covariance: thetaCovariance,
      medianDays: distribution.quantile(0.5), p10Days: distribution.quantile(0.1),
      p90Days: distribution.quantile(0.9), kaplanMeierMedianDays: plain.kaplanMeierMedianDays,
      aic: aic, maxSurvivalGap: gap, events: plain.events, censored: plain.censored)
    let message =
      "\(what): \(String(format: "%.1f", 100 * pi))% of stays never end (\(cure.family.rawValue) "
      + "mixture, likelihood ratio \(String(format: "%.1f", cure.likelihoodRatio)), p = "
      + "\(String(format: "%.2g", cure.pValue)))"
    return (estimate, record, message)
  }

  /// "x% of stays never end" for a piecewise fit whose hazard is 0 after the last exit.
  static func piecewiseNote(_ estimate: DurationEstimate, what: String) -> String? {
    guard case .piecewiseExponential(let p) = estimate.distribution, p.neverEndingProbability > 0
    else { return nil }
    return "\(what): piecewise-exponential hazard, no exit after \(String(format: "%.0f", p.cuts.last ?? 0)) d "
      + "while open stays are older: \(String(format: "%.1f", 100 * p.neverEndingProbability))% of stays never end"
  }
}

extension DurationEstimate {
  /// The distribution for a vector of unconstrained parameters in `covariance`'s order
  /// (exponential: log rate; lognormal: mu, log sigma; gamma: log shape, log scale; Weibull:
  /// log scale, log shape), e.g. a parameter draw θ ~ N(θ̂, covariance) per simulation trial.
  /// Piecewise exponential: the log of each positive hazard in interval order (zero hazards are
  /// fixed: no exit, no information).
  public func distribution(unconstrained theta: [Double]) -> DurationDistribution {
    switch distribution {
    case .exponential: return .exponential(rate: exp(theta[0]))
    case .logNormal: return .logNormal(mu: theta[0], sigma: exp(theta[1]))
    case .gamma: return .gamma(shape: exp(theta[0]), scale: exp(theta[1]))
    case .weibull: return .weibull(shape: exp(theta[1]), scale: exp(theta[0]))
    case .piecewiseExponential(let p):
      return .piecewiseExponential(p.replacingPositiveHazards(logHazards: theta))
    }
  }

  /// The fitted unconstrained parameters (the centre of `covariance`).
  public var unconstrainedParameters: [Double] { MixtureCureFit.unconstrained(distribution) }
}
