import CRMData
import Foundation
import Statistics

// MARK: - Saved model file

extension FittedPipeline {
  /// The model as JSON: snake_case keys, sorted, pretty-printed (stable across runs).
  public func jsonData() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    return try encoder.encode(self)
  }

  /// Writes the model atomically (a temporary sibling renamed over `url`), so a reader never
  /// sees half a model.
  /// - Throws: an encoding error, or `CRMDataError.unwritableFile`.
  public func save(to url: URL) throws {
    try AtomicFile.write(try jsonData(), to: url)
  }

  /// Reads a model saved by `save(to:)`.
  /// - Throws: `PipelineModelError.unsupportedFormatVersion` when the file's `format_version` is
  ///   not in `readableFormatVersions`; `.malformedModel` when it is not JSON or lacks a field.
  public static func load(from url: URL) throws(PipelineModelError) -> FittedPipeline {
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw .malformedModel(path: url.path, reason: "cannot be read (\(error.localizedDescription))")
    }
    return try decode(data, path: url.path)
  }

  /// Decodes a model from JSON bytes, checking the format version first.
  public static func decode(_ data: Data, path: String = "model") throws(PipelineModelError) -> FittedPipeline {
    struct Version: Decodable {
      let formatVersion: Int?
      enum CodingKeys: String, CodingKey { case formatVersion = "format_version" }
    }
    let decoder = JSONDecoder()
    let version: Version
    do {
      version = try decoder.decode(Version.self, from: data)
    } catch {
      throw .malformedModel(path: path, reason: "not a JSON object (\(describe(error)))")
    }
    guard let found = version.formatVersion else {
      throw .malformedModel(path: path, reason: "no format_version key")
    }
    guard readableFormatVersions.contains(found) else {
      throw .unsupportedFormatVersion(found: found, supported: currentFormatVersion)
    }
    do {
      return try decoder.decode(FittedPipeline.self, from: data)
    } catch {
      throw .malformedModel(path: path, reason: describe(error))
    }
  }

  private static func describe(_ error: any Error) -> String {
    guard let error = error as? DecodingError else { return "\(error)" }
    func path(_ context: DecodingError.Context) -> String {
      context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
    switch error {
    case .keyNotFound(let key, let context):
      return "missing key '\(key.stringValue)' at '\(path(context))'"
    case .typeMismatch(_, let context), .valueNotFound(_, let context):
      return "wrong type at '\(path(context))': \(context.debugDescription)"
    case .dataCorrupted(let context):
      return "invalid data at '\(path(context))': \(context.debugDescription)"
    @unknown default:
      return "\(error)"
    }
  }
}

// MARK: - Extra JSON keys

extension DurationEstimate {
  private enum ExtraKeys: String, CodingKey { case family }

  /// Encodes the stored fields plus `family` (the chosen family's name, also inside
  /// `distribution`), so readers find `family`, `median_days`, `p10_days`, `p90_days` together.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(distribution, forKey: .distribution)
    try c.encode(covariance, forKey: .covariance)
    try c.encode(medianDays, forKey: .medianDays)
    try c.encode(p10Days, forKey: .p10Days)
    try c.encode(p90Days, forKey: .p90Days)
    try c.encodeIfPresent(kaplanMeierMedianDays, forKey: .kaplanMeierMedianDays)
    try c.encode(aic, forKey: .aic)
    try c.encode(maxSurvivalGap, forKey: .maxSurvivalGap)
    try c.encode(events, forKey: .events)
    try c.encode(censored, forKey: .censored)
    var extra = encoder.container(keyedBy: ExtraKeys.self)
    try extra.encode(family, forKey: .family)
  }
}

extension LeadFunnelModel {
  private enum ExtraKeys: String, CodingKey { case responseTimeMedianHours = "response_time_median_hours" }

  /// The response-time median in hours (`responseTime` is fitted in hours).
  public var responseTimeMedianHours: Double { responseTime.medianDays }

  /// Encodes the stored fields plus `response_time_median_hours`.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(sources, forKey: .sources)
    try c.encode(contactRate, forKey: .contactRate)
    try c.encode(contactGivenLoad, forKey: .contactGivenLoad)
    try c.encode(typicalWeeklyLoadPerRep, forKey: .typicalWeeklyLoadPerRep)
    try c.encode(responseTime, forKey: .responseTime)
    try c.encode(qualificationRate, forKey: .qualificationRate)
    try c.encode(qualificationCoefficients, forKey: .qualificationCoefficients)
    try c.encode(qualificationCovariance, forKey: .qualificationCovariance)
    try c.encode(qualificationSources, forKey: .qualificationSources)
    try c.encode(dealConversionRate, forKey: .dealConversionRate)
    try c.encodeIfPresent(qualifiedToDealLag, forKey: .qualifiedToDealLag)
    try c.encode(notes, forKey: .notes)
    try c.encodeIfPresent(leadOwnersAtAsOf, forKey: .leadOwnersAtAsOf)
    var extra = encoder.container(keyedBy: ExtraKeys.self)
    try extra.encode(responseTimeMedianHours, forKey: .responseTimeMedianHours)
  }
}

// MARK: - Model queries used by simulation and reports

extension FittedStage {
  /// P(lost) for a fresh entry *whose stay ends*, with every loss log-odds shifted by `shift`
  /// (rep skill, ramp): ∫ f(t) logistic(shift + c₀ + c₁ log t + c₂ (log t)²) dt on a quantile
  /// grid of S₀. A fresh entry's loss is (1 − π) times this.
  public func impliedLossProbability(lossLogOddsShift shift: Double = 0, gridSize: Int = 200) -> Double {
    StageFitting.impliedLoss(
      timeInStage.distribution, lossGivenTime.coefficients, shift: shift, gridSize: gridSize)
  }

