import CRMData
import Dispatch
import Foundation
import PipelineModel
import Statistics

/// Seeded, parallel Monte Carlo of the pipeline: every open deal from its current stage and age,
/// and (scope `all`) the deals still to be created, to won, lost or past the horizon.
///
/// Reproducibility: open deal d of trial i draws from its own stream, keyed by the first output
/// of `RandomStream(seed, block: i)` and d; the new deals of trial i from `(seed, block: i | 2⁶²)`; the parameters of block b (trials b·B … b·B + B − 1,
/// B = `trialsPerParameterDraw`) from `(seed, block: b | 2⁶³)`. Trials are dealt to threads in
/// small fixed units and each trial writes its own slots, so the output is bit-identical for any
/// thread count, the first N trials of a longer run equal an N-trial run, and a scenario run
/// (`SimulationAdjustments`) sees the same random numbers trial by trial (common random numbers).
public struct PipelineSimulator: Sendable {
  public let model: FittedPipeline
  public let options: SimulationOptions
  /// Notes for the forecast: components skipped, deals left out, uncertainty settings.
  public private(set) var notes: [String]
  let compiled: CompiledPipeline
  /// Open deals in flight at once in the lane loop (tests vary it: a deal's fate never depends
  /// on it, only the order in which wins are summed).
  var laneCount = LaneBuffer.capacity
  /// Whether the open pipeline may run in the AVX-512 C kernel where it applies
  /// (`VectorKernel`); tests turn it off to check that both loops give the same totals.
  var allowsVectorKernel = true
  /// The open deals as columns for the vector kernel (nil where it cannot run).
  let dealColumns: DealColumns?

  /// Simulates `openDeals` (already placed in `model.stages`) at `asOf`.
  public init(
    model: FittedPipeline, openDeals: [OpenDealInput], asOf: Day, options: SimulationOptions
  ) throws(SimulationError) {
    self.model = model
    self.options = options
    compiled = try CompiledPipeline(model: model, openDeals: openDeals, asOf: asOf, options: options)
    dealColumns = VectorKernel.available ? DealColumns(compiled.deals) : nil
    notes = compiled.notes
  }

  /// Simulates the open pipeline of `folder` at its as-of date.
  public init(model: FittedPipeline, folder: CRMFolder, options: SimulationOptions) throws(SimulationError) {
    let (deals, skipped) = OpenDealInput.openDeals(of: folder, model: model)
    try self.init(model: model, openDeals: deals, asOf: folder.asOf, options: options)
    if skipped > 0 {
      notes = notes + ["\(skipped) open deals without a known current stage were left out."]
    }
  }

  public var groupNames: [String] { options.groupBy == nil ? [] : compiled.groupNames }

