import CRMData
import Foundation
import Statistics

/// What can go wrong fitting or loading a pipeline model.
public enum PipelineModelError: Error, Equatable, CustomStringConvertible {
  /// deals.csv (as of the date) has no deal to fit.
  case noDeals(asOf: Day)
  /// A saved model written by a Pipecast with another layout.
  case unsupportedFormatVersion(found: Int, supported: Int)
  /// A saved model that is not a Pipecast model (bad JSON, missing keys).
  case malformedModel(path: String, reason: String)

  public var description: String {
    switch self {
    case .noDeals(let asOf):
      return "no deals created on or before \(asOf): nothing to fit"
    case .unsupportedFormatVersion(let found, let supported):
      return "model file has format_version \(found); this Pipecast reads version \(supported). "
        + "Refit with `pipecast fit` to write a current model."
    case .malformedModel(let path, let reason):
      return "\(path) is not a Pipecast model file: \(reason)"
    }
  }
}

/// Fits the whole pipeline model from a point-in-time CRM folder.
///
/// Everything is estimated from the folder it is given, which must already be the as-of view
/// (`CRMFolder.asOf(_:)`): the fitter never looks past `folder.asOf`. Components whose input file
/// is missing are left `nil` with a note; every fallback (exponential time fit, pooled share,
/// ridge) is recorded in `FittedPipeline.notes`. Deterministic: the interval draws use
/// `RandomStream(seed: options.seed, block: stage)`.
public struct PipelineFitter: Sendable {
  public struct Options: Sendable {
    /// Fewer exits than this and a time fit uses the exponential (one parameter).
    public var minEventsForParametric = 10
    /// Parameter draws behind each stage probability's interval.
    public var intervalDraws = 200
    public var seed: UInt64 = 0x5EED_0F_F17
    /// Ramp curves run over this many tenure months; the last entry is the plateau.
    public var rampMonths = 12
    /// Leads younger than this are too recent to say whether they will be contacted.
    public var contactWindowDays = 14
    /// Contacted leads younger than this without an outcome are too recent to judge qualification.
    public var qualificationWindowDays = 60
    public init() {}
  }

  public var options: Options

  public init(options: Options = Options()) {
    self.options = options
  }

  /// - Throws: `PipelineModelError.noDeals` when the folder has no deal.
  /// - Complexity: O(n log n) in deals, history rows and leads (sorting durations); every
  ///   distribution fit runs on durations collapsed to distinct values.
  public func fit(folder: CRMFolder) throws(PipelineModelError) -> FittedPipeline {
    guard !folder.deals.isEmpty else { throw .noDeals(asOf: folder.asOf) }
    var notes: [String] = []
    let episodes = StageEpisodes(folder: folder)
    if episodes.isPseudoStage {
      notes.append(
        "no deal_history.csv: one pseudo-stage \"\(StageEpisodes.pseudoStageName)\" from creation to close")
    }
    if episodes.dealsWithoutHistory > 0 {
      notes.append("\(episodes.dealsWithoutHistory) deals without history rows left out of the stage fits")
    }
    if !folder.stagesFromFile && !episodes.isPseudoStage {
      notes.append("no stages.csv: pipeline order inferred from history; no CRM probabilities to compare")
    }
    let stageOutput = StageFitting.fit(
      episodes: episodes, definitions: folder.stages, options: options)
    notes += stageOutput.notes
    let stages = stageOutput.stages

    let cycle = CycleLengthFitting.fit(folder: folder)
    let (dealSize, sizeNotes) = DealSizeFitting.fit(folder: folder)
    notes += sizeNotes

    var leadFunnel: LeadFunnelModel?
    if folder.leads != nil {
      leadFunnel = LeadFunnelFitting.fit(folder: folder, options: options)
      if let f = leadFunnel { notes += f.notes.map { "lead funnel: \($0)" } }
    } else {
      notes.append("no leads.csv: lead arrivals, contact rate, response time and qualification not fitted")
    }

    let solver = LossShiftSolver(stages: stages)
    let origins = DealOrigins(folder: folder, leadFunnel: leadFunnel != nil)
    let (reps, repNotes) = RepFitting.fit(folder: folder, origins: origins, solver: solver, options: options)
    notes += repNotes

    let slip = SlipFitting.fit(folder: folder)
    if slip == nil {
      notes.append(
        folder.history == nil
          ? "no deal_history.csv: close-date slip not fitted"
          : "no expected close dates in deal_history.csv: close-date slip not fitted")
    }
    var accounts: AccountModel?
    // Customers from accounts.csv, else from deals' account_id (`DerivedAccounts`).
    var accountFolder = folder
    if folder.accounts != nil {
      accounts = AccountFitting.fit(folder: folder)
      if accounts == nil { notes.append("accounts.csv has no customers: expansion and churn not fitted") }
    } else if let derived = DerivedAccounts.customers(of: folder) {
      accountFolder.accounts = derived
      accounts = AccountFitting.fit(folder: accountFolder)
      accounts?.derivedFromDeals = true
      notes.append(
        "no accounts.csv: \(derived.count) customers taken from deals' account_id (customer from the first won deal; no churn recorded, churn hazard 0)")
    } else {
      notes.append("no accounts.csv and no account_id on won deals: expansion rate and churn hazard not fitted")
    }
    let newDeals = NewDealFitting.fit(
      folder: accountFolder, origins: origins, episodes: episodes, stageNames: stages.map(\.name))
    notes += newDeals.notes.map { "new deals: \($0)" }
    return FittedPipeline(
      formatVersion: FittedPipeline.currentFormatVersion, asOf: folder.asOf, stages: stages,
      cycleLength: cycle, dealSize: dealSize, leadFunnel: leadFunnel, reps: reps, slip: slip,
      accounts: accounts, newDeals: newDeals, notes: notes)
  }
}

