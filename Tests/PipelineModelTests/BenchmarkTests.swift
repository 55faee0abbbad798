import CRMData
import Foundation
import Synthetic
import Testing
@testable import PipelineModel

/// Fit on a million-deal sample world. Runs only with PIPECAST_BENCH_SCALE set (release build):
/// `PIPECAST_BENCH_SCALE=110 swift test -c release --filter BenchmarkTests`.
@Suite struct BenchmarkTests {
  @Test(.enabled(if: ProcessInfo.processInfo.environment["PIPECAST_BENCH_SCALE"] != nil))
  func fitMillionDeals() throws {
    let scale = Double(ProcessInfo.processInfo.environment["PIPECAST_BENCH_SCALE"]!)!
    let clock = ContinuousClock()
    var start = clock.now
    let world = try SampleWorld.generate(configuration: WorldConfiguration(scale: scale), seed: 1)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pipecast-bench-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    try world.write(to: dir)
    print("BENCH generate+write \(clock.now - start)")
    start = clock.now
    let loaded = try CRMFolderLoader.load(at: dir)
    print("BENCH load \(clock.now - start): \(loaded.folder.deals.count) deals, \(loaded.folder.history?.count ?? 0) history rows, \(loaded.folder.leads?.count ?? 0) leads")
    start = clock.now
    let episodes = StageEpisodes(folder: loaded.folder)
    print("BENCH episodes \(clock.now - start): \(episodes.episodes.count)")
    start = clock.now
    let model = try PipelineFitter().fit(folder: loaded.folder)
    let elapsed = clock.now - start
    print("BENCH fit \(elapsed)")
    for line in model.summaryLines.prefix(12) { print(line) }
    #expect(elapsed < .seconds(15))
  }
}
