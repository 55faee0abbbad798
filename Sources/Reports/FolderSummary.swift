import CRMData

/// What `pipecast validate` reports: rows per file, the export date, and what is missing.
public struct FolderSummary: Encodable, Sendable {
  public struct FileCount: Encodable, Sendable {
    public let file: String
    public let rows: Int
  }

  public let asOf: String
  public let files: [FileCount]
  public let missing: [String]
  public let warnings: Int
  public let openDeals: Int
  public let stages: [String]

  enum CodingKeys: String, CodingKey {
    case asOf = "as_of", files, missing, warnings, openDeals = "open_deals", stages
  }

  public init(_ loaded: LoadedFolder) {
    let folder = loaded.folder
    asOf = folder.asOf.description
    var counts: [FileCount] = [FileCount(file: "deals.csv", rows: folder.deals.count)]
    func add(_ name: String, _ count: Int?) {
      if let count { counts.append(FileCount(file: name, rows: count)) }
    }
    add("deal_history.csv", folder.history?.count)
    add("stages.csv", folder.stagesFromFile ? folder.stages.count : nil)
    add("leads.csv", folder.leads?.count)
    add("activities.csv", folder.activities?.count)
    add("reps.csv", folder.reps?.count)
    add("quotas.csv", folder.quotas?.count)
    add("accounts.csv", folder.accounts?.count)
    add("costs.csv", folder.costs?.count)
    files = counts
    missing = loaded.missingFiles
    warnings = loaded.warnings.count
    openDeals = folder.deals.lazy.filter { $0.status == .open }.count
    stages = folder.stages.sorted { $0.order < $1.order }.map { "\($0.name) (\($0.kind.rawValue))" }
  }

  /// The summary as a table.
  public var table: TextTable {
    var table = TextTable(
      title: "CRM folder as of \(asOf): \(openDeals) open deals",
      headers: ["file", "rows"])
    for file in files { table.append([file.file, String(file.rows)]) }
    table.footnotes = ["stages: " + (stages.isEmpty ? "none" : stages.joined(separator: " → "))]
      + missing.map { "note: \($0)" }
      + (warnings > 0 ? ["\(warnings) warning(s) on standard error"] : [])
    return table
  }
}