// MARK: - Cycle length

/// Created-to-won cycle length by Aalen–Johansen: open deals censored at as-of, lost deals a
/// competing exit. The reported quantiles are those of the time to win *among deals that win*:
/// the first t with F̂_won(t) ≥ q · F̂_won(last). Against it, the naive median over won deals
/// only, which misses the slow deals still open.
enum CycleLengthFitting {
  static func fit(folder: CRMFolder) -> CycleLength {
    let asOfEnd = Moment(folder.asOf.advanced(by: 1))
    var durations: [Double] = []
    var causes: [Int?] = []
    var wonDurations: [Double] = []
    durations.reserveCapacity(folder.deals.count)
    causes.reserveCapacity(folder.deals.count)
    for deal in folder.deals {
      let end = deal.closedOn ?? asOfEnd
      let d = max(deal.createdOn.days(to: deal.status == .open ? asOfEnd : end), 0)
      durations.append(d)
      switch deal.status {
      case .open: causes.append(nil)
      case .won:
        causes.append(0)
        wonDurations.append(d)
      case .lost: causes.append(1)
      }
    }
    let naive = Dense.median(wonDurations)
    guard !wonDurations.isEmpty else {
      return CycleLength(medianDays: nil, naiveMedianDays: nil, p10Days: nil, p90Days: nil, winRate: 0)
    }
    let aj = AalenJohansen(durations: durations, causes: causes, causeCount: 2)
    let incidence = aj.incidence[0]
    let total = incidence.last ?? 0
    func quantile(_ q: Double) -> Double? {
      guard total > 0 else { return nil }
      for (t, f) in zip(aj.times, incidence) where f >= q * total - 1e-12 { return t }
      return nil
    }
    return CycleLength(
      medianDays: quantile(0.5), naiveMedianDays: naive, p10Days: quantile(0.1),
      p90Days: quantile(0.9), winRate: total)
  }
}

// MARK: - Slip

/// Close-date slip from deal_history: the first expected close date recorded for a closed deal
/// against its actual close (deals.csv's own expected_close_on is never used: CRMs overwrite it
/// with the close date).
enum SlipFitting {
  static func fit(folder: CRMFolder) -> SlipModel? {
    guard folder.history != nil else { return nil }
    var slips: [Double] = []
    var changes = 0
    var onTime = 0
    for (i, deal) in folder.deals.enumerated() {
      guard deal.status != .open, let closed = deal.closedOn else { continue }
      var first: Moment?
      var last: Moment?
      var changed = 0
      for row in folder.historyRows(ofDeal: i) {
        guard let e = row.expectedCloseOn, row.changedOn <= closed else { continue }
        if first == nil { first = e }
        if let l = last, l.day != e.day { changed += 1 }
        last = e
      }
      guard let first else { continue }
      let slip = Double(first.day.distance(to: closed.day))
      slips.append(slip)
      changes += changed
      if closed.day <= first.day { onTime += 1 }
    }
    guard !slips.isEmpty else { return nil }
    slips.sort()
    return SlipModel(
      medianSlipDays: Dense.quantile(slips, 0.5), p90SlipDays: Dense.quantile(slips, 0.9),
      onTimeShare: Double(onTime) / Double(slips.count),
      meanSlipsPerDeal: Double(changes) / Double(slips.count), count: slips.count)
  }
}

// MARK: - Accounts

/// Expansion and renewal deal rates per customer-month and a constant monthly churn hazard, over
/// the last twelve months (the whole history when the last year has no customer exposure).
/// Exposure: each customer from max(became customer, window start) to min(churned, as-of end).
enum AccountFitting {
  static let daysPerMonth = 30.4375

  static func fit(folder: CRMFolder) -> AccountModel? {
    guard let accounts = folder.accounts else { return nil }
    let asOfEnd = Moment(folder.asOf.advanced(by: 1))
    let customers = accounts.filter { $0.becameCustomerOn != nil }
    guard !customers.isEmpty else { return nil }
    func exposure(from windowStart: Moment) -> (months: Double, churns: Int) {
      var months = 0.0
      var churns = 0
      for a in customers {
        let start = max(a.becameCustomerOn!, windowStart)
        let end = min(a.churnedOn ?? asOfEnd, asOfEnd)
        if end > start { months += start.days(to: end) / daysPerMonth }
        if let c = a.churnedOn, c >= windowStart, c < asOfEnd { churns += 1 }
      }
      return (months, churns)
    }
    var windowStart = Moment(folder.asOf.advanced(by: -364))
    var (months, churns) = exposure(from: windowStart)
    if months <= 0 {
      windowStart = customers.map { $0.becameCustomerOn! }.min()!
      (months, churns) = exposure(from: windowStart)
    }
    var expansion = 0
    var renewal = 0
    for deal in folder.deals where deal.createdOn >= windowStart {
      if deal.type == .expansion { expansion += 1 } else if deal.type == .renewal { renewal += 1 }
    }
    let active = customers.filter { $0.churnedOn == nil }.count
    let m = max(months, 1e-9)
    return AccountModel(
      activeCustomers: active, expansionDealsPerCustomerMonth: Double(expansion) / m,
      renewalDealsPerCustomerMonth: Double(renewal) / m,
      monthlyChurnHazard: months > 0 ? Double(churns) / m : 0, churnEvents: churns,
      customerMonths: months)
  }
}
