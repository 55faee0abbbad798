import CRMData
import Foundation
@testable import PipelineModel
@testable import Simulation
import Testing
import _TestSupport

/// A folder with only deals and their history (no leads.csv, reps.csv or accounts.csv), the
/// shape of many real exports: the deals still to be created must come from the deals' own
/// recent rates, not be left out (which forecasts only today's pipeline after a few weeks).
///
/// The world: 3 owners each create new deals every `ownerGap` days (sources alternating web and
/// event; half carry a `lead_id` that no leads.csv explains), plus an expansion deal every 14
/// days and a renewal every 7, for two years; every deal moves A → B and closes 20 days after
/// creation, won when its index is even. So the known answers are counts over the last 52 weeks.
@Suite struct DealsOnlyWorldTests {
  static let asOf = Day("2025-12-31")!
  static let owners = ["ann", "bob", "cy"]
  static let ownerGap = [3, 5, 7]

  static func folder(leads: [Lead]? = nil) -> CRMFolder {
    var deals: [Deal] = []
    var history: [DealHistoryRow] = []
    let start = asOf.advanced(by: -730)
    func add(_ day: Day, owner: String, type: DealType, source: String?, leadID: String?) {
      let id = "D\(deals.count)"
      let created = Moment(day)
      let closeDay = day.advanced(by: 20)
      let closed = closeDay <= asOf
      let won = deals.count % 2 == 0
      deals.append(
        Deal(
          id: id, createdOn: created, ownerID: owner, amount: 1000, status: closed ? (won ? .won : .lost) : .open,
          closedOn: closed ? Moment(closeDay) : nil, source: source, type: type, leadID: leadID))
      history.append(DealHistoryRow(dealID: id, changedOn: created, stage: "A"))
      if day.advanced(by: 10) <= asOf {
        history.append(DealHistoryRow(dealID: id, changedOn: Moment(day.advanced(by: 10)), stage: "B"))
      }
    }
    var n = 0
    for offset in 0...730 {
      let day = start.advanced(by: offset)
      for (k, owner) in owners.enumerated() where offset % ownerGap[k] == 0 {
        n += 1
        add(day, owner: owner, type: .new, source: n % 2 == 0 ? "web" : "event", leadID: n % 4 < 2 ? "L\(n)" : nil)
      }
      if offset % 14 == 0 { add(day, owner: "ann", type: .expansion, source: nil, leadID: nil) }
      if offset % 7 == 0 { add(day, owner: "bob", type: .renewal, source: nil, leadID: nil) }
    }
    return makeFolder(
      deals: deals, history: history,
      stages: [.init(name: "A", order: 1), .init(name: "B", order: 2)], leads: leads,
      asOf: asOf.description)
  }

  /// Deals of `type` (and owner) created in the fit's 52-week window, [as-of − 363, as-of].
  static func recentCount(_ folder: CRMFolder, type: DealType, owner: String? = nil) -> Int {
    let start = Moment(asOf.advanced(by: -363))
    return folder.deals.filter {
      $0.type == type && $0.createdOn >= start && (owner == nil || $0.ownerID == owner)
    }.count
  }

  @Test func withoutLeadsEveryNewDealIsItsOwnersPipeline() throws {
    let folder = Self.folder()
    let model = try PipelineFitter().fit(folder: folder)
    let reps = try #require(model.reps).reps
    for owner in Self.owners {
      let rep = try #require(reps.first { $0.id == owner })
      // Every new deal counts, lead_id or not, web or event: 364 days are 52 weeks.
      let expected = Double(Self.recentCount(folder, type: .new, owner: owner)) / 52
      #expect(abs(rep.outboundDealsPerWeek - expected) < 1e-9, "\(owner): \(rep.outboundDealsPerWeek)")
    }
    let outbound = try #require(model.newDeals?.origin("outbound"))
    #expect(outbound.deals == folder.deals.filter { $0.type == .new }.count)
    #expect(model.newDeals?.origin("lead") == nil)
    let shares = try #require(outbound.sourceShares)
    #expect(shares.map(\.source) == ["event", "web"])
    #expect(abs(shares.map(\.share).reduce(0, +) - 1) < 1e-12)
    #expect(abs(shares[0].share - 0.5) < 0.02)
    #expect(model.newDeals?.recentWindowWeeks == 52)
  }

