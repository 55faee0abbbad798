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

/// A deal_history row with the index of its deal in `deals`.
struct HistoryEntry: Sendable {
  var row: DealHistoryRow
  var deal: Int32
}

/// One load of a folder: decodes every file, cross-checks, and builds the `CRMFolder`.
struct FolderLoading {
  let files: [String: CSVBytes]
  let options: LoadOptions
  var errors: DiagnosticSink
  var warnings = WarningLog()
  var rowCounts: [String: Int] = [:]

  init(files: [String: CSVBytes], options: LoadOptions) {
    self.files = files
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
    guard let bytes = files[name] else { return nil }
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

  /// Reports every id seen before (case-sensitive unless `ignoringCase`); returns first index per
  /// id.
  mutating func checkUnique(
    _ ids: [String], lines: [Int32], file: String, field: Field?, ignoringCase: Bool = false
  ) -> [String: Int32] {
    var first: [String: Int32] = [:]
    first.reserveCapacity(ids.count)
    for (i, id) in ids.enumerated() {
      let key = ignoringCase ? id.lowercased() : id
      if let j = first[key] {
        errors.error(
          file, Int(lines[i]), field?.column,
          "\(field?.name ?? "id") '\(id)' appears twice (first on line \(lines[Int(j)]))",
          fix: "ids must be unique; remove or rename the duplicate")
      } else {
        first[key] = Int32(i)
      }
    }
    return first
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
      let id = c["deal_id"]!, created = c["created_on"]!, owner = c["owner_id"]!
      let amount = c["amount"]!, status = c["status"]!, closed = c["closed_on"]
      let expected = c["expected_close_on"], account = c["account_id"], source = c["source"]
      let segment = c["segment"], type = c["type"], lead = c["lead_id"]
      let category = c["forecast_category"]
      deals = decode(reader, key: id) { r in
        let dealID = r.requiredText(id)
        let createdOn = r.requiredMoment(created)
        let ownerID = r.requiredText(owner)
        let value = r.amount(amount, required: true) ?? 0
        let st = r.enumValue(status, DealStatus.self, fallback: nil)
        if r.record.isEmpty(status.index) { r.error(status, "status is empty", fix: "use open, won or lost") }
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
          source: r.text(source), segment: r.text(segment), type: dealType, leadID: r.text(lead),
          forecastCategory: forecast)
      }
    }
    let dealIndex = checkUnique(
      deals.rows.map(\.id), lines: deals.lines, file: "deals.csv", field: dealColumns?["deal_id"])
    let invalidDeals = Set(deals.failedKeys)

