import CRMData
import Foundation
import PipelineModel
import Testing

@testable import Inspection

/// Every column of `pipecast deals` on the hand-made pipeline (Fixtures.swift), as-of
/// 2026-01-31, period 2026-Q1: the window is days 0..<59 after as-of (Feb 1 – Mar 31).
@Suite struct DealInspectorTests {
  static let p50 = 200_000.0

  static func inspection() throws -> DealInspection {
    try DealInspector.inspect(
      folder: HandModel.folder, model: HandModel.model,
      options: DealInspectionOptions(period: period("2026-Q1")), periodP50: p50)
  }

  func row(_ id: String) throws -> InspectedDeal {
    try #require(try Self.inspection().deals.first { $0.dealID == id })
  }

  /// Smallest whole day x with P(won before x) ≥ ½ P(ever); the model's close date is as-of + x.
  static func medianDay(_ f: (Double) -> Double, ever: Double) -> Int {
    var x = 1
    while f(Double(x)) < 0.5 * ever { x += 1 }
    return x
  }

  @Test func listsOpenDealsOnly() throws {
    #expect(try Self.inspection().deals.map(\.dealID) == ["D1", "D2", "D3", "D4"])
  }

  @Test func freshClosingDeal() throws {
    let r = try row("D1")
    #expect(r.stage == "Closing")
    #expect(r.amount == 100_000)
    #expect(r.ownerID == "r1")
    #expect(r.forecastCategory == .commit)
    #expect(r.daysInStage == 6)  // 2026-01-26 → end of 2026-01-31
    #expect(abs(r.stageMedianDays! - 20) < 1e-9)
    #expect(abs(r.stageP90Days! - 20 * log2(10)) < 1e-9)  // 66.44 d
    let inPeriod = Exact.closingWin(age: 6, within: 59)
    let ever = Exact.closingWin(age: 6)
    #expect(abs(r.probabilityInPeriod! - inPeriod) < 1e-4)
    #expect(abs(r.probabilityEver! - ever) < 2e-4)
    #expect(abs(r.expectedValue! - 100_000 * inPeriod) < 10)
    #expect(abs(r.shareOfP50! - 100_000 * inPeriod / Self.p50) < 1e-4)
    let onTrack = Exact.closingWin(age: 0, within: 59)
    #expect(abs(r.probabilityInPeriodOnTrack! - onTrack) < 1e-4)
    #expect(abs(r.attentionValue! - 100_000 * (onTrack - inPeriod)) < 20)
    let x = Self.medianDay({ Exact.closingWin(age: 6, within: $0) }, ever: ever)
    #expect(r.modelCloseOn == HandModel.asOf.advanced(by: x))
    #expect(r.crmCloseOn == day("2026-02-20"))
    #expect(r.slips == 1)  // 02-15 → 02-20
    #expect(r.lastActivityOn == day("2026-01-29"))
    #expect(r.daysSinceActivity == 2)
    #expect(r.nextStepPlanned == true)
    #expect(r.flags.isEmpty)
  }

