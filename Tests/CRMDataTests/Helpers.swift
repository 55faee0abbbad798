import CRMData
import Foundation

/// Loads an in-memory folder (file name → contents).
func loadFolder(
  _ files: [String: String], maxErrors: Int = 100, threads: Int = 1
) throws(CRMDataError) -> LoadedFolder {
  var bytes: [String: CSVBytes] = [:]
  for (name, text) in files { bytes[name] = CSVBytes(text) }
  return try CRMFolderLoader.load(
    files: bytes, options: LoadOptions(maxErrors: maxErrors, threads: threads))
}

/// The diagnostics a load throws (empty when it loads).
func loadErrors(_ files: [String: String]) -> [String] {
  do {
    _ = try loadFolder(files)
    return []
  } catch {
    if case .invalidData(let d) = error { return d.map(\.description) }
    return [error.description]
  }
}

/// Every record of `text` as arrays of strings, plus the diagnostics.
func readAll(_ text: String, file: String = "t.csv") -> (
  columns: [String], rows: [[String]], lines: [Int], diagnostics: [String]
) {
  let reader = CSVReader(file: file, bytes: CSVBytes(text))
  var sink = DiagnosticSink(maxErrors: 100)
  var rows: [[String]] = []
  var lines: [Int] = []
  if reader.headerDiagnostics.isEmpty {
    reader.forEachRecord(sink: &sink) { r in
      rows.append((0..<r.count).map { r.string($0) })
      lines.append(r.line)
    }
  }
  return (reader.columns, rows, lines, (reader.headerDiagnostics + sink.errors).map(\.description))
}

/// A small valid folder: three deals with history, stages, and every optional file.
enum Sample {
  static let deals = """
    deal_id,created_on,owner_id,amount,status,closed_on,expected_close_on,forecast_category
    D1,2025-01-05,R1,1000,won,2025-02-10,2025-02-10,commit
    D2,2025-01-10,R2,500.50,open,,2025-04-01,best_case
    D3,2025-01-12,R1,0,lost,2025-03-01,,
    D4,2025-03-20,R2,700,open,,2025-06-30,pipeline

    """
  static let history = """
    deal_id,changed_on,stage,amount,expected_close_on,owner_id,forecast_category
    D1,2025-01-05,Qualify,800,2025-03-01,R2,pipeline
    D1,2025-01-20,Propose,900,,,
    D1,2025-02-10,Won,1000,,R1,commit
    D2,2025-01-10,Qualify,300,2025-03-15,R1,
    D2,2025-02-01,Propose,,2025-03-31,,best_case
    D2,2025-03-05,Negotiate,500.50,2025-04-01,R2,
    D3,2025-01-12,Qualify,,,,
    D3,2025-03-01,Lost,,,,
    D4,2025-03-20,Qualify,700,,,

    """
  static let stages = """
    stage,order,kind,probability
    Qualify,1,open,0.1
    Propose,2,open,0.4
    Negotiate,3,open,0.7
    Won,4,won,1
    Lost,5,lost,0

    """
  static let leads = """
    lead_id,created_on,source,owner_id,first_contact_on,qualified_on,disqualified_on,deal_id
    L1,2025-01-01T09:00:00+01:00,web,R1,2025-01-02T10:30Z,2025-01-04,,D1
    L2,2025-03-01,event,R2,2025-03-02,,2025-03-10,
    L3,2025-03-18,web,R2,2025-03-19,2025-03-20,,D4

    """
  static let activities = """
    activity_id,occurred_on,owner_id,kind,deal_id,status
    A1,2025-01-15,R1,call,D1,done
    A2,2025-03-21,R2,meeting,D4,
    A3,2025-04-02,R2,demo,D4,planned

    """
  static let reps = """
    rep_id,name,team,role,hired_on,left_on
    R1,Åse Øvergård,Nord,ae,2024-01-01,
    R2,Jürgen Bäck,Süd,ae,2025-02-01,2025-03-15

    """
  static let quotas = """
    owner_id,period,amount
    R1,2025-Q1,5000
    Nord,2025-03,1000

    """
  static let accounts = """
    account_id,name,segment,became_customer_on,churned_on
    C1,"Acme, Inc.",SMB,2025-02-10,2025-03-15

    """
  static let costs = """
    period,category,source,amount
    2025-01,marketing,web,100
    2025-Q1,sales,,300
    2025-03,other,,50

    """
  static var all: [String: String] {
    [
      "deals.csv": deals, "deal_history.csv": history, "stages.csv": stages, "leads.csv": leads,
      "activities.csv": activities, "reps.csv": reps, "quotas.csv": quotas,
      "accounts.csv": accounts, "costs.csv": costs,
    ]
  }

  /// `all` with `name` replaced.
  static func with(_ name: String, _ text: String) -> [String: String] {
    var files = all
    files[name] = text
    return files
  }
}
