import CRMData
import Foundation

/// The true parameters of a generated world, as written to truth.json (snake_case keys, sorted,
/// pretty-printed; stable for a seed). Fitting tests compare estimates against these.
///
/// Conventions: times are in days (response times in hours); a stage's probabilities are for an
/// average-skill (multiplier 1), fully ramped AE with no lever; the actual probability of a deal
/// applies the owner's odds multiplier `m = skill · ramp_win(tenure at creation)` to *not losing*:
/// `loss' = loss / (loss + (1 − loss) m)`, the other exits scaled to fill the rest.
/// Recorded days are `entry day + ceil(draw × segment cycle factor)`, at least 1.
/// Each key is described in docs/SAMPLE-WORLD.md.
public struct WorldTruth: Codable, Sendable, Equatable {
  public var seed: UInt64
  public var scale: Double
  public var start: Day
  public var asOf: Day
  public var horizonEnd: Day
  /// Open stages in pipeline order.
  public var stages: [StageTruth]
  public var wonStage: String
  public var lostStage: String
  public var segments: [SegmentTruth]
  public var sources: [SourceTruth]
  public var leadHandling: LeadHandlingTruth
  public var ramp: RampTruth
  public var skill: SkillTruth
  /// Every rep over the whole timeline (ids as written; reps hired after `as_of` are not in the
  /// folder).
  public var reps: [RepTruth]
  public var outboundDealsPerDayPerRep: Double
  public var deals: DealParameters
  public var customers: CustomerParameters
  public var levers: [Lever]

  /// A duration distribution with its summary.
  public struct DurationTruth: Codable, Sendable, Equatable {
    /// `lognormal` (`mu`, `sigma` of log days) or `weibull` (`shape`, `scale` in days).
    public var family: String
    public var parameters: [String: Double]
    public var medianDays: Double
    public var meanDays: Double

    init(_ d: DurationDistribution) {
      family = d.family
      parameters = d.parameters
      medianDays = d.median
      meanDays = d.mean
    }
  }

  public struct StageTruth: Codable, Sendable, Equatable {
    public var name: String
    /// 1-based position, as in stages.csv.
    public var order: Int
    public var advanceProbability: Double
    public var lossProbability: Double
    /// To two stages ahead.
    public var skipProbability: Double
    /// To the previous stage.
    public var backProbability: Double
    /// Eventual win probability from entering this stage (absorbing Markov chain).
    public var winProbability: Double
    /// The CRM's typed-in probability (stages.csv): compare with `win_probability`.
    public var crmProbability: Double
    /// Time to leave by advancing (also skip and back).
    public var advanceTime: DurationTruth
    /// Time to leave by losing.
    public var lossTime: DurationTruth
    /// Median of the overall time in stage (the mixture of the exits), segment factor 1.
    public var exitTimeMedianDays: Double
    public var forecastCategory: String
  }

  public struct SegmentTruth: Codable, Sendable, Equatable {
    public var name: String
    /// New-deal amount: log-normal, `mu = log(median_amount)`, times the source multiplier.
    public var medianAmount: Double
    public var amountMu: Double
    public var amountSigma: Double
    /// Multiplies every time in stage.
    public var cycleFactor: Double
  }

  public struct SourceTruth: Codable, Sendable, Equatable {
    public var name: String
    /// Mean leads per week at `start` (scale applied), before weekday and annual effects.
    public var weeklyLeadsAtStart: Double
    /// Negative binomial size of the daily count (variance m + m²/size).
    public var dispersionSize: Double
    public var trendPerYear: Double
    public var annualAmplitude: Double
    public var peakDayOfYear: Double
    public var qualificationIntercept: Double
    public var amountMultiplier: Double
    /// Segment shares of new deals from this source, in `segments` order.
    public var segmentShares: [Double]
    public var costPerLead: Double
  }

