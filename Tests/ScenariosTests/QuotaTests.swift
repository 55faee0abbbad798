import CRMData
import Foundation
import PipelineModel
import Scenarios
import Simulation
import Synthetic
import Testing

@Suite(.serialized) struct QuotaTests {
  /// A rep hired in the month before the period gets a lower quota than the tenured median.
  @Test func rampingRepGetsALowerQuota() throws {
    let f = try #require(WorldFixture.fitted)
    let plan = try QuotaPlanner.plan(
      model: f.model, folder: f.folder,
      request: QuotaRequest(period: WorldFixture.periods[0], trials: 400, seed: 2, threads: 2, reverseFunnel: false),
      calendar: .standard)
    let tenured = plan.lines.filter { ($0.tenureMonthsAtPeriodStart ?? 0) >= 12 }.map(\.quota).sorted()
    let fresh = plan.lines.filter { ($0.tenureMonthsAtPeriodStart ?? 99) <= 1 }
    print("QUOTA tenured median \(tenured[tenured.count / 2]); fresh \(fresh.map { ($0.group, $0.quota) }); company \(plan.companyQuota) vs sum \(plan.sumOfRepQuotas)")
    #expect(!tenured.isEmpty)
    // With a hire lever in code when the data has no fresh rep at as-of: compare by construction.
    for l in fresh { #expect(l.quota < tenured[tenured.count / 2]) }
    for l in plan.lines { #expect(abs(l.probabilityOfQuota - 0.6) < 0.05 || l.quota == 0) }
  }

  /// Quotas at `confidence` proposed at the day before each period (point in time: the folder as
  /// known then, a fit each), against what each rep then booked in `full`; reps who left during the
  /// period are left out (they could not attain it).
  static func hindsight(
    full: CRMFolder, periods: [String], confidence: Double = 0.6, trials: Int
  ) throws -> (hits: Int, total: Int) {
    var hits = 0
    var total = 0
    for label in periods {
      let period = FiscalCalendar.standard.period(label)!
      let folder = full.asOf(period.start.advanced(by: -1))
      let model = try PipelineFitter().fit(folder: folder)
      let plan = try QuotaPlanner.plan(
        model: model, folder: folder,
        request: QuotaRequest(period: period, confidence: confidence, trials: trials, seed: 4, threads: 2, reverseFunnel: false),
        calendar: .standard)
      var h = 0
      var n = 0
      for line in plan.lines {
        if let left = full.reps?.first(where: { $0.id == line.group })?.leftOn?.day, left < period.end { continue }
        let booked = full.deals.filter {
          $0.status == .won && $0.ownerID == line.group && ($0.closedOn.map { period.contains($0.day) } ?? false)
        }.reduce(0) { $0 + $1.amount }
        n += 1
        if booked >= line.quota { h += 1 }
      }
      print("QUOTA \(label): \(h)/\(n) reps reached their quota")
      hits += h
      total += n
    }
    return (hits, total)
  }

  /// Light, always on: two past origins of the small fixture world (about a dozen AEs), so only a
  /// wide binomial band (3 standard errors) can be checked; the heavy test below measures the rate.
  @Test func quotasAreRoughlyHonestAtTwoPastOrigins() throws {
    let f = try #require(WorldFixture.fitted)
    let (hits, total) = try Self.hindsight(full: f.folder, periods: ["2025-Q1", "2025-Q2"], trials: 200)
    let rate = Double(hits) / Double(max(1, total))
    let se = (0.6 * 0.4 / Double(max(1, total))).squareRoot()
    #expect(total >= 5)
    #expect(abs(rate - 0.6) <= 3 * se, "\(hits)/\(total)")
  }

  /// Quotas at confidence 0.6 at eight past quarterly origins (point in time), against what each
  /// rep booked. Gated: set PIPECAST_HEAVY_TESTS=1 (a fit per origin; run it in release).
  /// Reps of one quarter share its company-wide luck, so the binomial standard error understates
  /// the real sampling error; the band adds 0.05 for that.
  @Test(.enabled(if: ProcessInfo.processInfo.environment["PIPECAST_HEAVY_TESTS"] != nil))
  func quotasAreHonestInHindsight() throws {
    let world = try SampleWorld.generate(configuration: WorldConfiguration(scale: 1), seed: 21)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pipecast-quota-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    try world.write(to: dir)
    let full = try CRMFolderLoader.load(at: dir).folder
    let quarters = ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    let (hits, total) = try Self.hindsight(full: full, periods: quarters, trials: 1000)
    let rate = Double(hits) / Double(total)
    let se = (0.6 * 0.4 / Double(total)).squareRoot()
    print("QUOTA BACKTEST: \(hits)/\(total) reps reached their P40 quota = \(rate) (binomial se \(se))")
    #expect(abs(rate - 0.6) <= 3 * se + 0.05)
  }
}