  /// Runs every trial. - Complexity: O(trials × (open deals × stays + new deals)); memory
  /// O(trials × periods × groups) plus O(threads × open deals) for the per-deal win counts.
  public func run(adjustments: SimulationAdjustments = .identity) -> SimulationTrials {
    let c = compiled
    let trials = options.trials
    let periodCount = c.periods.count
    let groupCount = options.groupBy == nil ? 0 : c.groupNames.count
    let dealCount = c.deals.count
    let blockSize = max(1, options.trialsPerParameterDraw)
    // Work is dealt in units of `unitSize` trials (fixed, not tied to the thread count), so
    // even a run of a few trials on a huge pipeline keeps every core busy.
    let unitSize = 2
    let units = (trials + unitSize - 1) / unitSize
    let workers = max(1, min(options.threads, units))
    let seed = options.seed
    let scopeAll = options.scope == .all
    let uncertainty = options.parameterUncertainty
    let laneCount = min(max(1, self.laneCount), LaneBuffer.capacity)
    let columns = allowsVectorKernel ? dealColumns : nil

    func zeroed<T: Numeric>(_ count: Int, _ type: T.Type) -> UnsafeMutablePointer<T> {
      let p = UnsafeMutablePointer<T>.allocate(capacity: max(1, count))
      p.initialize(repeating: 0, count: max(1, count))
      return p
    }
    let cells = trials * periodCount
    let groupCells = trials * groupCount * periodCount
    let slots = TrialSlots(
      periods: periodCount, groups: groupCount,
      bookings: zeroed(cells, Double.self), wonDeals: zeroed(cells, Double.self),
      fromOpen: zeroed(cells, Double.self), fromNew: zeroed(cells, Double.self),
      groupBookings: groupCount > 0 ? zeroed(groupCells, Double.self) : nil,
      groupFromOpen: groupCount > 0 ? zeroed(groupCells, Double.self) : nil,
      groupWonDeals: groupCount > 0 ? zeroed(groupCells, Int32.self) : nil)
    let dealWins = SendablePointer(zeroed(workers * dealCount, Int32.self))
    let steps = SendablePointer(zeroed(workers, Int.self))
    let newDeals = SendablePointer(zeroed(workers, Int.self))
    let leverStart: Double = adjustments.startDay.map {
      max(0, Double(c.asOf.advanced(by: 1).distance(to: $0)))
    } ?? 0

    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      var workerSteps = 0
      var workerNewDeals = 0
      let wins = dealWins.pointer + worker * dealCount
      let lanes = LaneBuffer.allocate()
      let vectorLanes = columns != nil ? VectorLanes.allocate(capacity: LaneBuffer.capacity) : nil
      defer {
        lanes.deallocate()
        vectorLanes?.deallocate()
      }
      var unit = worker
      var cachedBlock = -1
      var params: ParameterSet? = nil
      var context: NewDealContext? = nil
      while unit < units {
        // A unit is a few consecutive trials; its parameters are those of each trial's block,
        // recomputed (deterministically) by whichever worker needs them.
        for trial in (unit * unitSize)..<min(trials, (unit + 1) * unitSize) {
          let block = trial / blockSize
          if block != cachedBlock {
            var parameterStream: SimulationRandom? =
              uncertainty ? SimulationRandom(seed: seed, block: UInt64(block) | 1 << 63) : nil
            params = ParameterSet(
              compiled: c, adjustments: adjustments, draw: &parameterStream, vectorKernel: vectorLanes != nil)
            context = scopeAll ? NewDealContext(compiled: c, params: params!, adjustments: adjustments) : nil
            cachedBlock = block
          }
          params!.stageTable.withUnsafeBufferPointer { table in
            c.periodOfDay.withUnsafeBufferPointer { periodOfDay in
              c.deals.withUnsafeBufferPointer { deals in
                params!.repShift.withUnsafeBufferPointer { repShift in
                  params!.openNeverEnding.withUnsafeBufferPointer { neverEnding in
                    params!.openConditioning.withUnsafeBufferPointer { conditioning in
                      var kernel = TrialKernel(
                        table: table.baseAddress!, stride: params!.stride, z: ZigguratTables.shared,
                        horizon: c.horizonDays, periodOfDay: periodOfDay.baseAddress!, slots: slots,
                        leverStart: leverStart, cycleMultiplier: adjustments.cycleLengthMultiplier,
                        sizeMultiplier: adjustments.dealSizeMultiplier)
                      var trialStream = SimulationRandom(seed: seed, block: UInt64(trial))
                      let trialKey = trialStream.next()
                      if let vectorLanes, let columns, kernel.vectorKernelApplies {
                        kernel.runOpenPipelineVector(
                          trial: trial, deals: deals, columns: columns, repShift: repShift.baseAddress!,
                          neverEnding: neverEnding, dealWins: wins, trialKey: trialKey,
                          lanes: vectorLanes, laneCount: laneCount)
                      } else {
                        kernel.runOpenPipeline(
                          trial: trial, deals: deals, repShift: repShift.baseAddress!,
                          neverEnding: neverEnding, conditioning: conditioning, dealWins: wins,
                          trialKey: trialKey, lanes: lanes.lanes, laneCount: laneCount)
                      }
                      if let context {
                        var newRng = SimulationRandom(seed: seed, block: UInt64(trial) | 1 << 62)
                        kernel.runNewDeals(trial: trial, ctx: context, rng: &newRng)
                      }
                      workerSteps &+= kernel.steps
                      workerNewDeals &+= kernel.newDeals
                    }
                  }
                }
              }
            }
          }
        }
        unit += workers
      }
      steps.pointer[worker] = workerSteps
      newDeals.pointer[worker] = workerNewDeals
    }

