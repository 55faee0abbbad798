import ArgumentParser

/// The `pipecast` command line: argument parsing, I/O and formatting only. Every command's work
/// lives in a library module, callable from tests without spawning a process.
struct Pipecast: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pipecast",
    abstract: "Honest sales forecasts from CRM history.",
    discussion: """
      Reads a folder of CRM CSV exports (see docs/DATA-FORMAT.md), validates it, and computes KPIs,
      pipeline models, Monte Carlo forecasts, backtests and what-if scenarios.

      Exit codes: 0 success, 64 usage error, 65 bad data, 70 internal failure,
      130/143 interrupted by SIGINT/SIGTERM.

      Example:
        pipecast demo --data Samples/demo-crm
      """,
    version: PipecastVersion.current,
    subcommands: [
      DemoCommand.self, ValidateCommand.self, GenerateCommand.self, ImportCommand.self,
      KPIsCommand.self, FitCommand.self, ForecastCommand.self, BacktestCommand.self,
      DealsCommand.self, BridgeCommand.self, WhatIfCommand.self, QuotaCommand.self,
      FunnelCommand.self, ReportCommand.self,
    ]
  )
}

/// The version printed by `--version` and in report footers.
enum PipecastVersion {
  static let current = "0.1.0"
}

@main
enum PipecastMain {
  static func main() {
    SignalCleanup.install()
    let command: ParsableCommand
    do {
      command = try Pipecast.parseAsRoot()
    } catch {
      Pipecast.exit(withError: error)
    }
    var running = command
    do {
      try running.run()
    } catch {
      ExitStatus.exit(for: error)
    }
  }
}
