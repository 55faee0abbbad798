/// Warnings, at most `perRule` of each rule, with a count of the rest.
struct WarningLog {
  let perRule = 10
  private(set) var kept: [Diagnostic] = []
  private var counts: [String: Int] = [:]
  private var firstFile: [String: String] = [:]
  private var rules: [String] = []

  mutating func add(_ rule: String, _ d: Diagnostic) {
    var d = d
    d.severity = .warning
    let n = counts[rule, default: 0]
    if n == 0 {
      rules.append(rule)
      firstFile[rule] = d.file
    }
    counts[rule] = n + 1
    if n < perRule { kept.append(d) }
  }

  /// The kept warnings sorted by file, line and column, then one line per rule that overflowed.
  func finish(rank: (String) -> Int) -> [Diagnostic] {
    var out = kept.sorted { a, b in
      (rank(a.file), a.line, a.column ?? 0) < (rank(b.file), b.line, b.column ?? 0)
    }
    for rule in rules {
      let n = counts[rule]!
      if n > perRule {
        out.append(
          Diagnostic(
            file: firstFile[rule]!, line: 1, severity: .warning,
            message: "\(n - perRule) more warnings like this not shown: \(rule)"))
      }
    }
    return out
  }
}

/// One load of a folder: decodes every file, cross-checks, and builds the `CRMFolder`.
struct FolderLoading {
  /// The bytes of the files not read yet; each is released once decoded.
  var files: [String: CSVBytes]
  let present: Set<String>
  let options: LoadOptions
  var errors: DiagnosticSink
  var warnings = WarningLog()
  var rowCounts: [String: Int] = [:]

  init(files: [String: CSVBytes], options: LoadOptions) {
    self.files = files
    self.present = Set(files.keys)
    self.options = options
    self.errors = DiagnosticSink(maxErrors: options.maxErrors)
  }

  static func rank(_ file: String) -> Int {
    CRMFolderLoader.fileNames.firstIndex(of: file) ?? CRMFolderLoader.fileNames.count
  }

  /// The reader and columns of `name`, or nil when the file is absent or its header is unusable
  /// (those problems are reported here).
  mutating func open(
    _ name: String, required: [String], optional: [String]
  ) -> (CSVReader, FileColumns)? {
    guard let bytes = files.removeValue(forKey: name) else { return nil }
    let reader = CSVReader(file: name, bytes: bytes)
    for d in reader.headerDiagnostics { errors.add(d) }
    guard reader.headerDiagnostics.isEmpty else { return nil }
    let columns = FileColumns(reader, required: required, optional: optional, sink: &errors)
    guard columns.complete else { return nil }
    if !reader.hasRows {
      warnings.add(
        "a header with no rows",
        Diagnostic(file: name, line: 1, message: "the file has a header but no rows"))
    }
    return (reader, columns)
  }

  mutating func decode<Row: Sendable>(
    _ reader: CSVReader, key: Field? = nil, _ body: @escaping @Sendable (inout RowReader) -> Row?
  ) -> DecodedFile<Row> {
    let decoded = decodeRows(
      reader, maxErrors: options.maxErrors, threads: options.threads, keyColumn: key?.index, body)
    errors.merge(decoded.sink)
    rowCounts[reader.file] = decoded.rows.count
    return decoded
  }

  /// Reports every id seen before (case-sensitive unless `ignoringCase`); returns the index of
  /// each id's first row.
  mutating func checkUnique(
    _ ids: [String], lines: [Int32], file: String, field: Field?, ignoringCase: Bool = false
  ) -> IDIndex {
    var duplicates: [(Int, Int)] = []
    let index = IDIndex(ignoringCase ? ids.map { $0.lowercased() } : ids, duplicates: &duplicates)
    for (i, j) in duplicates {
      errors.error(
        file, Int(lines[i]), field?.column,
        "\(field?.name ?? "id") '\(ids[i])' appears twice (first on line \(lines[j]))",
        fix: "ids must be unique; remove or rename the duplicate")
    }
    return index
  }

