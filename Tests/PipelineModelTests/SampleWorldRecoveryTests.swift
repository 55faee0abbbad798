import CRMData
import Foundation
import Synthetic
import Testing
@testable import PipelineModel

/// Fits the project's sample world (scale 1, ~9k deals, three years) and compares with
/// truth.json.
///
/// The world's truth is for an average-skill, ramped AE and a segment cycle factor of 1; the data
/// mix skill (symmetric on the odds scale), ramp (new reps lose more) and segments with cycle
/// factors 0.8–1.45. Tolerances are set for that: advance probabilities within 0.06 absolute,
/// stage win probabilities within 0.08, time-in-stage medians within 25% of the factor-1 exit
/// median (the fitted median is of the segment mixture, whose factors average a little above 1).
@Suite(.serialized) struct SampleWorldRecoveryTests {
  static let world: (FittedPipeline, WorldTruth)? = {
    guard let world = try? SampleWorld.generate(configuration: WorldConfiguration(scale: 1), seed: 42)
    else { return nil }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pipecast-model-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    guard (try? world.write(to: dir)) != nil,
      let loaded = try? CRMFolderLoader.load(at: dir),
      let model = try? PipelineFitter().fit(folder: loaded.folder)
    else { return nil }
    return (model, world.truth)
  }()

  @Test func stagesRecoverTruth() throws {
    let (model, truth) = try #require(Self.world)
    #expect(model.stages.map(\.name) == truth.stages.map(\.name))
    for (fitted, t) in zip(model.stages, truth.stages) {
      print(
        "WORLD \(t.name): advance \(fitted.advanceProbability.value) [\(fitted.advanceProbability.lower), "
          + "\(fitted.advanceProbability.upper)] truth \(t.advanceProbability); loss \(fitted.lossProbability.value) "
          + "truth \(t.lossProbability); win \(fitted.winProbability) truth \(t.winProbability); median "
          + "\(fitted.timeInStage.medianDays) (\(fitted.timeInStage.family), KM \(fitted.timeInStage.kaplanMeierMedianDays ?? -1)) "
          + "truth \(t.exitTimeMedianDays); gap \(fitted.timeInStage.maxSurvivalGap); entered \(fitted.entered) open \(fitted.censored)")
      #expect(abs(fitted.advanceProbability.value - t.advanceProbability) < 0.06, "\(t.name) advance")
      #expect(abs(fitted.lossProbability.value - t.lossProbability) < 0.06, "\(t.name) loss")
      #expect(abs(fitted.winProbability - t.winProbability) < 0.08, "\(t.name) win")
      #expect(abs(fitted.timeInStage.medianDays / t.exitTimeMedianDays - 1) < 0.25, "\(t.name) median")
      #expect(fitted.crmProbability == t.crmProbability)
    }
  }

  @Test func componentsAreFittedAndFinite() throws {
    let (model, truth) = try #require(Self.world)
    let c = model.cycleLength
    print("WORLD cycle median \(c.medianDays ?? -1) naive \(c.naiveMedianDays ?? -1) win rate \(c.winRate ?? -1)")
    #expect((c.medianDays ?? 0) > (c.naiveMedianDays ?? .infinity))
    let funnel = try #require(model.leadFunnel)
    print("WORLD funnel contact \(funnel.contactRate) curve \(funnel.contactGivenLoad.coefficients) response median h \(funnel.responseTimeMedianHours) (truth lognormal median 3·e^(0.025 load)) qual \(funnel.qualificationRate) coef \(funnel.qualificationCoefficients) deal conv \(funnel.dealConversionRate) (truth \(truth.leadHandling))")
    for s in funnel.sources {
      print("WORLD source \(s.source) rate \(s.weeklyRateAtAsOf) seasonal \(s.seasonal) dispersion \(s.dispersion) nb \(s.negativeBinomialSize ?? -1) coef \(s.coefficients)")
    }
    // Capacity: contact falls with load (truth slope −0.075 per lead).
    #expect(funnel.contactGivenLoad.coefficients[1] < 0)
    #expect(abs(funnel.contactGivenLoad.coefficients[1] - -0.075) < 0.03)
    // Qualification falls with response time (truth slope −0.35 on log(1 + hours)).
    #expect(abs(funnel.qualificationCoefficients[1] - -0.35) < 0.15)
    #expect(abs(funnel.dealConversionRate - 0.85) < 0.05)
    let reps = try #require(model.reps)
    print("WORLD ramp creation \(reps.creationRamp) win \(reps.winRateRamp) shift \(reps.winRampLossLogOddsShift) kappa \(reps.poolingAlpha + reps.poolingBeta)")
    // New reps create and win less (truth floors 0.25 and 0.45).
    #expect(reps.creationRamp[0] < 0.8)
    #expect(reps.winRampLossLogOddsShift[0] > 0)
    print("WORLD slip \(String(describing: model.slip)) accounts \(String(describing: model.accounts)) size \(model.dealSize.bySegment.map { ($0.key, $0.medianAmount) }) drift \(model.dealSize.closeToCreateRatio)")
    #expect(model.slip != nil)
    let accounts = try #require(model.accounts)
    // Mid-contract churn is 0.06/yr; lost renewals add more, so the total is at least that.
    #expect(accounts.monthlyChurnHazard > 0.06 / 12 * 0.8 && accounts.monthlyChurnHazard < 0.1)
    for line in model.summaryLines { print(line) }
    // Round trip through the model file.
    let data = try model.jsonData()
    let back = try FittedPipeline.decode(data)
    #expect(try back.jsonData() == data)
  }
}
