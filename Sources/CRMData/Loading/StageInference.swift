/// Infers the pipeline's stages from deal_history.csv when there is no stages.csv.
///
/// The rule (docs/DATA-FORMAT.md, "Stages without stages.csv"):
/// 1. A deal's *final stage* is the stage of its last history row; its *final rows* are the
///    trailing rows with that stage.
/// 2. A stage is `won` when every row that names it is a final row of a won deal; `lost` when
///    every row that names it is a final row of a lost deal. Every other stage is `open`.
/// 3. Open stages are ordered by their typical position: for each deal, the open stages in the
///    order it first entered them are numbered 0, 1, 2 …; a stage's position is the mean of its
///    numbers over the deals that entered it. Ties go by name. They get orders 1…n, then won stages
///    (by name), then lost stages (by name).
/// Probabilities are unknown (nil): only stages.csv carries the CRM's own.
public enum StageInference {
  public static func infer(
    deals: [Deal], history: [DealHistoryRow], ranges: [Range<Int>]
  ) -> [StageDefinition] {
    // Intern stage names once: one hash per row, then plain arrays.
    var ids: [String: Int] = [:]
    var names: [String] = []
    var stageOf = [Int](repeating: 0, count: history.count)
    var previous: (name: String, id: Int)? = nil
    for (k, h) in history.enumerated() {
      if let p = previous, p.name == h.stage {
        stageOf[k] = p.id
        continue
      }
      let id: Int
      if let known = ids[h.stage] {
        id = known
      } else {
        id = names.count
        ids[h.stage] = id
        names.append(h.stage)
      }
      stageOf[k] = id
      previous = (h.stage, id)
    }
    let n = names.count
    var finalWon = [Int](repeating: 0, count: n)
    var finalLost = [Int](repeating: 0, count: n)
    var other = [Int](repeating: 0, count: n)
    for (d, range) in ranges.enumerated() where !range.isEmpty {
      let last = stageOf[range.upperBound - 1]
      var i = range.upperBound - 1
      while i >= range.lowerBound, stageOf[i] == last { i -= 1 }
      let trailing = range.upperBound - 1 - i
      switch deals[d].status {
      case .won: finalWon[last] += trailing
      case .lost: finalLost[last] += trailing
      case .open: other[last] += trailing
      }
      if i >= range.lowerBound {
        for k in range.lowerBound...i { other[stageOf[k]] += 1 }
      }
    }
    let kinds: [StageKind] = (0..<n).map { s in
      if finalWon[s] > 0, finalLost[s] == 0, other[s] == 0 { return .won }
      if finalLost[s] > 0, finalWon[s] == 0, other[s] == 0 { return .lost }
      return .open
    }
    var positionSum = [Double](repeating: 0, count: n)
    var positionCount = [Int](repeating: 0, count: n)
    var seen: [Int] = []
    for range in ranges where !range.isEmpty {
      seen.removeAll(keepingCapacity: true)
      for k in range {
        let s = stageOf[k]
        guard kinds[s] == .open, !seen.contains(s) else { continue }
        positionSum[s] += Double(seen.count)
        positionCount[s] += 1
        seen.append(s)
      }
    }
    let all = Array(0..<n)
    let open = all.filter { kinds[$0] == .open }.sorted { a, b in
      let pa = positionSum[a] / Double(max(1, positionCount[a]))
      let pb = positionSum[b] / Double(max(1, positionCount[b]))
      return pa != pb ? pa < pb : names[a] < names[b]
    }
    let won = all.filter { kinds[$0] == .won }.sorted { names[$0] < names[$1] }
    let lost = all.filter { kinds[$0] == .lost }.sorted { names[$0] < names[$1] }
    return (open + won + lost).enumerated().map { i, s in
      StageDefinition(name: names[s], order: i + 1, kind: kinds[s])
    }
  }
}
