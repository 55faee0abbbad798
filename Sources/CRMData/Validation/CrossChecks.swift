/// The warnings that need more than one row or file: they never stop a load.
struct CrossChecks {
  let exportDay: Day
  var warnings: WarningLog
  let deals: DecodedFile<Deal>
  let dealColumns: FileColumns?

  /// History starting before the deal was created; with stages.csv, stage entries going backwards
  /// or skipping open stages.
  mutating func history(
    _ history: [DealHistoryRow], lines: [Int32], ranges: [Range<Int>], columns: FileColumns,
    stages: [StageDefinition], stagesFromFile: Bool
  ) {
    let changed = columns["changed_on"]
    let stage = columns["stage"]
    // Open stages in order; a linear search over these few names is cheaper than hashing.
    let openNames =
      stagesFromFile ? stages.filter { $0.kind == .open }.sorted { $0.order < $1.order }.map(\.name) : []
    var rankByName: [String: Int] = [:]
    for (i, name) in openNames.enumerated() { rankByName[name] = i }
    func rank(_ name: String) -> Int? {
      openNames.count <= StageNames.scanLimit ? openNames.lastIndex(of: name) : rankByName[name]
    }
    for (d, range) in ranges.enumerated() where !range.isEmpty {
      let deal = deals.rows[d]
      let first = history[range.lowerBound]
      if first.changedOn.day < deal.createdOn.day {
        warnings.add(
          "history starts before the deal was created",
          Diagnostic(
            file: "deal_history.csv", line: Int(lines[range.lowerBound]), column: changed?.column,
            message:
              "deal '\(deal.id)' has history from \(first.changedOn.day), before it was created (\(deal.createdOn.day))",
            fix: "check created_on in deals.csv"))
      }
      guard stagesFromFile else { continue }
      var previous = first.stage
      for k in (range.lowerBound + 1)..<range.upperBound {
        let current = history[k].stage
        defer { previous = current }
        guard current != previous, let a = rank(previous), let b = rank(current) else { continue }
        if b < a {
          warnings.add(
            "stage history goes backwards",
            Diagnostic(
              file: "deal_history.csv", line: Int(lines[k]), column: stage?.column,
              message: "deal '\(deal.id)' goes back from stage '\(previous)' to '\(current)'"))
        } else if b > a + 1 {
          warnings.add(
            "stage history skips stages",
            Diagnostic(
              file: "deal_history.csv", line: Int(lines[k]), column: stage?.column,
              message: "deal '\(deal.id)' skips from stage '\(previous)' to '\(current)'"))
        }
      }
    }
  }

  /// Deal owners missing from reps.csv: one warning per owner, at the first deal that names it.
  mutating func owners(reps: [Rep]) {
    let known = Set(reps.map(\.id))
    var missing: [String: (line: Int32, count: Int)] = [:]
    var order: [String] = []
    for (i, deal) in deals.rows.enumerated() where !known.contains(deal.ownerID) {
      if let m = missing[deal.ownerID] {
        missing[deal.ownerID] = (m.line, m.count + 1)
      } else {
        missing[deal.ownerID] = (deals.lines[i], 1)
        order.append(deal.ownerID)
      }
    }
    for owner in order {
      let m = missing[owner]!
      warnings.add(
        "owners missing from reps.csv",
        Diagnostic(
          file: "deals.csv", line: Int(m.line), column: dealColumns?["owner_id"]?.column,
          message:
            "owner_id '\(owner)' is not in reps.csv (\(m.count) deal\(m.count == 1 ? "" : "s"))",
          fix: "add the rep to reps.csv"))
    }
  }

  /// Leads whose deal_id is not in deals.csv.
  mutating func leads(_ leads: DecodedFile<Lead>, columns: FileColumns, dealIndex: IDIndex) {
    for (i, lead) in leads.rows.enumerated() {
      guard let deal = lead.dealID, dealIndex.index(of: deal) == nil else { continue }
      warnings.add(
        "leads with an unknown deal_id",
        Diagnostic(
          file: "leads.csv", line: Int(leads.lines[i]), column: columns["deal_id"]?.column,
          message: "deal_id '\(deal)' of lead '\(lead.id)' is not in deals.csv",
          fix: "the lead's conversion is counted, but its deal is unknown"))
    }
  }

  /// Dates more than a year after the export date (expected close dates: five years).
  mutating func futureDates(
    history: [DealHistoryRow]?, historyLines: [Int32], historyColumns: FileColumns?,
    leads: DecodedFile<Lead>?, leadColumns: FileColumns?,
    activities: DecodedFile<Activity>?, activityColumns: FileColumns?,
    reps: DecodedFile<Rep>?, repColumns: FileColumns?
  ) {
    let limit = exportDay.advanced(by: 366)
    let expectedLimit = exportDay.advanced(by: 5 * 366)
    func check(_ m: Moment?, _ file: String, _ line: Int32, _ field: Field?, expected: Bool = false)
    {
      guard let m else { return }
      let bound = expected ? expectedLimit : limit
      guard m.day > bound else { return }
      warnings.add(
        "dates far in the future",
        Diagnostic(
          file: file, line: Int(line), column: field?.column,
          message:
            "\(field?.name ?? "date") \(m.day) is more than \(expected ? "5 years" : "a year") after the export date \(exportDay)",
          fix: "check the year"))
    }
    let dealExpected = dealColumns?["expected_close_on"]
    for (i, d) in deals.rows.enumerated() where d.expectedCloseOn != nil {
      check(d.expectedCloseOn, "deals.csv", deals.lines[i], dealExpected, expected: true)
    }
    if let history {
      let historyExpected = historyColumns?["expected_close_on"]
      for (i, h) in history.enumerated() where h.expectedCloseOn != nil {
        check(
          h.expectedCloseOn, "deal_history.csv", historyLines[i], historyExpected, expected: true)
      }
    }
    if let activities {
      let occurred = activityColumns?["occurred_on"]
      for (i, a) in activities.rows.enumerated() {
        check(a.occurredOn, "activities.csv", activities.lines[i], occurred)
      }
    }
    if let reps {
      for (i, r) in reps.rows.enumerated() {
        check(r.hiredOn, "reps.csv", reps.lines[i], repColumns?["hired_on"])
        check(r.leftOn, "reps.csv", reps.lines[i], repColumns?["left_on"])
      }
    }
    _ = leads
    _ = leadColumns
  }
}