  @Test func aLeadsFileMakesLinkedDealsLeadDeals() throws {
    // One lead links deal D0 from the lead side; deals with a lead_id are lead deals too.
    let lead = Lead(id: "X", createdOn: Moment(Self.asOf.advanced(by: -800)), source: "web", dealID: "D0")
    let folder = Self.folder(leads: [lead])
    let origins = DealOrigins(folder: folder, leadFunnel: true)
    for (i, deal) in folder.deals.enumerated() {
      let expected: String
      switch deal.type {
      case .expansion: expected = "expansion"
      case .renewal: expected = "renewal"
      case .new: expected = deal.leadID != nil || deal.id == "D0" ? "lead" : "outbound"
      }
      #expect(origins.name(i) == expected, "\(deal.id)")
    }
    let without = DealOrigins(folder: folder, leadFunnel: false)
    #expect(folder.deals.indices.allSatisfy { folder.deals[$0].type != .new || without.isOutbound($0) })
  }

  /// Mean deals created per trial over one quarter = Σ owners' rates × weeks + the flat
  /// expansion and renewal rates × weeks (Poisson: each trial's count has variance equal to its
  /// mean, so 400 trials put 4 standard errors at 4 √(mean / 400)).
  @Test func newDealsFollowTheRecentRates() throws {
    let folder = Self.folder()
    let model = try PipelineFitter().fit(folder: folder)
    let quarter = FiscalCalendar.standard.quarter(containing: Self.asOf.advanced(by: 1))
    let trials = 400
    let options = SimulationOptions(
      periods: [quarter], trials: trials, seed: 5, threads: 2, scope: .all, parameterUncertainty: false)
    let simulator = try PipelineSimulator(model: model, folder: folder, options: options)
    #expect(simulator.compiled.flatExpansionPerWeek.rate == Double(Self.recentCount(folder, type: .expansion)) / 52)
    #expect(simulator.compiled.flatRenewalPerWeek.rate == Double(Self.recentCount(folder, type: .renewal)) / 52)
    let result = simulator.run()
    let weeks = Double(quarter.start.distance(to: quarter.end)) / 7
    let perWeek = Double(
      Self.recentCount(folder, type: .new) + Self.recentCount(folder, type: .expansion)
        + Self.recentCount(folder, type: .renewal)) / 52
    let expected = perWeek * weeks
    let mean = Double(result.newDealCount) / Double(trials)
    #expect(abs(mean - expected) < 4 * (expected / Double(trials)).squareRoot(), "mean \(mean), expected \(expected)")
    #expect(result.notes.contains { $0.hasPrefix("No account model: expansion and renewal deals created at their recent flat rates") })
  }

  /// `--by source` labels the simulated new deals with their owners' sources and changes
  /// nothing else: the company totals are those of the ungrouped run, trial by trial.
  @Test func bySourceSplitsNewDealsWithoutChangingTotals() throws {
    let folder = Self.folder()
    let model = try PipelineFitter().fit(folder: folder)
    let quarter = FiscalCalendar.standard.quarter(containing: Self.asOf.advanced(by: 1))
    func run(_ groupBy: GroupDimension?) throws -> SimulationTrials {
      let options = SimulationOptions(periods: [quarter.next], trials: 200, seed: 8, groupBy: groupBy)
      return try PipelineSimulator(model: model, folder: folder, options: options).run()
    }
    let plain = try run(nil)
    let bySource = try run(.source)
    #expect(plain.bookings == bySource.bookings)
    let names = bySource.groupNames
    let web = try #require(names.firstIndex(of: "web"))
    let event = try #require(names.firstIndex(of: "event"))
    func groupTotal(_ g: Int) -> Double {
      (0..<200).reduce(0) { $0 + bySource.groupBookings[$1 * names.count + g] }
    }
    // Both sources book in the quarter after next (deals created after as-of), about equally.
    let (w, e) = (groupTotal(web), groupTotal(event))
    #expect(w > 0 && e > 0)
    #expect(abs(w / (w + e) - 0.5) < 0.1, "web share \(w / (w + e))")
  }
  /// A hire in a folder without leads.csv says what it assumes; the baseline does not.
  @Test func hiresWithoutLeadsSayWhatTheyAssume() throws {
    let folder = Self.folder()
    let model = try PipelineFitter().fit(folder: folder)
    let quarter = FiscalCalendar.standard.quarter(containing: Self.asOf.advanced(by: 1))
    let options = SimulationOptions(periods: [quarter], trials: 20, seed: 2)
    let simulator = try PipelineSimulator(model: model, folder: folder, options: options)
    var hire = SimulationAdjustments.identity
    hire.hires = [StaffChange(day: Self.asOf.advanced(by: 1), count: 2)]
    let assumption = "Hires create new deals at the average active rep's rate of all new deals"
    #expect(simulator.run(adjustments: hire).notes.contains { $0.hasPrefix(assumption) })
    #expect(!simulator.run().notes.contains { $0.hasPrefix(assumption) })
  }
}
