import CRMData
import Foundation
import PipelineModel
import Simulation
import Statistics
import Testing

/// Properties over seeded random inputs: the CSV writer and reader agree, the point-in-time view
/// behaves like time, and the simulation's quantiles are ordered, non-negative and stable.
@Suite("Properties")
struct PropertyTests {
  // MARK: CSV round trip

  /// Pieces that stress quoting: separators, quotes, line ends, spaces and non-ASCII text.
  static let pieces = [
    "a", "Z", "0", "12.5", ",", "\"", "\"\"", "\n", "\r\n", " ", "\t", "æ", "ø", "å", "Ø", "é",
    "€", "日本", "👍🏽", "\\", "'", ";", "-", "",
  ]

  static func randomField(_ rng: inout RandomStream) -> String {
    let n = Int.random(in: 0...6, using: &rng)
    return (0..<n).map { _ in pieces.randomElement(using: &rng)! }.joined()
  }

  @Test(arguments: 0..<40)
  func csvWriteThenReadGivesTheSameFields(seed: Int) throws {
    var rng = RandomStream(seed: UInt64(seed), block: 1)
    let columns = Int.random(in: 2...6, using: &rng)
    let header = (0..<columns).map { "c\($0)" }
    let rows = (0..<Int.random(in: 0...25, using: &rng)).map { _ in
      (0..<columns).map { _ in Self.randomField(&rng) }
    }
    let writer = CSVWriter()
    try writer.row(header)
    for row in rows { try writer.row(row) }
    let reader = CSVReader(file: "p.csv", bytes: CSVBytes(writer.bytes))
    #expect(reader.headerDiagnostics.isEmpty)
    #expect(reader.columns == header)
    var sink = DiagnosticSink(maxErrors: 10)
    var read: [[String]] = []
    reader.forEachRecord(sink: &sink) { r in read.append((0..<r.count).map { r.string($0) }) }
    #expect(sink.errors.isEmpty, "\(sink.errors)")
    // A row whose every field is empty is written as bare commas, so it survives (only a
    // one-column empty row would look like a blank line; we always write two or more columns).
    #expect(read == rows)
    // Reading in chunks (what the loader does with big files) gives the same records.
    var chunked: [[String]] = []
    var chunkSink = DiagnosticSink(maxErrors: 10)
    for chunk in reader.chunks(4, minimumBytes: 0) {
      reader.forEachRecord(in: chunk, sink: &chunkSink) { r in
        chunked.append((0..<r.count).map { r.string($0) })
      }
    }
    #expect(chunkSink.errors.isEmpty)
    #expect(chunked == rows)
  }

  // MARK: Point in time

  static func days(_ world: SmallWorld, _ rng: inout RandomStream, count: Int) -> [Day] {
    let span = world.firstDay.distance(to: world.exportDay)
    return (0..<count).map { _ in
      world.firstDay.advanced(by: Int.random(in: -5...(span + 5), using: &rng))
    }
    .sorted()
  }

