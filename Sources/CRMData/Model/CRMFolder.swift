/// A whole CRM folder in memory: every file of the contract, already validated.
///
/// Optional files that were absent are `nil` (not empty), so a KPI or model can say
/// "no leads.csv: contact rate not computed" rather than report a zero. `deals` keeps file order;
/// `history` is sorted by deal (in `deals` order) and then by `changedOn`, stably, so one deal's
/// rows are contiguous and `historyRange(ofDeal:)` finds them without a dictionary.
public struct CRMFolder: Sendable {
  public var deals: [Deal]
  public var history: [DealHistoryRow]?
  /// The pipeline definition: from stages.csv when present, else inferred from history.
  public var stages: [StageDefinition]
  /// True when `stages` came from stages.csv rather than being inferred.
  public var stagesFromFile: Bool
  public var leads: [Lead]?
  public var activities: [Activity]?
  public var reps: [Rep]?
  public var quotas: [Quota]?
  public var accounts: [Account]?
  public var costs: [Cost]?
  /// The date the data is known up to: the export date, or the point-in-time view's date.
  public var asOf: Day
  public var calendar: FiscalCalendar
  /// For each deal (same index as `deals`), the half-open range of its rows in `history`.
  public var historyRanges: [Range<Int>]

  public init(
    deals: [Deal], history: [DealHistoryRow]?, stages: [StageDefinition], stagesFromFile: Bool,
    leads: [Lead]?, activities: [Activity]?, reps: [Rep]?, quotas: [Quota]?, accounts: [Account]?,
    costs: [Cost]?, asOf: Day, calendar: FiscalCalendar, historyRanges: [Range<Int>]
  ) {
    self.deals = deals
    self.history = history
    self.stages = stages
    self.stagesFromFile = stagesFromFile
    self.leads = leads
    self.activities = activities
    self.reps = reps
    self.quotas = quotas
    self.accounts = accounts
    self.costs = costs
    self.asOf = asOf
    self.calendar = calendar
    self.historyRanges = historyRanges
  }

  /// The history rows of deal number `index` (empty when there is no history).
  public func historyRows(ofDeal index: Int) -> ArraySlice<DealHistoryRow> {
    guard let history, index < historyRanges.count else { return [] }
    return history[historyRanges[index]]
  }

  /// The open stages in pipeline order.
  public var openStages: [StageDefinition] {
    stages.filter { $0.kind == .open }.sorted { $0.order < $1.order }
  }
}
