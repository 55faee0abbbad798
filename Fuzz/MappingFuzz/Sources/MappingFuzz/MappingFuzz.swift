// libFuzzer harness: the importers' mapping YAML parser, then the mapping applied to small exports.
//
// The input is decoded as UTF-8 (invalid sequences repaired, as `String(decoding:)` does) and
// parsed with `ImportMapping.parse`. A parse may fail with `ImporterError.invalidMapping`, never
// crash; every diagnostic names the mapping file with a line ≥ 1 and a column ≥ 1 when it has one.
// An accepted mapping is applied to each of five fixed exports, read once at the first input:
// the Salesforce, Dynamics 365, HubSpot and Pipedrive fixtures of `Tests/Fixtures/exports` (or
// $PIPECAST_FUZZ_EXPORTS) and a small Maven CRM export written below. Converting may fail with a
// typed error (the mapping names a column or role that does not exist, a remapped column holds
// values of the wrong kind), never crash; diagnostics must have a file and a line ≥ 1. A
// conversion that succeeds is written with `Importer.write` into a temporary folder and loaded
// back, and must load: a mapping the importer accepts never yields a folder the loader rejects
// (`.invalidOutput` would blame stages.csv for what the mapping file did). Set
// PIPECAST_FUZZ_ALLOW_INVALID_OUTPUT=1 to accept `.invalidOutput` with diagnostics (the first
// campaign's rule).
import CRMData
import Foundation
import Importers

/// One fixed export: the source and its files, already tokenized.
struct FixedExport {
  let source: ImportSource
  let tables: [SourceTable]
}

/// A tiny Maven CRM export: a won, a lost, an open (Engaging) and an undated Prospecting deal, so
/// `export_date` and the list-price rule are exercised.
let mavenFiles: [(String, String)] = [
  (
    "sales_pipeline.csv",
    """
    opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value
    A1,Ann,GTX Pro,Acme,Won,2017-01-03,2017-02-10,4800
    A2,Ann,MG Special,Acme,Lost,2017-01-05,2017-03-01,0
    A3,Bob,GTXPro,Globex,Engaging,2017-04-02,,
    A4,Bob,MG Special,,Prospecting,,,

    """
  ),
  ("products.csv", "product,series,sales_price\nGTX Pro,GTX,4821\nMG Special,MG,55\n"),
]

let exports: [FixedExport] = {
  let root = URL(
    fileURLWithPath: ProcessInfo.processInfo.environment["PIPECAST_FUZZ_EXPORTS"] ?? "Tests/Fixtures/exports")
  var result: [FixedExport] = []
  let vendors: [(ImportSource, String)] = [
    (.salesforce, "salesforce"), (.dynamics365, "dynamics365"), (.hubspot, "hubspot"), (.pipedrive, "pipedrive"),
  ]
  for (source, folder) in vendors {
    let dir = root.appendingPathComponent(folder)
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".csv") }
    guard !names.isEmpty, let tables = try? names.sorted().map({ name throws(ImporterError) in
      try SourceTable.read(dir.appendingPathComponent(name))
    })
    else {
      FileHandle.standardError.write(Data("MappingFuzz: no \(folder) export under \(root.path); skipped\n".utf8))
      continue
    }
    result.append(FixedExport(source: source, tables: tables))
  }
  let maven = mavenFiles.map { try! SourceTable.parse(CSVBytes($0.1), name: $0.0) }
  result.append(FixedExport(source: .mavenCRM, tables: maven))
  return result
}()

/// Where converted folders are written: one per process, replaced by every write.
let outputFolder: URL = {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
    "mappingfuzz-\(ProcessInfo.processInfo.processIdentifier)")
  try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  // libFuzzer ends with exit(): remove the folder then (a crash leaves it for inspection).
  atexit { try? FileManager.default.removeItem(at: outputFolder.deletingLastPathComponent()) }
  return dir.appendingPathComponent("crm")
}()

let mappingFile = "fuzz.yaml"

let allowInvalidOutput = ProcessInfo.processInfo.environment["PIPECAST_FUZZ_ALLOW_INVALID_OUTPUT"] == "1"

/// Every diagnostic has a file and a line ≥ 1; a column, when given, is ≥ 1.
func check(_ diagnostics: [Diagnostic], mappingOnly: Bool) {
  precondition(!diagnostics.isEmpty, "an error without diagnostics")
  for d in diagnostics {
    precondition(!d.file.isEmpty, "a diagnostic without a file: \(d)")
    precondition(!mappingOnly || d.file == mappingFile, "diagnostic names \(d.file)")
    precondition(d.line >= 1, "diagnostic at line \(d.line): \(d)")
    if let c = d.column { precondition(c >= 1, "diagnostic at column \(c): \(d)") }
    _ = d.description
  }
}

// SwiftPM links executables with `--defsym main=MappingFuzz_main`, so libFuzzer's own `main`
// is not used: this entry point hands over to libFuzzer's driver instead.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
  _ argc: UnsafeMutablePointer<CInt>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
  _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("MappingFuzz_main")
public func mappingFuzzMain(
  _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
  var argc = argc
  var argv = argv
  return runFuzzerDriver(&argc, &argv) { data, size in
    fuzzMapping(data ?? UnsafePointer(bitPattern: 1)!, size)
  }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMapping(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  let mapping: ImportMapping
  do {
    mapping = try ImportMapping.parse(text, file: mappingFile)
  } catch {
    guard case .invalidMapping(let diagnostics) = error else {
      preconditionFailure("parse threw \(error)")
    }
    check(diagnostics, mappingOnly: true)
    return 0
  }
  precondition(mapping.file == mappingFile, "mapping file \(mapping.file)")
  for o in mapping.stages.values {
    if let p = o.probability { precondition(p >= 0 && p <= 1, "probability \(p)") }
    if let n = o.name { precondition(!n.isEmpty, "an empty stage name") }
  }
  for fields in mapping.columns.values {
    for o in fields.values { precondition(!o.column.isEmpty, "an empty column name") }
  }
  for export in exports {
    let result: ImportResult
    do {
      result = try Importer.convert(export.source, tables: export.tables, mapping: mapping)
    } catch {
      switch error {
      case .invalidMapping(let d): check(d, mappingOnly: true)
      case .invalidExport(let d), .invalidOutput(let d): check(d, mappingOnly: false)
      case .missingFile, .ambiguousFiles: _ = error.description
      case .unreadableFile: preconditionFailure("convert in memory threw \(error)")
      }
      continue
    }
    for s in result.export.stages ?? [] {
      precondition(!s.name.isEmpty, "an empty stage")
      if let p = s.probability { precondition(p >= 0 && p <= 1, "stage probability \(p)") }
    }
    do {
      _ = try Importer.write(result, to: outputFolder)
    } catch {
      guard case .invalidOutput(let d) = error, allowInvalidOutput else {
        preconditionFailure("\(export.source.rawValue): write threw \(error)")
      }
      check(d, mappingOnly: false)
    }
  }
  return 0
}
