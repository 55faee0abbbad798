import Foundation
import Testing
import Synthetic

/// Times generation and writing at a large scale; runs only when `SYNTHETIC_BENCH_SCALE` is set
/// (`SYNTHETIC_BENCH_SCALE=100 swift test -c release --filter ScaleBenchmark`).
@Suite struct ScaleBenchmarkTests {
  static let scale = ProcessInfo.processInfo.environment["SYNTHETIC_BENCH_SCALE"].flatMap(Double.init)

  @Test(.enabled(if: scale != nil)) func generateAndWriteAtScale() throws {
    let config = WorldConfiguration(scale: Self.scale!)
    let clock = ContinuousClock()
    var world: GeneratedWorld?
    let generation = try clock.measure { world = try SampleWorld.generate(configuration: config, seed: 7) }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("synthetic-bench-\(UUID())")
    defer { try? FileManager.default.removeItem(at: dir) }
    let writing = try clock.measure { try world!.write(to: dir) }
    var total = 0
    for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() {
      let size = (try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent(name).path)[.size] as! NSNumber).intValue
      total += size
      print("  \(name): \(size) bytes")
    }
    print("scale \(Self.scale!): \(world!.dealCount) deals, \(world!.historyRowCount) history rows, \(world!.leadCount) leads; generate \(generation), write \(writing), \(total) bytes")
  }
}
