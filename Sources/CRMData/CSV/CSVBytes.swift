#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The bytes of one file, read whole into memory, immutable and shareable between threads.
///
/// One allocation of exactly the file's size, filled with `read(2)`; fields are parsed straight
/// from it, so a 300 MB export costs 300 MB plus what the records keep.
public final class CSVBytes: @unchecked Sendable {
  let base: UnsafeMutablePointer<UInt8>
  /// Number of bytes.
  public let count: Int

  private init(capacity: Int) {
    base = .allocate(capacity: max(capacity, 1))
    count = capacity
  }

  /// A copy of `bytes` (for tests and in-memory data).
  public convenience init(_ bytes: some Collection<UInt8>) {
    self.init(capacity: bytes.count)
    _ = UnsafeMutableBufferPointer(start: base, count: count).initialize(from: bytes)
  }

  /// The UTF-8 bytes of `text`.
  public convenience init(_ text: String) {
    self.init(Array(text.utf8))
  }

  deinit { base.deallocate() }

  /// Reads the whole file at `path`.
  /// - Throws: `CRMDataError.unreadableFile` with the system's reason.
  public static func read(path: String, name: String? = nil) throws(CRMDataError) -> CSVBytes {
    let label = name ?? path
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw .unreadableFile(name: label, reason: errnoText()) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw .unreadableFile(name: label, reason: errnoText()) }
    if (info.st_mode & S_IFMT) == S_IFDIR {
      throw .unreadableFile(name: label, reason: "it is a directory")
    }
    let size = Int(info.st_size)
    let bytes = CSVBytes(capacity: size)
    var done = 0
    while done < size {
      let n = systemRead(fd, bytes.base + done, size - done)
      if n < 0 {
        if errno == EINTR { continue }
        throw .unreadableFile(name: label, reason: errnoText())
      }
      if n == 0 { break }
      done += n
    }
    guard done == size else {
      throw .unreadableFile(name: label, reason: "file shrank while being read")
    }
    return bytes
  }

  static func errnoText() -> String { String(cString: strerror(errno)) }
}

private func systemRead(_ fd: Int32, _ buffer: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int {
  #if canImport(Glibc)
    return Glibc.read(fd, buffer, count)
  #else
    return Darwin.read(fd, buffer, count)
  #endif
}
