import CRMData

/// Maven Analytics' "CRM Sales Opportunities" dataset (a fictitious B2B hardware company).
///
/// Files: `sales_pipeline.csv` (required), `products.csv`, `accounts.csv`, `sales_teams.csv`;
/// `data_dictionary.csv` is recognised and skipped. Rules (docs/IMPORT.md):
/// - every deal is kept; `deal_stage` Won → won, Lost → lost, Prospecting and Engaging → open;
/// - created_on is `engage_date`, the first date the data has for a deal; Prospecting deals have
///   no date at all and get the export date (the latest date in the file, or `export_date` from
///   the mapping), which the report flags;
/// - won deals keep `close_value`; lost deals (always 0) and open deals (blank) get their
///   product's list price from products.csv, matching names without spaces or case
///   (`GTXPro` is `GTX Pro`);
/// - history: Prospecting at the export date for Prospecting deals; Engaging at `engage_date`;
///   Won or Lost at `close_date`. Stages are Prospecting → Engaging → Won / Lost (the publisher's
///   data dictionary);
/// - reps from sales_teams.csv: team = manager, `regional_office` as an extra column; managers are
///   reps with role manager; accounts from accounts.csv with `sector` as segment (the misspelt
///   `technolgy` is corrected) and became_customer_on = the first won deal.
enum MavenCRMAdapter: SourceAdapter {
  static let roles: [FileRole] = [
    FileRole(
      name: "pipeline", title: "sales_pipeline.csv", required: true, fileNames: ["salespipeline"],
      signature: ["opportunity_id", "deal_stage"],
      fields: [
        FieldSpec("opportunity_id", ["opportunity_id"], required: true, target: "deals.csv deal_id"),
        FieldSpec("sales_agent", ["sales_agent"], required: true, target: "deals.csv owner_id"),
        FieldSpec("product", ["product"], required: true, target: "list price for lost/open deals; deals.csv product (extra)"),
        FieldSpec("account", ["account"], target: "deals.csv account_id"),
        FieldSpec("deal_stage", ["deal_stage"], required: true, target: "deals.csv status; deal_history.csv stage"),
        FieldSpec("engage_date", ["engage_date"], target: "deals.csv created_on; entry into Engaging"),
        FieldSpec("close_date", ["close_date"], target: "deals.csv closed_on; entry into Won/Lost"),
        FieldSpec("close_value", ["close_value"], target: "deals.csv amount (won deals)"),
      ]),
    FileRole(
      name: "products", title: "products.csv", required: false, fileNames: ["products"],
      signature: ["product", "sales_price"],
      fields: [
        FieldSpec("product", ["product"], required: true, target: "product name (matched without spaces)"),
        FieldSpec("sales_price", ["sales_price"], required: true, target: "list price (amount of lost and open deals)"),
      ]),
    FileRole(
      name: "accounts", title: "accounts.csv", required: false, fileNames: ["accounts"],
      signature: ["account", "sector"],
      fields: [
        FieldSpec("account", ["account"], required: true, target: "accounts.csv account_id, name"),
        FieldSpec("sector", ["sector"], target: "accounts.csv segment; deals.csv segment"),
      ]),
    FileRole(
      name: "teams", title: "sales_teams.csv", required: false, fileNames: ["salesteams"],
      signature: ["sales_agent", "manager"],
      fields: [
        FieldSpec("sales_agent", ["sales_agent"], required: true, target: "reps.csv rep_id, name"),
        FieldSpec("manager", ["manager"], target: "reps.csv team (and the manager as a rep)"),
        FieldSpec("regional_office", ["regional_office"], target: "reps.csv regional_office (extra)"),
      ]),
    .skipped(
      "dictionary", fileNames: ["datadictionary"],
      reason: "the publisher's data dictionary (documentation, not data): skipped"),
  ]

  static let droppedReasons: [String: String] = [
    "series": "product series: no place in the canonical format",
    "yearestablished": "account attribute: no place in the canonical format",
    "revenue": "account revenue: no place in the canonical format",
    "employees": "account size: no place in the canonical format",
    "officelocation": "account country: no place in the canonical format",
    "subsidiaryof": "account parent: no place in the canonical format",
  ]

  static func productKey(_ name: String) -> String {
    String(name.lowercased().filter { !$0.isWhitespace })
  }

