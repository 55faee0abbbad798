import CRMData
import Foundation
import PipelineModel
import Testing

/// Every fixture of `Tests/Fixtures/broken` through the library (the CLI test runs the binary
/// over the same catalogue): errors name file and line, warning-only folders load, fit and
/// forecast without NaN or infinity.
@Suite("Broken-input catalogue (library)")
struct BrokenInputCatalogueTests {
  @Test func catalogueIsComplete() {
    #expect(BrokenFixture.errors.count >= 40)
    #expect(BrokenFixture.warningOnly.count >= 10)
    for f in BrokenFixture.all {
      #expect(f.status == 0 || f.status == 65, "\(f.name): EXPECT code \(f.status)")
      if f.status == 65 {
        // file:line(:column) — or the one file-level error that has no line.
        let located = f.fragment.range(
          of: #"^[a-z_]+\.csv:\d+(:\d+)?: "#, options: .regularExpression)
        #expect(located != nil || f.fragment.hasPrefix("no deals.csv"), "\(f.name): \(f.fragment)")
      }
    }
  }

  @Test(arguments: BrokenFixture.errors)
  func errorFixtureFailsWithLocation(_ fixture: BrokenFixture) {
    do {
      let loaded = try CRMFolderLoader.load(at: fixture.url, options: LoadOptions(threads: 1))
      Issue.record(
        "\(fixture.name) loaded with \(loaded.warnings.count) warnings; expected an error")
    } catch {
      #expect(error.description.contains(fixture.fragment), "\(fixture.name): \(error.description)")
    }
  }

  @Test(arguments: BrokenFixture.warningOnly)
  func warningFixtureLoadsFitsAndForecasts(_ fixture: BrokenFixture) throws {
    let loaded = try CRMFolderLoader.load(at: fixture.url, options: LoadOptions(threads: 1))
    let warnings = loaded.warnings.map(\.description).joined(separator: "\n")
    #expect(
      fixture.fragment.isEmpty || warnings.contains(fixture.fragment),
      "\(fixture.name): \(warnings)")
    guard !loaded.folder.deals.isEmpty else {
      // A deals.csv with a header only: fitting is refused with a data error, not a crash.
      #expect(throws: PipelineModelError.noDeals(asOf: loaded.folder.asOf)) {
        try PipelineFitter().fit(folder: loaded.folder)
      }
      return
    }
    let run = try fitAndForecast(loaded.folder)
    #expect(!hasNonFinite(run.modelJSON), "\(fixture.name): model has NaN/inf")
    #expect(!hasNonFinite(run.forecastJSON), "\(fixture.name): forecast has NaN/inf")
    for p in run.forecast.periods {
      #expect(
        p.bookings.p10 >= 0 && p.bookings.p10 <= p.bookings.p50 && p.bookings.p50 <= p.bookings.p90)
    }
  }
}
