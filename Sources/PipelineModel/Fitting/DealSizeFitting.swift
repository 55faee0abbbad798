import CRMData
import Foundation

/// Deal amounts as lognormals, per segment, source and type, partially pooled toward all deals.
///
/// For group g with nᵍ deals, mean ȳᵍ and variance sᵍ² of log amount: the within-group variance
/// σ²_w is pooled over groups and the between-group variance τ² of the true means is estimated
/// by moments (variance of the ȳᵍ minus the mean sampling variance, floored at 10⁻⁴). Then
/// μᵍ = Bᵍ ȳ + (1 − Bᵍ) ȳᵍ with Bᵍ = (σ²_w/nᵍ) / (σ²_w/nᵍ + τ²) (normal–normal empirical Bayes),
/// and σᵍ² = ((nᵍ − 1) sᵍ² + 10 σ²_w) / (nᵍ − 1 + 10) (ten pseudo-degrees of freedom of the
/// pooled spread). A group of three deals therefore sits near the company, a group of thousands
/// on its own data. Zero amounts are left out of the logs.
///
/// A group fitted on no positive amount (`count` 0: every amount zero, or none at all) has
/// median and mean 0, and the simulation books its deals at 0 (`ParameterSet`): log-amount
/// parameters of 0 would otherwise say "about 1 per deal".
enum DealSizeFitting {
  static let sigmaPriorDegrees = 10.0

  struct Accumulator {
    var n = 0
    var sum = 0.0
    var squares = 0.0
    var recent = 0
    mutating func add(_ y: Double, recent isRecent: Bool) {
      n += 1
      sum += y
      squares += y * y
      if isRecent { recent += 1 }
    }
    var mean: Double { n > 0 ? sum / Double(n) : 0 }
    var variance: Double { n > 1 ? max((squares - sum * sum / Double(n)) / Double(n - 1), 0) : 0 }
  }

  static func fit(folder: CRMFolder) -> (DealSizeModel, [String]) {
    var notes: [String] = []
    let recentStart = Moment(folder.asOf.advanced(by: -364))
    var overall = Accumulator()
    var bySegment: [String: Accumulator] = [:]
    var bySource: [String: Accumulator] = [:]
    var byType: [String: Accumulator] = [:]
    var zero = 0
    var wonLog = Accumulator()
    var closedLog = Accumulator()
    for deal in folder.deals {
      guard deal.amount > 0 else {
        zero += 1
        continue
      }
      let y = log(deal.amount)
      let recent = deal.createdOn >= recentStart
      overall.add(y, recent: recent)
      if let s = deal.segment { bySegment[s, default: Accumulator()].add(y, recent: recent) }
      if let s = deal.source { bySource[s, default: Accumulator()].add(y, recent: recent) }
      byType[deal.type.rawValue, default: Accumulator()].add(y, recent: recent)
      if deal.status != .open { closedLog.add(y, recent: recent) }
      if deal.status == .won { wonLog.add(y, recent: recent) }
    }
    if zero > 0 { notes.append("deal size: \(zero) deals with amount 0 left out of the lognormal fits") }
    if overall.n == 0 {
      notes.append(
        "deal size: no deal has a positive amount; deals yet to be created are booked at 0")
    }
    let overallSigma = overall.variance.squareRoot()
    let overallGroup = group(
      key: "all", mu: overall.mean, sigma: overallSigma, count: overall.n, share: 1)
    func pooled(_ groups: [String: Accumulator]) -> [DealSizeModel.Group] {
      let keys = groups.keys.sorted()
      guard !keys.isEmpty, overall.n > 0 else { return [] }
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
      let means = keys.map { groups[k: $0].mean }
      let grand = means.reduce(0, +) / Double(means.count)
      var tau2 = 1e-4
      if keys.count > 1 {
        let spread = means.map { ($0 - grand) * ($0 - grand) }.reduce(0, +) / Double(keys.count - 1)
        let sampling = keys.map { within / Double(max(groups[k: $0].n, 1)) }.reduce(0, +)
          / Double(keys.count)
        tau2 = max(spread - sampling, 1e-4)
      }
      let recentTotal = max(groups.values.reduce(0) { $0 + $1.recent }, 0)
      return keys.map { key in
        let g = groups[key]!
        let samplingVariance = within / Double(max(g.n, 1))
        let b = samplingVariance / (samplingVariance + tau2)
        let mu = b * overall.mean + (1 - b) * g.mean
        let sigma2 =
          (Double(max(g.n - 1, 0)) * g.variance + sigmaPriorDegrees * within)
          / (Double(max(g.n - 1, 0)) + sigmaPriorDegrees)
        let share = recentTotal > 0 ? Double(g.recent) / Double(recentTotal) : 0
        return group(key: key, mu: mu, sigma: sigma2.squareRoot(), count: g.n, share: share)
      }
    }
    // Drift: final amount over the first amount recorded in history, closed deals.
    var ratios: [Double] = []
    if folder.history != nil {
      for (i, deal) in folder.deals.enumerated() where deal.status != .open && deal.amount > 0 {
        if let first = folder.historyRows(ofDeal: i).first(where: { $0.amount != nil })?.amount, first > 0 {
          ratios.append(deal.amount / first)
        }
      }
    }
    if ratios.isEmpty { notes.append("deal size: no amounts in history; creation-to-close drift set to 1") }
    let drift = Dense.median(ratios) ?? 1
    let wonRatio = wonLog.n > 0 && closedLog.n > 0 ? exp(wonLog.mean - closedLog.mean) : 1
    let model = DealSizeModel(
      overall: overallGroup, bySegment: pooled(bySegment), bySource: pooled(bySource),
      byType: pooled(byType), closeToCreateRatio: drift.isFinite ? drift : 1,
      wonToAllRatio: wonRatio.isFinite ? wonRatio : 1)
    return (model, notes)
  }

  /// A fitted group; with `count` 0 (no positive amount) its median and mean are 0, not exp(0).
  static func group(key: String, mu: Double, sigma: Double, count: Int, share: Double) -> DealSizeModel.Group {
    let m = mu.isFinite ? mu : 0
    let s = sigma.isFinite ? sigma : 0
    let fitted = count > 0
    return DealSizeModel.Group(
      key: key, mu: m, sigma: s, count: count, share: share, medianAmount: fitted ? exp(m) : 0,
      meanAmount: fitted ? exp(m + 0.5 * s * s) : 0)
  }
}

extension Dictionary where Key == String, Value == DealSizeFitting.Accumulator {
  fileprivate subscript(k key: String) -> DealSizeFitting.Accumulator { self[key] ?? .init() }
}