    func take<T>(_ p: UnsafeMutablePointer<T>?, _ count: Int) -> [T] {
      guard let p else { return [] }
      defer { p.deallocate() }
      return Array(UnsafeBufferPointer(start: p, count: count))
    }
    var winCounts = [Int](repeating: 0, count: dealCount)
    for w in 0..<workers {
      for d in 0..<dealCount { winCounts[d] += Int(dealWins.pointer[w * dealCount + d]) }
    }
    dealWins.pointer.deallocate()
    let totalSteps = (0..<workers).reduce(0) { $0 + steps.pointer[$1] }
    steps.pointer.deallocate()
    let totalNewDeals = (0..<workers).reduce(0) { $0 + newDeals.pointer[$1] }
    newDeals.pointer.deallocate()
    return SimulationTrials(
      asOf: c.asOf, periods: c.periods, trials: trials, seed: seed, scope: options.scope,
      groupBy: options.groupBy, groupNames: groupCount > 0 ? c.groupNames : [],
      bookings: take(slots.bookings, cells), wonDeals: take(slots.wonDeals, cells),
      fromOpenPipeline: take(slots.fromOpen, cells), fromNewDeals: take(slots.fromNew, cells),
      groupBookings: take(slots.groupBookings, groupCells),
      groupFromOpenPipeline: take(slots.groupFromOpen, groupCells),
      groupWonDeals: take(slots.groupWonDeals, groupCells).map(Double.init),
      dealIDs: c.dealIDs, dealWinCounts: winCounts, stageSteps: totalSteps, newDealCount: totalNewDeals,
      notes: notes + Self.leverNotes(model: model, adjustments: adjustments, scope: options.scope))
  }

  /// What a lever assumes that the data cannot show: without leads.csv a hire's pipeline is the
  /// average rep's rate of *all* new deals, inbound included.
  static func leverNotes(
    model: FittedPipeline, adjustments: SimulationAdjustments, scope: SimulationScope
  ) -> [String] {
    guard scope == .all, model.leadFunnel == nil, !adjustments.hires.isEmpty || adjustments.extraActiveReps > 0
    else { return [] }
    return [
      "Hires create new deals at the average active rep's rate of all new deals: without leads.csv, inbound and rep-created deals cannot be told apart, so this assumes new reps bring their own demand."
    ]
  }
}

struct SendablePointer<T>: @unchecked Sendable {
  let pointer: UnsafeMutablePointer<T>
  init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}

/// Every trial's totals: what forecasts summarise, backtests score (CRPS from the trials) and
/// what-if runs difference trial by trial. Per-trial totals only; never per deal per trial.
public struct SimulationTrials: Sendable {
  public let asOf: Day
  public let periods: [Period]
  public let trials: Int
  public let seed: UInt64
  public let scope: SimulationScope
  public let groupBy: GroupDimension?
  public let groupNames: [String]
  /// `trials × periods`, trial-major: value of trial i, period p at `i * periods.count + p`.
  public internal(set) var bookings: [Double]
  public internal(set) var wonDeals: [Double]
  public internal(set) var fromOpenPipeline: [Double]
  public let fromNewDeals: [Double]
  /// `trials × groups × periods`: trial i, group g, period p at `(i * groups + g) * periods + p`.
  public internal(set) var groupBookings: [Double]
  public internal(set) var groupFromOpenPipeline: [Double]
  public internal(set) var groupWonDeals: [Double]
  /// Open deals in input order, and in how many trials each was won within the periods.
  public let dealIDs: [String]
  public let dealWinCounts: [Int]
  /// Stage stays simulated in all trials (the benchmark's unit of work).
  public let stageSteps: Int
  /// Deals created in the horizon over all trials (scope all), each walked like an open one.
  public let newDealCount: Int
  public internal(set) var notes: [String]

  /// Values of `metric` for period `p` across trials.
  public func column(_ metric: [Double], period p: Int) -> [Double] {
    (0..<trials).map { metric[$0 * periods.count + p] }
  }

  /// Values of a group metric for group g, period p across trials.
  public func groupColumn(_ metric: [Double], group g: Int, period p: Int) -> [Double] {
    (0..<trials).map { metric[($0 * groupNames.count + g) * periods.count + p] }
  }

  /// Adds a constant (already booked) amount and deal count to period `p` of every trial,
  /// counting it as open pipeline (it was, until it closed).
  mutating func addConstant(bookings amount: Double, wonDeals count: Double, groupBookings byGroup: [Double], period p: Int) {
    let n = periods.count
    let g = groupNames.count
    for i in 0..<trials {
      bookings[i * n + p] += amount
      wonDeals[i * n + p] += count
      fromOpenPipeline[i * n + p] += amount
      for j in 0..<g where byGroup[j] != 0 {
        groupBookings[(i * g + j) * n + p] += byGroup[j]
        groupFromOpenPipeline[(i * g + j) * n + p] += byGroup[j]
      }
    }
  }

  /// The group a closed deal belongs to under `groupBy` (nil without grouping).
  func groupKey(of deal: Deal, in folder: CRMFolder) -> String? {
    switch groupBy {
    case .owner: return deal.ownerID
    case .team: return folder.reps?.first { $0.id == deal.ownerID }?.team ?? "(none)"
    case .source: return deal.source ?? "(none)"
    case .segment: return deal.segment ?? "(none)"
    case nil: return "(all)"
    }
  }

  /// Share of trials in which each open deal was won within the forecast periods.
  public var dealWinFrequencies: [Double] { dealWinCounts.map { Double($0) / Double(trials) } }
}
