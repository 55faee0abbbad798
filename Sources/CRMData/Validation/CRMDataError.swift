/// Everything that can stop a CRM folder from loading or an output file from being written.
///
/// Data problems come together in `invalidData`, sorted as found (file by file, line by line), so
/// one run shows everything to fix; the other cases are about the file system.
public enum CRMDataError: Error, Sendable, CustomStringConvertible {
  /// The `--data` folder does not exist or is not a directory.
  case folderNotFound(path: String)
  /// The folder has no deals.csv, the one required file.
  case missingRequiredFile(name: String, folder: String)
  /// A file exists but could not be read.
  case unreadableFile(name: String, reason: String)
  /// A file or folder could not be written.
  case unwritableFile(path: String, reason: String)
  /// The data breaks the contract; every error found (up to `maxErrors`), in file and line order.
  case invalidData([Diagnostic])

  public var description: String {
    switch self {
    case .folderNotFound(let path):
      return "\(path): no such folder; --data must name a folder of CRM CSV files"
    case .missingRequiredFile(let name, let folder):
      return "\(folder): no \(name); it is the one required file (see docs/DATA-FORMAT.md)"
    case .unreadableFile(let name, let reason):
      return "\(name): cannot be read: \(reason)"
    case .unwritableFile(let path, let reason):
      return "\(path): cannot be written: \(reason)"
    case .invalidData(let diagnostics):
      return diagnostics.map(\.description).joined(separator: "\n")
    }
  }
}
