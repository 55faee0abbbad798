import CRMData
import Foundation
import Statistics

/// The lead funnel: arrivals, contact (with capacity), response time, qualification, deals.
///
/// - Arrivals: per source, weekly counts over complete weeks (Monday starts) from the first lead
///   to as-of, fitted as a Poisson GLM log E[y] = β₀ + β₁ t (+ Σₖ₌₁,₂ β sin 2πkt + β cos 2πkt)
///   with t in years since `referenceDay` (as-of's week). Seasonal terms only with ≥ 2 years of
///   weeks (one year cannot tell a season from a trend). Over-dispersion: Pearson χ²/dof; above
///   1.5 a negative-binomial size by moments, size = Σμ² / Σ((y − μ)² − μ).
/// - Contact: share of leads at least `contactWindowDays` old that were contacted, and
///   P(contact) = logistic(c₀ + c₁ · load), load = leads the owner received that week.
/// - Response time: hours from creation to first contact (contacted leads old enough), families
///   by AIC as for stage times.
/// - Qualification: logistic on log(1 + response hours) and source (first source by volume is the
///   reference level), among contacted leads whose outcome is known or who are old enough.
/// - Deals: share of qualified leads that became a deal, and the qualified-to-deal lag in days.
enum LeadFunnelFitting {
  static let dispersionThreshold = 1.5

