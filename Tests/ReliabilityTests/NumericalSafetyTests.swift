import CRMData
import Foundation
import PipelineModel
import Simulation
import Testing

/// Degenerate histories: each fit says what it fell back to (a note), and neither the model nor
/// the forecast holds NaN or infinity. The folders are `Tests/Fixtures/broken/num-*`; the binary
/// runs them too (`BrokenInputTests.fitAndForecastRunOnWarningOnlyFolders`).
@Suite("Numerical safety")
struct NumericalSafetyTests {
  struct Case: CustomTestStringConvertible, Sendable {
    let fixture: String
    /// Fragments of `FittedPipeline.notes` naming the fallback.
    let notes: [String]
    var testDescription: String { fixture }
  }

  static let cases: [Case] = [
    Case(
      fixture: "num-stage-nobody-left",
      notes: [
        "stage Qualify: no completed stays; loss share pooled from all stages",
        "time in stage Qualify: only 0 exits (< 10); exponential fit",
      ]),
    Case(
      fixture: "num-single-deal",
      notes: [
        "stage Propose: no stays observed; pooled company exit rate and loss share used"
      ]),
    Case(
      fixture: "num-all-deals-lost",
      notes: [
        "loss-given-time logistic separated (8 lost of 8); ridge penalty 0.5 added"
      ]),
    // Every stay lasts exactly five days: the loss-given-time design matrix (1, t) has
    // collinear columns; the ridge keeps it solvable.
    Case(
      fixture: "num-identical-durations",
      notes: [
        "stage Qualify: loss-given-time logistic separated", "ridge penalty 0.5 added",
      ]),
    Case(
      fixture: "num-identical-amounts-one-source",
      notes: [
        "no deal_history.csv: one pseudo-stage \"Pipeline\" from creation to close"
      ]),
    Case(fixture: "num-rep-without-history", notes: ["exponential fit"]),
    Case(
      fixture: "num-deals-only",
      notes: [
        "no deal_history.csv", "no reps.csv: ramp-up not fitted (flat)", "no leads.csv",
      ]),
    // Deals bounce between two stages and never close: the transient chain has no exit but the
    // pooled loss share, so (I - Q) stays invertible.
    Case(
      fixture: "num-stage-loop-never-closed",
      notes: [
        "stage Propose: loss-given-time logistic separated (0 lost of 10)"
      ]),
    Case(
      fixture: "num-zero-amounts",
      notes: [
        "deal size: 3 deals with amount 0 left out of the lognormal fits"
      ]),
    Case(fixture: "num-all-deals-on-one-day", notes: []),
  ]

  @Test(arguments: cases)
  func fitNotesTheFallbackAndStaysFinite(_ c: Case) throws {
    let url = BrokenFixture.root.appendingPathComponent(c.fixture)
    let folder = try CRMFolderLoader.load(at: url, options: LoadOptions(threads: 1)).folder
    let run = try fitAndForecast(folder, trials: 400)
    for fragment in c.notes {
      #expect(
        run.model.notes.contains { $0.contains(fragment) }, "\(c.fixture): \(run.model.notes)")
    }
    #expect(!hasNonFinite(run.modelJSON), "\(c.fixture): model JSON has NaN/inf")
    #expect(!hasNonFinite(run.forecastJSON), "\(c.fixture): forecast JSON has NaN/inf")
    for stage in run.model.stages {
      for p in [stage.advanceProbability.value, stage.lossProbability.value, stage.winProbability] {
        #expect(p >= 0 && p <= 1, "\(c.fixture) \(stage.name): probability \(p)")
      }
      #expect(stage.expectedRemainingSteps.isFinite)
    }
    for p in run.forecast.periods {
      #expect(p.bookings.p10 <= p.bookings.p50 && p.bookings.p50 <= p.bookings.p90)
      #expect(p.bookings.p5 >= 0)
    }
    // The model file round-trips: what `fit --output` writes, `forecast --model` reads.
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("num-\(UUID())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("model.json")
    try run.model.save(to: file)
    _ = try FittedPipeline.load(from: file)
  }

  @Test func allAmountsZeroForecastsNoNegativeBookings() throws {
    let url = BrokenFixture.root.appendingPathComponent("num-zero-amounts")
    let folder = try CRMFolderLoader.load(at: url, options: LoadOptions(threads: 1)).folder
    let run = try fitAndForecast(folder, trials: 400)
    for p in run.forecast.periods { #expect(p.bookings.p5 >= 0 && p.bookings.mean.isFinite) }
  }

  /// With no positive amount anywhere, deals yet to be created book 0 (not exp(0) = 1 each),
  /// the model says so, and its file round-trips; a model file written before the rule (median
  /// and mean 1 over 0 deals) forecasts 0 as well.
  @Test func allAmountsZeroBooksNothingFromNewDeals() throws {
    let url = BrokenFixture.root.appendingPathComponent("num-zero-amounts")
    let folder = try CRMFolderLoader.load(at: url, options: LoadOptions(threads: 1)).folder
    let run = try fitAndForecast(folder, trials: 400)
    let size = run.model.dealSize
    #expect(size.overall.count == 0)
    #expect(size.overall.medianAmount == 0 && size.overall.meanAmount == 0)
    #expect(
      run.model.notes.contains {
        $0 == "deal size: no deal has a positive amount; deals yet to be created are booked at 0"
      }, "\(run.model.notes)")
    for p in run.forecast.periods {
      #expect(p.bookings.mean == 0 && p.bookings.p90 == 0, "\(p.period): \(p.bookings)")
    }

    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zero-\(UUID())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("model.json")
    try run.model.save(to: file)
    let reloaded = try FittedPipeline.load(from: file)
    #expect(reloaded.dealSize.overall == size.overall)
    #expect(reloaded.notes == run.model.notes)

    // What older fits wrote: exp(0) = 1 as median and mean, with or without per-origin amounts.
    var old = run.model
    old.dealSize.overall.medianAmount = 1
    old.dealSize.overall.meanAmount = 1
    for newDeals in [old.newDeals, nil] {
      old.newDeals = newDeals
      try old.save(to: file)
      let older = try FittedPipeline.load(from: file)
      let first = folder.calendar.period(.quarter, containing: folder.asOf)
      let forecast = try Forecasting.forecast(
        model: older, folder: folder,
        options: SimulationOptions(periods: [first, first.next], trials: 400, seed: 1, threads: 2))
      for p in forecast.periods {
        #expect(p.bookings.mean == 0 && p.bookings.p90 == 0, "\(p.period): \(p.bookings)")
      }
    }
  }
}
