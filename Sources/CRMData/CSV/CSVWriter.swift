import Foundation

/// Writes RFC 4180 CSV, one field at a time, into a byte buffer that is flushed to a file in large
/// chunks, so millions of rows cost one allocation and a few hundred `write` calls.
///
/// Output is UTF-8 without a byte-order mark, fields separated by `,`, rows ended by a single LF.
/// A field is quoted only when it must be: when it holds a comma, a double quote, a CR or an LF;
/// inside quotes a double quote is doubled (`a "b"` → `"a ""b"""`). An empty field is a missing
/// value (DATA-CONTRACT.md).
///
/// Numbers and dates have fast formatters that append bytes directly (no `String` per value):
/// - `day(_:)` and `moment(_:)` produce exactly `Day.description` / `Moment.description`
///   (`YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM:SSZ` when a moment has a time of day);
/// - `amount(_:)` rounds to cents and drops trailing zeros (`1200`, `1200.5`, `1200.25`): money has
///   two decimals, and whole amounts, the common case, stay short;
/// - `number(_:)` writes the shortest text that reads back as the same `Double` (Swift's
///   `description`), for values that are not money.
///
/// Use: `field`/`day`/`amount`/… for each column, then `endRow()`; `finish()` flushes and closes.
/// A writer without a file keeps everything in `bytes` (tests, small outputs).
public final class CSVWriter {
  /// The bytes not yet flushed (all of the output when the writer has no file).
  public private(set) var bytes: [UInt8] = []
  private let handle: FileHandle?
  private let flushThreshold: Int
  private var atRowStart = true
  /// Rows ended so far, the header included.
  public private(set) var rowCount = 0

  /// A writer that keeps its output in memory (`bytes`, `text`).
  public init() {
    self.handle = nil
    self.flushThreshold = .max
    bytes.reserveCapacity(1 << 12)
  }

  /// A writer that creates (or truncates) the file at `url` and streams rows into it.
  /// - Parameter bufferBytes: flush whenever this many bytes are pending (default 1 MiB).
  /// - Throws: `CSVWriterError.cannotCreate(path:)` when the file cannot be opened for writing.
  public init(url: URL, bufferBytes: Int = 1 << 20) throws {
    guard FileManager.default.createFile(atPath: url.path, contents: nil),
      let handle = FileHandle(forWritingAtPath: url.path)
    else { throw CSVWriterError.cannotCreate(path: url.path) }
    self.handle = handle
    self.flushThreshold = max(1024, bufferBytes)
    bytes.reserveCapacity(self.flushThreshold + 4096)
  }

  deinit { try? handle?.close() }

  /// The in-memory output as a string (meaningful only for a writer without a file).
  public var text: String { String(decoding: bytes, as: UTF8.self) }

  // MARK: Rows

  /// Writes a whole row of text fields (a header, or a small table).
  public func row(_ fields: [String]) throws {
    for f in fields { field(f) }
    try endRow()
  }

  /// Ends the current row with LF, flushing to the file when the buffer is full.
  public func endRow() throws {
    bytes.append(0x0A)
    atRowStart = true
    rowCount += 1
    if bytes.count >= flushThreshold { try flush() }
  }

  /// Writes pending bytes to the file (no-op in memory).
  public func flush() throws {
    guard let handle, !bytes.isEmpty else { return }
    do {
      try handle.write(contentsOf: bytes)
    } catch {
      throw CSVWriterError.writeFailed(description: "\(error)")
    }
    bytes.removeAll(keepingCapacity: true)
  }

  /// Flushes and closes the file.
  public func finish() throws {
    try flush()
    if let handle {
      do { try handle.close() } catch { throw CSVWriterError.writeFailed(description: "\(error)") }
    }
  }

  // MARK: Fields

  @inline(__always)
  private func separator() {
    if atRowStart { atRowStart = false } else { bytes.append(0x2C) }
  }

  /// An empty (missing) field.
  public func empty() { separator() }

  /// A text field, quoted when it holds a comma, a quote, CR or LF.
  public func field(_ value: String) {
    separator()
    var needsQuotes = false
    for b in value.utf8 where b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D {
      needsQuotes = true
      break
    }
    if !needsQuotes {
      bytes.append(contentsOf: value.utf8)
      return
    }
    bytes.append(0x22)
    for b in value.utf8 {
      if b == 0x22 { bytes.append(0x22) }
      bytes.append(b)
    }
    bytes.append(0x22)
  }

  /// A text field, or an empty one for nil.
  public func field(_ value: String?) {
    if let value { field(value) } else { empty() }
  }