  mutating func run() throws(CRMDataError) -> LoadedFolder {
    let calendar = options.calendar

    // deals.csv
    var deals = DecodedFile<Deal>(sink: DiagnosticSink(maxErrors: 1))
    var dealColumns: FileColumns?
    if let (reader, c) = open(
      "deals.csv", required: ["deal_id", "created_on", "owner_id", "amount", "status"],
      optional: [
        "closed_on", "expected_close_on", "account_id", "source", "segment", "type", "lead_id",
        "forecast_category",
      ])
    {
      dealColumns = c
      let id = c["deal_id"]!
      let created = c["created_on"]!
      let owner = c["owner_id"]!
      let amount = c["amount"]!
      let status = c["status"]!
      let closed = c["closed_on"]
      let expected = c["expected_close_on"]
      let account = c["account_id"]
      let source = c["source"]
      let segment = c["segment"]
      let type = c["type"]
      let lead = c["lead_id"]
      let category = c["forecast_category"]
      deals = decode(reader, key: id) { r in
        let dealID = r.requiredText(id)
        let createdOn = r.requiredMoment(created)
        let ownerID = r.requiredRepeatedText(owner)
        let value = r.amount(amount, required: true) ?? 0
        let st = r.enumValue(status, DealStatus.self, fallback: nil)
        if r.record.isEmpty(status.index) {
          r.error(status, "status is empty", fix: "use open, won or lost")
        }
        let problemsBeforeClose = r.problems.count
        let closedOn = r.moment(closed)
        let closeParsed = r.problems.count == problemsBeforeClose
        if let st, closeParsed {
          if st != .open, closedOn == nil {
            r.error(
              closed ?? status, "deal '\(dealID)' is \(st.rawValue) but closed_on is empty",
              fix: "give the date it closed, or set status to open")
          } else if st == .open, let closedOn {
            r.error(
              closed, "deal '\(dealID)' is open but has closed_on '\(closedOn)'",
              fix: "empty closed_on, or set status to won or lost")
          } else if let closedOn, r.problems.isEmpty, closedOn.day < createdOn.day {
            r.error(
              closed, "closed_on \(closedOn.day) is before created_on \(createdOn.day)",
              fix: "check both dates")
          }
        }
        let expectedOn = r.moment(expected)
        let dealType = r.enumValue(type, DealType.self, fallback: .new) ?? .new
        let forecast = r.enumValue(category, ForecastCategory.self, fallback: nil)
        guard let st else { return nil }
        return Deal(
          id: dealID, createdOn: createdOn, ownerID: ownerID, amount: value, status: st,
          closedOn: closedOn, expectedCloseOn: expectedOn, accountID: r.text(account),
          source: r.repeatedText(source), segment: r.repeatedText(segment), type: dealType,
          leadID: r.text(lead),
          forecastCategory: forecast)
      }
    }
    let dealIndex = checkUnique(
      deals.rows.map(\.id), lines: deals.lines, file: "deals.csv", field: dealColumns?["deal_id"])
    let invalidDeals = Set(deals.failedKeys)

    // stages.csv
    var stages: [StageDefinition] = []
    var stagesFromFile = false
    var stageNames = StageNames(stages: [])
    if let (reader, c) = open(
      "stages.csv", required: ["stage", "order"], optional: ["kind", "probability"])
    {
      stagesFromFile = true
      let name = c["stage"]!
      let order = c["order"]!
      let kind = c["kind"]
      let probability = c["probability"]
      let decoded: DecodedFile<StageDefinition> = decode(reader) { r in
        let stage = r.requiredText(name)
        let position = r.integer(order)
        let k = r.enumValue(kind, StageKind.self, fallback: .open) ?? .open
        let p = r.amount(probability, required: false)
        if let p, p > 1 {
          r.error(
            probability, "probability '\(r.record.string(probability!.index))' is outside 0 to 1",
            fix: "write probabilities as fractions (0.25, not 25)")
        }
        guard let position else { return nil }
        return StageDefinition(name: stage, order: position, kind: k, probability: p)
      }
      _ = checkUnique(
        decoded.rows.map(\.name), lines: decoded.lines, file: "stages.csv", field: name,
        ignoringCase: true)
      stages = decoded.rows
      stageNames = StageNames(stages: stages)
    }

    // deal_history.csv
    var history: [DealHistoryRow]?
    var historyLines: [Int32] = []
    var ranges = [Range<Int>](repeating: 0..<0, count: deals.rows.count)
    var historyColumns: FileColumns?
    if let (reader, c) = open(
      "deal_history.csv", required: ["deal_id", "changed_on", "stage"],
      optional: ["amount", "expected_close_on", "owner_id", "forecast_category"])
    {
      historyColumns = c
      let id = c["deal_id"]!
      let changed = c["changed_on"]!
      let stage = c["stage"]!
      let amount = c["amount"]
      let expected = c["expected_close_on"]
      let owner = c["owner_id"]
      let category = c["forecast_category"]
      let checkStages = stagesFromFile
      let lookup = stageNames
      let dealIDs = deals.rows.map(\.id)
      let decoded: DecodedFile<DealHistoryRow> = decode(reader) { r in
        let dealID: String
        let deal: Int32?
        // Exports usually list history deal by deal, often in deals.csv order: try the same deal
        // as the previous row, then the next deal, before hashing; both compare the field's bytes
        // and reuse deals.csv's string. (With duplicate deal ids the load fails anyway, so the
        // guess cannot pick the wrong one of a valid folder.)
        if let m = r.memo, r.record.hasText(id.index, equalTo: m.key) {
          dealID = m.key
          deal = m.value
        } else if let m = r.memo, Int(m.value) + 1 < dealIDs.count,
          r.record.hasText(id.index, equalTo: dealIDs[Int(m.value) + 1])
        {
          dealID = dealIDs[Int(m.value) + 1]
          deal = m.value + 1
          r.memo = (dealID, m.value + 1)
        } else {
          dealID = r.requiredText(id)
          deal = dealIndex.index(of: dealID)
          if let deal { r.memo = (dealIDs[Int(deal)], deal) }
        }
        if deal == nil, !dealID.isEmpty, !invalidDeals.contains(dealID) {
          r.error(
            id, "deal_id '\(dealID)' is not in deals.csv",
            fix: "history rows must belong to a deal in deals.csv")
        }
        let changedOn = r.requiredMoment(changed)
        let stageName: String
        if checkStages, !r.record.isEmpty(stage.index) {
          if let canonical = lookup.canonicalName(r.record, stage.index) {
            stageName = canonical
          } else {
            stageName = r.requiredText(stage)
            r.error(
              stage, "stage '\(stageName)' is not in stages.csv",
              fix: "add it to stages.csv or correct the name")
          }
        } else {
          stageName = r.requiredRepeatedText(stage)
        }
        let row = DealHistoryRow(
          dealID: dealID, changedOn: changedOn, stage: stageName,
          amount: r.amount(amount, required: false), expectedCloseOn: r.moment(expected),
          ownerID: r.repeatedText(owner),
          forecastCategory: r.enumValue(category, ForecastCategory.self, fallback: nil))
        guard let deal else { return nil }
        r.reference = deal
        return row
      }
      let sorted = Self.sortHistory(
        decoded.rows, deals: decoded.references, lines: decoded.lines,
        dealCount: deals.rows.count)
      history = sorted.rows
      historyLines = sorted.lines
      ranges = sorted.ranges
    }
    if !stagesFromFile, let history {
      stages = StageInference.infer(deals: deals.rows, history: history, ranges: ranges)
    }

    // reps.csv
    var reps: DecodedFile<Rep>?
    var repColumns: FileColumns?
    if let (reader, c) = open(
      "reps.csv", required: ["rep_id"], optional: ["name", "team", "role", "hired_on", "left_on"])
    {
      repColumns = c
      let id = c["rep_id"]!
      let name = c["name"]
      let team = c["team"]
      let role = c["role"]
      let hired = c["hired_on"]
      let left = c["left_on"]
      reps = decode(reader) { r in
        let rep = Rep(
          id: r.requiredText(id), name: r.text(name), team: r.repeatedText(team),
          role: r.enumValue(role, RepRole.self, fallback: nil), hiredOn: r.moment(hired),
          leftOn: r.moment(left))
        if let h = rep.hiredOn, let l = rep.leftOn, l.day < h.day {
          r.error(left, "left_on \(l.day) is before hired_on \(h.day)", fix: "check both dates")
        }
        return rep
      }
      _ = checkUnique(reps!.rows.map(\.id), lines: reps!.lines, file: "reps.csv", field: id)
    }

    // leads.csv
    var leads: DecodedFile<Lead>?
    var leadColumns: FileColumns?
    if let (reader, c) = open(
      "leads.csv", required: ["lead_id", "created_on", "source"],
      optional: ["owner_id", "first_contact_on", "qualified_on", "disqualified_on", "deal_id"])
    {
      leadColumns = c
      let id = c["lead_id"]!
      let created = c["created_on"]!
      let source = c["source"]!
      let owner = c["owner_id"]
      let contact = c["first_contact_on"]
      let qualified = c["qualified_on"]
      let disqualified = c["disqualified_on"]
      let deal = c["deal_id"]
      leads = decode(reader) { r in
        Lead(
          id: r.requiredText(id), createdOn: r.requiredMoment(created),
          source: r.requiredRepeatedText(source),
          ownerID: r.repeatedText(owner), firstContactOn: r.moment(contact),
          qualifiedOn: r.moment(qualified),
          disqualifiedOn: r.moment(disqualified), dealID: r.text(deal))
      }
      _ = checkUnique(leads!.rows.map(\.id), lines: leads!.lines, file: "leads.csv", field: id)
    }

    // activities.csv
    var activities: DecodedFile<Activity>?
    var activityColumns: FileColumns?
    if let (reader, c) = open(
      "activities.csv", required: ["activity_id", "occurred_on", "owner_id", "kind"],
      optional: ["deal_id", "lead_id", "account_id", "duration_minutes", "status"])
    {
      activityColumns = c
      let id = c["activity_id"]!
      let occurred = c["occurred_on"]!
      let owner = c["owner_id"]!
      let kind = c["kind"]!
      let deal = c["deal_id"]
      let lead = c["lead_id"]
      let account = c["account_id"]
      let duration = c["duration_minutes"]
      let status = c["status"]
      activities = decode(reader) { r in
        let activityID = r.requiredText(id)
        let at = r.requiredMoment(occurred)
        let ownerID = r.requiredRepeatedText(owner)
        if r.record.isEmpty(kind.index) {
          r.error(kind, "kind is empty", fix: "every row needs a kind")
        }
        let k = r.enumValue(kind, ActivityKind.self, fallback: nil)
        guard let k else { return nil }
        return Activity(
          id: activityID, occurredOn: at, ownerID: ownerID, kind: k, dealID: r.text(deal),
          leadID: r.text(lead), accountID: r.text(account),
          durationMinutes: r.amount(duration, required: false),
          status: r.enumValue(status, ActivityStatus.self, fallback: .done) ?? .done)
      }
      _ = checkUnique(
        activities!.rows.map(\.id), lines: activities!.lines, file: "activities.csv", field: id)
    }

    // accounts.csv
    var accounts: DecodedFile<Account>?
    if let (reader, c) = open(
      "accounts.csv", required: ["account_id"],
      optional: ["name", "segment", "became_customer_on", "churned_on"])
    {
      let id = c["account_id"]!
      let name = c["name"]
      let segment = c["segment"]
      let became = c["became_customer_on"]
      let churned = c["churned_on"]
      accounts = decode(reader) { r in
        Account(
          id: r.requiredText(id), name: r.text(name), segment: r.repeatedText(segment),
          becameCustomerOn: r.moment(became), churnedOn: r.moment(churned))
      }
      _ = checkUnique(
        accounts!.rows.map(\.id), lines: accounts!.lines, file: "accounts.csv", field: id)
    }

    // quotas.csv
    var quotas: DecodedFile<Quota>?
    if let (reader, c) = open(
      "quotas.csv", required: ["owner_id", "period", "amount"], optional: [])
    {
      let owner = c["owner_id"]!
      let period = c["period"]!
      let amount = c["amount"]!
      quotas = decode(reader) { r in
        let o = r.requiredRepeatedText(owner)
        let p = r.period(period, calendar: calendar)
        let a = r.amount(amount, required: true)
        guard let p, let a else { return nil }
        return Quota(ownerID: o, period: p, amount: a)
      }
    }

    // costs.csv
    var costs: DecodedFile<Cost>?
    var costColumns: FileColumns?
    if let (reader, c) = open(
      "costs.csv", required: ["period", "category", "amount"], optional: ["source"])
    {
      costColumns = c
      let period = c["period"]!
      let category = c["category"]!
      let source = c["source"]
      let amount = c["amount"]!
      costs = decode(reader) { r in
        let p = r.period(period, calendar: calendar)
        if r.record.isEmpty(category.index) {
          r.error(category, "category is empty", fix: "use marketing, sales or other")
        }
        let k = r.enumValue(category, CostCategory.self, fallback: nil)
        let a = r.amount(amount, required: true)
        guard let p, let k, let a else { return nil }
        return Cost(period: p, category: k, source: r.text(source), amount: a)
      }
    }
    _ = costColumns

    // The export date: the latest day on which something happened.
    let exportDay = Self.exportDate(
      deals: deals.rows, history: history, leads: leads?.rows, activities: activities?.rows)

    // Cross-file warnings.
    var checks = CrossChecks(
      exportDay: exportDay, warnings: warnings, deals: deals, dealColumns: dealColumns)
    if let history {
      checks.history(
        history, lines: historyLines, ranges: ranges, columns: historyColumns!, stages: stages,
        stagesFromFile: stagesFromFile)
    }
    if let reps { checks.owners(reps: reps.rows) }
    if let leads { checks.leads(leads, columns: leadColumns!, dealIndex: dealIndex) }
    checks.futureDates(
      history: history, historyLines: historyLines, historyColumns: historyColumns, leads: leads,
      leadColumns: leadColumns, activities: activities, activityColumns: activityColumns,
      reps: reps, repColumns: repColumns)
    warnings = checks.warnings

    let rank = Self.rank
    if !errors.errors.isEmpty {
      let sorted = errors.errors.enumerated().sorted { a, b in
        (rank(a.element.file), a.element.line, a.element.column ?? 0, a.offset)
          < (rank(b.element.file), b.element.line, b.element.column ?? 0, b.offset)
      }.map(\.element)
      throw .invalidData(sorted)
    }

    let folder = CRMFolder(
      deals: deals.rows, history: history, stages: stages, stagesFromFile: stagesFromFile,
      leads: leads?.rows, activities: activities?.rows, reps: reps?.rows, quotas: quotas?.rows,
      accounts: accounts?.rows, costs: costs?.rows, asOf: exportDay, calendar: calendar,
      historyRanges: ranges)
    let missing = CRMFolderLoader.fileNames.filter { !present.contains($0) }.compactMap {
      CRMFolderLoader.missingFileNotes[$0]
    }
    return LoadedFolder(
      folder: folder, warnings: warnings.finish(rank: rank), missingFiles: missing,
      rowCounts: rowCounts)
  }

