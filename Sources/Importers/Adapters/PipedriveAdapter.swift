import CRMData

/// Pipedrive: the deals export (Deals list → Export, CSV), with labels such as `Deal - Won time`
/// or API field keys such as `won_time`.
///
/// - status from the status column (open / won / lost; `deleted` rows are dropped);
/// - closed_on = won time or lost time, else "Deal closed on"; open deals keep the expected close
///   date;
/// - Pipedrive's export has no stage history, only the current stage and when it was entered
///   (`stage_change_time`, "Last stage change"): one history row in the current stage at that
///   time (at creation when absent), and a `Won` / `Lost` row at closed_on;
/// - open stages are ordered by the mean days from a deal's creation to its entry into the stage
///   (set the order in the mapping file when the export is small);
/// - one currency per folder: the currency column is checked, never converted.
enum PipedriveAdapter: SourceAdapter {
  static let roles: [FileRole] = [
    FileRole(
      name: "deals", title: "Pipedrive deals export", required: true, fileNames: ["deal"],
      signature: ["id", "status", "stage"],
      fields: [
        FieldSpec("id", ["id", "ID"], required: true, target: "deals.csv deal_id"),
        FieldSpec("value", ["value"], target: "deals.csv amount"),
        FieldSpec("currency", ["currency", "Currency of Value"], target: "checked: one currency per folder"),
        FieldSpec("status", ["status"], required: true, target: "deals.csv status"),
        FieldSpec("stage", ["stage", "stage_id"], required: true, target: "deal_history.csv stage (current)"),
        FieldSpec("add_time", ["add_time", "Deal created", "Created"], required: true, target: "deals.csv created_on"),
        FieldSpec("won_time", ["won_time", "Won time"], target: "deals.csv closed_on (won)"),
        FieldSpec("lost_time", ["lost_time", "Lost time"], target: "deals.csv closed_on (lost)"),
        FieldSpec("close_time", ["close_time", "Deal closed on", "Closed on"], target: "deals.csv closed_on (fallback)"),
        FieldSpec("expected_close_date", ["expected_close_date", "Expected close date"], target: "deals.csv expected_close_on"),
        FieldSpec("owner", ["owner_name", "Owner", "user_id", "Owner name", "User"], required: true, target: "deals.csv owner_id"),
        FieldSpec("organization", ["org_name", "Organization", "org_id", "Organization name"], target: "deals.csv account_id"),
        FieldSpec("stage_change_time", ["stage_change_time", "Last stage change"], target: "deal_history.csv changed_on (current stage)"),
        FieldSpec("pipeline", ["pipeline", "pipeline_id", "Pipeline"], target: "checked: one pipeline per import"),
        FieldSpec("probability", ["probability", "Probability"], target: "stages.csv probability"),
        FieldSpec("source", ["origin", "Source channel", "channel"], target: "deals.csv source"),
      ]),
  ]

  static let droppedReasons: [String: String] = [
    "title": "deal names are not kept", "lostreason": "lost reasons: no place in the canonical format",
  ]

  static func convert(_ files: [String: BoundTable], _ ctx: inout ImportContext) -> CanonicalExport {
    let t = files["deals"]!
    var out = CanonicalExport()
    var catalog = StageCatalog()
    let won = ctx.stageName("Won"), lost = ctx.stageName("Lost")
    catalog.fix(won, kind: .won)
    catalog.fix(lost, kind: .lost)
    var history: [DealHistoryRow] = []
    var ids: Set<String> = []
    var pipelines: Set<String> = []
    for r in 0..<t.rowCount {
      if t.text("status", r)?.lowercased() == "deleted" {
        ctx.drop(t, r, "deleted deal")
        continue
      }
      guard let id = ctx.required(t, "id", r), let statusText = ctx.required(t, "status", r),
        let rawStage = ctx.required(t, "stage", r), let owner = ctx.required(t, "owner", r)
      else { continue }
      let created = ctx.moment(t, "add_time", r)
      if created == nil, t.text("add_time", r) == nil { _ = ctx.required(t, "add_time", r) }
      let wonTime = ctx.moment(t, "won_time", r), lostTime = ctx.moment(t, "lost_time", r)
      let closeTime = ctx.moment(t, "close_time", r), expected = ctx.moment(t, "expected_close_date", r)
      let changed = ctx.moment(t, "stage_change_time", r)
      let amount = ctx.amount(t, "value", r)
      let probability = ctx.number(t, "probability", r)
      if let c = t.text("currency", r) { ctx.currencies[c.uppercased(), default: 0] += 1 }
      if let p = t.text("pipeline", r) { pipelines.insert(p) }
      let status: DealStatus
      switch statusText.lowercased() {
      case "open": status = .open
      case "won": status = .won
      case "lost": status = .lost
      default:
        ctx.error(t, r, "status", "status '\(statusText)' is not open, won or lost")
        continue
      }
      guard let created else { continue }
      guard ids.insert(id).inserted else {
        ctx.error(t, r, "id", "deal '\(id)' appears twice", fix: "one row per deal")
        continue
      }
      var closedOn: Moment?
      if status != .open {
        let close = (status == .won ? wonTime : lostTime) ?? closeTime
        guard let c = VendorSupport.closing(close, created: created, &ctx, t, r, "close time") else {
          ctx.error(t, r, status == .won ? "won_time" : "lost_time", "deal '\(id)' is \(status.rawValue) but has no \(status.rawValue) time", fix: "export won_time / lost_time")
          continue
        }
        closedOn = c
      }
      if amount == nil { ctx.warn("\(status.rawValue) deals without value: amount 0", t, r) }
      let stage = ctx.stageName(rawStage)
      catalog.fix(stage, kind: .open)
      if let probability, status == .open { catalog.probability(stage, probability > 1 ? probability / 100 : probability) }
      let deal = Deal(
        id: id, createdOn: created, ownerID: owner, amount: amount ?? 0, status: status, closedOn: closedOn,
        expectedCloseOn: status == .open ? expected : nil, accountID: t.text("organization", r),
        source: t.text("source", r))
      out.deals.append(deal)
      var rows: [DealHistoryRow] = []
      if let changed, changed >= created, closedOn.map({ changed <= $0 }) ?? true {
        rows.append(DealHistoryRow(dealID: id, changedOn: changed, stage: stage))
      } else {
        rows.append(DealHistoryRow(dealID: id, changedOn: created, stage: stage))
        if changed == nil {
          ctx.warn("deals without a stage change time: current stage dated from creation", t, r)
        } else {
          ctx.warn("deals whose stage change time is outside their life: current stage dated from creation", t, r)
        }
      }
      history += VendorSupport.complete(
        rows, deal: deal, currentStage: stage,
        closingStage: status == .won ? won : status == .lost ? lost : nil, catalog: &catalog, &ctx, t, r)
    }
    if pipelines.count > 1 {
      ctx.warn("deals from \(pipelines.count) pipelines are imported together; stages with the same name are merged: export one pipeline per folder")
    }
    ctx.note("Pipedrive's deals export has no stage history: only each deal's current stage and when it was entered")
    out.history = history
    out.stages = catalog.definitions(mapping: ctx.mapping, context: &ctx)
    return out
  }
}