  /// An identifier made of a prefix and a zero-padded number (`D000123`); never needs quotes.
  public func identifier(prefix: StaticString, number: Int, width: Int) {
    separator()
    prefix.withUTF8Buffer { bytes.append(contentsOf: $0) }
    appendPadded(number, width: width)
  }

  /// An integer.
  public func integer(_ value: Int) {
    separator()
    appendInteger(value)
  }

  /// A number as the shortest text that reads back to the same `Double`; empty for nil or NaN.
  public func number(_ value: Double?) {
    separator()
    guard let value, value.isFinite else { return }
    bytes.append(contentsOf: value.description.utf8)
  }

  /// Money: rounded to cents, trailing zeros dropped (`1200`, `1200.5`, `1200.25`); empty for nil.
  public func amount(_ value: Double?) {
    separator()
    guard let value, value.isFinite else { return }
    bytes.append(contentsOf: CSVWriter.amountBytes(value))
  }

  /// A day as `YYYY-MM-DD` (same text as `Day.description`); empty for nil.
  public func day(_ value: Day?) {
    separator()
    guard let value else { return }
    appendDay(value)
  }

  /// A moment as `Moment.description`: `YYYY-MM-DD` at midnight, else `YYYY-MM-DDTHH:MM:SSZ`.
  public func moment(_ value: Moment?) {
    separator()
    guard let value else { return }
    let day = value.day
    appendDay(day)
    let rest = Int(value.secondsSinceEpoch - Int64(day.index) * 86_400)
    guard rest != 0 else { return }
    bytes.append(UInt8(ascii: "T"))
    appendPadded(rest / 3600, width: 2)
    bytes.append(UInt8(ascii: ":"))
    appendPadded(rest / 60 % 60, width: 2)
    bytes.append(UInt8(ascii: ":"))
    appendPadded(rest % 60, width: 2)
    bytes.append(UInt8(ascii: "Z"))
  }

  // MARK: Formatting helpers

  /// The text `amount(_:)` writes: cents, trailing zeros dropped.
  public static func formatAmount(_ value: Double) -> String {
    String(decoding: amountBytes(value), as: UTF8.self)
  }

  /// `Day.description`, spelled out for symmetry with `formatAmount`.
  public static func format(_ day: Day) -> String { day.description }

  /// `Moment.description`.
  public static func format(_ moment: Moment) -> String { moment.description }

  static func amountBytes(_ value: Double) -> [UInt8] {
    let cents = Int64((value * 100).rounded())
    var out: [UInt8] = []
    var c = cents
    if c < 0 {
      out.append(UInt8(ascii: "-"))
      c = -c
    }
    out.append(contentsOf: String(c / 100).utf8)
    let frac = Int(c % 100)
    if frac != 0 {
      out.append(UInt8(ascii: "."))
      out.append(UInt8(48 + frac / 10))
      if frac % 10 != 0 { out.append(UInt8(48 + frac % 10)) }
    }
    return out
  }

  @inline(__always)
  private func appendDay(_ day: Day) {
    let (y, m, d) = day.components
    appendPadded(y, width: 4)
    bytes.append(UInt8(ascii: "-"))
    appendPadded(m, width: 2)
    bytes.append(UInt8(ascii: "-"))
    appendPadded(d, width: 2)
  }

  @inline(__always)
  private func appendInteger(_ value: Int) {
    if value < 0 {
      bytes.append(UInt8(ascii: "-"))
      appendPadded(-value, width: 1)
    } else {
      appendPadded(value, width: 1)
    }
  }

  /// Appends a non-negative integer with at least `width` digits.
  @inline(__always)
  private func appendPadded(_ value: Int, width: Int) {
    var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
      UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
      (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var v = value
    var n = 0
    withUnsafeMutableBytes(of: &digits) { buf in
      repeat {
        buf[n] = UInt8(48 + v % 10)
        v /= 10
        n += 1
      } while v > 0 && n < 20
      while n < width && n < 20 {
        buf[n] = 48
        n += 1
      }
      for i in stride(from: n - 1, through: 0, by: -1) { bytes.append(buf[i]) }
    }
  }
}

/// What can go wrong while writing CSV.
public enum CSVWriterError: Error, Equatable, CustomStringConvertible {
  /// The file could not be created or opened for writing.
  case cannotCreate(path: String)
  /// Writing to the file failed (disk full, closed handle …).
  case writeFailed(description: String)

  public var description: String {
    switch self {
    case .cannotCreate(let path): return "cannot create \(path): check the folder exists and is writable"
    case .writeFailed(let description): return "write failed: \(description)"
    }
  }
}
