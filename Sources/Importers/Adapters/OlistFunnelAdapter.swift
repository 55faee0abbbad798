import CRMData

/// Olist's "Marketing Funnel" dataset (real, anonymised B2B seller acquisition in Brazil).
///
/// Files: `olist_marketing_qualified_leads_dataset.csv` (required) and
/// `olist_closed_deals_dataset.csv` (required). Rules (docs/IMPORT.md):
/// - one lead per MQL: created_on = first_contact_date (the day the lead asked to be contacted),
///   also written as first_contact_on, so lead response time is not measurable here; source =
///   origin (blank → `unspecified`, kept apart from Olist's own `unknown`);
/// - one won deal per closed deal: deal_id = lead_id = mql_id, owner = the Sales Rep (sr_id),
///   the SDR as the lead's owner and an extra `sdr_id` column, segment = business_segment,
///   account = seller_id, extra `lead_type`; created_on = the lead's first contact, or the won date
///   when the deal was won before it (with a warning);
/// - amount: Olist records no deal value; declared_monthly_revenue when above 0, else 0. Revenue
///   figures from this data are not meaningful; counts and times are;
/// - a lead with a closed deal is qualified on the deal's created_on; other leads are neither
///   qualified nor disqualified: lost or still open, nothing tells which (treat them as censored);
/// - no stage history and no stages: Olist records only wins.
enum OlistFunnelAdapter: SourceAdapter {
  static let roles: [FileRole] = [
    FileRole(
      name: "deals", title: "closed deals file (olist_closed_deals_dataset.csv)", required: true,
      fileNames: ["closeddeals"], signature: ["mql_id", "won_date"],
      fields: [
        FieldSpec("mql_id", ["mql_id"], required: true, target: "deals.csv deal_id, lead_id"),
        FieldSpec("seller_id", ["seller_id"], target: "deals.csv account_id; accounts.csv account_id"),
        FieldSpec("sdr_id", ["sdr_id"], target: "leads.csv owner_id; deals.csv sdr_id (extra); reps.csv"),
        FieldSpec("sr_id", ["sr_id"], required: true, target: "deals.csv owner_id; reps.csv"),
        FieldSpec("won_date", ["won_date"], required: true, target: "deals.csv closed_on"),
        FieldSpec("business_segment", ["business_segment"], target: "deals.csv segment; accounts.csv segment"),
        FieldSpec("lead_type", ["lead_type"], target: "deals.csv lead_type (extra)"),
        FieldSpec("declared_monthly_revenue", ["declared_monthly_revenue"], target: "deals.csv amount (when above 0)"),
      ]),
    FileRole(
      name: "leads", title: "MQL file (olist_marketing_qualified_leads_dataset.csv)", required: true,
      fileNames: ["marketingqualifiedleads", "mql"], signature: ["mql_id", "first_contact_date"],
      fields: [
        FieldSpec("mql_id", ["mql_id"], required: true, target: "leads.csv lead_id"),
        FieldSpec("first_contact_date", ["first_contact_date"], required: true, target: "leads.csv created_on, first_contact_on"),
        FieldSpec("origin", ["origin"], target: "leads.csv source; deals.csv source"),
      ]),
  ]

  static let droppedReasons: [String: String] = [
    "landingpageid": "landing page: no place in the canonical format",
    "leadbehaviourprofile": "seller profile (DiSC): no place in the canonical format",
    "hascompany": "seller attribute, mostly empty: not kept",
    "hasgtin": "seller attribute, mostly empty: not kept",
    "averagestock": "seller attribute, mostly empty: not kept",
    "businesstype": "seller attribute: not kept",
    "declaredproductcatalogsize": "seller attribute, mostly empty: not kept",
  ]