  /// 201 days in a stage whose median is 20: the loss curve t/(t + 20) says a stay this long
  /// almost always ends lost, so P(ever) falls from 0.525 (fresh) to 0.081 (values checked with
  /// scipy.special.exp1: 20λe^{20λ}E₁(20λ) = 0.52495, 20λe^{221λ}E₁(221λ) = 0.08095).
  @Test func dealFarBeyondItsStageMedian() throws {
    let r = try row("D2")
    #expect(r.daysInStage == 201)
    let inPeriod = Exact.closingWin(age: 201, within: 59)
    let ever = Exact.closingWin(age: 201)
    #expect(abs(Exact.closingWin(age: 0) - 0.52495) < 1e-5)
    #expect(abs(ever - 0.08095) < 1e-5)
    #expect(abs(r.probabilityEver! - ever) < 2e-4)
    #expect(abs(r.probabilityInPeriod! - inPeriod) < 1e-4)
    #expect(abs(r.expectedValue! - 300_000 * inPeriod) < 30)
    #expect(r.crmCloseOn == day("2026-01-15"))
    #expect(r.slips == 3)  // 08-31 → 10-31 → 12-31 → 01-15
    #expect(r.daysSinceActivity == 61)
    #expect(r.nextStepPlanned == false)
    #expect(r.forecastCategory == .bestCase)
    // Large: the P80 of the open amounts 20k, 50k, 100k, 300k is 100k + 0.4 · 200k = 180k.
    #expect(abs(try Self.inspection().thresholds.largeAmount - 180_000) < 1e-6)
    #expect(
      r.flags == [
        .stalled, .slippedRepeatedly, .overdue, .goneQuiet, .noNextStep, .largeLowProbability,
      ])
  }

  @Test func discoveryDeals() throws {
    let d3 = try row("D3")
    #expect(d3.daysInStage == 12)
    #expect(abs(d3.stageMedianDays! - 10) < 1e-9)
    #expect(abs(d3.probabilityEver! - Exact.discoveryWin()) < 2e-4)
    #expect(abs(d3.probabilityInPeriod! - Exact.discoveryWin(within: 59)) < 1e-3)
    #expect(d3.daysSinceActivity == 11)
    #expect(d3.flags == [.noNextStep])
    // D4: 48 days in a stage with P90 33.2, never touched since creation 47 days ago. Its
    // probabilities equal D3's: exponential stay, constant loss — age changes nothing here.
    let d4 = try row("D4")
    #expect(d4.daysInStage == 48)
    #expect(abs(d4.probabilityEver! - d3.probabilityEver!) < 1e-9)
    #expect(d4.daysSinceActivity == nil)
    #expect(d4.lastActivityOn == nil)
    #expect(d4.crmCloseOn == nil)
    #expect(d4.forecastCategory == nil)
    #expect(d4.flags == [.stalled, .goneQuiet, .noNextStep])
  }

  @Test func sortOrders() throws {
    let all = try Self.inspection()
    // Attention = amount × (P(period) at age 0 − P(period) at its age): D2 has lost most
    // (300k × (0.44 − 0.07)), then D1 (100k × small); D3 and D4 none (memoryless stage: equal up to rounding).
    let fresh = Exact.closingWin(age: 0, within: 59)
    let d2 = 300_000 * (fresh - Exact.closingWin(age: 201, within: 59))
    let d1 = 100_000 * (fresh - Exact.closingWin(age: 6, within: 59))
    #expect(d2 > d1 && d1 > 0)
    let risk = all.sorted(by: .risk).deals
    #expect(risk.prefix(2).map(\.dealID) == ["D2", "D1"])
    #expect(abs(risk[0].attentionValue! - d2) < 30)
    #expect(abs(risk[2].attentionValue!) < 1e-6 && abs(risk[3].attentionValue!) < 1e-6)
    #expect(all.sorted(by: .value).deals.map(\.dealID) == ["D2", "D1", "D3", "D4"])
    #expect(all.sorted(by: .probability).deals.first?.dealID == "D1")
    #expect(all.filtered(owners: ["r2"]).deals.map(\.dealID) == ["D2", "D4"])
  }

  @Test func thresholdsAreConfigurable() throws {
    var options = DealInspectionOptions(period: period("2026-Q1"))
    options.quietDays = 70
    options.slipsForFlag = 4
    options.largeAmount = 1_000_000
    let r = try DealInspector.inspect(
      folder: HandModel.folder, model: HandModel.model, options: options
    ).deals.first { $0.dealID == "D2" }!
    #expect(r.flags == [.stalled, .overdue, .noNextStep])
    #expect(r.shareOfP50 == nil)
  }

  @Test func periodOverIsAnError() {
    #expect(throws: InspectionError.periodOver(period: "2025-Q4", asOf: HandModel.asOf)) {
      try DealInspector.inspect(
        folder: HandModel.folder, model: HandModel.model,
        options: DealInspectionOptions(period: period("2025-Q4")))
    }
  }

  @Test func jsonHasTheDocumentedKeys() throws {
    let data = try JSONEncoder().encode(try Self.inspection())
    let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
    let deal = (object["deals"] as! [[String: Any]])[0]
    for key in [
      "deal_id", "stage", "amount", "owner_id", "days_in_stage", "probability_in_period",
      "probability_ever", "expected_value", "model_close_on", "crm_close_on", "slips",
      "days_since_activity", "flags",
    ] {
      #expect(deal[key] != nil, "missing \(key)")
    }
    #expect(deal["crm_close_on"] as? String == "2026-02-20")
  }
}
