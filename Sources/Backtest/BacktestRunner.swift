import CRMData
import Dispatch
import Foundation
import Statistics

/// Settings of one backtest (`pipecast backtest`).
public struct BacktestOptions: Sendable {
  /// First and last target periods (same length: months or quarters).
  public var from: Period
  public var to: Period
  public var schedule: OriginSchedule
  /// 0: forecast the period starting at the origin; 1: the one after.
  public var lead: Int
  public var trials: Int
  public var seed: UInt64
  /// Origins run in parallel on this many threads; results do not depend on it.
  public var threads: Int

  public init(
    from: Period, to: Period, schedule: OriginSchedule = .periodStart, lead: Int = 0,
    trials: Int = 2_000, seed: UInt64 = 1, threads: Int = 1
  ) {
    self.from = from
    self.to = to
    self.schedule = schedule
    self.lead = lead
    self.trials = trials
    self.seed = seed
    self.threads = threads
  }

  /// The seed of origin `index`: a SplitMix-derived value of (seed, index), so an origin's
  /// forecast depends on neither the thread that ran it nor the other origins.
  public func seed(forOrigin index: Int) -> UInt64 {
    var stream = RandomStream(seed: seed, block: UInt64(index))
    return stream.next()
  }
}

/// Runs a backtest: for each origin, the as-of view of the folder, a forecast, the baselines, the
/// actual bookings from the full folder, and the scores.
public struct Backtest: Sendable {
  public var options: BacktestOptions

  public init(options: BacktestOptions) {
    self.options = options
  }

  /// The origins the options describe, before dropping those the data cannot support.
  public var scheduledOrigins: [BacktestOrigin] {
    BacktestOrigin.schedule(
      from: options.from, through: options.to, schedule: options.schedule, lead: options.lead)
  }

