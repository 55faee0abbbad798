import CRMData
import Foundation
import Statistics

/// Small random CRM folders as CSV text, for property tests: deals moving through three open
/// stages to won or lost (or still open at the export date), with their history, leads,
/// activities and reps. Deterministic for a seed.
struct SmallWorld {
  var files: [String: String]
  /// The export date: the last day anything in the world may happen.
  var exportDay: Day
  /// The earliest event in the world.
  var firstDay: Day

  static let start = Day(year: 2024, month: 1, day: 1)!

  /// - Parameters:
  ///   - deals: number of deals.
  ///   - fullHistory: every history row records amount and owner, from the deal's creation on,
  ///     so no point-in-time value falls back to the export (docs/DATA-FORMAT.md, the known leak).
  init(seed: UInt64, deals count: Int, fullHistory: Bool = true) {
    var rng = RandomStream(seed: seed, block: 7)
    let export = Self.start.advanced(by: 420)
    let stages = ["Qualify", "Propose", "Negotiate"]
    let reps = ["r1", "r2", "r3", "r4"]
    var deals = "deal_id,created_on,owner_id,amount,status,closed_on,source,lead_id\n"
    var history = "deal_id,changed_on,stage,amount,owner_id\n"
    var leads = "lead_id,created_on,source,owner_id,first_contact_on,qualified_on,deal_id\n"
    var activities = "activity_id,occurred_on,owner_id,kind,deal_id,status\n"
    var first = export
    var activity = 0
    for d in 0..<count {
      let created = Self.start.advanced(by: Int.random(in: 0..<400, using: &rng))
      first = min(first, created)
      let owner = reps.randomElement(using: &rng)!
      let source = ["web", "referral", "event"].randomElement(using: &rng)!
      var amount = Double(Int.random(in: 1...200, using: &rng)) * 50
      var day = created
      var stage = 0
      var rows: [(Day, String, Double)] = [(day, stages[0], amount)]
      var status = "open"
      var closed: Day?
      while true {
        let next = day.advanced(by: Int.random(in: 1...40, using: &rng))
        if next > export { break }
        day = next
        let u = Double.random(in: 0..<1, using: &rng)
        if u < 0.25 {
          status = "lost"
        } else if stage == stages.count - 1 && u < 0.7 {
          status = "won"
        } else if u < 0.85 || stage == 0 {
          stage = min(stage + 1, stages.count - 1)
        } else {
          stage -= 1  // real CRMs go backwards
        }
        if Bool.random(using: &rng) { amount *= Double.random(in: 0.8...1.25, using: &rng) }
        amount = (amount * 100).rounded() / 100
        if status != "open" {
          closed = day
          rows.append((day, status == "won" ? "Won" : "Lost", amount))
          break
        }
        rows.append((day, stages[stage], amount))
      }
      let id = "D\(d + 1)"
      let lead = Bool.random(using: &rng) ? "L\(d + 1)" : ""
      deals +=
        "\(id),\(created),\(owner),\(amount),\(status),\(closed.map { "\($0)" } ?? ""),\(source),\(lead)\n"
      for (k, row) in rows.enumerated() {
        let recorded = fullHistory || k == 0 || Bool.random(using: &rng)
        history +=
          "\(id),\(row.0),\(row.1),\(recorded ? "\(row.2)" : ""),\(recorded ? owner : "")\n"
      }
      if !lead.isEmpty {
        let arrived = created.advanced(by: -Int.random(in: 0...20, using: &rng))
        first = min(first, arrived)
        leads +=
          "\(lead),\(arrived),\(source),\(owner),\(arrived.advanced(by: 1)),\(created),\(id)\n"
      }
      for _ in 0..<Int.random(in: 0...3, using: &rng) {
        activity += 1
        let on = created.advanced(by: Int.random(in: 0...30, using: &rng))
        let planned = on > export
        activities += "A\(activity),\(on),\(owner),call,\(id),\(planned ? "planned" : "done")\n"
      }
    }
    var repText = "rep_id,team,role,hired_on\n"
    for (i, r) in reps.enumerated() { repText += "\(r),T\(i % 2),ae,2023-0\(i + 1)-01\n" }
    files = [
      "deals.csv": deals, "deal_history.csv": history, "leads.csv": leads,
      "activities.csv": activities, "reps.csv": repText,
      "stages.csv":
        "stage,order,kind\nQualify,1,open\nPropose,2,open\nNegotiate,3,open\nWon,4,won\nLost,5,lost\n",
    ]
    exportDay = export
    firstDay = first
  }
}
