import CRMData
import _TestSupport
import Foundation
import Statistics

@testable import PipelineModel

func m(_ text: String) -> Moment { Moment(text)! }
func day(_ text: String) -> Day { Day(text)! }
func period(_ label: String) -> Period { FiscalCalendar.standard.period(label)! }


/// Closed forms for the hand-made model (docs/INSPECTION.md, "Worked example").
enum Exact {
  /// E₁(x) = −γ − ln x − Σ_{k≥1} (−x)^k / (k · k!), the exponential integral (x > 0, small x).
  static func e1(_ x: Double) -> Double {
    var sum = 0.0
    var term = 1.0
    for k in 1...200 {
      term *= -x / Double(k)
      let add = term / Double(k)
      sum += add
      if abs(add) < 1e-18 { break }
    }
    return -0.57721566490153286 - log(x) - sum
  }

  static let closingRate = log(2.0) / 20
  static let discoveryRate = log(2.0) / 10

  /// Closing: T ~ Exp(λ = ln 2 / 20), P(lost | T = t) = t / (t + 20), wins otherwise. Given
  /// T > a, P(won with T − a < x) = ∫₀ˣ λe^{−λr} 20/(a + r + 20) dr
  /// = 20λ e^{λ(a+20)} [E₁(λ(a + 20)) − E₁(λ(a + 20 + x))]; x = ∞ gives P(ever).
  static func closingWin(age a: Double, within x: Double = .infinity) -> Double {
    let l = closingRate
    let tail = x.isFinite ? e1(l * (a + 20 + x)) : 0
    return 20 * l * exp(l * (a + 20)) * (e1(l * (a + 20)) - tail)
  }

  /// Discovery: T ~ Exp(ln 2 / 10), lost with probability ½ whatever T, else on to Closing.
  /// Memoryless, so age does not matter: P(ever) = ½ · closingWin(0), and
  /// P(won before x) = ∫₀ˣ λ₁e^{−λ₁u} ½ closingWin(0, x − u) du (Simpson, 20 000 intervals).
  static func discoveryWin(within x: Double = .infinity) -> Double {
    guard x.isFinite else { return 0.5 * closingWin(age: 0) }
    let n = 20_000
    let h = x / Double(n)
    var sum = 0.0
    for i in 0...n {
      let u = Double(i) * h
      let w: Double = (i == 0 || i == n) ? 1 : (i % 2 == 1 ? 4 : 2)
      let inner = x - u > 0 ? closingWin(age: 0, within: x - u) : 0
      sum += w * discoveryRate * exp(-discoveryRate * u) * 0.5 * inner
    }
    return sum * h / 3
  }
}

/// The hand-made two-stage pipeline of the worked example.
enum HandModel {
  static let asOf = day("2026-01-31")

  static func estimate(_ d: DurationDistribution) -> DurationEstimate {
    DurationEstimate(
      distribution: d, covariance: [], medianDays: d.median, p10Days: d.quantile(0.1),
      p90Days: d.quantile(0.9), kaplanMeierMedianDays: nil, aic: [:], maxSurvivalGap: 0,
      events: 0, censored: 0)
  }

  static func probability(_ p: Double) -> EstimatedProbability {
    EstimatedProbability(value: p, lower: p, upper: p, count: 0)
  }

  static var model: FittedPipeline {
    let closingWin = Exact.closingWin(age: 0)
    let stages = [
      FittedStage(
        name: "Discovery", order: 1, crmProbability: 0.2, entered: 0, censored: 0,
        exitCounts: ExitCounts(advanced: 0, won: 0, lost: 0, skipped: 0, movedBack: 0),
        advanceProbability: probability(0.5), lossProbability: probability(0.5),
        winDirectProbability: 0, moveProbabilities: [0, 0.5], winProbability: 0.5 * closingWin,
        expectedRemainingSteps: 1.5, suggestedCRMProbability: 0.5 * closingWin,
        timeInStage: estimate(.exponential(rate: Exact.discoveryRate)),
        lossGivenTime: LogisticCurve(coefficients: [0], covariance: []), winShare: 0,
        moveShares: [0, 1]),
      FittedStage(
        name: "Closing", order: 2, crmProbability: 0.6, entered: 0, censored: 0,
        exitCounts: ExitCounts(advanced: 0, won: 0, lost: 0, skipped: 0, movedBack: 0),
        advanceProbability: probability(closingWin), lossProbability: probability(1 - closingWin),
        winDirectProbability: closingWin, moveProbabilities: [0, 0], winProbability: closingWin,
        expectedRemainingSteps: 1, suggestedCRMProbability: closingWin,
        timeInStage: estimate(.exponential(rate: Exact.closingRate)),
        lossGivenTime: LogisticCurve(coefficients: [-log(20), 1], covariance: []), winShare: 1,
        moveShares: [0, 0]),
    ]
    return FittedPipeline(
      formatVersion: FittedPipeline.currentFormatVersion, asOf: asOf, stages: stages,
      cycleLength: CycleLength(
        medianDays: nil, naiveMedianDays: nil, p10Days: nil, p90Days: nil, winRate: nil),
      dealSize: DealSizeModel(
        overall: DealSizeModel.Group(
          key: "all", mu: log(50_000), sigma: 1, count: 10, share: 1, medianAmount: 50_000,
          meanAmount: 80_000),
        bySegment: [], bySource: [], byType: [], closeToCreateRatio: 1, wonToAllRatio: 1),
      leadFunnel: nil, reps: nil, slip: nil, accounts: nil, notes: [])
  }

