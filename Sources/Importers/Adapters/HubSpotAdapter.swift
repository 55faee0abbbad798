import CRMData
import Foundation

/// HubSpot: the deals export (CRM → Deals → Export, all properties), with its
/// `Date entered "<stage> (<pipeline>)"` columns.
///
/// - status from "Is Closed Won" / "Is closed" when exported, else from the stage: a stage whose
///   name says won or lost (HubSpot's default `Closed Won` / `Closed Lost`), or its kind in the
///   mapping file;
/// - closed_on = Close Date for closed deals (else the date it entered its closing stage);
///   expected_close_on = Close Date for open deals;
/// - every `Date entered <stage>` value becomes a deal_history row; `Date exited` columns are
///   implied by the next entry and not read;
/// - owner = "Deal owner" (a name); stage probability from "Deal probability" when exported.
enum HubSpotAdapter: SourceAdapter {
  static let roles: [FileRole] = [
    FileRole(
      name: "deals", title: "HubSpot deals export", required: true, fileNames: ["deal"],
      signature: ["deal_id", "deal_stage"],
      fields: [
        FieldSpec("deal_id", ["Deal ID", "Record ID", "hs_object_id"], required: true, target: "deals.csv deal_id"),
        FieldSpec("deal_stage", ["Deal Stage", "dealstage"], required: true, target: "deal_history.csv stage (current)"),
        FieldSpec("amount", ["Amount"], target: "deals.csv amount"),
        FieldSpec("close_date", ["Close Date", "closedate"], target: "deals.csv closed_on (closed) / expected_close_on (open)"),
        FieldSpec("create_date", ["Create Date", "createdate"], required: true, target: "deals.csv created_on"),
        FieldSpec("owner", ["Deal owner", "hubspot_owner_id", "Owner"], target: "deals.csv owner_id"),
        FieldSpec("pipeline", ["Pipeline"], target: "checked: one pipeline per import"),
        FieldSpec("deal_type", ["Deal Type", "dealtype"], target: "deals.csv type"),
        FieldSpec("probability", ["Deal probability", "hs_deal_stage_probability"], target: "stages.csv probability"),
        FieldSpec("forecast_category", ["Forecast category", "hs_manual_forecast_category"], target: "deals.csv forecast_category"),
        FieldSpec("source", ["Original Source Type", "Original Traffic Source", "hs_analytics_source"], target: "deals.csv source"),
        FieldSpec("company", ["Associated Company", "Associated Company IDs", "Associated Company ID"], target: "deals.csv account_id"),
        FieldSpec("is_won", ["Is Closed Won", "hs_is_closed_won"], target: "deals.csv status"),
        FieldSpec("is_closed", ["Is deal closed?", "Is Closed", "hs_is_closed"], target: "deals.csv status"),
      ]),
  ]

  static let droppedReasons: [String: String] = ["dealname": "deal names are not kept"]

  /// The stage named in a `Date entered …` header, without quotes and pipeline suffix candidates.
  static func enteredStage(_ header: String) -> (full: String, short: String)? {
    let lower = header.lowercased()
    guard lower.hasPrefix("date entered ") else { return nil }
    var name = String(header.dropFirst("date entered ".count)).trimmingCharacters(in: .whitespaces)
    let quotes: Set<Character> = ["\"", "'", "“", "”", "‘", "’"]
    while let f = name.first, quotes.contains(f) { name.removeFirst() }
    while let l = name.last, quotes.contains(l) { name.removeLast() }
    var short = name
    if name.hasSuffix(")"), let open = name.lastIndex(of: "(") {
      short = name[..<open].trimmingCharacters(in: .whitespaces)
    }
    return (name, short)
  }

