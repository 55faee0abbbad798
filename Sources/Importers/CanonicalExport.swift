import CRMData
import Foundation

/// The converted data, ready to be written as a canonical CRM folder.
///
/// Optional files are nil when the export has nothing for them (the loader then says what cannot
/// be computed). `dealExtras` and `repExtras` are extra columns the contract does not define
/// (Maven's product, Olist's lead type): the loader ignores unknown columns, and they keep facts
/// an analysis may want.
public struct CanonicalExport: Sendable {
  public var deals: [Deal] = []
  public var history: [DealHistoryRow]?
  public var stages: [StageDefinition]?
  public var leads: [Lead]?
  public var reps: [Rep]?
  public var accounts: [Account]?
  /// Extra deals.csv columns: name → one value per deal (same order as `deals`).
  public var dealExtras: [(name: String, values: [String?])] = []
  /// Extra reps.csv columns: name → one value per rep.
  public var repExtras: [(name: String, values: [String?])] = []

  public init() {}

  /// Writes every file into the folder `url` (which must exist).
  /// - Returns: file name → data rows written, in contract order.
  @discardableResult
  public func write(into url: URL) throws -> [(String, Int)] {
    var written: [(String, Int)] = []
    func file(_ name: String, _ rows: Int, _ fill: (CSVWriter) throws -> Void) throws {
      let writer = try CSVWriter(url: url.appendingPathComponent(name))
      try fill(writer)
      try writer.finish()
      written.append((name, rows))
    }
    try file("deals.csv", deals.count) { w in
      let has = (
        closed: deals.contains { $0.closedOn != nil }, expected: deals.contains { $0.expectedCloseOn != nil },
        account: deals.contains { $0.accountID != nil }, source: deals.contains { $0.source != nil },
        segment: deals.contains { $0.segment != nil }, type: deals.contains { $0.type != .new },
        lead: deals.contains { $0.leadID != nil }, forecast: deals.contains { $0.forecastCategory != nil })
      var header = ["deal_id", "created_on", "owner_id", "amount", "status"]
      if has.closed { header.append("closed_on") }
      if has.expected { header.append("expected_close_on") }
      if has.account { header.append("account_id") }
      if has.source { header.append("source") }
      if has.segment { header.append("segment") }
      if has.type { header.append("type") }
      if has.lead { header.append("lead_id") }
      if has.forecast { header.append("forecast_category") }
      try w.row(header + dealExtras.map(\.name))
      for (i, d) in deals.enumerated() {
        w.field(d.id)
        w.moment(d.createdOn)
        w.field(d.ownerID)
        w.amount(d.amount)
        w.field(d.status.rawValue)
        if has.closed { w.moment(d.closedOn) }
        if has.expected { w.moment(d.expectedCloseOn) }
        if has.account { w.field(d.accountID) }
        if has.source { w.field(d.source) }
        if has.segment { w.field(d.segment) }
        if has.type { w.field(d.type.rawValue) }
        if has.lead { w.field(d.leadID) }
        if has.forecast { w.field(d.forecastCategory?.rawValue) }
        for extra in dealExtras { w.field(extra.values[i]) }
        try w.endRow()
      }
    }
    if let history {
      try file("deal_history.csv", history.count) { w in
        let amount = history.contains { $0.amount != nil }
        let expected = history.contains { $0.expectedCloseOn != nil }
        let owner = history.contains { $0.ownerID != nil }
        let forecast = history.contains { $0.forecastCategory != nil }
        var header = ["deal_id", "changed_on", "stage"]
        if amount { header.append("amount") }
        if expected { header.append("expected_close_on") }
        if owner { header.append("owner_id") }
        if forecast { header.append("forecast_category") }
        try w.row(header)
        for h in history {
          w.field(h.dealID)
          w.moment(h.changedOn)
          w.field(h.stage)
          if amount { w.amount(h.amount) }
          if expected { w.moment(h.expectedCloseOn) }
          if owner { w.field(h.ownerID) }
          if forecast { w.field(h.forecastCategory?.rawValue) }
          try w.endRow()
        }
      }
    }
    if let stages {
      try file("stages.csv", stages.count) { w in
        try w.row(["stage", "order", "kind", "probability"])
        for s in stages {
          w.field(s.name)
          w.integer(s.order)
          w.field(s.kind.rawValue)
          w.number(s.probability)
          try w.endRow()
        }
      }
    }
    if let leads {
      try file("leads.csv", leads.count) { w in
        try w.row(["lead_id", "created_on", "source", "owner_id", "first_contact_on", "qualified_on", "disqualified_on", "deal_id"])
        for l in leads {
          w.field(l.id)
          w.moment(l.createdOn)
          w.field(l.source)
          w.field(l.ownerID)
          w.moment(l.firstContactOn)
          w.moment(l.qualifiedOn)
          w.moment(l.disqualifiedOn)
          w.field(l.dealID)
          try w.endRow()
        }
      }
    }
    if let reps {
      try file("reps.csv", reps.count) { w in
        try w.row(["rep_id", "name", "team", "role", "hired_on", "left_on"] + repExtras.map(\.name))
        for (i, r) in reps.enumerated() {
          w.field(r.id)
          w.field(r.name)
          w.field(r.team)
          w.field(r.role?.rawValue)
          w.moment(r.hiredOn)
          w.moment(r.leftOn)
          for extra in repExtras { w.field(extra.values[i]) }
          try w.endRow()
        }
      }
    }
    if let accounts {
      try file("accounts.csv", accounts.count) { w in
        try w.row(["account_id", "name", "segment", "became_customer_on", "churned_on"])
        for a in accounts {
          w.field(a.id)
          w.field(a.name)
          w.field(a.segment)
          w.moment(a.becameCustomerOn)
          w.moment(a.churnedOn)
          try w.endRow()
        }
      }
    }
    return written
  }
}
