import CRMData

/// Collects what an export says about its stages and turns it into stages.csv.
///
/// Kind: a stage is `won` when every deal that ended in it is won, `lost` when every one is lost,
/// and `open` otherwise; a stage no deal ended in is judged by its probability (1 → won) and name
/// (`won` / `lost` in it), else open. The adapter may fix a stage's kind (`fix(_:kind:)`), and the
/// mapping file overrides everything.
///
/// Order of open stages, first evidence available:
/// 0. the export's own order when the adapter knows it, else the number stage names start with
///    (Dynamics' `1-Qualify`, `2-Develop` …) when every open stage has one;
/// 1. the CRM's probability, when every open stage has one (ties by the evidence below);
/// 2. the mean position at which deals entered the stage (0 for a deal's first open stage, 1 for
///    its second …), when some deal passed through two or more open stages;
/// 3. the mean days from a deal's creation to its entry into the stage;
/// 4. the order in which stages first appear in the export.
/// A stage's probability is its most common value (exports repeat the stage default on each
/// deal; reps' own overrides are the minority).
struct StageCatalog {
  private(set) var names: [String] = []
  private var seen: Set<String> = []
  private var outcome: [String: [DealStatus: Int]] = [:]
  private var probabilities: [String: [Double: Int]] = [:]
  private var positionSum: [String: Double] = [:]
  private var positionCount: [String: Int] = [:]
  private var ageSum: [String: Double] = [:]
  private var ageCount: [String: Int] = [:]
  private var fixedKind: [String: StageKind] = [:]
  private var fixedOrder: [String: Int] = [:]
  private var multiStageDeals = 0
  /// Deals whose last known stage is each stage.
  private var finalCount: [String: Int] = [:]

  mutating func see(_ name: String) {
    if seen.insert(name).inserted { names.append(name) }
  }

  /// A deal with status `status` whose last known stage is `name`.
  mutating func final(_ name: String, status: DealStatus) {
    see(name)
    outcome[name, default: [:]][status, default: 0] += 1
    finalCount[name, default: 0] += 1
  }

  /// A probability as a fraction 0…1.
  mutating func probability(_ name: String, _ p: Double) {
    see(name)
    probabilities[name, default: [:]][p, default: 0] += 1
  }

  /// One deal's stage entries in time order, with days from the deal's creation to each entry.
  /// Closed stages (those fixed as won or lost) are ignored for positions.
  mutating func entries(_ list: [(stage: String, days: Double?)]) {
    var order: [String] = []
    for (stage, days) in list {
      see(stage)
      if let k = fixedKind[stage], k != .open { continue }
      guard !order.contains(stage) else { continue }
      positionSum[stage, default: 0] += Double(order.count)
      positionCount[stage, default: 0] += 1
      if let days {
        ageSum[stage, default: 0] += days
        ageCount[stage, default: 0] += 1
      }
      order.append(stage)
    }
    if order.count > 1 { multiStageDeals += 1 }
  }

  /// Sets a stage's kind (an adapter's own knowledge: Maven's Won, a synthetic Lost stage).
  mutating func fix(_ name: String, kind: StageKind, order: Int? = nil) {
    see(name)
    if let k = fixedKind[name], k != .open, kind == .open { return }
    fixedKind[name] = kind
    if let order { fixedOrder[name] = order }
  }

  /// The number a stage name starts with (`1-Qualify`, `2. Develop`), if any.
  static func leadingNumber(_ name: String) -> Int? {
    let digits = name.prefix { $0.isASCIIDigit }
    guard !digits.isEmpty, digits.count < 6 else { return nil }
    return Int(digits)
  }