  static func fit(folder: CRMFolder, options: PipelineFitter.Options) -> LeadFunnelModel? {
    guard let leads = folder.leads else { return nil }
    var notes: [String] = []
    let asOf = folder.asOf
    // Source and owner indices, once per lead.
    var sourceIndex: [String: Int] = [:]
    var sourceNames: [String] = []
    var ownerIndex: [String: Int] = [:]
    var leadSource = [Int](repeating: 0, count: leads.count)
    var leadOwner = [Int](repeating: -1, count: leads.count)
    for (i, lead) in leads.enumerated() {
      if let s = sourceIndex[lead.source] {
        leadSource[i] = s
      } else {
        sourceIndex[lead.source] = sourceNames.count
        leadSource[i] = sourceNames.count
        sourceNames.append(lead.source)
      }
      if let o = lead.ownerID {
        if let k = ownerIndex[o] { leadOwner[i] = k } else {
          leadOwner[i] = ownerIndex.count
          ownerIndex[o] = ownerIndex.count
        }
      }
    }
    guard !leads.isEmpty else {
      notes.append("leads.csv is empty")
      return LeadFunnelModel(
        sources: [], contactRate: 0, contactGivenLoad: LogisticCurve(coefficients: [0], covariance: [0]),
        typicalWeeklyLoadPerRep: 0,
        responseTime: DurationEstimation.estimate(
          GroupedDurations(durations: [], observed: []), minEvents: 10, what: "response time").0,
        qualificationRate: 0, qualificationCoefficients: [], qualificationCovariance: [],
        qualificationSources: [], dealConversionRate: 0, qualifiedToDealLag: nil, notes: notes)
    }

    // MARK: arrivals
    let firstWeek = leads.map { $0.createdOn.day }.min()!.startOfWeek
    let referenceDay = asOf.startOfWeek
    // Complete weeks: start + 7 ≤ as-of + 1.
    let weekCount = max(firstWeek.distance(to: asOf.advanced(by: 1)) / 7, 0)
    var counts = [[Double]](repeating: [Double](repeating: 0, count: weekCount), count: sourceNames.count)
    let weekOfLead = leads.map { firstWeek.distance(to: $0.createdOn.day) / 7 }
    for i in leads.indices where weekOfLead[i] < weekCount {
      counts[leadSource[i]][weekOfLead[i]] += 1
    }
    let seasonal = weekCount >= 104
    if !seasonal {
      notes.append(
        "\(weekCount) weeks of leads (< 104): annual seasonality not fitted, trend only")
    }
    var arrivals: [LeadFunnelModel.SourceArrivals] = []
    if weekCount >= 4 {
      for (s, name) in sourceNames.enumerated() {
        let k = seasonal ? 6 : 2
        var design = [Double](repeating: 0, count: weekCount * k)
        for w in 0..<weekCount {
          let t = Double(referenceDay.distance(to: firstWeek.advanced(by: 7 * w))) / 365.25
          design[w * k] = 1
          design[w * k + 1] = t
          if seasonal {
            for h in 1...2 {
              design[w * k + 2 * h] = sin(2 * .pi * Double(h) * t)
              design[w * k + 2 * h + 1] = cos(2 * .pi * Double(h) * t)
            }
          }
        }
        var glm = GroupedGLM(
          family: .poisson, design: design, columns: k, response: counts[s], trials: [])
        var result = glm.fit()
        if result.separated || !result.coefficients.allSatisfy(\.isFinite) {
          glm.ridge = 0.5
          result = glm.fit()
          notes.append("arrivals \(name): Poisson fit unstable; ridge penalty 0.5 added")
        }
        var pearson = 0.0
        var excess = 0.0
        var squares = 0.0
        for w in 0..<weekCount {
          let mu = max(result.fitted[w], 1e-12)
          let r = counts[s][w] - mu
          pearson += r * r / mu
          excess += r * r - mu
          squares += mu * mu
        }
        let dof = Double(max(weekCount - k, 1))
        let dispersion = pearson / dof
        var size: Double?
        if dispersion > dispersionThreshold && excess > 0 {
          size = squares / excess
          notes.append(
            "arrivals \(name): over-dispersed (χ²/dof \(String(format: "%.2f", dispersion))); "
              + "negative binomial size \(String(format: "%.3g", size!))")
        }
        var rate = exp(result.coefficients[0])
        if seasonal {
          // t = 0 at the reference week: sin terms vanish, cos terms are 1.
          rate = exp(result.coefficients[0] + result.coefficients[3] + result.coefficients[5])
        }
        arrivals.append(
          LeadFunnelModel.SourceArrivals(
            source: name, weeklyRateAtAsOf: rate.isFinite ? rate : 0,
            coefficients: result.coefficients, covariance: result.covariance, seasonal: seasonal,
            dispersion: dispersion.isFinite ? dispersion : 1, negativeBinomialSize: size,
            referenceDay: referenceDay))
      }
    } else {
      notes.append("fewer than 4 complete weeks of leads: arrivals not fitted")
    }
    arrivals.sort { $0.source < $1.source }

    // MARK: contact and capacity
    let contactCutoff = Moment(asOf.advanced(by: -options.contactWindowDays + 1))
    var loadCounts: [Int: Int] = [:]
    let totalWeeks = max(weekOfLead.max()! + 1, 1)
    for i in leads.indices where leadOwner[i] >= 0 {
      loadCounts[leadOwner[i] * totalWeeks + weekOfLead[i], default: 0] += 1
    }
    var eligible = 0
    var contacted = 0
    var byLoad: [Int: (contacted: Double, total: Double)] = [:]
    var responseHours: [Double] = []
    for (i, lead) in leads.enumerated() where lead.createdOn < contactCutoff {
      eligible += 1
      let isContacted = lead.firstContactOn != nil
      if isContacted {
        contacted += 1
        responseHours.append(max(lead.createdOn.hours(to: lead.firstContactOn!), 0))
      }
      if leadOwner[i] >= 0 {
        let load = loadCounts[leadOwner[i] * totalWeeks + weekOfLead[i]] ?? 1
        var entry = byLoad[load] ?? (0, 0)
        entry.total += 1
        if isContacted { entry.contacted += 1 }
        byLoad[load] = entry
      }
    }
    let contactRate = eligible > 0 ? Double(contacted) / Double(eligible) : 0
    if eligible == 0 { notes.append("no lead older than \(options.contactWindowDays) days: contact rate not estimated") }
    let loads = byLoad.keys.sorted()
    let contactCurve: LogisticCurve
    if loads.isEmpty {
      let p = min(max(contactRate, 1e-6), 1 - 1e-6)
      contactCurve = LogisticCurve(coefficients: [log(p / (1 - p)), 0], covariance: [0, 0, 0, 0])
      notes.append("no lead owners: contact-versus-load curve is flat")
    } else {
      let fit = PolynomialLogistic.fit(
        x: loads.map(Double.init), successes: loads.map { byLoad[$0]!.contacted },
        trials: loads.map { byLoad[$0]!.total }, maxDegree: 1)
      if fit.ridged { notes.append("contact-versus-load logistic separated; ridge penalty added") }
      var c = fit.coefficients
      var cov = fit.covariance
      if c.count == 1 {
        c.append(0)
        cov = [cov[0], 0, 0, 0]
      }
      contactCurve = LogisticCurve(coefficients: c, covariance: cov)
    }
    let recentWeek = max(firstWeek.distance(to: asOf.advanced(by: -364)) / 7, 0)
    var recentLoads: [Double] = []
    for (key, n) in loadCounts where key % totalWeeks >= recentWeek { recentLoads.append(Double(n)) }
    let typicalLoad = Dense.median(recentLoads) ?? 0
    // Active lead owners at as-of: owners of leads created in the last few weeks, less those
    // who had left by as-of (the same "owner" the load above counts leads per).
    let ownerWindowStart = Moment(asOf.advanced(by: -LeadFunnelModel.leadOwnerWindowDays + 1))
    let asOfEnd = Moment(asOf.advanced(by: 1))
    var recentOwners = Set<String>()
    for lead in leads where lead.createdOn >= ownerWindowStart && lead.createdOn < asOfEnd {
      if let o = lead.ownerID { recentOwners.insert(o) }
    }
    if let reps = folder.reps {
      for r in reps { if let left = r.leftOn, left < asOfEnd { recentOwners.remove(r.id) } }
    }

    // MARK: response time
    let responseData = GroupedDurations(
      durations: responseHours, observed: [Bool](repeating: true, count: responseHours.count))
    let (responseTime, responseNote) = DurationEstimation.estimate(
      responseData, minEvents: options.minEventsForParametric, what: "response time (hours)")
    if let responseNote { notes.append(responseNote) }

    // MARK: qualification
    let qualificationCutoff = Moment(asOf.advanced(by: -options.qualificationWindowDays + 1))
    var sourceVolume = [Int](repeating: 0, count: sourceNames.count)
    for s in leadSource { sourceVolume[s] += 1 }
    let sourceOrder = sourceNames.indices.sorted {
      sourceVolume[$0] != sourceVolume[$1] ? sourceVolume[$0] > sourceVolume[$1] : sourceNames[$0] < sourceNames[$1]
    }
    var column = [Int](repeating: 0, count: sourceNames.count)  // 0 = reference
    for (rank, s) in sourceOrder.enumerated() { column[s] = rank }
    struct Key: Hashable { var source: Int; var hours: Double }
    var groups: [Key: (q: Double, n: Double)] = [:]
    var qualified = 0
    var contactedEligible = 0
    var qualifiedEligible = 0
    var converted = 0
    var lagDays: [Double] = []
    var dealCreated: [String: Moment] = [:]
    for deal in folder.deals where deal.leadID != nil { dealCreated[deal.id] = deal.createdOn }
    for (i, lead) in leads.enumerated() {
      guard let contact = lead.firstContactOn else { continue }
      let known = lead.qualifiedOn != nil || lead.disqualifiedOn != nil
      guard known || lead.createdOn < qualificationCutoff else { continue }
      contactedEligible += 1
      let isQualified = lead.qualifiedOn != nil
      if isQualified { qualified += 1 }
      let key = Key(source: column[leadSource[i]], hours: max(lead.createdOn.hours(to: contact), 0))
      var g = groups[key] ?? (0, 0)
      g.n += 1
      if isQualified { g.q += 1 }
      groups[key] = g
    }
    for lead in leads {
      guard let q = lead.qualifiedOn else { continue }
      let hasDeal = lead.dealID != nil
      guard hasDeal || q < qualificationCutoff else { continue }
      qualifiedEligible += 1
      if let id = lead.dealID {
        converted += 1
        if let created = dealCreated[id] { lagDays.append(max(q.days(to: created), 0)) }
      }
    }
    let qualificationRate = contactedEligible > 0 ? Double(qualified) / Double(contactedEligible) : 0
    let kq = 2 + max(sourceNames.count - 1, 0)
    let keys = groups.keys.sorted { ($0.source, $0.hours) < ($1.source, $1.hours) }
    var qCoefficients: [Double] = []
    var qCovariance: [Double] = []
    if !keys.isEmpty {
      var design = [Double](repeating: 0, count: keys.count * kq)
      for (r, key) in keys.enumerated() {
        design[r * kq] = 1
        design[r * kq + 1] = log(1 + key.hours)
        if key.source > 0 { design[r * kq + 1 + key.source] = 1 }
      }
      var glm = GroupedGLM(
        family: .logistic, design: design, columns: kq, response: keys.map { groups[$0]!.q },
        trials: keys.map { groups[$0]!.n })
      var result = glm.fit()
      if result.separated {
        glm.ridge = 0.5
        glm.ridgeIntercept = qualified == 0 || qualified == contactedEligible
        result = glm.fit()
        notes.append("qualification logistic separated (a source always or never qualifies); ridge penalty 0.5 added")
      }
      qCoefficients = result.coefficients
      qCovariance = result.covariance
    } else {
      notes.append("no contacted lead with a known outcome: qualification not fitted")
    }
    let lagData = GroupedDurations(durations: lagDays, observed: [Bool](repeating: true, count: lagDays.count))
    var lag: DurationEstimate?
    if !lagDays.isEmpty {
      let (estimate, lagNote) = DurationEstimation.estimate(
        lagData, minEvents: options.minEventsForParametric, what: "qualified-to-deal lag")
      lag = estimate
      if let lagNote { notes.append(lagNote) }
    } else {
      notes.append("no qualified lead became a deal: qualified-to-deal lag not fitted")
    }
    return LeadFunnelModel(
      sources: arrivals, contactRate: contactRate, contactGivenLoad: contactCurve,
      typicalWeeklyLoadPerRep: typicalLoad, responseTime: responseTime,
      qualificationRate: qualificationRate, qualificationCoefficients: qCoefficients,
      qualificationCovariance: qCovariance, qualificationSources: sourceOrder.map { sourceNames[$0] },
      dealConversionRate: qualifiedEligible > 0 ? Double(converted) / Double(qualifiedEligible) : 0,
      qualifiedToDealLag: lag, notes: notes, leadOwnersAtAsOf: recentOwners.count)
  }
}
