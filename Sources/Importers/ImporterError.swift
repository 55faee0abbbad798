import CRMData

/// Everything that can stop an import, each case carrying what the user needs to fix it.
///
/// Data problems (`invalidExport`, `invalidMapping`, `invalidOutput`) hold every diagnostic found,
/// with file, line and column; the CLI exits 65 on them. `missingFile` and `ambiguousFiles` are
/// about which files were given (also exit 65: the export is incomplete).
public enum ImporterError: Error, Sendable, CustomStringConvertible {
  /// A file of the export could not be read.
  case unreadableFile(path: String, reason: String)
  /// The export breaks the layout the adapter expects (bad CSV, a date or amount it cannot read,
  /// a required column absent).
  case invalidExport([Diagnostic])
  /// The `--mapping` file is not valid YAML or names fields, stages or kinds that do not exist.
  case invalidMapping([Diagnostic])
  /// A file the source needs was not among the files given.
  case missingFile(source: String, role: String, expected: String)
  /// Two files look like the same part of the export.
  case ambiguousFiles(role: String, paths: [String])
  /// The converted folder does not load (a bug in an adapter, or data no rule caught).
  case invalidOutput([Diagnostic])

  public var description: String {
    switch self {
    case .unreadableFile(let path, let reason):
      return "\(path): cannot be read: \(reason)"
    case .invalidExport(let diagnostics), .invalidMapping(let diagnostics):
      return diagnostics.map(\.description).joined(separator: "\n")
    case .missingFile(let source, let role, let expected):
      return "\(source): no \(role) among the files given; expected \(expected)"
    case .ambiguousFiles(let role, let paths):
      return "\(paths.joined(separator: ", ")): several files look like the \(role); give only one"
    case .invalidOutput(let diagnostics):
      return "the converted folder is not valid (nothing was written):\n"
        + diagnostics.map(\.description).joined(separator: "\n")
    }
  }
}
