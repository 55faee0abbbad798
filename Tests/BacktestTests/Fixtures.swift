import CRMData
import Foundation
import _TestSupport

@testable import Backtest

/// A hand-made CRM folder whose baselines are worked out by hand in `BaselineTests`.
///
/// Target 2025-Q2, origin 2025-03-31 (lead 0). Won before the origin: Z 150 (2023-05-10), A 100
/// (2024-02-10), B 200 (2024-05-15), C 300 (2024-12-20), D 400 (2025-02-15). Open at the origin:
/// E (Proposal, 1 000 then, 1 500 final, expected 2025-05-01, won 2025-05-20), F (Commit, 600,
/// expected 2025-06-10, lost 2025-06-20), G (Qualification, 50, expected 2025-08-01, still open).
/// Created after the origin: H 700, won 2025-06-01. The last event before the origin is on
/// 2025-03-20, so the cut folder's export date is earlier than the origin; the full folder's is
/// 2025-07-05 (G moves on).
enum HandFolder {
  static let stages = """
    stage,order,kind,probability
    Qualification,1,open,0.2
    Proposal,2,open,0.5
    Commit,3,open,0.8
    Closed Won,4,won,1
    Closed Lost,5,lost,0

    """

  static let fullDeals = """
    deal_id,created_on,owner_id,amount,status,closed_on,expected_close_on
    Z,2023-03-15,R1,150,won,2023-05-10,2023-05-10
    A,2024-01-05,R1,100,won,2024-02-10,2024-02-10
    B,2024-04-02,R1,200,won,2024-05-15,2024-05-15
    C,2024-10-01,R1,300,won,2024-12-20,2024-12-20
    D,2025-01-02,R1,400,won,2025-02-15,2025-02-15
    E,2025-02-01,R1,1500,won,2025-05-20,2025-05-20
    F,2025-03-01,R1,600,lost,2025-06-20,2025-06-20
    G,2025-03-20,R1,50,open,,2025-08-01
    H,2025-04-10,R1,700,won,2025-06-01,2025-06-01

    """

  static let fullHistory = """
    deal_id,changed_on,stage,amount,expected_close_on
    Z,2023-03-15,Qualification,150,2023-05-01
    Z,2023-05-10,Closed Won,150,2023-05-10
    A,2024-01-05,Qualification,100,2024-02-01
    A,2024-02-10,Closed Won,100,2024-02-10
    B,2024-04-02,Qualification,200,2024-05-01
    B,2024-05-15,Closed Won,200,2024-05-15
    C,2024-10-01,Qualification,300,2024-12-01
    C,2024-12-20,Closed Won,300,2024-12-20
    D,2025-01-02,Qualification,400,2025-02-01
    D,2025-02-15,Closed Won,400,2025-02-15
    E,2025-02-01,Proposal,1000,2025-05-01
    E,2025-05-20,Closed Won,1500,2025-05-20
    F,2025-03-01,Qualification,600,2025-06-10
    F,2025-03-10,Commit,,
    F,2025-06-20,Closed Lost,,2025-06-20
    G,2025-03-20,Qualification,50,2025-08-01
    H,2025-04-10,Qualification,700,2025-06-01
    H,2025-06-01,Closed Won,700,2025-06-01
    G,2025-07-05,Proposal,,

    """

  /// The same world written as it stood at the end of 2025-03-31 (docs/DATA-FORMAT.md, "Point
  /// in time"): later deals and rows gone, later closings reopened with their as-of values.
  static let cutDeals = """
    deal_id,created_on,owner_id,amount,status,closed_on,expected_close_on
    Z,2023-03-15,R1,150,won,2023-05-10,2023-05-10
    A,2024-01-05,R1,100,won,2024-02-10,2024-02-10
    B,2024-04-02,R1,200,won,2024-05-15,2024-05-15
    C,2024-10-01,R1,300,won,2024-12-20,2024-12-20
    D,2025-01-02,R1,400,won,2025-02-15,2025-02-15
    E,2025-02-01,R1,1000,open,,2025-05-01
    F,2025-03-01,R1,600,open,,2025-06-10
    G,2025-03-20,R1,50,open,,2025-08-01

    """

  static var cutHistory: String {
    fullHistory.split(separator: "\n", omittingEmptySubsequences: false).filter { line in
      let fields = line.split(separator: ",", omittingEmptySubsequences: false)
      return fields.count < 2 || fields[1] == "changed_on" || fields[1] <= "2025-03-31"
    }.joined(separator: "\n")
  }

  static let origin = BacktestOrigin(
    index: 0, asOf: Day(year: 2025, month: 3, day: 31)!,
    target: FiscalCalendar.standard.period("2025-Q2")!)

  static func load(deals: String, history: String) throws -> CRMFolder {
    let url = TestSupport.folder([
      "deals.csv": deals, "deal_history.csv": history, "stages.csv": stages,
    ])
    defer { try? FileManager.default.removeItem(at: url) }
    return try CRMFolderLoader.load(at: url).folder
  }

  static func full() throws -> CRMFolder { try load(deals: fullDeals, history: fullHistory) }
  static func cut() throws -> CRMFolder { try load(deals: cutDeals, history: cutHistory) }
}

/// A deterministic stand-in for Pipecast that reacts to anything in the folder it is given (so a
/// leak changes its output): every deal's amount, status and close date, every history row, and
/// the as-of date, plus the seed.
struct StubForecaster: BookingsForecaster {
  var probabilities: [String: Double] = ["E": 0.4, "F": 0.1, "G": 0.05]

  func forecast(folder: CRMFolder, horizon: [Period], trials: Int, seed: UInt64) throws
    -> ForecastSample
  {
    var fingerprint = Double(folder.asOf.index) + Double(horizon.count) * 7
    for d in folder.deals {
      fingerprint += d.amount * 0.001 + (d.status == .open ? 1 : 3)
      fingerprint += Double(d.closedOn?.day.index ?? 0) * 1e-6
    }
    fingerprint += Double(folder.history?.count ?? 0) * 0.5
    var open: [String: Double] = [:]
    for d in folder.deals where d.status == .open { open[d.id] = probabilities[d.id] ?? 0.1 }
    let base = 1_000 + fingerprint + Double(seed % 97)
    return ForecastSample(
      trials: (0..<trials).map { base + Double(($0 * 37) % trials) * 10 },
      dealWinProbabilities: open, notes: ["stub"])
  }
}