  public struct LeadHandlingTruth: Codable, Sendable, Equatable {
    /// Relative daily arrival, Monday … Sunday, mean 1.
    public var weekdayFactors: [Double]
    /// `p(contact) = logistic(contact_intercept + contact_load_slope · load)`; load = leads
    /// assigned to the same rep in the same ISO week (Monday–Sunday).
    public var contactIntercept: Double
    public var contactLoadSlope: Double
    /// Response hours ~ log-normal(`response_mu_at_zero_load + response_load_slope · load`,
    /// `response_sigma`).
    public var responseMuAtZeroLoad: Double
    public var responseMedianHoursAtZeroLoad: Double
    public var responseSigma: Double
    public var responseLoadSlope: Double
    /// `p(qualified | contacted) = logistic(source intercept + slope · log(1 + response_hours))`.
    public var qualificationLogHoursSlope: Double
    public var dealConversion: Double
    /// Days from contact to qualification / disqualification and from qualification to the
    /// deal: gamma(shape, scale), recorded as the ceiling.
    public var qualifyDelayGamma: [Double]
    public var disqualifyDelayGamma: [Double]
    public var dealDelayGamma: [Double]
  }

  public struct RampTruth: Codable, Sendable, Equatable {
    /// `floor + (1 − floor)(1 − exp(−tenure_months / months_constant))`, tenure in 30.44-day
    /// months.
    public var monthsConstant: Double
    public var pipelineFloor: Double
    public var winOddsFloor: Double
    /// Ramp factors at 0…12 months for pipeline creation and win odds.
    public var pipelineByMonth: [Double]
    public var winOddsByMonth: [Double]
  }

  public struct SkillTruth: Codable, Sendable, Equatable {
    /// `low + (high − low) · Beta(alpha, beta)`: odds multiplier on not losing.
    public var low: Double
    public var high: Double
    public var alpha: Double
    public var beta: Double
    public var mean: Double
  }

  public struct RepTruth: Codable, Sendable, Equatable {
    public var repId: String
    public var team: String
    public var role: String
    public var hiredOn: Day
    public var leftOn: Day?
    public var skill: Double
    public var extraHire: Bool
  }

  init(configuration c: WorldConfiguration, seed: UInt64, reps: [RepRecord]) {
    self.seed = seed
    scale = c.scale
    start = c.start
    asOf = c.asOf
    horizonEnd = c.horizonEnd
    wonStage = c.deals.wonStage
    lostStage = c.deals.lostStage
    let wins = WorldTruth.winProbabilities(c.stages)
    stages = c.stages.enumerated().map { i, s in
      StageTruth(
        name: s.name, order: i + 1, advanceProbability: s.advance, lossProbability: s.loss,
        skipProbability: s.skip, backProbability: s.back, winProbability: wins[i],
        crmProbability: s.crmProbability, advanceTime: DurationTruth(s.advanceTime),
        lossTime: DurationTruth(s.lossTime), exitTimeMedianDays: WorldTruth.exitMedian(s),
        forecastCategory: s.forecastCategory)
    }
    segments = c.segments.map {
      SegmentTruth(name: $0.name, medianAmount: $0.medianAmount, amountMu: log($0.medianAmount),
                   amountSigma: $0.amountSigma, cycleFactor: $0.cycleFactor)
    }
    sources = c.sources.map { s in
      let total = s.segmentWeights.reduce(0, +)
      return SourceTruth(
        name: s.name, weeklyLeadsAtStart: s.weeklyLeads * c.scale, dispersionSize: s.dispersionSize,
        trendPerYear: s.trendPerYear, annualAmplitude: s.annualAmplitude,
        peakDayOfYear: s.peakDayOfYear, qualificationIntercept: s.qualificationIntercept,
        amountMultiplier: s.amountMultiplier, segmentShares: s.segmentWeights.map { $0 / total },
        costPerLead: s.costPerLead)
    }
    let l = c.leads
    let weekdayMean = l.weekdayWeights.reduce(0, +) / 7
    leadHandling = LeadHandlingTruth(
      weekdayFactors: l.weekdayWeights.map { $0 / weekdayMean }, contactIntercept: l.contactIntercept,
      contactLoadSlope: l.contactLoadSlope, responseMuAtZeroLoad: log(l.responseMedianHours),
      responseMedianHoursAtZeroLoad: l.responseMedianHours, responseSigma: l.responseSigma,
      responseLoadSlope: l.responseLoadSlope, qualificationLogHoursSlope: l.qualificationLogHoursSlope,
      dealConversion: l.dealConversion, qualifyDelayGamma: [l.qualifyDelayShape, l.qualifyDelayScaleDays],
      disqualifyDelayGamma: [l.disqualifyDelayShape, l.disqualifyDelayScaleDays],
      dealDelayGamma: [l.dealDelayShape, l.dealDelayScaleDays])
    let r = c.reps
    ramp = RampTruth(
      monthsConstant: r.rampMonthsConstant, pipelineFloor: r.rampPipelineFloor,
      winOddsFloor: r.rampWinOddsFloor,
      pipelineByMonth: (0...12).map { r.ramp(months: Double($0), floor: r.rampPipelineFloor) },
      winOddsByMonth: (0...12).map { r.ramp(months: Double($0), floor: r.rampWinOddsFloor) })
    skill = SkillTruth(low: r.skillLow, high: r.skillHigh, alpha: r.skillAlpha, beta: r.skillBeta,
                       mean: r.skillLow + (r.skillHigh - r.skillLow) * r.skillAlpha / (r.skillAlpha + r.skillBeta))
    let width = max(3, String(reps.count).count)
    self.reps = reps.enumerated().map { i, rep in
      let digits = String(i + 1)
      return RepTruth(
        repId: "R" + String(repeating: "0", count: max(0, width - digits.count)) + digits,
        team: c.teams[rep.team], role: rep.role.rawValue, hiredOn: rep.hired, leftOn: rep.left,
        skill: rep.skill, extraHire: rep.isExtra)
    }
    outboundDealsPerDayPerRep = r.outboundDealsPerDay
    deals = c.deals
    customers = c.customers
    levers = c.levers
  }

