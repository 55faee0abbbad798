import CRMData

/// Dynamics 365 Sales: the opportunity export (Advanced Find / Excel export or the Web API's
/// column names), plus a stage-history file when the user has one.
///
/// - status from statecode (0 or Open → open, 1 or Won → won, 2 or Lost → lost);
/// - amount: won deals the actual revenue (else the estimated), lost and open deals the estimated
///   revenue (the value at stake);
/// - closed_on = actualclosedate (else estimatedclosedate, with a warning); open deals keep
///   estimatedclosedate as expected_close_on;
/// - stage = the business-process stage (stepname, "Pipeline Phase"); closing adds a row in a
///   `Won` or `Lost` stage at closed_on, since Dynamics closes deals by status, not by stage;
/// - open stages are ordered by the number their names start with (`1-Qualify`, `2-Develop` …),
///   else by the stage history.
enum Dynamics365Adapter: SourceAdapter {
  static let roles: [FileRole] = [
    FileRole(
      name: "deals", title: "Dynamics 365 opportunity export", required: true,
      fileNames: ["opportunit"], signature: ["opportunity_id", "state"],
      fields: [
        FieldSpec("opportunity_id", ["opportunityid", "(Do Not Modify) Opportunity", "Opportunity ID"], required: true, target: "deals.csv deal_id"),
        FieldSpec("owner", ["ownerid", "owneridname", "Owner"], required: true, target: "deals.csv owner_id"),
        FieldSpec("estimated_value", ["estimatedvalue", "Est. Revenue", "Estimated Revenue"], target: "deals.csv amount (open and lost)"),
        FieldSpec("actual_value", ["actualvalue", "Actual Revenue"], target: "deals.csv amount (won)"),
        FieldSpec("estimated_close", ["estimatedclosedate", "Est. Close Date", "Estimated Close Date"], target: "deals.csv expected_close_on"),
        FieldSpec("actual_close", ["actualclosedate", "Actual Close Date"], target: "deals.csv closed_on"),
        FieldSpec("state", ["statecode", "Status"], required: true, target: "deals.csv status"),
        FieldSpec("created", ["createdon", "Created On"], required: true, target: "deals.csv created_on"),
        FieldSpec("stage", ["stepname", "Pipeline Phase", "Process Stage", "Active Stage", "stagename"], target: "deal_history.csv stage (current)"),
        FieldSpec("account", ["parentaccountid", "customerid", "Account", "Potential Customer"], target: "deals.csv account_id"),
        FieldSpec("probability", ["closeprobability", "Probability"], target: "stages.csv probability (most common per stage)"),
        FieldSpec("forecast_category", ["msdyn_forecastcategory", "Forecast Category"], target: "deals.csv forecast_category"),
        FieldSpec("lead", ["originatingleadid", "Originating Lead"], target: "deals.csv lead_id"),
      ]),
    FileRole(
      name: "history", title: "Dynamics 365 stage history", required: false,
      fileNames: ["stagehistory", "processstage", "audit"], signature: ["opportunity_id", "stage", "changed_on"],
      fields: [
        FieldSpec("opportunity_id", ["opportunityid", "regardingobjectid", "Opportunity", "Record"], required: true, target: "deal_history.csv deal_id"),
        FieldSpec("stage", ["stagename", "stepname", "New Value", "Stage"], required: true, target: "deal_history.csv stage"),
        FieldSpec("changed_on", ["changedon", "Changed Date", "activestagestartedon", "createdon", "Date"], required: true, target: "deal_history.csv changed_on"),
      ]),
  ]

  static let droppedReasons: [String: String] = [
    "name": "deal names are not kept", "topic": "deal names are not kept",
    "statuscode": "status reason: not kept", "statusreason": "status reason: not kept",
    "donotmodifyrowchecksum": "Dynamics bookkeeping", "donotmodifymodifiedon": "Dynamics bookkeeping",
  ]

  static func status(_ text: String) -> DealStatus? {
    switch text.lowercased() {
    case "0", "open": return .open
    case "1", "won": return .won
    case "2", "lost": return .lost
    default: return nil
    }
  }

  /// Dynamics' forecast category option set values, or their labels.
  static func forecast(_ text: String) -> ForecastCategory? {
    switch text {
    case "100000001": return .pipeline
    case "100000002": return .bestCase
    case "100000003": return .commit
    case "100000004": return .omitted
    default: return ValueParser.forecastCategory(text)
    }
  }