  /// - Parameters:
  ///   - folder: the full folder, as exported (actuals use its final amounts and close dates).
  ///   - forecaster: `PipecastForecaster()` for Pipecast itself.
  ///   - progress: called after each origin (from worker threads) with (done, total).
  /// - Throws: `BacktestError`.
  /// - Complexity: origins × (as-of view + fit + trials); origins run on `options.threads`.
  public func run(
    folder: CRMFolder, forecaster: some BookingsForecaster,
    progress: (@Sendable (Int, Int) -> Void)? = nil
  ) throws(BacktestError) -> BacktestResult {
    guard options.lead == 0 || options.lead == 1 else { throw .invalidLead(options.lead) }
    guard options.trials >= 1 else { throw .invalidTrials(options.trials) }
    guard options.threads >= 1 else { throw .invalidThreads(options.threads) }
    guard options.from.length == options.to.length else {
      throw .periodLengthsDiffer(from: options.from.label, to: options.to.label)
    }
    guard options.from.start <= options.to.start else {
      throw .periodsOutOfOrder(from: options.from.label, to: options.to.label)
    }

    let firstDeal = folder.deals.map(\.createdOn.day).min()
    let exportEnd = folder.asOf.advanced(by: 1)
    var notes: [String] = []
    var usable: [BacktestOrigin] = []
    for o in scheduledOrigins {
      if o.target.end > exportEnd {
        notes.append(
          "\(o.target.label) as of \(o.asOf): target ends after the export date; skipped")
      } else if firstDeal.map({ o.asOf < $0 }) ?? true {
        notes.append("\(o.target.label) as of \(o.asOf): no deal created yet; skipped")
      } else {
        usable.append(o)
      }
    }
    guard !usable.isEmpty else {
      throw .noUsableOrigins(firstData: firstDeal?.description, exportDate: folder.asOf.description)
    }

    let outcomes = Outcomes(folder: folder)
    let origins = usable
    let box = ResultBox(count: origins.count)
    let workers = min(options.threads, origins.count)
    let options = self.options
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      var i = worker
      while i < origins.count {
        let r = Result { () throws -> OriginRun in
          try Self.runOrigin(
            origins[i], folder: folder, outcomes: outcomes, forecaster: forecaster,
            trials: options.trials, seed: options.seed(forOrigin: origins[i].index))
        }
        let done = box.store(r, at: i)
        progress?(done, origins.count)
        i += workers
      }
    }
    var runs: [OriginRun] = []
    for (o, r) in zip(origins, box.results) {
      switch r! {
      case .success(let run): runs.append(run)
      case .failure(let error):
        throw .forecastFailed(
          asOf: o.asOf.description, period: o.target.label, reason: String(describing: error))
      }
    }
    return BacktestResult(options: options, runs: runs, folder: folder, notes: notes)
  }

  /// What is forecast at one origin from the as-of view of `folder` alone: Pipecast's trials
  /// (bookings already won in the target on or before as-of included) and the baselines. Depends
  /// on nothing after `origin.asOf`, so a folder cut at that date gives the identical value (the
  /// leakage test).
  public static func forecast(
    origin: BacktestOrigin, folder: CRMFolder, forecaster: some BookingsForecaster, trials: Int,
    seed: UInt64
  ) throws -> OriginForecast {
    var view = folder.asOf(origin.asOf)
    // Known through the origin day even when nothing happened on it (a folder cut at the origin
    // has an earlier export date: its last event); ages and horizons count from here.
    view.asOf = origin.asOf
    let pipeline = PointInTimePipeline(folder: view)
    let sample = try forecaster.forecast(
      folder: view, horizon: origin.horizon, trials: trials, seed: seed)
    precondition(!sample.trials.isEmpty, "the forecaster returned no trials")
    let booked = pipeline.bookedSoFar(in: origin.target)
    return OriginForecast(
      trials: sample.trials.map { $0 + booked }, bookedBeforeAsOf: booked,
      dealWinProbabilities: sample.dealWinProbabilities,
      baselines: pipeline.baselines(
        target: origin.target, calendar: view.calendar,
        fittedWinProbabilities: sample.dealWinProbabilities),
      pipeline: pipeline, notes: sample.notes, meanFromOpenPipeline: sample.meanFromOpenPipeline,
      meanFromNewDeals: sample.meanFromNewDeals)
  }

  /// One origin: forecast, actual, deal observations.
  static func runOrigin(
    _ origin: BacktestOrigin, folder: CRMFolder, outcomes: Outcomes,
    forecaster: some BookingsForecaster, trials: Int, seed: UInt64
  ) throws -> OriginRun {
    let f = try forecast(
      origin: origin, folder: folder, forecaster: forecaster, trials: trials, seed: seed)
    let pipeline = f.pipeline
    let sample = ForecastSample(
      trials: f.trials, dealWinProbabilities: f.dealWinProbabilities, notes: f.notes)
    let actual = outcomes.bookings(in: origin.target)
    let booked = f.bookedBeforeAsOf
    let baselines = f.baselines
    let totals = f.trials
    var observations: [DealObservation] = []
    var actualFromOpen = 0.0
    observations.reserveCapacity(pipeline.openDeals.count)
    for d in pipeline.openDeals {
      let expectedIn = d.expectedCloseOn.map(origin.target.contains) ?? false
      let outcome = outcomes.outcome(of: d.id)
      let wonInPeriod =
        outcome.won
        && outcome.closedOn.map { $0 > origin.asOf && origin.target.contains($0) } == true
      if wonInPeriod { actualFromOpen += outcome.amount }
      observations.append(
        DealObservation(
          origin: origin.index, dealID: d.id, stage: d.stage, amount: d.amount,
          crmProbability: pipeline.hasCRMProbabilities
            ? (expectedIn ? (d.crmProbability ?? 0) : 0) : nil,
          crmStageProbability: d.crmProbability,
          pipecastProbability: sample.dealWinProbabilities.isEmpty
            ? nil : (sample.dealWinProbabilities[d.id] ?? nil),
          wonInPeriod: wonInPeriod, wonEventually: outcome.eventual))
    }
    return OriginRun(
      origin: origin, actual: actual, bookedBeforeAsOf: booked,
      distribution: OriginDistribution(trials: totals, actual: actual), baselines: baselines,
      observations: observations, forecasterNotes: sample.notes,
      split: BookingsSplit(
        actualFromOpenPipeline: actualFromOpen,
        actualFromNewDeals: actual - booked - actualFromOpen,
        forecastFromOpenPipeline: f.meanFromOpenPipeline, forecastFromNewDeals: f.meanFromNewDeals))
  }
}