  /// Eventual win probability from each open stage: `w_i = a_i w_{i+1} + s_i w_{i+2} + b_i w_{i−1}`
  /// with `w` of the won state 1, solved by Gauss–Seidel (the chain is absorbing, so it converges).
  static func winProbabilities(_ stages: [StageParameters]) -> [Double] {
    let n = stages.count
    var w = [Double](repeating: 0, count: n + 1)
    w[n] = 1
    for _ in 0..<100_000 {
      var change = 0.0
      for i in stride(from: n - 1, through: 0, by: -1) {
        let s = stages[i]
        var v = s.advance * w[i + 1]
        if s.skip > 0 { v += s.skip * w[min(n, i + 2)] }
        if s.back > 0, i > 0 { v += s.back * w[i - 1] }
        change = max(change, abs(v - w[i]))
        w[i] = v
      }
      if change < 1e-15 { break }
    }
    return Array(w[0..<n])
  }

  /// Median of the time in stage whatever the exit: solves `Σ_c p_c F_c(t) = ½` by bisection.
  static func exitMedian(_ s: StageParameters) -> Double {
    let pLeave = s.advance + s.skip + s.back
    func cdf(_ t: Double) -> Double { pLeave * s.advanceTime.cdf(t) + s.loss * s.lossTime.cdf(t) }
    var lo = 0.0, hi = 1.0
    while cdf(hi) < 0.5 { hi *= 2 }
    for _ in 0..<200 {
      let mid = (lo + hi) / 2
      if cdf(mid) < 0.5 { lo = mid } else { hi = mid }
    }
    return (lo + hi) / 2
  }

  static var encoder: JSONEncoder {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    e.keyEncodingStrategy = .convertToSnakeCase
    return e
  }

  /// truth.json: sorted keys, pretty-printed, trailing newline.
  public func jsonData() throws -> Data {
    var data = try WorldTruth.encoder.encode(self)
    data.append(0x0A)
    return data
  }

  /// Reads truth.json.
  public static func decode(_ data: Data) throws -> WorldTruth {
    let d = JSONDecoder()
    d.keyDecodingStrategy = .convertFromSnakeCase
    return try d.decode(WorldTruth.self, from: data)
  }
}
