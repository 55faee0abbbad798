import CRMData
import Foundation
import PipelineModel
import Testing

@testable import Inspection

@Suite struct WinTimingTests {
  @Test(arguments: [0.0, 6, 20, 201])
  func closingStageMatchesClosedForm(age: Double) {
    var timing = WinTiming(model: HandModel.model, horizonDays: 400)
    let p = DealPosition(stage: 1, ageDays: age)
    let ever = timing.probabilityEver(p)
    #expect(abs(ever - Exact.closingWin(age: age)) < 2e-4)
    for x in [1, 7, 30, 59, 200] {
      let got = timing.probabilityOfWin(p, inDays: 0..<x)
      let want = Exact.closingWin(age: age, within: Double(x))
      #expect(abs(got - want) < 5e-5, "age \(age), \(x) days: \(got) vs \(want)")
    }
  }

  @Test func discoveryIsMemorylessAndMatchesConvolution() {
    var timing = WinTiming(model: HandModel.model, horizonDays: 400)
    let young = DealPosition(stage: 0, ageDays: 3)
    let old = DealPosition(stage: 0, ageDays: 300)
    #expect(abs(timing.probabilityEver(young) - Exact.discoveryWin()) < 2e-4)
    #expect(abs(timing.probabilityEver(old) - Exact.discoveryWin()) < 2e-4)
    for x in [10, 59, 120] {
      let want = Exact.discoveryWin(within: Double(x))
      let got = timing.probabilityOfWin(young, inDays: 0..<x)
      #expect(abs(got - want) < 1e-3, "\(x) days: \(got) vs \(want)")
      #expect(abs(timing.probabilityOfWin(old, inDays: 0..<x) - got) < 1e-9)
    }
  }

  @Test func windowsAddUpAndApproachEver() {
    var timing = WinTiming(model: HandModel.model, horizonDays: 3000)
    for p in [DealPosition(stage: 0, ageDays: 5), DealPosition(stage: 1, ageDays: 50)] {
      let a = timing.probabilityOfWin(p, inDays: 0..<30)
      let b = timing.probabilityOfWin(p, inDays: 30..<90)
      let c = timing.probabilityOfWin(p, inDays: 0..<90)
      #expect(abs(a + b - c) < 1e-12)
      let all = timing.probabilityOfWin(p, inDays: 0..<3000)
      #expect(abs(all - timing.probabilityEver(p)) < 1e-3)
    }
  }
}
