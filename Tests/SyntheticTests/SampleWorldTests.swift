import CRMData
import Foundation
import Testing
@testable import Synthetic

/// Reads a CSV the generator wrote (no quoted fields there) into header → column index and rows.
func readTable(_ url: URL) throws -> (columns: [String: Int], rows: [[Substring]]) {
  let text = try String(contentsOf: url, encoding: .utf8)
  var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
  #expect(lines.last == "")
  lines.removeLast()
  let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
  let columns = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) })
  let rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
  return (columns, rows)
}

func temporaryFolder(_ name: String) -> URL {
  FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
}

let fileNames = ["accounts.csv", "activities.csv", "costs.csv", "deal_history.csv", "deals.csv",
                 "leads.csv", "quotas.csv", "reps.csv", "stages.csv", "truth.json"]

@Suite struct SampleWorldTests {
  @Test func sameSeedGivesByteIdenticalFolders() throws {
    let config = WorldConfiguration(scale: 0.2)
    let a = temporaryFolder("det-a"), b = temporaryFolder("det-b")
    defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
    try SampleWorld.generate(configuration: config, seed: 11).write(to: a)
    try SampleWorld.generate(configuration: config, seed: 11).write(to: b)
    for name in fileNames {
      let x = try Data(contentsOf: a.appendingPathComponent(name))
      let y = try Data(contentsOf: b.appendingPathComponent(name))
      #expect(x == y, "\(name) differs")
    }
    // No temporary directories left beside the folder.
    let siblings = try FileManager.default.contentsOfDirectory(atPath: a.deletingLastPathComponent().path)
    #expect(!siblings.contains { $0.hasPrefix(".\(a.lastPathComponent).tmp") })
    // A different seed gives a different world.
    let c = temporaryFolder("det-c")
    defer { try? FileManager.default.removeItem(at: c) }
    try SampleWorld.generate(configuration: config, seed: 12).write(to: c)
    #expect(try Data(contentsOf: a.appendingPathComponent("deals.csv"))
      != Data(contentsOf: c.appendingPathComponent("deals.csv")))
  }

  @Test func writtenFolderObeysTheContractAtItsExportDate() throws {
    // A horizon past as-of: the future exists internally but must not leak into the folder.
    let asOf = Day(year: 2025, month: 6, day: 30)!
    let config = WorldConfiguration(scale: 0.3, asOf: asOf, horizonEnd: Day(year: 2026, month: 6, day: 30)!)
    let world = try SampleWorld.generate(configuration: config, seed: 3)
    let dir = temporaryFolder("contract")
    defer { try? FileManager.default.removeItem(at: dir) }
    try world.write(to: dir)
    let asOfText = asOf.description
    func visible(_ s: Substring) -> Bool { s.isEmpty || String(s.prefix(10)) <= asOfText }

    let deals = try readTable(dir.appendingPathComponent("deals.csv"))
    let dc = deals.columns
    var dealOrder: [Substring: Int] = [:]
    var open = 0
    for (n, row) in deals.rows.enumerated() {
      dealOrder[row[dc["deal_id"]!]] = n
      let created = row[dc["created_on"]!], closed = row[dc["closed_on"]!]
      #expect(visible(created))
      switch row[dc["status"]!] {
      case "open":
        open += 1
        #expect(closed.isEmpty)
      case "won", "lost":
        #expect(!closed.isEmpty && closed >= created && visible(closed))
      default:
        Issue.record("bad status \(row)")
      }
      #expect(Double(row[dc["amount"]!])! >= 0)
    }
    #expect(open > 50, "censoring: deals must be open at the export")

    let history = try readTable(dir.appendingPathComponent("deal_history.csv"))
    let hc = history.columns
    var previous: (Int, Substring) = (-1, "")
    var stageEntries = 0
    for row in history.rows {
      guard let n = dealOrder[row[hc["deal_id"]!]] else {
        Issue.record("history for unknown deal \(row)")
        continue
      }
      let changed = row[hc["changed_on"]!]
      #expect(visible(changed))
      #expect(n > previous.0 || (n == previous.0 && changed >= previous.1), "history not sorted")
      if n != previous.0 { stageEntries += 1 }
      previous = (n, changed)
    }
    #expect(stageEntries == deals.rows.count, "every deal has history")

    let leads = try readTable(dir.appendingPathComponent("leads.csv"))
    for row in leads.rows {
      for column in ["created_on", "first_contact_on", "qualified_on", "disqualified_on"] {
        #expect(visible(row[leads.columns[column]!]))
      }
      let deal = row[leads.columns["deal_id"]!]
      #expect(deal.isEmpty || dealOrder[deal] != nil)
    }
    let activities = try readTable(dir.appendingPathComponent("activities.csv"))
    var planned = 0
    for row in activities.rows {
      if row[activities.columns["status"]!] == "planned" {
        planned += 1
        #expect(!visible(row[activities.columns["occurred_on"]!]))
      } else {
        #expect(visible(row[activities.columns["occurred_on"]!]))
      }
    }
    #expect(planned > 0)
    let reps = try readTable(dir.appendingPathComponent("reps.csv"))
    for row in reps.rows {
      #expect(visible(row[reps.columns["hired_on"]!]) && visible(row[reps.columns["left_on"]!]))
    }
    let accounts = try readTable(dir.appendingPathComponent("accounts.csv"))
    for row in accounts.rows {
      #expect(visible(row[accounts.columns["became_customer_on"]!]))
      #expect(visible(row[accounts.columns["churned_on"]!]))
    }
    let costs = try readTable(dir.appendingPathComponent("costs.csv"))
    for row in costs.rows {
      let period = FiscalCalendar.standard.period(row[costs.columns["period"]!])!
      #expect(period.end <= asOf.advanced(by: 1))
    }
  }

  /// Empirical exit shares per stage (advance, loss), from the full timeline, for deals of fully
  /// ramped owners, against truth. Skill has mean 1 on the odds scale, so the pooled rates sit
  /// close to the truth's; tolerance 0.035 (a few standard errors at this size plus that spread).
  @Test func stageConversionIsNearTruth() throws {
    var config = WorldConfiguration(scale: 0.5)
    config.horizonEnd = config.asOf.advanced(by: 730)
    let world = try SampleWorld.generate(configuration: config, seed: 5)
    let n = config.stages.count
    var entries = [Int](repeating: 0, count: n), advances = entries, losses = entries
    for deal in world.deals where deal.closed <= config.horizonEnd {
      let rows = world.history[deal.historyStart..<(deal.historyStart + deal.historyCount)]
      let owner = world.reps[Int(rows.first!.owner)]
      guard Double(owner.hired.distance(to: deal.created)) / 30.44 >= 8 else { continue }
      var stages: [Int8] = []
      for row in rows where stages.last != row.stage { stages.append(row.stage) }
      for (i, s) in stages.dropLast().enumerated() {
        let next = stages[i + 1]
        entries[Int(s)] += 1
        if next == world.lostCode { losses[Int(s)] += 1 }
        if next == s + 1 || (Int(s) == n - 1 && next == world.wonCode) { advances[Int(s)] += 1 }
      }
    }
    for (i, stage) in world.truth.stages.enumerated() {
      #expect(entries[i] > 400)
      let loss = Double(losses[i]) / Double(entries[i])
      let advance = Double(advances[i]) / Double(entries[i])
      #expect(abs(loss - stage.lossProbability) < 0.035, "\(stage.name) loss \(loss) vs \(stage.lossProbability)")
      #expect(abs(advance - stage.advanceProbability) < 0.035, "\(stage.name) advance \(advance) vs \(stage.advanceProbability)")
    }
    // Truth's absorbing-chain win probabilities decrease toward the first stage and beat nothing.
    let wins = world.truth.stages.map(\.winProbability)
    #expect(zip(wins, wins.dropFirst()).allSatisfy { $0 < $1 })
    #expect(wins.last! == config.stages.last!.advance)
  }

  @Test func dealSizeLeverRaisesLaterBookingsOnly() throws {
    let leverDate = Day(year: 2025, month: 1, day: 1)!
    var base = WorldConfiguration(scale: 0.3)
    base.horizonEnd = Day(year: 2026, month: 12, day: 31)!
    var lifted = base
    lifted.levers = [Lever(.dealSizeScale(1.1), from: leverDate)]
    let a = try SampleWorld.generate(configuration: base, seed: 9)
    let b = try SampleWorld.generate(configuration: lifted, seed: 9)
    #expect(a.dealCount == b.dealCount)
    let qa = a.bookings(), qb = b.bookings()
    #expect(qa.map(\.period) == qb.map(\.period))
    for (x, y) in zip(qa, qb) where x.period.end <= leverDate {
      #expect(x.amount == y.amount && x.count == y.count, "\(x.period) changed before the lever")
    }
    // New deals created after the lever: +10% up to rounding to 100.
    let na = a.bookings(types: [.new], createdFrom: leverDate).reduce(0) { $0 + $1.amount }
    let nb = b.bookings(types: [.new], createdFrom: leverDate).reduce(0) { $0 + $1.amount }
    #expect(abs(nb / na - 1.1) < 0.005)
    // All bookings well after the lever: close to +10% (renewals of older customers dilute it).
    let late = Day(year: 2025, month: 7, day: 1)!
    let ta = qa.filter { $0.period.start >= late }.reduce(0) { $0 + $1.amount }
    let tb = qb.filter { $0.period.start >= late }.reduce(0) { $0 + $1.amount }
    #expect(tb / ta > 1.05 && tb / ta < 1.105, "late bookings ratio \(tb / ta)")
  }

  @Test func extraHiresLeaveTheEarlierWorldUnchanged() throws {
    let leverDate = Day(year: 2025, month: 4, day: 1)!
    let base = WorldConfiguration(scale: 0.2)
    var hired = base
    hired.levers = [Lever(.extraHires(count: 3, team: "West"), from: leverDate)]
    let a = try SampleWorld.generate(configuration: base, seed: 2)
    let b = try SampleWorld.generate(configuration: hired, seed: 2)
    #expect(b.reps.count == a.reps.count + 3)
    let early = { (w: GeneratedWorld) in w.bookings().filter { $0.period.end <= leverDate } }
    #expect(early(a) == early(b))
    #expect(b.dealCount > a.dealCount)
  }

  @Test func truthRoundTripsThroughJSON() throws {
    var config = WorldConfiguration(scale: 0.1)
    config.levers = [Lever(.cycleLengthScale(0.9), from: Day(year: 2025, month: 1, day: 1)!)]
    let world = try SampleWorld.generate(configuration: config, seed: 1)
    let data = try world.truth.jsonData()
    let decoded = try WorldTruth.decode(data)
    #expect(decoded == world.truth)
    #expect(try decoded.jsonData() == data)
    let text = String(decoding: data, as: UTF8.self)
    #expect(text.contains("\"win_probability\""))
    #expect(text.contains("\"exit_time_median_days\""))
  }

  @Test func invalidConfigurationsAreRejected() {
    var config = WorldConfiguration(scale: 0.1)
    config.stages[0].loss += 0.1
    #expect(throws: SyntheticError.self) { try SampleWorld.generate(configuration: config, seed: 1) }
    var lever = WorldConfiguration(scale: 0.1)
    lever.levers = [Lever(.leadVolumeScale(source: "tv", factor: 2), from: lever.start)]
    #expect(throws: SyntheticError.unknownName(kind: "source", name: "tv")) {
      try SampleWorld.generate(configuration: lever, seed: 1)
    }
  }

  @Test func defaultScaleFitsInFiveMegabytes() throws {
    let dir = temporaryFolder("size")
    defer { try? FileManager.default.removeItem(at: dir) }
    let world = try SampleWorld.generate(configuration: WorldConfiguration(), seed: 7)
    try world.write(to: dir)
    var total = 0
    for name in fileNames {
      let attributes = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent(name).path)
      total += (attributes[.size] as! NSNumber).intValue
    }
    #expect(total <= 5_000_000)
    #expect((8_000...12_000).contains(world.dealCount))
  }
}
