/// A string → Int32 hash map for the joins over millions of rows (deal ids, account ids, owners).
///
/// Open addressing with linear probing and an FNV-1a hash of the UTF-8 bytes with a final mix:
/// several times faster than `Dictionary<String, _>` (SipHash) on short ids. Insertion order is
/// kept in `keys`, so nothing depends on hash order.
struct StringTable {
  private(set) var keys: [String] = []
  private(set) var values: [Int32] = []
  private var hashes: [UInt32] = []
  /// 0 = empty, else the key's 32-bit hash (high half) and its index in `keys` + 1 (low half), so
  /// a probe touches `keys` only on a likely match: one cache miss per lookup, not three.
  private var slots: [UInt64]
  private var mask: Int

  init(capacity: Int = 8) {
    var size = 16
    while size < capacity * 2 { size *= 2 }
    slots = [UInt64](repeating: 0, count: size)
    mask = size - 1
    keys.reserveCapacity(capacity)
    values.reserveCapacity(capacity)
    hashes.reserveCapacity(capacity)
  }

  var count: Int { keys.count }

  @inline(__always) static func hash(_ s: String) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
    h ^= h >> 33
    h = h &* 0xff51_afd7_ed55_8ccd
    h ^= h >> 33
    return h
  }

  /// The value stored for `key`, or nil.
  @inline(__always) func find(_ key: String) -> Int32? {
    let h = StringTable.hash(key)
    let h32 = UInt32(truncatingIfNeeded: h)
    var i = Int(truncatingIfNeeded: h) & mask
    while true {
      let slot = slots[i]
      if slot == 0 { return nil }
      if UInt32(truncatingIfNeeded: slot >> 32) == h32 {
        let e = Int(truncatingIfNeeded: slot & 0xffff_ffff) - 1
        if keys[e] == key { return values[e] }
      }
      i = (i + 1) & mask
    }
  }

  /// Stores `value` for `key` unless the key is present; returns the value in the table.
  @discardableResult
  mutating func insert(_ key: String, _ value: Int32) -> Int32 {
    let h = StringTable.hash(key)
    let h32 = UInt32(truncatingIfNeeded: h)
    var i = Int(truncatingIfNeeded: h) & mask
    while true {
      let slot = slots[i]
      if slot == 0 { break }
      if UInt32(truncatingIfNeeded: slot >> 32) == h32 {
        let e = Int(truncatingIfNeeded: slot & 0xffff_ffff) - 1
        if keys[e] == key { return values[e] }
      }
      i = (i + 1) & mask
    }
    slots[i] = StringTable.slot(h32, keys.count)
    keys.append(key)
    values.append(value)
    hashes.append(h32)
    if keys.count * 2 > slots.count { grow() }
    return value
  }

  private mutating func grow() {
    let size = slots.count * 2
    slots = [UInt64](repeating: 0, count: size)
    mask = size - 1
    for (e, h) in hashes.enumerated() {
      var i = Int(h) & mask
      while slots[i] != 0 { i = (i + 1) & mask }
      slots[i] = StringTable.slot(h, e)
    }
  }

  @inline(__always) static func slot(_ h32: UInt32, _ e: Int) -> UInt64 {
    UInt64(h32) << 32 | UInt64(e + 1)
  }
}
