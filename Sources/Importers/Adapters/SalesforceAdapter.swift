import CRMData

/// Salesforce: the Opportunity export plus the OpportunityHistory export (Data Loader, Data
/// Export, or a report with the same columns; API names and report labels are both recognised).
///
/// - status from IsClosed / IsWon (without them, from the stage name or the mapping);
/// - CloseDate: Salesforce overwrites it with the actual close date once a deal closes, so it is
///   closed_on for closed deals and expected_close_on for open ones;
/// - stage kinds from the IsClosed / IsWon of the deals in each stage; stage order from the stage
///   probability (its most common value), then the order deals entered stages in the history;
/// - OpportunityHistory rows become deal_history rows (CreatedDate → changed_on; CloseDate →
///   expected_close_on); rows of opportunities not in the Opportunity export are dropped.
enum SalesforceAdapter: SourceAdapter {
  static let roles: [FileRole] = [
    FileRole(
      name: "deals", title: "Salesforce Opportunity export", required: true,
      fileNames: ["opportunity", "opportunities"], signature: ["id", "stage", "is_won"],
      fields: [
        FieldSpec("id", ["Id", "Opportunity ID", "Opportunity_ID"], required: true, target: "deals.csv deal_id"),
        FieldSpec("account_id", ["AccountId", "Account ID"], target: "deals.csv account_id"),
        FieldSpec("owner_id", ["OwnerId", "Owner ID", "Opportunity Owner"], required: true, target: "deals.csv owner_id"),
        FieldSpec("stage", ["StageName", "Stage"], required: true, target: "deal_history.csv stage (current)"),
        FieldSpec("amount", ["Amount"], target: "deals.csv amount"),
        FieldSpec("probability", ["Probability", "Probability (%)"], target: "stages.csv probability (most common per stage)"),
        FieldSpec("close_date", ["CloseDate", "Close Date"], required: true, target: "deals.csv closed_on (closed) / expected_close_on (open)"),
        FieldSpec("created_date", ["CreatedDate", "Created Date"], required: true, target: "deals.csv created_on"),
        FieldSpec("is_closed", ["IsClosed", "Closed"], target: "deals.csv status"),
        FieldSpec("is_won", ["IsWon", "Won"], target: "deals.csv status"),
        FieldSpec("forecast_category", ["ForecastCategoryName", "Forecast Category", "ForecastCategory"], target: "deals.csv forecast_category"),
        FieldSpec("lead_source", ["LeadSource", "Lead Source"], target: "deals.csv source"),
        FieldSpec("type", ["Type", "Opportunity Type"], target: "deals.csv type"),
      ]),
    FileRole(
      name: "history", title: "Salesforce OpportunityHistory export", required: false,
      fileNames: ["opportunityhistory", "stagehistory"], signature: ["opportunity_id", "stage", "created_date"],
      fields: [
        FieldSpec("opportunity_id", ["OpportunityId", "Opportunity ID"], required: true, target: "deal_history.csv deal_id"),
        FieldSpec("created_date", ["CreatedDate", "Created Date", "Last Modified", "Edit Date"], required: true, target: "deal_history.csv changed_on"),
        FieldSpec("stage", ["StageName", "Stage", "To Stage"], required: true, target: "deal_history.csv stage"),
        FieldSpec("amount", ["Amount"], target: "deal_history.csv amount"),
        FieldSpec("close_date", ["CloseDate", "Close Date"], target: "deal_history.csv expected_close_on"),
        FieldSpec("probability", ["Probability", "Probability (%)"], target: "stages.csv probability"),
        FieldSpec("forecast_category", ["ForecastCategory", "Forecast Category", "ForecastCategoryName"], target: "deal_history.csv forecast_category"),
      ]),
  ]

  static let droppedReasons: [String: String] = [
    "name": "deal names are not kept (not needed for forecasts)",
    "opportunityname": "deal names are not kept (not needed for forecasts)",
    "id": "the history row's own id: not needed",
    "createdbyid": "who edited: not needed",
    "expectedrevenue": "derived (amount × probability): recomputed from stages.csv",
    "isdeleted": "Salesforce bookkeeping",
    "systemmodstamp": "Salesforce bookkeeping",
  ]

