/// One problem found in a CRM folder, with its location and what to do about it.
///
/// Locations follow compiler conventions: `line` is the physical line where the record starts
/// (1 is the header; a newline inside a quoted field advances it) and `column` is the 1-based
/// field index. Problems about a whole file use line 1 and no column.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
  public enum Severity: String, Sendable, Hashable {
    case error, warning
  }

  public var file: String
  public var line: Int
  public var column: Int?
  public var severity: Severity
  public var message: String
  /// What to do about it; nil when the message says it all.
  public var fix: String?

  public init(
    file: String, line: Int, column: Int? = nil, severity: Severity = .error, message: String,
    fix: String? = nil
  ) {
    self.file = file
    self.line = line
    self.column = column
    self.severity = severity
    self.message = message
    self.fix = fix
  }

  /// `deals.csv:1043:9: closed_on '2025-13-01' is not a date; expected YYYY-MM-DD`; warnings put
  /// `warning: ` before the message.
  public var description: String {
    var text = "\(file):\(line)"
    if let column { text += ":\(column)" }
    text += severity == .warning ? ": warning: " : ": "
    text += message
    if let fix { text += "; \(fix)" }
    return text
  }
}

/// Collects diagnostics up to a limit on errors, in the order they were found.
///
/// Warnings are kept up to the same limit; past it they are counted, so a summary can say how many
/// were left out without holding millions of them.
public struct DiagnosticSink: Sendable {
  public let maxErrors: Int
  public private(set) var errors: [Diagnostic] = []
  public private(set) var warnings: [Diagnostic] = []
  public private(set) var droppedErrors = 0
  public private(set) var droppedWarnings = 0

  public init(maxErrors: Int) { self.maxErrors = max(1, maxErrors) }

  public var isFull: Bool { errors.count >= maxErrors }

  public mutating func add(_ d: Diagnostic) {
    switch d.severity {
    case .error:
      if errors.count < maxErrors { errors.append(d) } else { droppedErrors += 1 }
    case .warning:
      if warnings.count < maxErrors { warnings.append(d) } else { droppedWarnings += 1 }
    }
  }

  public mutating func error(
    _ file: String, _ line: Int, _ column: Int?, _ message: String, fix: String? = nil
  ) {
    add(Diagnostic(file: file, line: line, column: column, message: message, fix: fix))
  }

  public mutating func warning(
    _ file: String, _ line: Int, _ column: Int?, _ message: String, fix: String? = nil
  ) {
    add(Diagnostic(file: file, line: line, column: column, severity: .warning, message: message, fix: fix))
  }

  /// Appends another sink's findings after this one's (used to merge per-chunk results in order).
  public mutating func merge(_ other: DiagnosticSink) {
    for d in other.errors { add(d) }
    for d in other.warnings { add(d) }
    droppedErrors += other.droppedErrors
    droppedWarnings += other.droppedWarnings
  }
}