  /// P(lost | the stay ends at `days`), with the loss log-odds shifted by `shift`.
  public func lossProbability(exitingAfterDays days: Double, lossLogOddsShift shift: Double = 0) -> Double {
    let p = lossGivenTime.probability(atLogDays: log(max(days, 1e-12)))
    guard shift != 0 else { return p }
    let eta = log(p / (1 - p)) + shift
    return 1 / (1 + exp(-eta))
  }

  /// P(this stay never ends | it has already lasted `ageDays`) = π / (π + (1 − π) S₀(age)), the
  /// posterior share of never-ending stays among those still open at that age: π for a fresh
  /// stay, rising towards 1 once the stays that do end are long over. 0 when π = 0.
  public func neverEndingProbability(givenAgeDays age: Double) -> Double {
    MixtureCureFit.cureProbability(
      neverEndingShare, timeInStage.distribution, givenSurvived: age.isFinite ? max(0, age) : 0)
  }

  /// P(lost eventually from this stay | it has already lasted `ageDays` *and it ends*), the
  /// age-conditioned loss for an open deal: ∫_{age}^∞ f(t) P(lost | t) dt / S(age) over the
  /// ending stays' distribution S₀, on a grid of the remaining time's quantiles. The open deal's
  /// unconditional loss is (1 − z) times this, z = `neverEndingProbability(givenAgeDays:)`.
  public func lossProbability(givenAgeDays age: Double, lossLogOddsShift shift: Double = 0, gridSize: Int = 200) -> Double {
    guard age > 0 else { return impliedLossProbability(lossLogOddsShift: shift, gridSize: gridSize) }
    let d = timeInStage.distribution
    let logS = d.logSurvival(age)
    var total = 0.0
    for g in 0..<gridSize {
      let u = (Double(g) + 0.5) / Double(gridSize)
      var t = d.inverseLogSurvival(min(0, logS + log(u)))
      if !t.isFinite || t < age { t = age }
      total += lossProbability(exitingAfterDays: t, lossLogOddsShift: shift)
    }
    return total / Double(gridSize)
  }
}

extension FittedPipeline {
  /// The absorbing chain of the stages with every loss log-odds shifted by `shift` (nil if it
  /// cannot be solved).
  public func chain(lossLogOddsShift shift: Double = 0) -> AbsorbingChain? {
    StageFitting.chain(stages, shift: shift)
  }

  /// One line per stage and component: the data behind a one-screen summary, easy to tabulate.
  public var summaryLines: [String] {
    func pct(_ p: Double) -> String { String(format: "%5.1f%%", 100 * p) }
    func num(_ x: Double?) -> String { x.map { String(format: "%.1f", $0) } ?? "—" }
    var lines = ["Pipeline model as of \(asOf)"]
    lines.append("stage               entered  open  advance (95%)            loss    win    CRM  median d  family")
    for s in stages {
      lines.append(
        s.name.padding(toLength: 18, withPad: " ", startingAt: 0)
          + String(format: " %8d %5d ", s.entered, s.censored)
          + "\(pct(s.advanceProbability.value)) [\(pct(s.advanceProbability.lower)), \(pct(s.advanceProbability.upper))] "
          + "\(pct(s.lossProbability.value)) \(pct(s.winProbability)) "
          + (s.crmProbability.map(pct) ?? "     —") + " "
          + String(format: "%8.1f  ", s.timeInStage.medianDays) + s.timeInStage.family
          + (s.neverEndingShare > 0 ? " (\(pct(s.neverEndingShare).trimmingCharacters(in: .whitespaces)) never end)" : ""))
    }
    lines.append(
      "cycle length (created→won): median \(num(cycleLength.medianDays)) d censoring-aware, "
        + "\(num(cycleLength.naiveMedianDays)) d won deals only; win rate \(cycleLength.winRate.map(pct) ?? "—")")
    lines.append(
      "deal size: median \(String(format: "%.0f", dealSize.overall.medianAmount)), mean "
        + "\(String(format: "%.0f", dealSize.overall.meanAmount)) over \(dealSize.overall.count) deals; "
        + "close/create drift ×\(String(format: "%.2f", dealSize.closeToCreateRatio))")
    if let f = leadFunnel {
      let weekly = f.sources.reduce(0) { $0 + $1.weeklyRateAtAsOf }
      lines.append(
        "leads: \(String(format: "%.1f", weekly))/week, contact \(pct(f.contactRate)), response median "
          + "\(num(f.responseTimeMedianHours)) h, qualified \(pct(f.qualificationRate)), to deal \(pct(f.dealConversionRate))")
    }
    if let r = reps {
      lines.append(
        "reps: \(r.reps.filter(\.active).count) active of \(r.reps.count); pooled win rates "
          + "\(pct(r.reps.map(\.pooledWinRate).min() ?? 0))–\(pct(r.reps.map(\.pooledWinRate).max() ?? 0)); "
          + "month-1 creation ×\(String(format: "%.2f", r.creationRamp.first ?? 1)), win ×\(String(format: "%.2f", r.winRateRamp.first ?? 1))")
    }
    if let s = slip {
      lines.append(
        "slip: median \(num(s.medianSlipDays)) d, P90 \(num(s.p90SlipDays)) d, on time \(pct(s.onTimeShare)) of \(s.count)")
    }
    if let a = accounts {
      lines.append(
        "accounts: \(a.activeCustomers) customers, expansion \(String(format: "%.3f", a.expansionDealsPerCustomerMonth))/cust-month, "
          + "churn \(pct(a.monthlyChurnHazard))/month")
    }
    lines += notes.map { "note: \($0)" }
    return lines
  }
}