  static func convert(_ files: [String: BoundTable], _ ctx: inout ImportContext) -> CanonicalExport {
    let o = files["deals"]!
    var out = CanonicalExport()
    var catalog = StageCatalog()
    let won = ctx.stageName("Won"), lost = ctx.stageName("Lost")
    catalog.fix(won, kind: .won)
    catalog.fix(lost, kind: .lost)
    var stages: [String?] = []
    var sourceRows: [Int] = []
    var rowOf: [String: Int] = [:]
    for r in 0..<o.rowCount {
      guard let id = ctx.required(o, "opportunity_id", r), let owner = ctx.required(o, "owner", r),
        let stateText = ctx.required(o, "state", r)
      else { continue }
      let created = ctx.moment(o, "created", r)
      if created == nil, o.text("created", r) == nil { _ = ctx.required(o, "created", r) }
      let estimated = ctx.amount(o, "estimated_value", r), actual = ctx.amount(o, "actual_value", r)
      let estimatedClose = ctx.moment(o, "estimated_close", r), actualClose = ctx.moment(o, "actual_close", r)
      let probability = ctx.number(o, "probability", r)
      guard let status = status(stateText) else {
        ctx.error(o, r, "state", "statecode '\(stateText)' is not 0/Open, 1/Won or 2/Lost")
        continue
      }
      guard let created else { continue }
      if rowOf[id] != nil {
        ctx.error(o, r, "opportunity_id", "opportunity '\(id)' appears twice", fix: "one row per opportunity")
        continue
      }
      var closedOn: Moment?
      if status != .open {
        var close = actualClose
        if close == nil, let estimatedClose {
          close = estimatedClose
          ctx.warn("closed deals without actualclosedate: estimatedclosedate used", o, r)
        }
        guard let c = VendorSupport.closing(close, created: created, &ctx, o, r, "close date") else {
          ctx.error(o, r, "actual_close", "opportunity '\(id)' is closed but has no close date", fix: "export actualclosedate")
          continue
        }
        closedOn = c
      }
      var amount: Double
      switch status {
      case .won: amount = actual ?? estimated ?? 0
      case .lost, .open: amount = estimated ?? actual ?? 0
      }
      if actual == nil, estimated == nil { ctx.warn("\(status.rawValue) deals without estimated or actual revenue: amount 0", o, r) }
      let stage = o.text("stage", r).map(ctx.stageName)
      // Business-process stages are all open (Dynamics closes by status); the probability of a
      // closed deal says how it ended, not what its stage was worth.
      if let stage { catalog.fix(stage, kind: .open) }
      if let stage, let probability, status == .open { catalog.probability(stage, probability / 100) }
      rowOf[id] = out.deals.count
      stages.append(stage)
      sourceRows.append(r)
      out.deals.append(
        Deal(
          id: id, createdOn: created, ownerID: owner, amount: amount, status: status, closedOn: closedOn,
          expectedCloseOn: status == .open ? estimatedClose : nil, accountID: o.text("account", r),
          leadID: o.text("lead", r),
          forecastCategory: status == .open ? o.text("forecast_category", r).flatMap(forecast) : nil))
    }
    var rowsByDeal = [[DealHistoryRow]](repeating: [], count: out.deals.count)
    if let h = files["history"] {
      for r in 0..<h.rowCount {
        guard let id = ctx.required(h, "opportunity_id", r), let raw = ctx.required(h, "stage", r) else { continue }
        guard let changed = ctx.moment(h, "changed_on", r) else {
          if h.text("changed_on", r) == nil { _ = ctx.required(h, "changed_on", r) }
          continue
        }
        guard let d = rowOf[id] else {
          ctx.drop(h, r, "opportunity not in the opportunity export")
          continue
        }
        catalog.fix(ctx.stageName(raw), kind: .open)
        rowsByDeal[d].append(DealHistoryRow(dealID: id, changedOn: changed, stage: ctx.stageName(raw)))
      }
    } else {
      ctx.note("no stage history file: each deal's current stage is dated from its creation; stage conversion and time in stage need the history (docs/IMPORT.md)")
    }
    var history: [DealHistoryRow] = []
    for (d, deal) in out.deals.enumerated() {
      let closing = deal.status == .won ? won : deal.status == .lost ? lost : nil
      history += VendorSupport.complete(
        rowsByDeal[d], deal: deal, currentStage: stages[d], closingStage: closing, catalog: &catalog,
        &ctx, o, sourceRows[d])
    }
    out.history = history
    out.stages = catalog.definitions(mapping: ctx.mapping, context: &ctx)
    return out
  }
}
