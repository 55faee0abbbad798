import ArgumentParser
import Backtest
import CRMData
import Foundation
import Reports
import Scenarios

/// `pipecast report`: one self-contained HTML file with the KPIs, the forecast fan chart, the
/// funnel, and optionally the backtest and scenario comparison.
struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract:
      "Write a self-contained HTML report: KPIs, forecast fan chart, funnel, backtest, scenarios.",
    discussion: """
      The file has inline CSS and SVG charts and nothing else: no scripts, fonts or images are
      fetched, so it opens offline and can be mailed. The footer records the data folder, as-of
      date, seed, trials and version needed to reproduce it.

      --backtest adds forecasts at past dates scored against actuals (the last --backtest-periods
      complete periods; it refits the model per origin, so it takes longest). Each --scenario adds
      a what-if run compared with the baseline, and the tornado of standard lever steps.

      Example:
        pipecast report --data Samples/demo-crm --backtest --output report.html
      """
  )

  @OptionGroup var dataOptions: DataOptions
  @OptionGroup var periodOptions: PeriodOptions
  @OptionGroup var runOptions: RunOptions

  @Option(name: .long, help: "The HTML file to write (atomically).")
  var output: String

  @Option(name: .long, help: "Simulated trials for the forecast and scenarios.")
  var trials: Int = 10_000

  @Option(name: .long, help: "Complete periods of actual bookings shown before the forecast.")
  var history: Int = 8

  @Option(
    name: .long, parsing: .singleValue, help: "A what-if scenario (YAML); repeat for several.")
  var scenario: [String] = []

  @Flag(name: .long, help: "Add the backtest section.")
  var backtest = false

  @Option(
    name: .customLong("backtest-periods"),
    help: "Complete periods the backtest scores (ending with the last one).")
  var backtestPeriods: Int = 8

  @Option(name: .customLong("backtest-trials"), help: "Simulated trials per backtest origin.")
  var backtestTrials: Int = 2_000

  func validate() throws {
    guard trials >= 100, trials <= 10_000_000 else {
      throw ValidationError("--trials must be between 100 and 10,000,000")
    }
    guard history >= 0, history <= 40 else {
      throw ValidationError("--history must be between 0 and 40")
    }
    guard backtestPeriods >= 1, backtestPeriods <= 40 else {
      throw ValidationError("--backtest-periods must be between 1 and 40")
    }
    guard backtestTrials >= 100, backtestTrials <= 1_000_000 else {
      throw ValidationError("--backtest-trials must be between 100 and 1,000,000")
    }
  }

  func run() throws {
    // Read the scenarios first: a typo should not cost a fit and a simulation.
    var scenarios: [Scenario] = []
    var problems: [String] = []
    for path in scenario {
      do {
        var loaded = try ScenarioParser.load(contentsOf: URL(fileURLWithPath: path))
        loaded.file = path  // as the user wrote it, for the report's footer
        scenarios.append(loaded)
      } catch {
        problems.append(error.description)
      }
    }
    if !problems.isEmpty { throw DataError(problems.joined(separator: "\n")) }

    let loaded = try dataOptions.load()
    let folder = loaded.folder
    let calendar = dataOptions.calendar
    let periods = try periodOptions.resolve(asOf: folder.asOf, calendar: calendar)

    var backtestOptions: BacktestOptions?
    if backtest {
      let current = calendar.period(periods[0].length, containing: folder.asOf)
      let last = current.end == folder.asOf.advanced(by: 1) ? current : current.previous
      let first = (1..<backtestPeriods).reduce(last) { p, _ in p.previous }
      backtestOptions = BacktestOptions(
        from: first, to: last, trials: backtestTrials, seed: runOptions.seed,
        threads: runOptions.threadCount)
    }

    let options = HTMLReportOptions(
      dataFolder: dataOptions.data, version: PipecastVersion.current, calendar: calendar,
      forecastPeriods: periods, historyPeriods: history, trials: trials, seed: runOptions.seed,
      threads: runOptions.threadCount, backtest: backtestOptions, scenarios: scenarios,
      command: reproduceCommand(asOf: folder.asOf))
    let progress = Progress()
    let content: HTMLReportContent
    do {
      content = try HTMLReport.build(folder: folder, options: options) { progress.update($0) }
    } catch let error as ScenarioError {
      throw DataError(error.description)
    }
    progress.finish()
    let url = URL(fileURLWithPath: output)
    try? FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try AtomicFile.write(Data(HTMLReport.render(content).utf8), to: url)
    StandardError.write("wrote \(output)")
  }

  /// The command line that reproduces the report (threads left out: they do not change it).
  func reproduceCommand(asOf: Day) -> String {
    var parts = ["pipecast", "report", "--data", dataOptions.data, "--as-of", asOf.description]
    if dataOptions.fiscalYearStart != 1 {
      parts += ["--fiscal-year-start", String(format: "%02d", dataOptions.fiscalYearStart)]
    }
    if let p = periodOptions.periods {
      parts += ["--periods", p]
    } else {
      parts += ["--horizon", periodOptions.horizon]
    }
    parts += [
      "--trials", String(trials), "--seed", String(runOptions.seed), "--history", String(history),
    ]
    for s in scenario { parts += ["--scenario", s] }
    if backtest {
      parts += [
        "--backtest", "--backtest-periods", String(backtestPeriods), "--backtest-trials",
        String(backtestTrials),
      ]
    }
    parts += ["--output", output]
    return parts.map(shellQuoted).joined(separator: " ")
  }

  private func shellQuoted(_ s: String) -> String {
    let safe = s.unicodeScalars.allSatisfy {
      CharacterSet.alphanumerics.contains($0) || "-_./=:,@+".unicodeScalars.contains($0)
    }
    return safe && !s.isEmpty ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}