    // stages.csv
    var stages: [StageDefinition] = []
    var stagesFromFile = false
    var stageLookup: [String: String] = [:]
    if let (reader, c) = open("stages.csv", required: ["stage", "order"], optional: ["kind", "probability"]) {
      stagesFromFile = true
      let name = c["stage"]!, order = c["order"]!, kind = c["kind"], probability = c["probability"]
      let decoded: DecodedFile<StageDefinition> = decode(reader) { r in
        let stage = r.requiredText(name)
        let position = r.integer(order)
        let k = r.enumValue(kind, StageKind.self, fallback: .open) ?? .open
        let p = r.amount(probability, required: false)
        if let p, p > 1 {
          r.error(probability, "probability '\(r.record.string(probability!.index))' is outside 0 to 1",
            fix: "write probabilities as fractions (0.25, not 25)")
        }
        guard let position else { return nil }
        return StageDefinition(name: stage, order: position, kind: k, probability: p)
      }
      _ = checkUnique(
        decoded.rows.map(\.name), lines: decoded.lines, file: "stages.csv", field: name,
        ignoringCase: true)
      stages = decoded.rows
      for s in stages {
        if stageLookup[s.name] == nil { stageLookup[s.name] = s.name }
        if stageLookup[s.name.lowercased()] == nil { stageLookup[s.name.lowercased()] = s.name }
      }
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
      let id = c["deal_id"]!, changed = c["changed_on"]!, stage = c["stage"]!
      let amount = c["amount"], expected = c["expected_close_on"], owner = c["owner_id"]
      let category = c["forecast_category"]
      let lookup = stagesFromFile ? stageLookup : nil
      let decoded: DecodedFile<HistoryEntry> = decode(reader) { r in
        let dealID = r.requiredText(id)
        let deal = dealIndex[dealID]
        if deal == nil, !dealID.isEmpty, !invalidDeals.contains(dealID) {
          r.error(id, "deal_id '\(dealID)' is not in deals.csv", fix: "history rows must belong to a deal in deals.csv")
        }
        let changedOn = r.requiredMoment(changed)
        var stageName = r.requiredText(stage)
        if let lookup, !stageName.isEmpty {
          if let canonical = lookup[stageName] ?? lookup[stageName.lowercased()] {
            stageName = canonical
          } else {
            r.error(stage, "stage '\(stageName)' is not in stages.csv", fix: "add it to stages.csv or correct the name")
          }
        }
        let row = DealHistoryRow(
          dealID: dealID, changedOn: changedOn, stage: stageName,
          amount: r.amount(amount, required: false), expectedCloseOn: r.moment(expected),
          ownerID: r.text(owner),
          forecastCategory: r.enumValue(category, ForecastCategory.self, fallback: nil))
        guard let deal else { return nil }
        return HistoryEntry(row: row, deal: deal)
      }
      let sorted = Self.sortHistory(decoded.rows, lines: decoded.lines, dealCount: deals.rows.count)
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
      let id = c["rep_id"]!, name = c["name"], team = c["team"], role = c["role"]
      let hired = c["hired_on"], left = c["left_on"]
      reps = decode(reader) { r in
        let rep = Rep(
          id: r.requiredText(id), name: r.text(name), team: r.text(team),
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
      let id = c["lead_id"]!, created = c["created_on"]!, source = c["source"]!
      let owner = c["owner_id"], contact = c["first_contact_on"], qualified = c["qualified_on"]
      let disqualified = c["disqualified_on"], deal = c["deal_id"]
      leads = decode(reader) { r in
        Lead(
          id: r.requiredText(id), createdOn: r.requiredMoment(created), source: r.requiredText(source),
          ownerID: r.text(owner), firstContactOn: r.moment(contact), qualifiedOn: r.moment(qualified),
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
      let id = c["activity_id"]!, occurred = c["occurred_on"]!, owner = c["owner_id"]!
      let kind = c["kind"]!, deal = c["deal_id"], lead = c["lead_id"], account = c["account_id"]
      let duration = c["duration_minutes"], status = c["status"]
      activities = decode(reader) { r in
        let activityID = r.requiredText(id)
        let at = r.requiredMoment(occurred)
        let ownerID = r.requiredText(owner)
        if r.record.isEmpty(kind.index) { r.error(kind, "kind is empty", fix: "every row needs a kind") }
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
      let id = c["account_id"]!, name = c["name"], segment = c["segment"]
      let became = c["became_customer_on"], churned = c["churned_on"]
      accounts = decode(reader) { r in
        Account(
          id: r.requiredText(id), name: r.text(name), segment: r.text(segment),
          becameCustomerOn: r.moment(became), churnedOn: r.moment(churned))
      }
      _ = checkUnique(accounts!.rows.map(\.id), lines: accounts!.lines, file: "accounts.csv", field: id)
    }

    // quotas.csv
    var quotas: DecodedFile<Quota>?
    if let (reader, c) = open("quotas.csv", required: ["owner_id", "period", "amount"], optional: []) {
      let owner = c["owner_id"]!, period = c["period"]!, amount = c["amount"]!
      quotas = decode(reader) { r in
        let o = r.requiredText(owner)
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
      let period = c["period"]!, category = c["category"]!, source = c["source"]
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
    let missing = CRMFolderLoader.fileNames.filter { files[$0] == nil }.compactMap {
      CRMFolderLoader.missingFileNotes[$0]
    }
    return LoadedFolder(
      folder: folder, warnings: warnings.finish(rank: rank), missingFiles: missing,
      rowCounts: rowCounts)
  }

  /// Groups history rows by deal (in `deals` order) and sorts each deal's rows by `changedOn`,
  /// stably (rows with the same time keep file order).
  /// - Complexity: O(n) plus the per-deal sorts (usually already in order).
  static func sortHistory(
    _ entries: [HistoryEntry], lines: [Int32], dealCount: Int
  ) -> (rows: [DealHistoryRow], lines: [Int32], ranges: [Range<Int>]) {
    var counts = [Int](repeating: 0, count: dealCount + 1)
    for e in entries { counts[Int(e.deal) + 1] += 1 }
    for i in 0..<dealCount { counts[i + 1] += counts[i] }
    let ranges = (0..<dealCount).map { counts[$0]..<counts[$0 + 1] }
    var next = counts
    var order = [Int](repeating: 0, count: entries.count)
    for (i, e) in entries.enumerated() {
      order[next[Int(e.deal)]] = i
      next[Int(e.deal)] += 1
    }
    for r in ranges where r.count > 1 {
      // Insertion sort: stable, and linear on rows already in order.
      for i in (r.lowerBound + 1)..<r.upperBound {
        let item = order[i]
        var j = i
        while j > r.lowerBound, entries[order[j - 1]].row.changedOn > entries[item].row.changedOn {
          order[j] = order[j - 1]
          j -= 1
        }
        order[j] = item
      }
    }
    return (order.map { entries[$0].row }, order.map { lines[$0] }, ranges)
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