/// The forecast and baselines at one origin, before anything is compared with what happened.
public struct OriginForecast: Sendable {
  /// Total bookings of the target period per trial (already booked included).
  public var trials: [Double]
  public var bookedBeforeAsOf: Double
  public var dealWinProbabilities: [String: Double]
  public var baselines: BaselineForecasts
  public var pipeline: PointInTimePipeline
  public var notes: [String]
  public var meanFromOpenPipeline: Double?
  public var meanFromNewDeals: Double?
}

/// Everything one origin produced.
struct OriginRun: Sendable {
  var origin: BacktestOrigin
  var actual: Double
  var bookedBeforeAsOf: Double
  var distribution: OriginDistribution
  var baselines: BaselineForecasts
  var observations: [DealObservation]
  var forecasterNotes: [String]
  var split: BookingsSplit
}

/// Where the bookings of a period came from, actual and forecast (means): deals open at the
/// origin and deals created after it. Actuals use final amounts; booked-before-as-of is in
/// neither. Diagnostic: it says which part of the model a miss comes from.
public struct BookingsSplit: Sendable, Equatable, Encodable {
  public var actualFromOpenPipeline: Double
  public var actualFromNewDeals: Double
  public var forecastFromOpenPipeline: Double?
  public var forecastFromNewDeals: Double?

  enum CodingKeys: String, CodingKey {
    case actualFromOpenPipeline = "actual_from_open_pipeline"
    case actualFromNewDeals = "actual_from_new_deals"
    case forecastFromOpenPipeline = "forecast_from_open_pipeline"
    case forecastFromNewDeals = "forecast_from_new_deals"
  }
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(finiteOrNil(actualFromOpenPipeline), forKey: .actualFromOpenPipeline)
    try c.encode(finiteOrNil(actualFromNewDeals), forKey: .actualFromNewDeals)
    try c.encode(finiteOrNil(forecastFromOpenPipeline), forKey: .forecastFromOpenPipeline)
    try c.encode(finiteOrNil(forecastFromNewDeals), forKey: .forecastFromNewDeals)
  }
}

/// What happened, from the full folder: final amounts and close dates.
struct Outcomes: Sendable {
  struct Outcome: Sendable {
    var won: Bool
    var closedOn: Day?
    /// true won, false lost, nil still open at export.
    var eventual: Bool?
    /// Final amount.
    var amount: Double
  }
  private var byID: [String: Outcome] = [:]
  private var wins: [(day: Day, amount: Double)] = []

  init(folder: CRMFolder) {
    for d in folder.deals {
      let closed = d.closedOn?.day
      byID[d.id] = Outcome(
        won: d.status == .won, closedOn: closed,
        eventual: d.status == .open ? nil : d.status == .won, amount: d.amount)
      if d.status == .won, let closed { wins.append((closed, d.amount)) }
    }
  }

  func outcome(of id: String) -> Outcome {
    byID[id] ?? Outcome(won: false, closedOn: nil, eventual: nil, amount: 0)
  }

  /// Actual bookings: final amounts of deals won with a closing day in `period`.
  func bookings(in period: Period) -> Double {
    var total = 0.0
    for w in wins where period.contains(w.day) { total += w.amount }
    return total
  }
}

/// Per-origin results written from worker threads, one slot each.
private final class ResultBox: @unchecked Sendable {
  private let lock = NSLock()
  private(set) var results: [Result<OriginRun, any Error>?]
  private var done = 0
  init(count: Int) { results = Array(repeating: nil, count: count) }
  func store(_ r: Result<OriginRun, any Error>, at i: Int) -> Int {
    lock.lock()
    defer { lock.unlock() }
    results[i] = r
    done += 1
    return done
  }
}
