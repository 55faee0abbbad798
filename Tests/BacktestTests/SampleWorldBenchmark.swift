import CRMData
import Dispatch
import Foundation
import Reports
import Testing

@testable import Backtest

/// The benchmark: the sample folder's 8-quarter backtest (2024-Q1 … 2025-Q4, lead 0,
/// period-start origins) with 2 000 trials per origin. Not a test: it runs only with
/// `PIPECAST_BENCHMARK=1` (use a release build for the figure), prints the tables and the
/// wall-clock seconds, and writes the JSON to `$PIPECAST_BENCHMARK_OUT` when set.
@Suite struct SampleWorldBenchmark {
  @Test(.enabled(if: ProcessInfo.processInfo.environment["PIPECAST_BENCHMARK"] == "1"))
  func eightQuarters() throws {
    let url = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Samples/demo-crm")
    let env = ProcessInfo.processInfo.environment
    let loadStart = DispatchTime.now().uptimeNanoseconds
    let folder = try CRMFolderLoader.load(at: url).folder
    let loaded = DispatchTime.now().uptimeNanoseconds
    let calendar = folder.calendar
    let options = BacktestOptions(
      from: calendar.period(env["PIPECAST_FROM"] ?? "2024-Q1")!,
      to: calendar.period(env["PIPECAST_TO"] ?? "2025-Q4")!,
      schedule: OriginSchedule(rawValue: env["PIPECAST_ORIGIN"] ?? "period-start")!,
      lead: Int(env["PIPECAST_LEAD"] ?? "0")!, trials: Int(env["PIPECAST_TRIALS"] ?? "2000")!,
      seed: 1, threads: ProcessInfo.processInfo.activeProcessorCount)
    let result = try Backtest(options: options).run(
      folder: folder, forecaster: PipecastForecaster())
    let done = DispatchTime.now().uptimeNanoseconds
    print(BacktestTable.render(result))
    print(
      String(
        format: "benchmark: load %.2f s, backtest %.2f s (%d origins, %d trials, %d threads)",
        Double(loaded - loadStart) / 1e9, Double(done - loaded) / 1e9, result.origins.count,
        options.trials, options.threads))
    if let out = env["PIPECAST_BENCHMARK_OUT"] {
      try JSONOutput.encode(result).write(toFile: out, atomically: true, encoding: .utf8)
    }
  }
}