  static func convert(_ files: [String: BoundTable], _ ctx: inout ImportContext) -> CanonicalExport {
    let p = files["pipeline"]!
    var out = CanonicalExport()

    // List prices.
    var prices: [String: (name: String, price: Double)] = [:]
    if let t = files["products"] {
      for r in 0..<t.rowCount {
        guard let name = ctx.required(t, "product", r) else { continue }
        if let price = ctx.amount(t, "sales_price", r) { prices[productKey(name)] = (name, price) }
      }
    } else {
      ctx.warn("no products.csv: lost and open deals have no list price and get amount 0")
    }

    // The export date: the mapping's, else the latest date in the pipeline.
    var latest: Moment?
    for r in 0..<p.rowCount {
      for key in ["engage_date", "close_date"] {
        if let text = p.text(key, r), let m = ValueParser.moment(text, order: ctx.dayOrder), latest.map({ m > $0 }) ?? true {
          latest = m
        }
      }
    }
    let exportDay = ctx.mapping.exportDate ?? latest?.day ?? Day(index: 0)
    let exportMoment = Moment(exportDay)
    ctx.report.exportDate = exportDay

    // Accounts' sectors.
    var sector: [String: String] = [:]
    var accounts: [Account] = []
    if let t = files["accounts"] {
      var fixed = 0
      for r in 0..<t.rowCount {
        guard let name = ctx.required(t, "account", r) else { continue }
        var s = t.text("sector", r)
        if s == "technolgy" {
          s = "technology"
          fixed += 1
        }
        if let s { sector[name] = s }
        accounts.append(Account(id: name, name: name, segment: s))
      }
      if fixed > 0 { ctx.note("accounts.csv: sector 'technolgy' (misspelt in the source) written as 'technology' (\(fixed) accounts)") }
    }

    let defaultKinds: [String: StageKind] = ["prospecting": .open, "engaging": .open, "won": .won, "lost": .lost]
    let stageNames = (prospecting: ctx.stageName("Prospecting"), engaging: ctx.stageName("Engaging"))
    var catalog = StageCatalog()
    catalog.fix(stageNames.prospecting, kind: .open, order: 1)
    catalog.fix(stageNames.engaging, kind: .open, order: 2)
    catalog.fix(ctx.stageName("Won"), kind: .won)
    catalog.fix(ctx.stageName("Lost"), kind: .lost)

    var history: [DealHistoryRow] = []
    var products: [String?] = []
    var spellings: Set<String> = []
    var firstWin: [String: Moment] = [:]
    for r in 0..<p.rowCount {
      guard let id = ctx.required(p, "opportunity_id", r), let owner = ctx.required(p, "sales_agent", r),
        let rawStage = ctx.required(p, "deal_stage", r)
      else { continue }
      let stage = ctx.stageName(rawStage)
      guard let kind = ctx.mapping.stages[rawStage]?.kind ?? defaultKinds[rawStage.lowercased()] else {
        ctx.error(
          p, r, "deal_stage", "deal_stage '\(rawStage)' is not Prospecting, Engaging, Won or Lost",
          fix: "give its kind under stages in --mapping")
        continue
      }
      let status: DealStatus = kind == .won ? .won : kind == .lost ? .lost : .open
      let engage = ctx.moment(p, "engage_date", r)
      let close = ctx.moment(p, "close_date", r)
      let product = p.text("product", r) ?? ""
      let listed = prices[productKey(product)]
      if let listed, listed.name != product { spellings.insert("'\(product)' = '\(listed.name)'") }
      products.append(listed?.name ?? (product.isEmpty ? nil : product))

      var created: Moment
      if let engage {
        created = engage
        if status == .open, stage == stageNames.prospecting {
          ctx.warn("Prospecting deals with an engage_date: created_on = engage_date", p, r)
        }
      } else if let close {
        created = close
        ctx.warn("closed deals without engage_date: created_on = close_date", p, r)
      } else {
        created = exportMoment
        ctx.warn(
          "deals without any date (\(stageNames.prospecting)): created_on set to the export date \(exportDay)", p, r)
      }
      if status != .open, close == nil {
        ctx.error(p, r, "close_date", "deal '\(id)' is \(rawStage) but close_date is empty", fix: "give the date it closed")
        continue
      }
      if status == .open, close != nil {
        ctx.warn("open deals with a close_date: close_date ignored", p, r)
      }
      if let close, status != .open, close < created {
        ctx.error(p, r, "close_date", "close_date \(close.day) is before engage_date \(created.day)", fix: "check both dates")
        continue
      }

      var amount = 0.0
      let value = ctx.amount(p, "close_value", r)
      switch status {
      case .won:
        if let value, value > 0 {
          amount = value
        } else if let listed {
          amount = listed.price
          ctx.warn("won deals without close_value: list price used", p, r)
        } else {
          ctx.warn("won deals without close_value or list price: amount 0", p, r)
        }
      case .lost, .open:
        if let value, value > 0 {
          amount = value
        } else if let listed {
          amount = listed.price
          ctx.warn(
            status == .lost
              ? "lost deals with close_value 0: amount = the product's list price"
              : "open deals without close_value: amount = the product's list price", p, r)
        } else {
          ctx.warn("\(status.rawValue) deals whose product has no list price: amount 0", p, r)
        }
      }
      let account = p.text("account", r)
      if account == nil { ctx.warn("\(status.rawValue) deals without an account", p, r) }
      if let account, !sector.isEmpty, sector[account] == nil, files["accounts"] != nil {
        ctx.warn("deals whose account is not in accounts.csv", p, r)
      }
      out.deals.append(
        Deal(
          id: id, createdOn: created, ownerID: owner, amount: amount, status: status,
          closedOn: status == .open ? nil : close, accountID: account, segment: account.flatMap { sector[$0] }))
      if status == .won, let account, let close, firstWin[account].map({ close < $0 }) ?? true {
        firstWin[account] = close
      }

      // History.
      var entries: [(stage: String, days: Double?)] = []
      if stage == stageNames.prospecting, engage == nil {
        history.append(DealHistoryRow(dealID: id, changedOn: created, stage: stage))
        entries.append((stage, 0))
      } else {
        if let engage {
          history.append(DealHistoryRow(dealID: id, changedOn: engage, stage: stageNames.engaging))
          entries.append((stageNames.engaging, 0))
        }
        if status != .open, let close {
          history.append(DealHistoryRow(dealID: id, changedOn: close, stage: stage))
        } else if stage != stageNames.engaging {
          history.append(DealHistoryRow(dealID: id, changedOn: created, stage: stage))
          entries.append((stage, nil))
        }
      }
      catalog.entries(entries)
      catalog.final(stage, status: status)
    }
    if !spellings.isEmpty {
      ctx.note("product names matched to products.csv ignoring spaces and case: \(spellings.sorted().joined(separator: ", "))")
    }
    out.dealExtras = [("product", products)]
    out.history = history
    out.stages = catalog.definitions(mapping: ctx.mapping, context: &ctx)
    ctx.note("created_on is engage_date (entry into Engaging): the data has no creation date, so time spent in Prospecting before engagement is not measurable")
    ctx.note("no lead source, activities or stage history beyond engage → close in this dataset")

    if let t = files["teams"] {
      var reps: [Rep] = []
      var offices: [String?] = []
      var managers: [String: String?] = [:]
      var managerOrder: [String] = []
      for r in 0..<t.rowCount {
        guard let agent = ctx.required(t, "sales_agent", r) else { continue }
        let manager = t.text("manager", r)
        let office = t.text("regional_office", r)
        reps.append(Rep(id: agent, name: agent, team: manager, role: .ae))
        offices.append(office)
        if let manager, managers[manager] == nil {
          managers[manager] = office
          managerOrder.append(manager)
        }
      }
      for m in managerOrder where !reps.contains(where: { $0.id == m }) {
        reps.append(Rep(id: m, name: m, team: m, role: .manager))
        offices.append(managers[m] ?? nil)
      }
      out.reps = reps
      out.repExtras = [("regional_office", offices)]
      ctx.note("reps.csv: team = the agent's manager; managers are reps with role manager; regional_office is an extra column")
    }
    if files["accounts"] != nil {
      out.accounts = accounts.map { a in
        var a = a
        a.becameCustomerOn = firstWin[a.id]
        return a
      }
      ctx.note("accounts.csv: became_customer_on = the account's first won deal in this data")
    }
    return out
  }
}