  static let stages = [
    StageDefinition(name: "Discovery", order: 1, kind: .open, probability: 0.2),
    StageDefinition(name: "Closing", order: 2, kind: .open, probability: 0.6),
    StageDefinition(name: "Won", order: 3, kind: .won, probability: 1),
    StageDefinition(name: "Lost", order: 4, kind: .lost, probability: 0),
  ]

  //  deal  stage      entered     age  amount   owner  category   CRM close   slips  last done   planned
  //  D1    Closing    2026-01-26    6  100,000  r1     commit     2026-02-20      1  2026-01-29  2026-02-03
  //  D2    Closing    2025-07-15  201  300,000  r2     best_case  2026-01-15      3  2025-12-01  -
  //  D3    Discovery  2026-01-20   12   50,000  r1     pipeline   2026-03-31      0  2026-01-20  -
  //  D4    Discovery  2025-12-15   48   20,000  r2     -          -               0  -           -
  //  D5    won 2026-01-10 (40,000), D6 lost 2026-01-12: not listed.
  static var folder: CRMFolder {
    let deals = [
      Deal(
        id: "D1", createdOn: m("2026-01-05"), ownerID: "r1", amount: 100_000, status: .open,
        expectedCloseOn: m("2026-02-20"), forecastCategory: .commit),
      Deal(
        id: "D2", createdOn: m("2025-06-01"), ownerID: "r2", amount: 300_000, status: .open,
        expectedCloseOn: m("2026-01-15"), forecastCategory: .bestCase),
      Deal(
        id: "D3", createdOn: m("2026-01-20"), ownerID: "r1", amount: 50_000, status: .open,
        expectedCloseOn: m("2026-03-31"), forecastCategory: .pipeline),
      Deal(id: "D4", createdOn: m("2025-12-15"), ownerID: "r2", amount: 20_000, status: .open),
      Deal(
        id: "D5", createdOn: m("2025-12-01"), ownerID: "r1", amount: 40_000, status: .won,
        closedOn: m("2026-01-10"), expectedCloseOn: m("2026-01-10")),
      Deal(
        id: "D6", createdOn: m("2025-12-01"), ownerID: "r2", amount: 10_000, status: .lost,
        closedOn: m("2026-01-12")),
    ]
    let history = [
      DealHistoryRow(
        dealID: "D1", changedOn: m("2026-01-05"), stage: "Discovery",
        expectedCloseOn: m("2026-02-15")),
      DealHistoryRow(
        dealID: "D1", changedOn: m("2026-01-26"), stage: "Closing", expectedCloseOn: m("2026-02-20")
      ),
      DealHistoryRow(
        dealID: "D2", changedOn: m("2025-06-01"), stage: "Discovery",
        expectedCloseOn: m("2025-08-31")),
      DealHistoryRow(dealID: "D2", changedOn: m("2025-07-15"), stage: "Closing"),
      DealHistoryRow(
        dealID: "D2", changedOn: m("2025-09-01"), stage: "Closing", expectedCloseOn: m("2025-10-31")
      ),
      DealHistoryRow(
        dealID: "D2", changedOn: m("2025-11-01"), stage: "Closing", expectedCloseOn: m("2025-12-31")
      ),
      DealHistoryRow(
        dealID: "D2", changedOn: m("2026-01-01"), stage: "Closing", expectedCloseOn: m("2026-01-15")
      ),
      DealHistoryRow(
        dealID: "D3", changedOn: m("2026-01-20"), stage: "Discovery",
        expectedCloseOn: m("2026-03-31")),
      DealHistoryRow(dealID: "D4", changedOn: m("2025-12-15"), stage: "Discovery"),
      DealHistoryRow(dealID: "D5", changedOn: m("2025-12-01"), stage: "Closing"),
      DealHistoryRow(dealID: "D5", changedOn: m("2026-01-10"), stage: "Won"),
      DealHistoryRow(dealID: "D6", changedOn: m("2025-12-01"), stage: "Discovery"),
      DealHistoryRow(dealID: "D6", changedOn: m("2026-01-12"), stage: "Lost"),
    ]
    let activities = [
      Activity(id: "A1", occurredOn: m("2026-01-29"), ownerID: "r1", kind: .call, dealID: "D1"),
      Activity(id: "A2", occurredOn: m("2026-01-10"), ownerID: "r1", kind: .email, dealID: "D1"),
      Activity(
        id: "A3", occurredOn: m("2026-02-03"), ownerID: "r1", kind: .meeting, dealID: "D1",
        status: .planned),
      Activity(id: "A4", occurredOn: m("2025-12-01"), ownerID: "r2", kind: .call, dealID: "D2"),
      Activity(id: "A5", occurredOn: m("2026-01-20"), ownerID: "r1", kind: .demo, dealID: "D3"),
    ]
    return makeFolder(
      deals: deals, history: history, stages: stages, activities: activities,
      asOf: "2026-01-31")
  }
}