  static func convert(_ files: [String: BoundTable], _ ctx: inout ImportContext) -> CanonicalExport {
    let t = files["deals"]!
    var out = CanonicalExport()
    var catalog = StageCatalog()
    // Stages named by current deals, to resolve "Date entered" headers.
    var current: Set<String> = []
    for r in 0..<t.rowCount { if let s = t.text("deal_stage", r) { current.insert(s) } }
    var entered: [(column: Int, stage: String)] = []
    for (i, header) in t.table.columns.enumerated() {
      if let (full, short) = enteredStage(header) {
        let raw = current.contains(full) ? full : short
        entered.append((i, ctx.stageName(raw)))
        ctx.use(t.name, header, as: "deal_history.csv row in '\(ctx.stageName(raw))'")
      } else if header.lowercased().hasPrefix("date exited ") {
        ctx.use(t.name, header, as: "not read: implied by the next stage's entry")
      }
    }
    if entered.isEmpty {
      ctx.note("no 'Date entered <stage>' columns: each deal's current stage is dated from its creation; export them for stage history")
    }
    var pipelines: Set<String> = []
    var ids: Set<String> = []
    for r in 0..<t.rowCount {
      guard let id = ctx.required(t, "deal_id", r), let rawStage = ctx.required(t, "deal_stage", r) else { continue }
      let created = ctx.moment(t, "create_date", r)
      if created == nil, t.text("create_date", r) == nil { _ = ctx.required(t, "create_date", r) }
      let close = ctx.moment(t, "close_date", r)
      let amount = ctx.amount(t, "amount", r)
      var probability = ctx.number(t, "probability", r)
      let isWon = ctx.boolean(t, "is_won", r), isClosed = ctx.boolean(t, "is_closed", r)
      if let p = t.text("pipeline", r) { pipelines.insert(p) }
      var rows: [DealHistoryRow] = []
      for (column, stage) in entered {
        let text = t.table.rows[r][column]
        guard !text.isEmpty else { continue }
        guard let m = ValueParser.moment(text, order: ctx.dayOrder) else {
          ctx.errors.error(t.name, t.line(r), column + 1, "\(t.table.columns[column]) '\(text)' is not a date")
          continue
        }
        rows.append(DealHistoryRow(dealID: id, changedOn: m, stage: stage))
      }
      guard let created else { continue }
      guard ids.insert(id).inserted else {
        ctx.error(t, r, "deal_id", "deal '\(id)' appears twice", fix: "one row per deal")
        continue
      }
      let stage = ctx.stageName(rawStage)
      let kind = VendorSupport.kind(ofStage: rawStage, ctx)
      var status: DealStatus = kind == .won ? .won : kind == .lost ? .lost : .open
      if let isWon, let isClosed { status = isClosed ? (isWon ? .won : .lost) : .open }
      if let p = probability, p > 1 { probability = p / 100 }
      if let probability { catalog.probability(stage, probability) }
      var closedOn: Moment?
      if status != .open {
        let entry = rows.filter { $0.stage == stage }.map(\.changedOn).max()
        if close == nil, entry != nil { ctx.warn("closed deals without Close Date: the date they entered their closing stage is used", t, r) }
        guard let c = VendorSupport.closing(close ?? entry, created: created, &ctx, t, r, "Close Date") else {
          ctx.error(t, r, "close_date", "deal '\(id)' is closed but has no Close Date", fix: "export Close Date")
          continue
        }
        closedOn = c
      }
      var owner = t.text("owner", r) ?? ""
      if owner.isEmpty {
        owner = "unassigned"
        ctx.warn("deals without an owner: owner_id 'unassigned'", t, r)
      }
      if amount == nil { ctx.warn("\(status.rawValue) deals without Amount: amount 0", t, r) }
      let deal = Deal(
        id: id, createdOn: created, ownerID: owner, amount: amount ?? 0, status: status, closedOn: closedOn,
        expectedCloseOn: status == .open ? close : nil, accountID: t.text("company", r),
        source: t.text("source", r), type: t.text("deal_type", r).map(ValueParser.dealType) ?? .new,
        forecastCategory: status == .open ? t.text("forecast_category", r).flatMap(ValueParser.forecastCategory) : nil)
      out.deals.append(deal)
      out.history = (out.history ?? [])
        + VendorSupport.complete(
          rows, deal: deal, currentStage: status == .open ? stage : nil,
          closingStage: status == .open ? nil : stage, catalog: &catalog, &ctx, t, r)
    }
    if pipelines.count > 1 {
      ctx.warn(
        "deals from \(pipelines.count) pipelines (\(pipelines.sorted().joined(separator: ", "))) are imported together; stages with the same name are merged: export one pipeline per folder")
    }
    if out.history == nil { out.history = [] }
    out.stages = catalog.definitions(mapping: ctx.mapping, context: &ctx)
    return out
  }
}
