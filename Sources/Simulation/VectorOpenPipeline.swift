import CSimulationKernel
import Foundation

/// When the open-pipeline trial loop runs in the AVX-512 C kernel (`CSimulationKernel`), which
/// computes exactly what `TrialKernel.runOpenPipeline` computes, eight deals at a time.
///
/// It applies when the processor has AVX-512 (F and DQ), every stage's stay is lognormal,
/// exponential or Weibull, and there are at most 16 stages; otherwise (gamma or piecewise stays)
/// the Swift loop runs. `PIPECAST_VECTOR_KERNEL=0` turns it off (to compare the two, or to rule it out).
enum VectorKernel {
  static let maximumStages = 16

  static let available: Bool = {
    if let flag = ProcessInfo.processInfo.environment["PIPECAST_VECTOR_KERNEL"],
      ["0", "off", "false", "no"].contains(flag.lowercased())
    {
      return false
    }
    return pc_vector_kernel_available() != 0
  }()

  /// The stay families the kernel draws (`StageRow` codes): exponential, lognormal, Weibull.
  static let families: Set<Int> = [0, 1, 3]

  /// Whether a stage table (`ParameterSet.stageTable`) fits the kernel: 1 to 16 stages, every
  /// stay exponential, lognormal or Weibull.
  static func applies(table: UnsafePointer<Double>, stride: Int) -> Bool {
    let n = (stride - StageRow.exits) / 2 - 1
    guard n >= 1 && n <= maximumStages else { return false }
    for s in 0..<n where !families.contains(Int(table[s * stride + StageRow.family])) { return false }
    return true
  }
}

/// The open deals' fields the kernel reads for every deal of every trial, as columns: eight
/// deals are then eight contiguous values (one load), not eight records (a gather). A column
/// whose values are all the same (no ramp shifts, no segment speeds, one group) is left empty
/// and the kernel uses the constant: less memory to stream per trial.
struct DealColumns: Sendable {
  let stage: [Int32]
  let rep: [Int32]
  let ageDays: [Double]
  let logAge: [Double]
  let amount: [Double]
  /// Empty when every shift is 0.
  let rampShift: [Double]
  /// Empty when every factor is 1.
  let timeScale: [Double]
  /// Empty when every deal is in `uniformGroup`. (An empty column is passed to the kernel as
  /// null: an empty array's buffer pointer need not be nil.)
  let group: [Int32]
  let uniformGroup: Int32

  init(_ deals: [DealRecord]) {
    stage = deals.map(\.stage)
    rep = deals.map(\.rep)
    ageDays = deals.map(\.ageDays)
    logAge = deals.map(\.logAge)
    amount = deals.map(\.amount)
    rampShift = deals.allSatisfy { $0.rampShift == 0 } ? [] : deals.map(\.rampShift)
    timeScale = deals.allSatisfy { $0.timeScale == 1 } ? [] : deals.map(\.timeScale)
    let firstGroup = deals.first?.group ?? 0
    uniformGroup = firstGroup
    group = deals.allSatisfy { $0.group == firstGroup } ? [] : deals.map(\.group)
  }
}

extension PipelineSimulator {
  /// Whether open pipelines (lognormal, exponential or Weibull stays) run in the AVX-512 kernel here
  /// (for benchmarks and diagnostics: the totals are the same either way).
  public static var vectorKernelAvailable: Bool { VectorKernel.available }
}

/// A worker's scratch lanes for the C kernel.
struct VectorLanes: @unchecked Sendable {
  let lanes: OpaquePointer

  /// Nil when the kernel is unavailable (or the allocation failed: the Swift loop runs then).
  static func allocate(capacity: Int) -> VectorLanes? {
    guard VectorKernel.available, let lanes = pc_lanes_create(capacity) else { return nil }
    return VectorLanes(lanes: lanes)
  }

  func deallocate() { pc_lanes_destroy(lanes) }
}

extension TrialKernel {
  /// Stages in the table (a row holds one exit slot per stage, plus one).
  var stageCount: Int { (stride - StageRow.exits) / 2 - 1 }

  /// Whether this block's table can run in the C kernel.
  var vectorKernelApplies: Bool { VectorKernel.applies(table: table, stride: stride) }

  /// `runOpenPipeline` in the C kernel: the same totals, bit for bit. The kernel computes each
  /// deal's age conditioning itself (the same operations as `TrialKernel.conditioning`), which
  /// reads a third of the memory of the precomputed table.
  mutating func runOpenPipelineVector(
    trial: Int, deals: UnsafeBufferPointer<DealRecord>, columns: DealColumns, repShift: UnsafePointer<Double>,
    neverEnding: UnsafeBufferPointer<Double>, dealWins: UnsafeMutablePointer<Int32>, trialKey: UInt64,
    lanes: VectorLanes, laneCount: Int
  ) {
    precondition(columns.stage.count == deals.count)
    let stays = columns.stage.withUnsafeBufferPointer { stage in
      columns.rep.withUnsafeBufferPointer { rep in
        columns.ageDays.withUnsafeBufferPointer { age in
          columns.logAge.withUnsafeBufferPointer { logAge in
            columns.rampShift.withUnsafeBufferPointer { rampShift in
              columns.timeScale.withUnsafeBufferPointer { timeScale in
                columns.amount.withUnsafeBufferPointer { amount in
                  columns.group.withUnsafeBufferPointer { group in
                var o = PCOpenTrial(
                  table: table, stride: stride, stages: stageCount,
                  zx: UnsafePointer(z.x), zf: UnsafePointer(z.f), zxe: UnsafePointer(z.xe), zfe: UnsafePointer(z.fe),
                  zr: ZigguratTables.r, zre: ZigguratTables.re,
                  horizon: horizon, lastDay: max(0, horizon - 1), leverStart: leverStart,
                  cycleMultiplier: cycleMultiplier, sizeMultiplier: sizeMultiplier, periodOfDay: periodOfDay,
                  dealCount: deals.count, dealStage: stage.baseAddress, dealRep: rep.baseAddress,
                  dealGroup: group.isEmpty ? nil : group.baseAddress, uniformGroup: columns.uniformGroup,
                  dealAge: age.baseAddress, dealLogAge: logAge.baseAddress,
                  dealRampShift: rampShift.isEmpty ? nil : rampShift.baseAddress,
                  dealTimeScale: timeScale.isEmpty ? nil : timeScale.baseAddress,
                  dealAmount: amount.baseAddress, repShift: repShift,
                  neverEnding: neverEnding.baseAddress, neverEndingCount: neverEnding.count,
                  dealWins: dealWins, trialKey: trialKey, trial: trial,
                  periods: slots.periods, groups: slots.groups, bookings: slots.bookings,
                  wonDeals: slots.wonDeals, fromOpen: slots.fromOpen, groupBookings: slots.groupBookings,
                  groupFromOpen: slots.groupFromOpen, groupWonDeals: slots.groupWonDeals,
                  laneCount: laneCount, maxStaysPerDeal: Self.maxStaysPerDeal)
                return pc_run_open_trial(&o, lanes.lanes)
                  }
                }
              }
            }
          }
        }
      }
    }
    precondition(stays >= 0, "the vector kernel refused a trial it was given")
    steps &+= stays
  }
}
