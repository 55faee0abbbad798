import CRMData

/// Which process created each deal, as the simulation recreates it (docs/MODEL.md §8).
///
/// Expansion and renewal deals follow customers. A new deal came from the lead funnel when the
/// model has one (the folder has leads.csv) and the deal is linked to a lead (its `lead_id`, or a lead's `deal_id`
/// naming it). Every other new deal, whatever its source, is pipeline its owner created
/// ("outbound"): without leads.csv nothing else would recreate inbound deals, and leaving them out
/// would forecast little more than today's open pipeline after the first weeks.
struct DealOrigins {
  /// Per deal, in file order: an index into `NewDealModel.originNames`.
  let originIndex: [UInt8]

  init(folder: CRMFolder, leadFunnel: Bool) {
    var linkedFromLeads: Set<String> = []
    if leadFunnel, let leads = folder.leads {
      for lead in leads { if let id = lead.dealID { linkedFromLeads.insert(id) } }
    }
    let hasLeads = leadFunnel
    originIndex = folder.deals.map { deal in
      let linked = hasLeads && (deal.leadID != nil || linkedFromLeads.contains(deal.id))
      let name = NewDealModel.origin(of: deal, linkedToLead: linked)
      return UInt8(NewDealModel.originNames.firstIndex(of: name)!)
    }
  }

  func name(_ dealIndex: Int) -> String { NewDealModel.originNames[Int(originIndex[dealIndex])] }

  /// A new deal its owner created, not one from the lead funnel or a customer.
  func isOutbound(_ dealIndex: Int) -> Bool { originIndex[dealIndex] == 1 }
}
