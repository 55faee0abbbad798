import CRMData
import Foundation
import Testing
@testable import PipelineModel
import Statistics

@Suite struct ModelFileTests {
  static func model() throws -> FittedPipeline {
    let (folder, _) = Fixtures.twoStageWorld(count: 400, windowDays: 200, seed: 9)
    return try PipelineFitter().fit(folder: folder)
  }

  @Test func saveAndLoadRoundTrip() throws {
    let model = try Self.model()
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("model-\(UUID().uuidString).json")
    defer { try? FileManager.default.removeItem(at: url) }
    try model.save(to: url)
    let back = try FittedPipeline.load(from: url)
    #expect(try back.jsonData() == model.jsonData())
    #expect(back.stages.map(\.name) == model.stages.map(\.name))
  }

  /// The keys the issue names are in the encoded JSON.
  @Test func jsonHasRequiredKeys() throws {
    let json = try #require(
      try JSONSerialization.jsonObject(with: try Self.model().jsonData()) as? [String: Any])
    for key in ["format_version", "as_of", "stages", "cycle_length", "deal_size", "reps", "notes"] {
      #expect(json[key] != nil, "\(key)")
    }
    let stage = try #require((json["stages"] as? [[String: Any]])?.first)
    for key in ["name", "advance_probability", "win_probability", "crm_probability", "time_in_stage", "entered", "censored"] {
      #expect(stage[key] != nil, "\(key)")
    }
    let time = try #require(stage["time_in_stage"] as? [String: Any])
    for key in ["family", "median_days", "p10_days", "p90_days"] { #expect(time[key] != nil, "\(key)") }
    let cycle = try #require(json["cycle_length"] as? [String: Any])
    #expect(cycle["median_days"] != nil && cycle["naive_median_days"] != nil)
  }

  @Test func leadFunnelCarriesResponseMedianHours() throws {
    let estimate = DurationEstimate(
      distribution: .logNormal(mu: log(3), sigma: 1), covariance: [0, 0, 0, 0], medianDays: 3, p10Days: 1,
      p90Days: 9, kaplanMeierMedianDays: 3, aic: [:], maxSurvivalGap: 0, events: 1, censored: 0)
    let funnel = LeadFunnelModel(
      sources: [], contactRate: 0.8, contactGivenLoad: LogisticCurve(coefficients: [1, 0], covariance: [0, 0, 0, 0]),
      typicalWeeklyLoadPerRep: 10, responseTime: estimate, qualificationRate: 0.4,
      qualificationCoefficients: [], qualificationCovariance: [], qualificationSources: [],
      dealConversionRate: 0.8, qualifiedToDealLag: nil, notes: [])
    let json = try #require(
      try JSONSerialization.jsonObject(with: JSONEncoder().encode(funnel)) as? [String: Any])
    #expect(json["response_time_median_hours"] as? Double == 3)
    #expect(json["contact_rate"] as? Double == 0.8)
    let back = try JSONDecoder().decode(LeadFunnelModel.self, from: JSONEncoder().encode(funnel))
    #expect(back.responseTime.medianDays == 3)
  }

  /// A stage with the piecewise-exponential family survives save and load, and a model file
  /// written as format version 1 (before the family existed) still loads.
  @Test func piecewiseFamilyRoundTripsAndVersionOneStillLoads() throws {
    var model = try Self.model()
    let hazard = try #require(PiecewiseHazard(cuts: [15, 45, 138], hazards: [0.06, 0.001, 0.01, 0]))
    let d = DurationDistribution.piecewiseExponential(hazard)
    model.stages[0].timeInStage = DurationEstimate(
      distribution: d, covariance: [0.01, 0, 0, 0, 0.5, 0, 0, 0, 0.02], medianDays: d.median,
      p10Days: d.quantile(0.1), p90Days: d.quantile(0.9), kaplanMeierMedianDays: nil,
      aic: ["piecewise_exponential": 100], maxSurvivalGap: 0.01, events: 300, censored: 40)
    let back = try FittedPipeline.decode(try model.jsonData())
    #expect(back.stages[0].timeInStage.distribution == d)
    #expect(try back.jsonData() == model.jsonData())
    #expect(abs(back.stages[0].neverEndingShare - hazard.neverEndingProbability) < 1e-12)

    var old = try Self.model()
    old.formatVersion = 1
    let loaded = try FittedPipeline.decode(try old.jsonData())
    #expect(loaded.formatVersion == 1 && loaded.stages.count == old.stages.count)
  }

  static let badFiles: [(String, String)] = [
    ("{\"format_version\": 99}", "format_version 99"),
    ("not json", "not a Pipecast model file"),
    ("{\"as_of\": \"2025-01-01\"}", "no format_version"),
    ("{\"format_version\": 1, \"as_of\": \"2025-01-01\"}", "missing key"),
  ]

  @Test(arguments: badFiles)
  func badFilesGiveClearErrors(contents: String, message: String) {
    do {
      _ = try FittedPipeline.decode(Data(contents.utf8), path: "m.json")
      Issue.record("decoded \(contents)")
    } catch {
      #expect(error.description.contains(message), "\(error.description)")
    }
  }
}