  /// Groups history rows by deal (in `deals` order) and sorts each deal's rows by `changedOn`,
  /// stably (rows with the same time keep file order); `deals[i]` is row i's deal.
  ///
  /// Exports usually list history already grouped in deals.csv order and sorted by time: then
  /// the rows are returned as they are, without a copy.
  /// - Complexity: O(n) plus the per-deal sorts (usually already in order).
  static func sortHistory(
    _ rows: [DealHistoryRow], deals: [Int32], lines: [Int32], dealCount: Int
  ) -> (rows: [DealHistoryRow], lines: [Int32], ranges: [Range<Int>]) {
    var counts = [Int](repeating: 0, count: dealCount + 1)
    var inOrder = true
    for i in deals.indices {
      counts[Int(deals[i]) + 1] += 1
      if i > 0, inOrder {
        inOrder =
          deals[i - 1] < deals[i]
          || (deals[i - 1] == deals[i] && rows[i - 1].changedOn <= rows[i].changedOn)
      }
    }
    for i in 0..<dealCount { counts[i + 1] += counts[i] }
    let ranges = (0..<dealCount).map { counts[$0]..<counts[$0 + 1] }
    if inOrder { return (rows, lines, ranges) }
    var next = counts
    var order = [Int](repeating: 0, count: rows.count)
    for (i, deal) in deals.enumerated() {
      order[next[Int(deal)]] = i
      next[Int(deal)] += 1
    }
    for r in ranges where r.count > 1 {
      // Insertion sort: stable, and linear on rows already in order.
      for i in (r.lowerBound + 1)..<r.upperBound {
        let item = order[i]
        var j = i
        while j > r.lowerBound, rows[order[j - 1]].changedOn > rows[item].changedOn {
          order[j] = order[j - 1]
          j -= 1
        }
        order[j] = item
      }
    }
    return (order.map { rows[$0] }, order.map { lines[$0] }, ranges)
  }

  /// The latest UTC day on which a deal was created or closed, a history row changed, a lead
  /// event happened or a done activity occurred; 1970-01-01 when there is none.
  static func exportDate(
    deals: [Deal], history: [DealHistoryRow]?, leads: [Lead]?, activities: [Activity]?
  ) -> Day {
    var latest = Int64.min
    for d in deals {
      latest = max(latest, d.createdOn.secondsSinceEpoch, d.closedOn?.secondsSinceEpoch ?? .min)
    }
    for h in history ?? [] { latest = max(latest, h.changedOn.secondsSinceEpoch) }
    for l in leads ?? [] {
      latest = max(
        latest, l.createdOn.secondsSinceEpoch, l.firstContactOn?.secondsSinceEpoch ?? .min,
        l.qualifiedOn?.secondsSinceEpoch ?? .min, l.disqualifiedOn?.secondsSinceEpoch ?? .min)
    }
    for a in activities ?? [] where a.status == .done {
      latest = max(latest, a.occurredOn.secondsSinceEpoch)
    }
    return latest == .min ? Day(index: 0) : Moment(secondsSinceEpoch: latest).day
  }
}
