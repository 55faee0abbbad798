import Foundation

/// Writes files and folders so that readers see either the old content or the new, never a part.
///
/// A file is written to a temporary sibling (`.name.tmp-<pid>-<n>`, same directory, hence same
/// file system) and renamed over the target. A folder is filled in a temporary sibling directory
/// and renamed into place; an existing folder is first moved aside and removed after the rename,
/// so the swap itself is two renames. Temporary paths live in a process-wide registry until they
/// are renamed or removed; `removeTemporaryFiles()` deletes whatever is left, for a SIGINT/SIGTERM
/// handler. Call it from a dispatch signal source (not from a raw C signal handler: it takes a lock
/// and allocates).
public enum AtomicFile {
  /// Writes `data` to `url` atomically.
  /// - Throws: `CRMDataError.unwritableFile`; the temporary file is removed.
  public static func write(_ data: Data, to url: URL) throws(CRMDataError) {
    let temp = temporarySibling(of: url)
    registry.insert(temp.path)
    defer { registry.remove(temp.path) }
    do {
      try data.write(to: temp)
    } catch {
      try? FileManager.default.removeItem(at: temp)
      throw .unwritableFile(path: url.path, reason: "\(error.localizedDescription)")
    }
    guard rename(temp.path, url.path) == 0 else {
      let reason = CSVBytes.errnoText()
      try? FileManager.default.removeItem(at: temp)
      throw .unwritableFile(path: url.path, reason: reason)
    }
  }

  /// Writes `text` as UTF-8 to `url` atomically.
  public static func write(_ text: String, to url: URL) throws(CRMDataError) {
    try write(Data(text.utf8), to: url)
  }

  /// Creates the folder at `url` by calling `fill` with an empty temporary sibling directory, then
  /// renaming it into place (replacing any existing folder at `url`).
  /// - Throws: `CRMDataError.unwritableFile`, or whatever `fill` throws; the temporary directory
  ///   is removed and an existing folder at `url` is left as it was.
  public static func writeDirectory(
    at url: URL, _ fill: (URL) throws -> Void
  ) throws {
    let fm = FileManager.default
    let temp = temporarySibling(of: url)
    registry.insert(temp.path)
    defer { registry.remove(temp.path) }
    do {
      try fm.createDirectory(at: temp, withIntermediateDirectories: true)
      try fill(temp)
    } catch {
      try? fm.removeItem(at: temp)
      throw error
    }
    var old: URL?
    if fm.fileExists(atPath: url.path) {
      let aside = temporarySibling(of: url)
      registry.insert(aside.path)
      guard rename(url.path, aside.path) == 0 else {
        let reason = CSVBytes.errnoText()
        registry.remove(aside.path)
        try? fm.removeItem(at: temp)
        throw CRMDataError.unwritableFile(path: url.path, reason: reason)
      }
      old = aside
    }
    guard rename(temp.path, url.path) == 0 else {
      let reason = CSVBytes.errnoText()
      if let old {
        _ = rename(old.path, url.path)
        registry.remove(old.path)
      }
      try? fm.removeItem(at: temp)
      throw CRMDataError.unwritableFile(path: url.path, reason: reason)
    }
    if let old {
      try? fm.removeItem(at: old)
      registry.remove(old.path)
    }
  }

  /// Deletes every temporary file or directory still in flight; returns how many were removed.
  @discardableResult
  public static func removeTemporaryFiles() -> Int {
    var removed = 0
    for path in registry.drain() {
      if (try? FileManager.default.removeItem(atPath: path)) != nil { removed += 1 }
    }
    return removed
  }

  /// The temporary paths currently registered (for tests and diagnostics).
  public static var temporaryPaths: [String] { registry.snapshot() }

  static func temporarySibling(of url: URL) -> URL {
    let n = counter.next()
    let name = ".\(url.lastPathComponent).tmp-\(getpid())-\(n)"
    return url.deletingLastPathComponent().appendingPathComponent(name)
  }

  private static let registry = PathRegistry()
  private static let counter = Counter()
}

/// A lock-protected set of paths.
private final class PathRegistry: @unchecked Sendable {
  private let lock = NSLock()
  private var paths = Set<String>()

  func insert(_ p: String) { lock.withLock { _ = paths.insert(p) } }
  func remove(_ p: String) { lock.withLock { _ = paths.remove(p) } }
  func snapshot() -> [String] { lock.withLock { paths.sorted() } }
  func drain() -> [String] {
    lock.withLock {
      let all = paths.sorted()
      paths.removeAll()
      return all
    }
  }
}

/// A lock-protected counter for unique temporary names within the process.
private final class Counter: @unchecked Sendable {
  private let lock = NSLock()
  private var value = 0
  func next() -> Int {
    lock.withLock {
      value += 1
      return value
    }
  }
}
