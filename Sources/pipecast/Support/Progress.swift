import Foundation

/// Progress lines on standard error, shown only when it is a terminal (never in pipes, files or
/// CI logs, so captured output stays clean and deterministic).
struct Progress {
  let enabled: Bool
  private let started = Date()

  init(enabled: Bool = StandardError.isTerminal) {
    self.enabled = enabled
  }

  /// Shows `step` with the elapsed time, overwriting the previous progress line.
  func update(_ step: String) {
    guard enabled else { return }
    let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
    FileHandle.standardError.write(Data("\r\u{1B}[2K[\(seconds)s] \(step)".utf8))
  }

  /// Clears the progress line.
  func finish() {
    guard enabled else { return }
    FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
  }
}
