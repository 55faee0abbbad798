import CRMData
import Foundation
import PipelineModel
import Synthetic

/// A small sample world whose future (after as-of) is generated too, with and without levers.
///
/// Scale 0.6 (about 11 AEs), history 2023-01-01 … 2025-06-30, future through 2025-12-31: the
/// what-if periods are 2025-Q3 and 2025-Q4 and every lever starts on 2025-07-01.
enum WorldFixture {
  static let scale = ProcessInfo.processInfo.environment["PIPECAST_HEAVY_TESTS"] == nil ? 0.6 : 1.5
  static let seed: UInt64 = 11
  static let asOf = Day(year: 2025, month: 6, day: 30)!
  static let starts = Day(year: 2025, month: 7, day: 1)!
  static let horizonEnd = Day(year: 2025, month: 12, day: 31)!
  static let periods = [
    FiscalCalendar.standard.period("2025-Q3")!, FiscalCalendar.standard.period("2025-Q4")!,
  ]

  static func configuration(_ levers: [Lever] = []) -> WorldConfiguration {
    var c = WorldConfiguration(scale: scale, asOf: asOf, horizonEnd: horizonEnd)
    c.levers = levers
    return c
  }

  /// The baseline world, its folder at as-of and the model fitted on it.
  static let fitted: (world: GeneratedWorld, folder: CRMFolder, model: FittedPipeline)? = {
    guard let world = try? SampleWorld.generate(configuration: configuration(), seed: seed) else { return nil }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pipecast-whatif-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    guard (try? world.write(to: dir)) != nil, let loaded = try? CRMFolderLoader.load(at: dir),
      let model = try? PipelineFitter().fit(folder: loaded.folder)
    else { return nil }
    return (world, loaded.folder, model)
  }()

  /// Actual bookings over the what-if periods in a world.
  static func futureBookings(
    _ world: GeneratedWorld, createdFrom: Day? = nil, types: Set<DealType> = Set(DealType.allCases)
  ) -> Double {
    world.bookings(by: .quarter, types: types, createdFrom: createdFrom).filter { periods.contains($0.period) }.reduce(0) { $0 + $1.amount }
  }

  /// `newDeals`: actual bookings of new and expansion deals created from `starts` (what the
  /// levers act on; renewals are not scaled by the world's deal-size lever).
  /// The true uplift of `lever` (from `starts`) over the periods: the same world with and
  /// without it (common random numbers in the generator).
  static func trueUplift(_ kind: Lever.Kind) throws -> (uplift: Double, baseline: Double, newDeals: Double) {
    let base = futureBookings(fitted!.world)
    let changed = try SampleWorld.generate(configuration: configuration([Lever(kind, from: starts)]), seed: seed)
    return (futureBookings(changed) - base, base, futureBookings(fitted!.world, createdFrom: starts, types: [.new, .expansion]))
  }

  /// The worlds a true uplift is averaged over: per world the relative uplift spreads by 0.07 to
  /// 0.11 (a few dozen extra deals with lognormal amounts), so 32 worlds give a standard error of
  /// 0.012 to 0.020; four worlds (0.035 to 0.055) hid bugs of that size.
  static let truthSeeds: [UInt64] = Array(11...42)

  /// The true relative uplift (uplift / bookings of new and expansion deals created from
  /// `starts`) averaged over `seeds` worlds: one world's uplift is a handful of extra wins, so
  /// its realisation noise would dominate a single comparison.
  static func meanTrueRelativeUplift(_ kind: Lever.Kind, seeds: [UInt64]) throws -> (mean: Double, each: [Double]) {
    var each: [Double] = []
    for s in seeds {
      guard let base = baselineBookings[s] else { throw SyntheticError.invalidConfiguration("no baseline world \(s)") }
      let changed = try SampleWorld.generate(configuration: configuration([Lever(kind, from: starts)]), seed: s)
      each.append((futureBookings(changed) - base.total) / base.newDeals)
    }
    return (each.reduce(0, +) / Double(each.count), each)
  }

  /// Per truth seed, the baseline world's bookings over the periods and those of its new and
  /// expansion deals created from `starts`: generated once for every lever.
  static let baselineBookings: [UInt64: (total: Double, newDeals: Double)] = {
    var result: [UInt64: (total: Double, newDeals: Double)] = [:]
    for s in truthSeeds {
      guard let world = s == seed ? fitted?.world : try? SampleWorld.generate(configuration: configuration(), seed: s)
      else { continue }
      result[s] = (futureBookings(world), futureBookings(world, createdFrom: starts, types: [.new, .expansion]))
    }
    return result
  }()
}
