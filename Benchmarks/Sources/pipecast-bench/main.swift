import Foundation
import Simulation

/// `pipecast-bench <command> [arguments]`: one function per command; `Benchmarks/run.sh` runs
/// them all in release mode and prints the figures.
let arguments = CommandLine.arguments.dropFirst()
let usage = """
  usage: pipecast-bench read [--mb N | --dir DIR] [--threads N] [--repeat N]
         pipecast-bench fit <durations.csv>
         pipecast-bench kpi [deals] [activities]
         pipecast-bench simulate [deals] [trials] [threads]
         pipecast-bench forecast <folder> [trials] [threads] [all|open]

  """
switch arguments.first {
case "read":
  runReadBenchmark(Array(arguments.dropFirst()))
case "fit":
  runFitBenchmark(Array(arguments.dropFirst()))
case "kpi":
  let rest = Array(arguments.dropFirst()).compactMap { Int($0) }
  runKPIBenchmark(deals: rest.count > 0 ? rest[0] : 1_000_000, activities: rest.count > 1 ? rest[1] : 10_000_000)
case "simulate":
  let rest = Array(arguments.dropFirst()).compactMap { Int($0) }
  let deals = rest.count > 0 ? rest[0] : 1_000_000
  let trials = rest.count > 1 ? rest[1] : 20
  let threads = rest.count > 2 ? rest[2] : ProcessInfo.processInfo.activeProcessorCount
  do {
    let r = try runSimulationBenchmark(deals: deals, trials: trials, threads: threads)
    print(String(
      format: "simulate (%@ loop): %d open deals x %d trials on %d threads: %.2f s, %.1f M stage steps/s, "
        + "%.1f M deal-trials/s; steps/deal %.3f; mean bookings P1 %.0f",
      PipelineSimulator.vectorKernelAvailable ? "AVX-512" : "Swift", r.deals, r.trials, r.threads, r.seconds,
      r.stageStepsPerSecond / 1e6, r.dealTrialsPerSecond / 1e6,
      Double(r.stageSteps) / Double(r.deals * r.trials), r.meanBookingsFirstPeriod))
  } catch {
    FileHandle.standardError.write(Data("simulate: \(error)\n".utf8))
    exit(70)
  }
case "forecast":
  let rest = Array(arguments.dropFirst())
  guard let folder = rest.first else {
    FileHandle.standardError.write(Data(usage.utf8))
    exit(64)
  }
  let numbers = rest.dropFirst().compactMap { Int($0) }
  let trials = numbers.count > 0 ? numbers[0] : 10_000
  let threads = numbers.count > 1 ? numbers[1] : ProcessInfo.processInfo.activeProcessorCount
  let scope: SimulationScope = rest.contains("open") ? .open : .all
  do {
    let r = try runForecastBenchmark(folder: folder, trials: trials, threads: threads, scope: scope)
    print(String(
      format: "forecast (scope %@, %@ loop): %d open + %.1f new deals per trial x %d trials on %d threads: "
        + "%.2f s, %.2f M deal-trials/s, %.1f M stage steps/s",
      r.scope.rawValue, PipelineSimulator.vectorKernelAvailable ? "AVX-512" : "Swift", r.openDeals, Double(r.newDeals) / Double(r.trials), r.trials, r.threads, r.seconds,
      r.dealTrialsPerSecond / 1e6, r.stageStepsPerSecond / 1e6))
  } catch {
    FileHandle.standardError.write(Data("forecast: \(error)\n".utf8))
    exit(70)
  }
default:
  FileHandle.standardError.write(Data(usage.utf8))
  exit(64)
}
