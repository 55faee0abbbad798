import ArgumentParser
import CRMData
import Foundation
import Importers

/// `pipecast import`: converts a CRM export into the canonical folder and reports the mapping.
struct ImportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Convert a CRM export (Salesforce, Dynamics 365, HubSpot, Pipedrive, public datasets) into a CRM folder.",
    discussion: """
      Prints what was mapped to what: columns, stages (kind and order), dropped rows and columns,
      rows in and out, and warnings. The folder is written atomically and validated; if it would
      not load, nothing is written (exit 65). A folder among FILES stands for its .csv files.
      Which export to produce for each source, and the mapping file's format: docs/IMPORT.md.

      Examples:
        pipecast import --from salesforce Opportunity.csv OpportunityHistory.csv --out crm
        pipecast import --from maven-crm ../shared/data/maven-crm-sales-opportunities --out maven
        pipecast import --from hubspot deals.csv --mapping mapping.yaml --out crm --format json
      """
  )

  @Option(name: .long, help: "The export's source: \(ImportSource.allCases.map(\.rawValue).joined(separator: ", ")).")
  var from: ImportSource

  @Argument(help: "The export's CSV files (or folders of them).")
  var files: [String]

  @Option(name: .long, help: "The folder to write (replaced atomically if it exists).")
  var out: String

  @Option(name: .long, help: "A YAML file overriding column and stage mappings (docs/IMPORT.md).")
  var mapping: String?

  @Option(name: .long, help: "table or json.")
  var format: ImportFormat = .table

  func validate() throws {
    for file in files where !FileManager.default.fileExists(atPath: file) {
      throw ValidationError("\(file): no such file or folder")
    }
    if let mapping, !FileManager.default.fileExists(atPath: mapping) {
      throw ValidationError("--mapping \(mapping): no such file")
    }
  }

  func run() throws {
    do {
      let overrides = try mapping.map { try ImportMapping.load(URL(fileURLWithPath: $0)) } ?? .none
      let result = try Importer.run(
        from, files: files.map { URL(fileURLWithPath: $0) }, mapping: overrides, out: URL(fileURLWithPath: out))
      switch format {
      case .table: print(result.report.text, terminator: "")
      case .json: print(try result.report.json(), terminator: "")
      }
      StandardError.write(
        "wrote \(out): " + result.report.outputs.map { "\($0.file) \($0.rows)" }.joined(separator: ", "))
    } catch let error as ImporterError {
      throw DataError(error.description)
    }
  }
}

enum ImportFormat: String, ExpressibleByArgument, CaseIterable {
  case table, json
}

extension ImportSource: ExpressibleByArgument {}
