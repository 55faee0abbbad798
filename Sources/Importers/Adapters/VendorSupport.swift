import CRMData

/// Rules shared by the vendor adapters.
enum VendorSupport {
  /// A stage's kind from the mapping file, else from its name (`Closed Won` → won, `Closed Lost`
  /// → lost), else open.
  static func kind(ofStage raw: String, _ ctx: ImportContext) -> StageKind {
    if let k = ctx.mapping.stages[raw]?.kind { return k }
    let n = ColumnName.normalize(raw)
    if n.contains("won") { return .won }
    if n.contains("lost") { return .lost }
    return .open
  }

  /// Completes one deal's history and records its stage entries in `catalog`.
  ///
  /// Rows are sorted by time. A deal without any row gets one at its creation with its current
  /// stage (the report warns: time in stage is then unknown). A closed deal whose history does not
  /// end in `closingStage` gets a row for it at closed_on; an open deal whose history ends in
  /// another stage than its current one gets its current stage at the last change.
  static func complete(
    _ rows: [DealHistoryRow], deal: Deal, currentStage: String?, closingStage: String?,
    catalog: inout StageCatalog, _ ctx: inout ImportContext, _ t: BoundTable, _ row: Int
  ) -> [DealHistoryRow] {
    var rows = rows.sorted { $0.changedOn < $1.changedOn }
    if rows.isEmpty, let stage = currentStage ?? closingStage {
      rows.append(DealHistoryRow(dealID: deal.id, changedOn: deal.createdOn, stage: stage, amount: nil))
      ctx.warn("deals without stage history: their current stage is dated from their creation (time in stage unknown)", t, row)
    }
    if deal.status == .open, let stage = currentStage, let last = rows.last, last.stage != stage {
      rows.append(DealHistoryRow(dealID: deal.id, changedOn: max(last.changedOn, deal.createdOn), stage: stage))
      ctx.warn("open deals whose history ends in another stage: current stage added at the last change", t, row)
    }
    if deal.status != .open, let stage = closingStage, let closed = deal.closedOn, rows.last?.stage != stage {
      rows.append(DealHistoryRow(dealID: deal.id, changedOn: max(closed, rows.last?.changedOn ?? closed), stage: stage))
    }
    catalog.entries(rows.map { ($0.stage, deal.createdOn.days(to: $0.changedOn)) })
    catalog.final(rows.last?.stage ?? currentStage ?? closingStage ?? "", status: deal.status)
    return rows
  }

  /// closed_on no earlier than created_on (exports back-date creation, or close before it):
  /// the created date is used, with a warning.
  static func closing(_ close: Moment?, created: Moment, _ ctx: inout ImportContext, _ t: BoundTable, _ row: Int, _ label: String) -> Moment? {
    guard let close else { return nil }
    if close.day < created.day {
      ctx.warn("closed deals whose \(label) is before their creation: closed_on = created date", t, row)
      return created
    }
    return close
  }
}
