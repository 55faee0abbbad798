import ArgumentParser
import CRMData
import Foundation

/// Where the history comes from and as of when: shared by every command that reads a CRM folder.
struct DataOptions: ParsableArguments {
  @Option(name: .long, help: "The CRM folder (CSV files in the canonical format).")
  var data: String

  @Option(name: .customLong("as-of"), help: "Use only what was known at the end of this day (YYYY-MM-DD). Default: the export date.")
  var asOf: String?

  @Option(name: .customLong("fiscal-year-start"), help: "First month of the fiscal year, 01-12.")
  var fiscalYearStart: Int = 1

  func validate() throws {
    if let asOf, Day(asOf) == nil {
      throw ValidationError("--as-of '\(asOf)' is not a date; expected YYYY-MM-DD")
    }
    guard FiscalCalendar(startMonth: fiscalYearStart) != nil else {
      throw ValidationError("--fiscal-year-start must be a month from 01 to 12")
    }
  }

  var calendar: FiscalCalendar { FiscalCalendar(startMonth: fiscalYearStart)! }

  var asOfDay: Day? { asOf.flatMap { Day($0) } }

  /// Loads and validates the folder, prints warnings on standard error, and returns the
  /// point-in-time view as of `--as-of` (or the export date).
  /// - Parameter allWarnings: print every warning (validate does); other commands print a
  ///   one-line count so their output stays readable.
  func load(allWarnings: Bool = false) throws -> LoadedFolder {
    let progress = Progress()
    progress.update("reading \(data)")
    defer { progress.finish() }
    var loaded = try CRMFolderLoader.load(
      at: URL(fileURLWithPath: data), options: LoadOptions(calendar: calendar))
    if allWarnings {
      for warning in loaded.warnings { StandardError.write(warning.description) }
    } else if !loaded.warnings.isEmpty {
      StandardError.write(
        "\(data): \(loaded.warnings.count) data warning(s); `pipecast validate --data \(data)` lists them")
    }
    if let day = asOfDay {
      if day > loaded.folder.asOf {
        // The data knows nothing after its export date: say so rather than pretend.
        StandardError.write(
          "warning: --as-of \(day) is after the export date \(loaded.folder.asOf) (the latest event in \(data)); using \(loaded.folder.asOf)")
      }
      loaded.folder = loaded.folder.asOf(day)
    }
    return loaded
  }
}

/// The output format and destination.
struct OutputOptions: ParsableArguments {
  @Option(name: .long, help: "table, csv or json.")
  var format: OutputFormat = .table

  @Option(name: .long, help: "Write to this file (atomically) instead of standard output.")
  var output: String?

  /// Writes `text` to `--output` atomically, or to standard output.
  func emit(_ text: String) throws {
    let body = text.hasSuffix("\n") ? text : text + "\n"
    if let output {
      try AtomicFile.write(Data(body.utf8), to: URL(fileURLWithPath: output))
    } else {
      FileHandle.standardOutput.write(Data(body.utf8))
    }
  }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case table, csv, json
}

/// Randomness and parallelism.
struct RunOptions: ParsableArguments {
  @Option(name: .long, help: "Random seed: the same seed gives the same output.")
  var seed: UInt64 = 1

  @Option(name: .long, help: "Worker threads (default: all cores). Results do not depend on it.")
  var threads: Int?

  func validate() throws {
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
  }

  var threadCount: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }
}
