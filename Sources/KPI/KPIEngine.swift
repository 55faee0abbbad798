import CRMData

/// Computes the KPI catalogue (docs/KPI-CATALOGUE.md) from a point-in-time CRM folder.
///
/// The folder is taken as it is: history already cut at as-of, deals' owner, amount and expected
/// close date those known at as-of. Deals count in the period they closed in (won and lost) or
/// were created in; leads in the period they were created in; activities by their date; snapshot
/// KPIs (pipeline, overdue, next steps) describe the open deals at as-of. Nothing open is ever
/// counted as lost.
public enum KPIEngine {
  /// Every KPI id, in catalogue order (the north star comes first and is chosen by the request).
  public static let catalogue: [String] = entries.map(\.id)

  struct Entry: Sendable {
    let id: String
    let compute: @Sendable (KPIContext) -> KPIResult
  }

  static let entries: [Entry] = [
    // Result
    Entry(id: "bookings") { $0.bookings() },
    Entry(id: "quota_attainment") { $0.quotaAttainment() },
    Entry(id: "weighted_pipeline") { $0.weightedPipeline() },
    Entry(id: "activity_volume") { $0.activityVolume() },
    Entry(id: "customer_acquisition_cost") { $0.customerAcquisitionCost() },
    Entry(id: "customer_lifetime_value") { $0.customerLifetimeValue() },
    // Working with marketing
    Entry(id: "lead_response_time") { $0.leadResponseTime() },
    Entry(id: "contact_rate") { $0.contactRate() },
    Entry(id: "lead_qualification_rate") { $0.leadQualificationRate() },
    Entry(id: "lead_channel_performance") { $0.leadChannelPerformance() },
    Entry(id: "hit_rate") { $0.hitRate() },
    // Sales process
    Entry(id: "win_rate") { $0.winRate() },
    Entry(id: "deal_slip_rate") { $0.dealSlipRate() },
    Entry(id: "stage_conversion_rate") { $0.stageConversionRate() },
    Entry(id: "sales_cycle_length") { $0.salesCycleLength() },
    Entry(id: "average_deal_size") { $0.averageDealSize() },
    Entry(id: "overdue_pipeline") { $0.overduePipeline() },
    Entry(id: "next_step_coverage") { $0.nextStepCoverage() },
    Entry(id: "activities_per_won_deal") { $0.activitiesPerWonDeal() },
    Entry(id: "sales_velocity") { $0.salesVelocity() },
    Entry(id: "pipeline_coverage") { $0.pipelineCoverage() },
    // Strategic direction
    Entry(id: "new_business_share") { $0.newBusinessShare() },
    Entry(id: "new_accounts") { $0.newAccounts() },
    Entry(id: "ltv_to_cac") { $0.ltvToCac() },
    Entry(id: "sales_linearity") { $0.salesLinearity() },
    Entry(id: "sales_growth") { $0.salesGrowth() },
    // Account management
    Entry(id: "churn_rate") { $0.churnRate() },
    Entry(id: "retention_rate") { $0.retentionRate() },
    Entry(id: "repeat_customer_rate") { $0.repeatCustomerRate() },
    Entry(id: "upsell_rate") { $0.upsellRate() },
    Entry(id: "contact_frequency") { $0.contactFrequency() },
  ]

  /// KPI ids whose work is over activities.csv.
  public static let activityKPIs: Set<String> = [
    "activity_volume", "activities_per_won_deal", "next_step_coverage", "contact_frequency",
  ]

  /// Computes the requested KPIs.
  /// - Parameters:
  ///   - folder: a validated, point-in-time CRM folder.
  ///   - request: period, breakdown and settings; the default is the fiscal quarter containing
  ///     as-of, to date, without breakdown.
  /// - Returns: the north star first, then the catalogue in order; KPIs whose input is missing are
  ///   listed with a nil value and `missing`.
  /// - Complexity: O(deals + history + leads + activities) per KPI family, plus sorting for
  ///   medians; no per-row string work except the joins a KPI needs (lead → deal, activity → deal).
  public static func compute(folder: CRMFolder, request: KPIRequest = KPIRequest()) -> KPIReport {
    let c = KPIContext(folder: folder, request: request)
    var kpis: [KPIResult] = []
    let star = request.northStar
    if request.only?.contains(star.rawValue) ?? true {
      switch star {
      case .activeCustomers: kpis.append(c.activeCustomers(group: .northStar))
      case .bookings: kpis.append(c.bookings(id: "bookings", group: .northStar))
      case .wonDeals: kpis.append(c.wonDeals(group: .northStar))
      case .newCustomers: kpis.append(c.newAccounts(id: "new_customers", group: .northStar))
      }
    }
    for entry in entries where entry.id != star.rawValue {
      if let only = request.only, !only.contains(entry.id) { continue }
      kpis.append(entry.compute(c))
    }
    return KPIReport(
      period: c.label, asOf: folder.asOf, kpis: kpis, start: Day(index: c.start),
      end: Day(index: max(c.start, c.end)), dimension: request.by)
  }
}
