extension CRMFolder {
  /// The folder as it was known at the end of `day` (UTC), for honest backtests.
  ///
  /// Follows docs/DATA-FORMAT.md, "Point in time", file by file; "on or before DATE" compares the
  /// UTC day of each date-time with `day`:
  /// - deals: created after `day` are dropped; a deal closed after `day` is open (no closed_on).
  ///   An open deal's amount, expected close date, owner and forecast category are the latest
  ///   non-empty values among its history rows on or before `day`, each carried forward on its
  ///   own; deals.csv's export-date value is used only for a field no such row sets (a deal
  ///   without history, or a history that never records that field). That fallback leaks the
  ///   export's value into the past and is the export's limitation, not ours: export the field in
  ///   deal_history.csv to close it. Deals closed on or before `day` keep deals.csv's values.
  /// - deal_history: rows after `day` are dropped.
  /// - leads: created after `day` are dropped; later contact, qualification and
  ///   disqualification dates are emptied; deal_id is emptied unless that deal was created on or
  ///   before `day`.
  /// - activities: done activities after `day` are dropped; planned ones are kept only when `day`
  ///   is the export date (they describe the export date only).
  /// - reps: hired after `day` are dropped; a later left_on is emptied.
  /// - accounts: every row stays; became_customer_on and churned_on after `day` are emptied.
  /// - quotas: all kept (plans are set in advance).
  /// - costs: rows whose period ends after `day` are dropped.
  /// - stages: unchanged (the pipeline definition, or the stages inferred from the full history).
  ///
  /// A `day` on or after `asOf` returns the folder unchanged.
  /// - Complexity: O(rows of every file).
  public func asOf(_ day: Day) -> CRMFolder {
    if day >= asOf { return self }
    func known(_ m: Moment?) -> Moment? {
      guard let m, m.day <= day else { return nil }
      return m
    }

    var newDeals: [Deal] = []
    var newHistory: [DealHistoryRow]? = history == nil ? nil : []
    var newRanges: [Range<Int>] = []
    var visibleDeals = Set<String>()
    newDeals.reserveCapacity(deals.count)
    newRanges.reserveCapacity(deals.count)
    for (i, original) in deals.enumerated() where original.createdOn.day <= day {
      var deal = original
      visibleDeals.insert(deal.id)
      let rows = historyRows(ofDeal: i).filter { $0.changedOn.day <= day }
      if let closed = deal.closedOn, closed.day > day {
        deal.status = .open
        deal.closedOn = nil
      }
      if deal.status == .open {
        if let v = rows.last(where: { $0.amount != nil })?.amount { deal.amount = v }
        if let v = rows.last(where: { $0.expectedCloseOn != nil })?.expectedCloseOn {
          deal.expectedCloseOn = v
        }
        if let v = rows.last(where: { $0.ownerID != nil })?.ownerID { deal.ownerID = v }
        if let v = rows.last(where: { $0.forecastCategory != nil })?.forecastCategory {
          deal.forecastCategory = v
        }
      }
      let start = newHistory?.count ?? 0
      newHistory?.append(contentsOf: rows)
      newRanges.append(start..<(newHistory?.count ?? 0))
      newDeals.append(deal)
    }

    let newLeads = leads.map { leads in
      leads.compactMap { original -> Lead? in
        guard original.createdOn.day <= day else { return nil }
        var lead = original
        lead.firstContactOn = known(lead.firstContactOn)
        lead.qualifiedOn = known(lead.qualifiedOn)
        lead.disqualifiedOn = known(lead.disqualifiedOn)
        if let d = lead.dealID, !visibleDeals.contains(d) { lead.dealID = nil }
        return lead
      }
    }
    let newActivities = activities.map { list in
      list.filter { $0.status == .done && $0.occurredOn.day <= day }
    }
    let newReps = reps.map { reps in
      reps.compactMap { original -> Rep? in
        if let hired = original.hiredOn, hired.day > day { return nil }
        var rep = original
        rep.leftOn = known(rep.leftOn)
        return rep
      }
    }
    let newAccounts = accounts.map { accounts in
      accounts.map { original -> Account in
        var account = original
        account.becameCustomerOn = known(account.becameCustomerOn)
        account.churnedOn = known(account.churnedOn)
        return account
      }
    }
    let newCosts = costs.map { costs in
      costs.filter { $0.period.end.advanced(by: -1) <= day }
    }
    return CRMFolder(
      deals: newDeals, history: newHistory, stages: stages, stagesFromFile: stagesFromFile,
      leads: newLeads, activities: newActivities, reps: newReps, quotas: quotas,
      accounts: newAccounts, costs: newCosts, asOf: day, calendar: calendar,
      historyRanges: newRanges)
  }

  /// The stage of deal number `index` now: the stage of its last history row; nil without history.
  public func currentStage(ofDeal index: Int) -> String? {
    historyRows(ofDeal: index).last?.stage
  }

  /// The position of deal number `index`'s current stage in `stages`; nil when unknown.
  public func currentStageIndex(ofDeal index: Int) -> Int? {
    guard let name = currentStage(ofDeal: index) else { return nil }
    return stages.firstIndex { $0.name == name }
  }
}
