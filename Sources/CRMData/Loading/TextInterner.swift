#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Shares one `String` among the rows that hold the same text in a column of few distinct values
/// (owners, stages, sources, segments), so each distinct value is decoded once per chunk instead
/// of once per row, and long values are stored once instead of once per row.
///
/// Keyed by the field's raw UTF-8 bytes: callers pass only fields without doubled quotes, whose
/// raw bytes are their text. Open addressing with linear probing over a fixed table (load at most
/// 0.5). It keeps at most `maximumTexts` distinct texts of at most `maximumLength` bytes; past
/// that, texts are decoded as usual, so a column of unique values costs a failed lookup per row
/// and never unbounded memory. Storage is fixed at creation and reached through pointers (no
/// copy-on-write, no exclusivity checks on the hot path). One interner per thread: not
/// shareable.
final class TextInterner {
  static let maximumTexts = 4096
  static let maximumLength = 64
  private static let slotCount = 8192
  private static let arenaCapacity = maximumTexts * 24

  /// Index into `texts` per slot, -1 when free.
  private let slots: UnsafeMutablePointer<Int32>
  private let texts: UnsafeMutablePointer<String>
  /// The bytes of each text: `arena[offsets[k] ..< offsets[k] + lengths[k]]`.
  private let arena: UnsafeMutablePointer<UInt8>
  private let offsets: UnsafeMutablePointer<Int32>
  private let lengths: UnsafeMutablePointer<Int32>
  private var count = 0
  private var arenaUsed = 0

  init() {
    slots = .allocate(capacity: Self.slotCount)
    slots.initialize(repeating: -1, count: Self.slotCount)
    texts = .allocate(capacity: Self.maximumTexts)
    arena = .allocate(capacity: Self.arenaCapacity)
    offsets = .allocate(capacity: Self.maximumTexts)
    lengths = .allocate(capacity: Self.maximumTexts)
  }

  deinit {
    slots.deallocate()
    texts.deinitialize(count: count)
    texts.deallocate()
    arena.deallocate()
    offsets.deallocate()
    lengths.deallocate()
  }

  /// The text of `bytes` (valid UTF-8, no doubled quotes to undo), shared with earlier calls
  /// for the same bytes.
  func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    let n = bytes.count
    guard n <= Self.maximumLength, let source = bytes.baseAddress else {
      return String(decoding: bytes, as: UTF8.self)
    }
    let mask = Self.slotCount - 1
    var s = hashUTF8(bytes) & mask
    while true {
      let k = Int(slots[s])
      if k < 0 { break }
      if Int(lengths[k]) == n, memcmp(arena + Int(offsets[k]), source, n) == 0 { return texts[k] }
      s = (s + 1) & mask
    }
    let text = String(decoding: bytes, as: UTF8.self)
    guard count < Self.maximumTexts, arenaUsed + n <= Self.arenaCapacity else { return text }
    (arena + arenaUsed).initialize(from: source, count: n)
    offsets[count] = Int32(arenaUsed)
    lengths[count] = Int32(n)
    (texts + count).initialize(to: text)
    slots[s] = Int32(count)
    arenaUsed += n
    count += 1
    return text
  }
}