  static func convert(_ files: [String: BoundTable], _ ctx: inout ImportContext) -> CanonicalExport {
    let o = files["deals"]!
    var out = CanonicalExport()
    var catalog = StageCatalog()
    if !o.has("is_closed") || !o.has("is_won") {
      ctx.warn("no IsClosed / IsWon columns: status taken from stage names (… Won / … Lost) or --mapping stages kinds")
    }
    var stages: [String] = []
    var sourceRows: [Int] = []
    var rowOf: [String: Int] = [:]
    for r in 0..<o.rowCount {
      guard let id = ctx.required(o, "id", r), let owner = ctx.required(o, "owner_id", r),
        let rawStage = ctx.required(o, "stage", r)
      else { continue }
      let created = ctx.moment(o, "created_date", r)
      if created == nil, o.text("created_date", r) == nil { _ = ctx.required(o, "created_date", r) }
      let close = ctx.moment(o, "close_date", r)
      let isClosed = ctx.boolean(o, "is_closed", r), isWon = ctx.boolean(o, "is_won", r)
      let amount = ctx.amount(o, "amount", r)
      let probability = ctx.number(o, "probability", r)
      guard let created else { continue }
      let stage = ctx.stageName(rawStage)
      var status: DealStatus
      if let isClosed, let isWon {
        status = isClosed ? (isWon ? .won : .lost) : .open
      } else {
        switch VendorSupport.kind(ofStage: rawStage, ctx) {
        case .won: status = .won
        case .lost: status = .lost
        case .open: status = .open
        }
      }
      if rowOf[id] != nil {
        ctx.error(o, r, "id", "opportunity '\(id)' appears twice", fix: "one row per opportunity")
        continue
      }
      var closedOn: Moment?
      if status != .open {
        guard let c = VendorSupport.closing(close, created: created, &ctx, o, r, "CloseDate") else {
          ctx.error(o, r, "close_date", "opportunity '\(id)' is closed but CloseDate is empty", fix: "export CloseDate")
          continue
        }
        closedOn = c
      }
      if amount == nil { ctx.warn("\(status.rawValue) deals without Amount: amount 0", o, r) }
      if let probability { catalog.probability(stage, probability / 100) }
      rowOf[id] = out.deals.count
      stages.append(stage)
      sourceRows.append(r)
      out.deals.append(
        Deal(
          id: id, createdOn: created, ownerID: owner, amount: amount ?? 0, status: status,
          closedOn: closedOn, expectedCloseOn: status == .open ? close : nil,
          accountID: o.text("account_id", r), source: o.text("lead_source", r),
          type: o.text("type", r).map(ValueParser.dealType) ?? .new,
          forecastCategory: status == .open ? o.text("forecast_category", r).flatMap(ValueParser.forecastCategory) : nil))
    }

    var rowsByDeal = [[DealHistoryRow]](repeating: [], count: out.deals.count)
    if let h = files["history"] {
      for r in 0..<h.rowCount {
        guard let id = ctx.required(h, "opportunity_id", r), let rawStage = ctx.required(h, "stage", r) else { continue }
        let changed = ctx.moment(h, "created_date", r)
        if changed == nil, h.text("created_date", r) == nil { _ = ctx.required(h, "created_date", r) }
        let amount = ctx.amount(h, "amount", r)
        let expected = ctx.moment(h, "close_date", r)
        let probability = ctx.number(h, "probability", r)
        guard let changed else { continue }
        guard let d = rowOf[id] else {
          ctx.drop(h, r, "opportunity not in the Opportunity export")
          continue
        }
        let stage = ctx.stageName(rawStage)
        if let probability { catalog.probability(stage, probability / 100) }
        rowsByDeal[d].append(
          DealHistoryRow(
            dealID: id, changedOn: changed, stage: stage, amount: amount, expectedCloseOn: expected,
            forecastCategory: h.text("forecast_category", r).flatMap(ValueParser.forecastCategory)))
      }
    } else {
      ctx.note("no OpportunityHistory export: each deal's current stage is dated from its creation; stage conversion and time in stage need the history")
    }
    var history: [DealHistoryRow] = []
    for (d, deal) in out.deals.enumerated() {
      history += VendorSupport.complete(
        rowsByDeal[d], deal: deal, currentStage: deal.status == .open ? stages[d] : nil,
        closingStage: deal.status == .open ? nil : stages[d], catalog: &catalog, &ctx, o, sourceRows[d])
    }
    out.history = history
    out.stages = catalog.definitions(mapping: ctx.mapping, context: &ctx)
    return out
  }
}
