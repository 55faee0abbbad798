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
    var finalWon: [String: Int] = [:]
    var finalLost: [String: Int] = [:]
    var other: [String: Int] = [:]
    for (d, range) in ranges.enumerated() where !range.isEmpty {
      let last = history[range.upperBound - 1].stage
      var i = range.upperBound - 1
      while i >= range.lowerBound, history[i].stage == last { i -= 1 }
      let trailing = range.upperBound - 1 - i
      switch deals[d].status {
      case .won: finalWon[last, default: 0] += trailing
      case .lost: finalLost[last, default: 0] += trailing
      case .open: other[last, default: 0] += trailing
      }
      if i >= range.lowerBound {
        for k in range.lowerBound...i { other[history[k].stage, default: 0] += 1 }
      }
    }
    func kind(_ s: String) -> StageKind {
      let w = finalWon[s] ?? 0
      let l = finalLost[s] ?? 0
      let o = other[s] ?? 0
      if w > 0, l == 0, o == 0 { return .won }
      if l > 0, w == 0, o == 0 { return .lost }
      return .open
    }
    var names = Set<String>()
    for h in history { names.insert(h.stage) }
    var kinds: [String: StageKind] = [:]
    for n in names { kinds[n] = kind(n) }

    var positionSum: [String: Double] = [:]
    var positionCount: [String: Int] = [:]
    for range in ranges where !range.isEmpty {
      var seen: [String] = []
      for k in range {
        let s = history[k].stage
        guard kinds[s] == .open, !seen.contains(s) else { continue }
        positionSum[s, default: 0] += Double(seen.count)
        positionCount[s, default: 0] += 1
        seen.append(s)
      }
    }
    let open = names.filter { kinds[$0] == .open }.sorted { a, b in
      let pa = positionSum[a]! / Double(positionCount[a]!)
      let pb = positionSum[b]! / Double(positionCount[b]!)
      return pa != pb ? pa < pb : a < b
    }
    let won = names.filter { kinds[$0] == .won }.sorted()
    let lost = names.filter { kinds[$0] == .lost }.sorted()
    var result: [StageDefinition] = []
    for (i, s) in (open + won + lost).enumerated() {
      result.append(StageDefinition(name: s, order: i + 1, kind: kinds[s]!))
    }
    return result
  }
}