  /// The stage definitions, the sentence for the report, and one row per stage for the report.
  func definitions(mapping: ImportMapping, context: inout ImportContext) -> [StageDefinition] {
    // Overrides are keyed by export name; apply them to the canonical (possibly renamed) stage.
    var overrides: [String: ImportMapping.StageOverride] = [:]
    var mergedFrom: [String: [String]] = [:]
    for (raw, o) in mapping.stages.sorted(by: { $0.key < $1.key }) {
      let canonical = o.name ?? raw
      if !seen.contains(canonical) {
        context.warn("mapping.yaml line \(o.line): stage '\(raw)' does not occur in the export; ignored")
        continue
      }
      var merged = overrides[canonical] ?? ImportMapping.StageOverride(line: o.line)
      merged.kind = o.kind ?? merged.kind
      merged.order = o.order ?? merged.order
      merged.probability = o.probability ?? merged.probability
      overrides[canonical] = merged
      if o.name != nil, raw != canonical { mergedFrom[canonical, default: []].append(raw) }
    }
    // stages.csv compares names without case, so a rename onto another stage's name in a different
    // case ("closed won" beside "Closed Won") would give a folder that does not load.
    var sameWithoutCase: [String: [String]] = [:]
    for s in names { sameWithoutCase[s.lowercased(), default: []].append(s) }
    for (raw, o) in mapping.stages.sorted(by: { $0.key < $1.key }) {
      guard let name = o.name, seen.contains(name),
        let other = sameWithoutCase[name.lowercased()]?.first(where: { $0 != name })
      else { continue }
      context.mappingErrors.append(
        Diagnostic(
          file: mapping.file, line: o.nameLine ?? max(1, o.line), column: o.nameColumn,
          message: "stage '\(raw)': name '\(name)' differs from the stage '\(other)' only in case, and stage names are compared without case",
          fix: "write '\(other)' to merge the two stages, or choose another name"))
    }
    func mode(_ s: String) -> Double? {
      probabilities[s]?.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }?.key
    }
    func kind(_ s: String) -> StageKind {
      if let k = overrides[s]?.kind { return k }
      if let k = fixedKind[s] { return k }
      let o = outcome[s] ?? [:]
      let won = o[.won] ?? 0, lost = o[.lost] ?? 0, open = o[.open] ?? 0
      if won > 0, lost == 0, open == 0 { return .won }
      if lost > 0, won == 0, open == 0 { return .lost }
      if won + lost + open > 0 { return .open }
      if mode(s) == 1 { return .won }
      let n = ColumnName.normalize(s)
      if n.contains("won") { return .won }
      if n.contains("lost") { return .lost }
      return .open
    }
    let kinds = Dictionary(uniqueKeysWithValues: names.map { ($0, kind($0)) })
    let open = names.filter { kinds[$0] == .open }
    let firstSeen = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
    func position(_ s: String) -> Double? { positionCount[s].map { positionSum[s]! / Double($0) } }
    func age(_ s: String) -> Double? { ageCount[s].map { ageSum[s]! / Double($0) } }
    let probabilityKnown = !open.isEmpty && open.allSatisfy { (overrides[$0]?.probability ?? mode($0)) != nil }
    let positionsKnown = multiStageDeals > 0
    let agesKnown = !open.isEmpty && open.allSatisfy { age($0) != nil } && open.count > 1
    let fixedKnown = !open.isEmpty && open.allSatisfy { fixedOrder[$0] != nil }
    let numberedKnown = !fixedKnown && open.count > 1 && open.allSatisfy { Self.leadingNumber($0) != nil }
    var basis: [String] = []
    if fixedKnown { basis.append("the export's own pipeline order") }
    if numberedKnown { basis.append("the number stage names start with") }
    if probabilityKnown { basis.append("stage probability") }
    if positionsKnown { basis.append("the order deals entered stages in the stage history") }
    if agesKnown { basis.append("mean days from creation to entry") }
    if fixedKnown { basis = ["the export's own pipeline order"] } else { basis.append("first appearance in the export") }
    func less(_ a: String, _ b: String) -> Bool {
      if fixedKnown, fixedOrder[a]! != fixedOrder[b]! { return fixedOrder[a]! < fixedOrder[b]! }
      if numberedKnown, Self.leadingNumber(a)! != Self.leadingNumber(b)! {
        return Self.leadingNumber(a)! < Self.leadingNumber(b)!
      }
      if probabilityKnown {
        let pa = overrides[a]?.probability ?? mode(a)!, pb = overrides[b]?.probability ?? mode(b)!
        if pa != pb { return pa < pb }
      }
      if positionsKnown, let pa = position(a), let pb = position(b), pa != pb { return pa < pb }
      if agesKnown, let aa = age(a), let ab = age(b), aa != ab { return aa < ab }
      return firstSeen[a]! < firstSeen[b]!
    }
    let ranked = open.sorted(by: less)
      + names.filter { kinds[$0] == .won }.sorted { firstSeen[$0]! < firstSeen[$1]! }
      + names.filter { kinds[$0] == .lost }.sorted { firstSeen[$0]! < firstSeen[$1]! }
    let rank = Dictionary(uniqueKeysWithValues: ranked.enumerated().map { ($1, $0 + 1) })
    let final = ranked.sorted { a, b in
      let oa = overrides[a]?.order ?? rank[a]!, ob = overrides[b]?.order ?? rank[b]!
      return oa != ob ? oa < ob : rank[a]! < rank[b]!
    }
    let overridden = overrides.values.contains { $0.order != nil }
    context.report.stageOrder = (overridden ? "the mapping file, then " : "") + basis.joined(separator: ", then ")
    if !fixedKnown, !numberedKnown, !probabilityKnown, !positionsKnown, !agesKnown, open.count > 1, !overridden {
      context.warn("the export says nothing about the order of open stages: check it, and set order in --mapping stages")
    }
    var result: [StageDefinition] = []
    for (i, s) in final.enumerated() {
      let p = overrides[s]?.probability ?? mode(s)
      result.append(StageDefinition(name: s, order: overrides[s]?.order ?? (i + 1), kind: kinds[s]!, probability: p))
      context.report.stages.append(
        .init(
          stage: s, kind: kinds[s]!, order: overrides[s]?.order ?? (i + 1), probability: p,
          from: mergedFrom[s], deals: finalCount[s] ?? 0))
    }
    return result
  }
}
