/// The hash `IDIndex` and `TextInterner` use for a field's UTF-8 bytes.
///
/// A 64-bit multiply-mix over 8-byte words (not SipHash: the bytes come from the user's own file,
/// so hash flooding is not a concern, and this is several times cheaper per lookup).
@inline(__always)
func hashUTF8(_ b: UnsafeBufferPointer<UInt8>) -> Int {
  var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(b.count)
  var i = 0
  if let base = b.baseAddress {
    while i + 8 <= b.count {
      let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
      h = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
      h ^= h >> 29
      i += 8
    }
  }
  var tail: UInt64 = 0
  var shift: UInt64 = 0
  while i < b.count {
    tail |= UInt64(b[i]) << shift
    shift += 8
    i += 1
  }
  h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
  h ^= h >> 31
  return Int(truncatingIfNeeded: h)
}
