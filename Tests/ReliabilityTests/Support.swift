import CRMData
import Foundation
import PipelineModel
import Simulation

/// Loads an in-memory folder (file name → contents) with one thread.
func load(_ files: [String: String], maxErrors: Int = 100) throws(CRMDataError) -> LoadedFolder {
  var bytes: [String: CSVBytes] = [:]
  for (name, text) in files { bytes[name] = CSVBytes(text) }
  return try CRMFolderLoader.load(
    files: bytes, options: LoadOptions(maxErrors: maxErrors, threads: 1))
}

/// The error's text as the CLI prints it (every diagnostic on its own line).
func errorText(_ error: CRMDataError) -> String { error.description }

/// JSON of `value` with NaN and infinities spelled so a search finds them (the CLI's encoder
/// would throw instead).
func revealingJSON(_ value: some Encodable) throws -> String {
  let encoder = JSONEncoder()
  encoder.nonConformingFloatEncodingStrategy = .convertToString(
    positiveInfinity: "+INF!", negativeInfinity: "-INF!", nan: "NAN!")
  return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// True when `json` (from `revealingJSON`) holds a NaN or an infinity.
func hasNonFinite(_ json: String) -> Bool {
  json.contains("INF!") || json.contains("NAN!")
}

/// Fits `folder` and forecasts the quarter of its date and the next one, as `pipecast forecast`
/// does; returns both JSON texts.
func fitAndForecast(
  _ folder: CRMFolder, trials: Int = 200, seed: UInt64 = 1
) throws -> (
  model: FittedPipeline, modelJSON: String, forecast: ForecastResult, forecastJSON: String
) {
  let model = try PipelineFitter().fit(folder: folder)
  let first = folder.calendar.period(.quarter, containing: folder.asOf)
  let result = try Forecasting.forecast(
    model: model, folder: folder,
    options: SimulationOptions(
      periods: [first, first.next], trials: trials, seed: seed, threads: 2))
  return (model, try revealingJSON(model), result, try revealingJSON(result))
}
