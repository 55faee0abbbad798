// libFuzzer harness: the scenario YAML parser, then the scenario compiler, over arbitrary bytes.
//
// The input is decoded as UTF-8 (invalid sequences repaired, as `String(decoding:)` does) and
// parsed with `ScenarioParser.parse`. A parse may fail with `ScenarioError`, never crash; every
// diagnostic names the file and has a non-negative line and column. An accepted scenario has as
// many change lines as changes and is compiled by `ScenarioCompiler.adjustments` against a model
// fitted once, at the first input, on `Samples/demo-crm` (or $PIPECAST_FUZZ_FOLDER); compiling
// may fail with diagnostics, never crash, and never yields a negative or NaN multiplier.
import CRMData
import Foundation
import PipelineModel
import Scenarios
import Simulation

/// The model the compiler checks names against: stages, sources, teams and reps of the sample.
let fitted: (model: FittedPipeline, asOf: Day)? = {
  let path = ProcessInfo.processInfo.environment["PIPECAST_FUZZ_FOLDER"] ?? "Samples/demo-crm"
  guard let loaded = try? CRMFolderLoader.load(at: URL(fileURLWithPath: path)),
    let model = try? PipelineFitter().fit(folder: loaded.folder)
  else {
    FileHandle.standardError.write(Data("ScenarioFuzz: no model from \(path); fuzzing the parser only\n".utf8))
    return nil
  }
  return (model, loaded.folder.asOf)
}()

func check(_ error: ScenarioError, file: String) {
  precondition(!error.diagnostics.isEmpty, "an error without diagnostics")
  for d in error.diagnostics {
    precondition(d.file == file, "diagnostic names \(d.file)")
    precondition(d.line >= 0 && d.column >= 0, "diagnostic at \(d.line):\(d.column)")
    _ = d.description
  }
}

// SwiftPM links executables with `--defsym main=ScenarioFuzz_main`, so libFuzzer's own `main`
// is not used: this entry point hands over to libFuzzer's driver instead.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
  _ argc: UnsafeMutablePointer<CInt>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
  _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("ScenarioFuzz_main")
public func scenarioFuzzMain(
  _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
  var argc = argc
  var argv = argv
  return runFuzzerDriver(&argc, &argv) { data, size in
    fuzzScenarioParser(data ?? UnsafePointer(bitPattern: 1)!, size)
  }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzScenarioParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  let scenario: Scenario
  do {
    scenario = try ScenarioParser.parse(text, file: "fuzz.yaml")
  } catch {
    check(error, file: "fuzz.yaml")
    return 0
  }
  precondition(scenario.changeLines.count == scenario.changes.count, "a change without a line")
  for change in scenario.changes {
    _ = change.lever
    if case .hire(let count, _, _, _) = change { precondition(count >= 1, "hire of \(count)") }
  }
  guard let (model, asOf) = fitted else { return 0 }
  do {
    let a = try ScenarioCompiler.adjustments(for: scenario, model: model, asOf: asOf)
    let multipliers =
      [a.dealSizeMultiplier, a.cycleLengthMultiplier, a.contactRateMultiplier, a.responseTimeMultiplier,
       a.newDealSizeMultiplier] + Array(a.leadVolumeMultiplier.values)
    for m in multipliers { precondition(!m.isNaN && m >= 0, "multiplier \(m)") }
    for x in a.stageAdvanceAdd + [a.contactRateAdd] { precondition(!x.isNaN, "NaN add") }
  } catch {
    check(error, file: "fuzz.yaml")
  }
  return 0
}
