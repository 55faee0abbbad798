import ArgumentParser
import CRMData
import Foundation
import PipelineModel
import Simulation

/// Maps errors to the documented exit codes and prints them on standard error.
///
/// 64: usage (bad flags, unknown scenario file), 65: bad data (the CRM folder, a scenario or a
/// model file), 70: internal failure (a bug or a numerical failure we did not foresee).
enum ExitStatus {
  static let usage: Int32 = 64
  static let badData: Int32 = 65
  static let internalFailure: Int32 = 70

  static func exit(for error: any Error) -> Never {
    switch error {
    case let error as CRMDataError:
      StandardError.write(error.description)
      switch error {
      case .folderNotFound: Foundation.exit(usage)
      case .unwritableFile: Foundation.exit(internalFailure)
      default: Foundation.exit(badData)
      }
    case let error as UsageError:
      StandardError.write("error: \(error.message)")
      Foundation.exit(usage)
    case let error as DataError:
      StandardError.write("error: \(error.message)")
      Foundation.exit(badData)
    case let error as PipelineModelError:
      // Every case is about the input: no deal to fit as of the date, or a bad model file.
      StandardError.write("error: \(error)")
      Foundation.exit(badData)
    case let error as SimulationError:
      StandardError.write("error: \(error)")
      switch error {
      case .noStages, .malformedStage: Foundation.exit(badData)
      default: Foundation.exit(usage)
      }
    case is ValidationError, is CleanExit, is ExitCode:
      Pipecast.exit(withError: error)
    default:
      // ArgumentParser's own errors (help requested, bad input found while running) keep its
      // messages and exit codes.
      if String(reflecting: type(of: error)).hasPrefix("ArgumentParser.") {
        Pipecast.exit(withError: error)
      }
      StandardError.write("internal error: \(error)")
      Foundation.exit(internalFailure)
    }
  }
}

/// A usage problem found after parsing (exit 64).
struct UsageError: Error {
  let message: String
  init(_ message: String) { self.message = message }
}

/// A problem in an input other than the CRM folder, e.g. a model or scenario file (exit 65).
struct DataError: Error {
  let message: String
  init(_ message: String) { self.message = message }
}

/// Writes lines to standard error.
enum StandardError {
  static func write(_ text: String) {
    FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
  }

  /// True when standard error is a terminal (progress is shown only then).
  static var isTerminal: Bool { isatty(2) != 0 }
}