  @Test(arguments: 0..<12)
  func laterAsOfNeverRemovesHistory(seed: Int) throws {
    let world = SmallWorld(seed: UInt64(seed), deals: 30)
    let folder = try load(world.files).folder
    var rng = RandomStream(seed: UInt64(seed), block: 2)
    let days = Self.days(world, &rng, count: 6)
    for (earlier, later) in zip(days, days.dropFirst()) {
      let a = folder.asOf(earlier)
      let b = folder.asOf(later)
      let laterDeals = Dictionary(uniqueKeysWithValues: b.deals.enumerated().map { ($1.id, $0) })
      for (i, deal) in a.deals.enumerated() {
        guard let j = laterDeals[deal.id] else {
          Issue.record("deal \(deal.id) visible at \(earlier) but not at \(later)")
          continue
        }
        // The earlier history is a prefix of the later one, row for row.
        let early = Array(a.historyRows(ofDeal: i))
        let late = Array(b.historyRows(ofDeal: j))
        #expect(Array(late.prefix(early.count)) == early, "deal \(deal.id): \(earlier) → \(later)")
        if deal.status != .open { #expect(b.deals[j].status == deal.status) }
      }
      #expect(a.deals.count <= b.deals.count)
      #expect((a.leads?.count ?? 0) <= (b.leads?.count ?? 0))
      #expect((a.activities?.count ?? 0) <= (b.activities?.count ?? 0))
      #expect((a.reps?.count ?? 0) <= (b.reps?.count ?? 0))
    }
  }

  @Test(arguments: 0..<12)
  func asOfIsIdempotentAndComposes(seed: Int) throws {
    let world = SmallWorld(seed: UInt64(seed) + 100, deals: 25)
    let folder = try load(world.files).folder
    var rng = RandomStream(seed: UInt64(seed), block: 3)
    let days = Self.days(world, &rng, count: 4)
    for d in days {
      let once = folder.asOf(d)
      Self.expectSame(once.asOf(d), once, "asOf(\(d)) twice")
      for later in days where later >= d {
        // With history recording every column, viewing a view equals viewing the folder.
        Self.expectSame(folder.asOf(later).asOf(d), once, "asOf(\(later)).asOf(\(d))")
      }
    }
  }

  @Test(arguments: 0..<6)
  func asOfBeforeTheFirstRecordIsEmpty(seed: Int) throws {
    let world = SmallWorld(seed: UInt64(seed) + 200, deals: 20)
    let folder = try load(world.files).folder
    let before = folder.asOf(world.firstDay.advanced(by: -1))
    #expect(before.deals.isEmpty)
    #expect(before.history?.isEmpty ?? true)
    #expect(before.leads?.isEmpty ?? true)
    #expect(before.activities?.isEmpty ?? true)
    #expect(before.historyRanges.isEmpty)
    // An empty pipeline is a data problem for the fitter, reported as such.
    #expect(throws: PipelineModelError.self) { try PipelineFitter().fit(folder: before) }
  }

  static func expectSame(
    _ x: CRMFolder, _ y: CRMFolder, _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(x.asOf == y.asOf, "\(what): asOf", sourceLocation: sourceLocation)
    #expect(x.deals == y.deals, "\(what): deals", sourceLocation: sourceLocation)
    #expect(x.history == y.history, "\(what): history", sourceLocation: sourceLocation)
    #expect(x.historyRanges == y.historyRanges, "\(what): ranges", sourceLocation: sourceLocation)
    #expect(x.leads == y.leads, "\(what): leads", sourceLocation: sourceLocation)
    #expect(x.activities == y.activities, "\(what): activities", sourceLocation: sourceLocation)
    #expect(x.reps == y.reps, "\(what): reps", sourceLocation: sourceLocation)
    #expect(x.accounts == y.accounts, "\(what): accounts", sourceLocation: sourceLocation)
    #expect(x.costs == y.costs, "\(what): costs", sourceLocation: sourceLocation)
  }

  // MARK: Simulation

  static func expectOrdered(_ s: DistributionSummary, _ what: String) {
    let q = [s.p5, s.p10, s.p25, s.p50, s.p75, s.p90, s.p95]
    #expect(
      q.allSatisfy { $0.isFinite && $0 >= 0 } && s.mean.isFinite && s.mean >= 0, "\(what): \(q)")
    #expect(zip(q, q.dropFirst()).allSatisfy { $0 <= $1 }, "\(what): not ordered \(q)")
  }

  @Test(arguments: 0..<5)
  func bookingsAreNonNegativeAndQuantilesOrdered(seed: Int) throws {
    let world = SmallWorld(seed: UInt64(seed) + 300, deals: 40, fullHistory: seed % 2 == 0)
    let folder = try load(world.files).folder
    let run = try fitAndForecast(folder, trials: 300, seed: UInt64(seed))
    #expect(!hasNonFinite(run.forecastJSON))
    for p in run.forecast.periods {
      for (s, name) in [
        (p.bookings, "bookings"), (p.wonDeals, "won deals"), (p.fromOpenPipeline, "open"),
        (p.fromNewDeals, "new"),
      ] {
        Self.expectOrdered(s, "\(p.period) \(name)")
      }
    }
  }

  @Test(arguments: 0..<4)
  func doublingTrialsMovesQuantilesOnlyWithinMonteCarloError(seed: Int) throws {
    let world = SmallWorld(seed: UInt64(seed) + 400, deals: 60)
    let folder = try load(world.files).folder
    let model = try PipelineFitter().fit(folder: folder)
    let period = folder.calendar.period(.quarter, containing: folder.asOf).next
    // Without parameter uncertainty every trial is independent, so the standard error of a
    // quantile q is about sqrt(p(1-p)) / (f(q) sqrt(n)); for the 10th to 90th percentiles of a
    // unimodal distribution that is below the interquartile range / sqrt(n). Five such errors of
    // the difference (n and 2n, partly shared trials) bound the change.
    for uncertainty in [false, true] {
      func run(_ trials: Int) throws -> DistributionSummary {
        try Forecasting.forecast(
          model: model, folder: folder,
          options: SimulationOptions(
            periods: [period], trials: trials, seed: UInt64(seed), threads: 2,
            parameterUncertainty: uncertainty)
        ).periods[0].bookings
      }
      let n = 2_048
      let a = try run(n)
      let b = try run(2 * n)
      // With parameter uncertainty, trials in one block share a parameter draw: count blocks.
      let effective = Double(uncertainty ? n / 64 : n)
      let spread = max(b.p75 - b.p25, (b.p90 - b.p10) / 2, 1e-9 * max(1, b.p50))
      let bound = 5 * spread * (1 / effective + 1 / (2 * effective)).squareRoot()
      for (x, y, level) in [(a.p10, b.p10, "P10"), (a.p50, b.p50, "P50"), (a.p90, b.p90, "P90")] {
        #expect(
          abs(x - y) <= bound, "\(level): \(x) vs \(y), bound \(bound), uncertainty \(uncertainty)")
      }
    }
  }
}
