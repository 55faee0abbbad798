import CRMData

/// Builds a `CRMFolder` the way the loader does: history sorted by deal (in deals order) and
/// date, with each deal's row range, so hand-made fixtures match loaded folders.
public func makeFolder(
  deals: [Deal], history: [DealHistoryRow]? = nil, stages: [StageDefinition] = [],
  leads: [Lead]? = nil, activities: [Activity]? = nil, reps: [Rep]? = nil, quotas: [Quota]? = nil,
  accounts: [Account]? = nil, costs: [Cost]? = nil, asOf: String
) -> CRMFolder {
  var order: [String: Int] = [:]
  for (i, d) in deals.enumerated() { order[d.id] = i }
  let sorted = history?.enumerated().sorted { a, b in
    let (da, db) = (order[a.element.dealID]!, order[b.element.dealID]!)
    if da != db { return da < db }
    if a.element.changedOn != b.element.changedOn {
      return a.element.changedOn < b.element.changedOn
    }
    return a.offset < b.offset
  }.map(\.element)
  var ranges = [Range<Int>](repeating: 0..<0, count: deals.count)
  if let sorted {
    var k = 0
    for i in deals.indices {
      let lo = k
      while k < sorted.count, order[sorted[k].dealID] == i { k += 1 }
      ranges[i] = lo..<k
    }
  }
  return CRMFolder(
    deals: deals, history: sorted, stages: stages, stagesFromFile: true, leads: leads,
    activities: activities, reps: reps, quotas: quotas, accounts: accounts, costs: costs,
    asOf: Day(asOf)!, calendar: .standard, historyRanges: ranges)
}
