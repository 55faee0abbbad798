import CRMData
import Foundation
import PipelineModel
import Testing

@testable import Inspection

/// The sample world (Samples/demo-crm, export 2025-12-31, period 2026-Q1): the top ten of
/// `pipecast deals --sort risk` are printed with their flags, and every flag is checked
/// against the row it is printed on, so a reviewer can follow each one.
@Suite(.serialized) struct SampleWorldTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  static func load() throws -> CRMFolder {
    try CRMFolderLoader.load(
      at: root.appendingPathComponent("Samples/demo-crm"), options: LoadOptions(calendar: .standard)
    ).folder
  }

  @Test func topTenRiskListIsExplainedByItsFlags() throws {
    let folder = try Self.load()
    let model = try PipelineFitter().fit(folder: folder)
    let period = folder.calendar.quarter(containing: folder.asOf.advanced(by: 1))
    let report = try DealInspector.inspect(
      folder: folder, model: model, options: DealInspectionOptions(period: period)
    ).sorted(by: .risk)
    let top = report.prefix(10).deals
    #expect(top.count == 10)
    let t = report.thresholds
    for d in top {
      print(
        "\(d.dealID) \(d.stage) \(Int(d.amount)) age \(Int(d.daysInStage ?? 0))/P90 "
          + "\(Int(d.stageP90Days ?? 0)) P(period) \(String(format: "%.3f", d.probabilityInPeriod ?? 0)) "
          + "on track \(String(format: "%.3f", d.probabilityInPeriodOnTrack ?? 0)) "
          + "slips \(d.slips) quiet \(d.daysSinceActivity.map(String.init) ?? "never") "
          + "close \(d.crmCloseOn?.description ?? "-") flags \(d.flags.map(\.rawValue))")
      #expect(!d.flags.isEmpty, "\(d.dealID) is in the top ten without a flag")
      #expect((d.attentionValue ?? 0) > 0)
      // Each flag is the fact printed beside it.
      #expect(d.flags.contains(.stalled) == ((d.daysInStage ?? 0) > (d.stageP90Days ?? .infinity)))
      #expect(d.flags.contains(.slippedRepeatedly) == (d.slips >= t.slipsForFlag))
      #expect(d.flags.contains(.overdue) == (d.crmCloseOn.map { $0 < folder.asOf } ?? false))
      #expect(d.flags.contains(.noNextStep) == (d.nextStepPlanned == false))
      #expect(
        d.flags.contains(.largeLowProbability)
          == (d.amount >= t.largeAmount && (d.probabilityEver ?? 1) < t.lowProbability))
      if let days = d.daysSinceActivity, days >= t.quietDays {
        #expect(d.flags.contains(.goneQuiet))
      }
    }
    // Attention is the period value lost to age: every one of the ten is old for its stage.
    #expect(top.filter { $0.flags.contains(.stalled) }.count >= 5)
    // Probabilities are probabilities, and the period never exceeds ever.
    for d in report.deals {
      if let p = d.probabilityInPeriod, let e = d.probabilityEver {
        #expect(p >= 0 && p <= e + 1e-9 && e <= 1)
      }
    }
  }
}