  static func convert(_ files: [String: BoundTable], _ ctx: inout ImportContext) -> CanonicalExport {
    let m = files["leads"]!, c = files["deals"]!
    var out = CanonicalExport()
    var leads: [Lead] = []
    var leadIndex: [String: Int] = [:]
    for r in 0..<m.rowCount {
      guard let id = ctx.required(m, "mql_id", r), let first = ctx.moment(m, "first_contact_date", r) else {
        if m.text("first_contact_date", r) == nil { _ = ctx.required(m, "first_contact_date", r) }
        continue
      }
      if leadIndex[id] != nil {
        ctx.error(m, r, "mql_id", "mql_id '\(id)' appears twice", fix: "one row per MQL")
        continue
      }
      var source = m.text("origin", r) ?? ""
      if source.isEmpty {
        source = "unspecified"
        ctx.warn("leads without origin: source 'unspecified' (kept apart from Olist's own 'unknown')", m, r)
      }
      leadIndex[id] = leads.count
      leads.append(Lead(id: id, createdOn: first, source: source, firstContactOn: first))
    }

    var sdrs: [String] = [], srs: [String] = []
    var seenSDR: Set<String> = [], seenSR: Set<String> = []
    var sdrColumn: [String?] = [], leadTypes: [String?] = []
    var accounts: [Account] = []
    var accountIndex: [String: Int] = [:]
    var withRevenue = 0
    var dealIDs: Set<String> = []
    for r in 0..<c.rowCount {
      guard let id = ctx.required(c, "mql_id", r), let owner = ctx.required(c, "sr_id", r) else { continue }
      guard let won = ctx.moment(c, "won_date", r) else {
        _ = ctx.required(c, "won_date", r)
        continue
      }
      guard let li = leadIndex[id] else {
        ctx.drop(c, r, "no MQL with this mql_id")
        continue
      }
      guard dealIDs.insert(id).inserted else {
        ctx.error(c, r, "mql_id", "mql_id '\(id)' has two closed deals", fix: "one closed deal per MQL")
        continue
      }
      var lead = leads[li]
      var created = lead.createdOn
      if won < created {
        created = won
        ctx.warn("deals won before their lead's first contact: created_on = won_date", c, r)
      }
      var amount = 0.0
      if let revenue = ctx.amount(c, "declared_monthly_revenue", r), revenue > 0 {
        amount = revenue
        withRevenue += 1
      } else {
        ctx.warn("won deals without declared_monthly_revenue: amount 0 (Olist records no deal value)", c, r)
      }
      let sdr = c.text("sdr_id", r)
      let seller = c.text("seller_id", r)
      let segment = c.text("business_segment", r)
      out.deals.append(
        Deal(
          id: id, createdOn: created, ownerID: owner, amount: amount, status: .won, closedOn: won,
          accountID: seller, source: lead.source, segment: segment, leadID: id))
      sdrColumn.append(sdr)
      leadTypes.append(c.text("lead_type", r))
      lead.ownerID = sdr
      lead.qualifiedOn = created
      lead.dealID = id
      leads[li] = lead
      if let sdr, seenSDR.insert(sdr).inserted { sdrs.append(sdr) }
      if seenSR.insert(owner).inserted { srs.append(owner) }
      if let seller {
        if let a = accountIndex[seller] {
          if let b = accounts[a].becameCustomerOn, won < b { accounts[a].becameCustomerOn = won }
        } else {
          accountIndex[seller] = accounts.count
          accounts.append(Account(id: seller, segment: segment, becameCustomerOn: won))
        }
      }
    }
    out.leads = leads
    out.dealExtras = [("sdr_id", sdrColumn), ("lead_type", leadTypes)]
    out.accounts = accounts
    var reps: [Rep] = []
    var both = 0
    for id in srs + sdrs where !reps.contains(where: { $0.id == id }) {
      let isSDR = seenSDR.contains(id), isSR = seenSR.contains(id)
      if isSDR && isSR { both += 1 }
      reps.append(Rep(id: id, role: isSDR && isSR ? nil : isSR ? .ae : .sdr))
    }
    out.reps = reps
    if both > 0 {
      ctx.note("reps.csv: \(both) ids appear both as SDR and as SR; their role is left empty")
    }
    ctx.note(
      "amount: Olist records no deal value; declared_monthly_revenue is used for the \(withRevenue) deals that declare one, 0 for the others: revenue-based figures are not meaningful on this data, counts and times are")
    ctx.note("leads: created_on and first_contact_on are both first_contact_date (the day the MQL asked to be contacted): lead response time is not measurable")
    ctx.note("leads: a lead with a closed deal is qualified on the deal's created_on; leads without one are neither qualified nor disqualified (lost or still open: treat as censored)")
    ctx.note("no deal_history.csv or stages.csv: Olist records only wins, with no stages and no lost deals")
    return out
  }
}
