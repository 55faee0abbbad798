import CRMData
import Foundation
import Testing
import _TestSupport

@testable import Importers

/// The mapping fuzzer's seeds (`Fuzz/mapping-seeds`) and hand-made inputs, through the path the
/// harness takes: parse, convert each fixture export, write and load back. Only typed errors.
@Suite struct MappingFuzzSeedTests {
  static let seeds: [String] = {
    let dir = Paths.root.appendingPathComponent("Fuzz/mapping-seeds")
    return ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".yaml") }
      .sorted()
  }()

  static let exports: [(ImportSource, String)] = [
    (.salesforce, "salesforce"), (.dynamics365, "dynamics365"), (.hubspot, "hubspot"), (.pipedrive, "pipedrive"),
  ]

  /// Parses `yaml` and applies it to every fixture export, writing and loading what converts.
  /// - Returns: per export, nil when the folder was written, else the error.
  static func outcomes(_ yaml: String) -> [ImporterError?] {
    let mapping: ImportMapping
    do {
      mapping = try ImportMapping.parse(yaml, file: "fuzz.yaml")
    } catch {
      return [error]
    }
    return exports.map { (source, folder) -> ImporterError? in
      do throws(ImporterError) {
        let converted = try Importer.convert(source, files: [Paths.fixture(folder)], mapping: mapping)
        let temp = TestSupport.temporaryDirectory("mappingfuzz")
        defer { try? FileManager.default.removeItem(at: temp) }
        _ = try Importer.write(converted, to: temp.appendingPathComponent("crm"))
        return nil
      } catch {
        return error
      }
    }
  }

  @Test func seedsAreThere() { #expect(Self.seeds.count >= 10) }

  @Test(arguments: seeds)
  func seedEndsInAFolderOrATypedErrorWithALocation(name: String) throws {
    let text = try String(
      contentsOf: Paths.root.appendingPathComponent("Fuzz/mapping-seeds").appendingPathComponent(name), encoding: .utf8)
    for case let error? in Self.outcomes(text) {
      switch error {
      case .invalidMapping(let d), .invalidExport(let d):
        #expect(!d.isEmpty && d.allSatisfy { $0.line >= 1 && ($0.column ?? 1) >= 1 }, "\(error)")
      case .invalidOutput, .unreadableFile:
        Issue.record("\(name): \(error)")
      case .missingFile, .ambiguousFiles:
        break
      }
    }
  }
}

/// Mappings that parsed and converted, but whose folder did not load (`.invalidOutput` naming
/// stages.csv or deal_history.csv instead of the mapping file). Found by running the mapping
/// fuzzer's path (parse, convert, write, load) on hand-made inputs during the first campaign.
@Suite struct MappingOutputRegressionTests {
  static let salesforce = Paths.fixture("salesforce")

  /// `order: 9223372036854775807` was accepted, written to stages.csv, and not read back
  /// (stages.csv orders have at most 18 digits), so the stage vanished and its history rows failed.
  @Test(arguments: ["9223372036854775807", "-9223372036854775808", "1000000000000000000"])
  func orderBeyondWhatStagesCSVHoldsIsAMappingError(order: String) {
    let yaml = "stages:\n  Qualification: {order: \(order)}\n"
    #expect {
      _ = try ImportMapping.parse(yaml, file: "fuzz.yaml")
    } throws: { error in
      "\(error)".hasPrefix("fuzz.yaml:2:26: stage 'Qualification': order '\(order)' is out of range")
    }
  }

  @Test func largestOrderStagesCSVHoldsIsWritten() throws {
    let mapping = try ImportMapping.parse("stages:\n  Qualification: {order: 999999999999999999}\n")
    let (_, loaded) = try importAndLoad(.salesforce, [Self.salesforce], mapping: mapping)
    #expect(loaded.folder.stages.first { $0.name == "Qualification" }?.order == 999_999_999_999_999_999)
  }

  /// A rename onto another stage's name in a different case gave two stages.csv rows the loader
  /// treats as one name (`stage 'Closed Won' appears twice`).
  @Test func renameDifferingOnlyInCaseIsAMappingError() throws {
    let mapping = try ImportMapping.parse("stages:\n  Qualification: {name: \"closed won\"}\n", file: "fuzz.yaml")
    do {
      _ = try Importer.convert(.salesforce, files: [Self.salesforce], mapping: mapping)
      Issue.record("expected an error")
    } catch {
      guard case .invalidMapping = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(
        error.description.hasPrefix(
          "fuzz.yaml:2:25: stage 'Qualification': name 'closed won' differs from the stage 'Closed Won' only in case"),
        "\(error.description)")
    }
  }

  @Test func renameWithTheSameCaseStillMerges() throws {
    let mapping = try ImportMapping.parse("stages:\n  Qualification: {name: \"Closed Won\"}\n")
    let (_, loaded) = try importAndLoad(.salesforce, [Self.salesforce], mapping: mapping)
    #expect(!loaded.folder.stages.contains { $0.name == "Qualification" })
  }
}
