import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes files and folders so that readers see either the old content or the new, never a part.
///
/// A file is written to a temporary sibling (`.name.tmp-<pid>-<n>`, same directory, hence same
/// file system) and renamed over the target. A folder is filled in a temporary sibling directory
/// and renamed into place; an existing folder is first moved aside and removed after the rename,
/// so the swap itself is two renames.
///
/// Temporary paths live in a process-wide registry from the moment they are created until they
/// are renamed or removed. Creating a temporary path and registering it is one step, and so is
/// the rename sequence that commits a result and unregisters its paths: both run under one lock,
/// the *gate*. `removeTemporaryFilesForExit()` takes the gate for good before deleting, so an
/// interrupted run either finished its rename (the new content is in place) or did not start it
/// (the old content is untouched), and no new temporary path can appear afterwards. It takes a
/// lock and allocates, so call it from an ordinary thread (a `sigwait` thread or a dispatch
/// signal source), never from a raw C signal handler.
public enum AtomicFile {
  /// Writes `data` to `url` atomically.
  /// - Throws: `CRMDataError.unwritableFile`; the temporary file is removed.
  public static func write(_ data: Data, to url: URL) throws(CRMDataError) {
    let temp = temporarySibling(of: url)
    var openError: Int32 = 0
    let fd = gate.begin(temp.path) {
      let fd = open(temp.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
      openError = errno
      return fd
    }
    guard fd >= 0 else {
      gate.forget(temp.path)
      throw .unwritableFile(path: url.path, reason: String(cString: strerror(openError)))
    }
    var failure: String?
    data.withUnsafeBytes { raw in
      var done = 0
      while done < raw.count {
        let n = systemWrite(fd, raw.baseAddress! + done, raw.count - done)
        if n < 0 {
          if errno == EINTR { continue }
          failure = CSVBytes.errnoText()
          return
        }
        done += n
      }
    }
    if close(fd) != 0, failure == nil { failure = CSVBytes.errnoText() }
    if let failure {
      gate.discard(temp.path)
      throw .unwritableFile(path: url.path, reason: failure)
    }
    let renamed: String? = gate.commit(removing: [temp.path]) {
      rename(temp.path, url.path) == 0 ? nil : CSVBytes.errnoText()
    }
    if let reason = renamed {
      gate.discard(temp.path)
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
    var made: Int32 = 0
    let ok = gate.begin(temp.path) {
      let r = mkdir(temp.path, 0o755)
      made = errno
      return r == 0
    }
    guard ok else {
      gate.forget(temp.path)
      throw CRMDataError.unwritableFile(path: url.path, reason: String(cString: strerror(made)))
    }
    do {
      try fill(temp)
    } catch {
      gate.discard(temp.path)
      throw error
    }
    let aside = temporarySibling(of: url)
    let failure: String? = gate.commit(removing: [temp.path, aside.path]) {
      var old: URL?
      if fm.fileExists(atPath: url.path) {
        guard rename(url.path, aside.path) == 0 else { return CSVBytes.errnoText() }
        old = aside
      }
      guard rename(temp.path, url.path) == 0 else {
        let reason = CSVBytes.errnoText()
        if let old { _ = rename(old.path, url.path) }
        return reason
      }
      // The old folder is out of sight; it is removed inside the gate so an interruption never
      // leaves it behind either.
      if let old { try? fm.removeItem(at: old) }
      return nil
    }
    if let failure {
      gate.discard(temp.path)
      throw CRMDataError.unwritableFile(path: url.path, reason: failure)
    }
  }

  /// Deletes every temporary file or directory still in flight; returns how many were removed.
  ///
  /// For tests and error paths: the gate is released afterwards, so writes may go on.
  @discardableResult
  public static func removeTemporaryFiles() -> Int {
    gate.removeAll(hold: false)
  }

  /// Deletes every temporary file or directory still in flight and keeps the gate closed, so no
  /// temporary path is created or renamed afterwards by any thread; call it right before exiting
  /// on SIGINT or SIGTERM. Returns how many paths were removed.
  ///
  /// A rename already in progress finishes first (the gate waits for it), so the target holds
  /// either its old content or the complete new one.
  @discardableResult
  public static func removeTemporaryFilesForExit() -> Int {
    gate.removeAll(hold: true)
  }

  /// The temporary paths currently registered (for tests and diagnostics).
  public static var temporaryPaths: [String] { gate.snapshot() }

  static func temporarySibling(of url: URL) -> URL {
    let n = counter.next()
    let name = ".\(url.lastPathComponent).tmp-\(getpid())-\(n)"
    return url.deletingLastPathComponent().appendingPathComponent(name)
  }

  private static let gate = Gate()
  private static let counter = Counter()
}

/// The registry of temporary paths and the lock that orders their creation, commit and cleanup.
private final class Gate: @unchecked Sendable {
  private let lock = NSLock()
  private var paths = Set<String>()

  /// Registers `path` and runs `create` (which makes it) as one step.
  func begin<T>(_ path: String, _ create: () -> T) -> T {
    lock.lock()
    defer { lock.unlock() }
    paths.insert(path)
    return create()
  }

  /// Runs the renames of `commit` and unregisters `removing` as one step.
  func commit<T>(removing: [String], _ commit: () -> T) -> T {
    lock.lock()
    defer { lock.unlock() }
    let result = commit()
    for p in removing { paths.remove(p) }
    return result
  }

  /// Unregisters `path` without touching the file system (it was never created).
  func forget(_ path: String) {
    lock.withLock { _ = paths.remove(path) }
  }

  /// Removes `path` from disk and unregisters it.
  func discard(_ path: String) {
    lock.withLock {
      Gate.remove(path)
      _ = paths.remove(path)
    }
  }

  func snapshot() -> [String] { lock.withLock { paths.sorted() } }

  func removeAll(hold: Bool) -> Int {
    lock.lock()
    var removed = 0
    for path in paths.sorted() where Gate.remove(path) { removed += 1 }
    paths.removeAll()
    if !hold { lock.unlock() }
    return removed
  }

  /// Deletes `path` (a file or a directory tree); retries while another thread is still adding
  /// files to the directory. Returns true when something was there and is gone.
  @discardableResult
  static func remove(_ path: String) -> Bool {
    var info = stat()
    guard lstat(path, &info) == 0 else { return false }
    for _ in 0..<100 {
      try? FileManager.default.removeItem(atPath: path)
      if lstat(path, &info) != 0 { return true }
      usleep(1000)
    }
    return false
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

private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
  #if canImport(Glibc)
    return Glibc.write(fd, buffer, count)
  #else
    return Darwin.write(fd, buffer, count)
  #endif
}
