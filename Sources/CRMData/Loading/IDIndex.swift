/// Position of each distinct id in an array of ids: a fast replacement for `[String: Int32]`.
///
/// Open addressing with linear probing over a power-of-two table of `Int32` slots (load <= 0.5),
/// hashing the id's UTF-8 bytes with `hashUTF8(_:)`.
/// Ids compare by their UTF-8 bytes (no Unicode normalization), as in the CSV.
struct IDIndex: Sendable {
  private let ids: [String]
  private var slots: [Int32]
  private let mask: Int

  /// Indexes `ids`; `duplicates` lists (later index, first index) for every repeated id.
  init(_ ids: [String], duplicates: inout [(Int, Int)]) {
    self.ids = ids
    var size = 16
    while size < ids.count * 2 { size <<= 1 }
    mask = size - 1
    slots = [Int32](repeating: -1, count: size)
    for i in ids.indices {
      var id = ids[i]
      let h = IDIndex.hash(&id)
      var s = h & mask
      while true {
        let j = slots[s]
        if j < 0 {
          slots[s] = Int32(i)
          break
        }
        if ids[Int(j)] == id {
          duplicates.append((i, Int(j)))
          break
        }
        s = (s + 1) & mask
      }
    }
  }

  /// The first index of `id`, or nil.
  func index(of id: String) -> Int32? {
    var id = id
    var s = IDIndex.hash(&id) & mask
    while true {
      let j = slots[s]
      if j < 0 { return nil }
      if ids[Int(j)] == id { return j }
      s = (s + 1) & mask
    }
  }

  @inline(__always)
  static func hash(_ id: inout String) -> Int {
    id.withUTF8 { hashUTF8($0) }
  }
}
