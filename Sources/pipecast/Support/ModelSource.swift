import CRMData
import Foundation
import PipelineModel

/// Where a command's model comes from: a saved model file, or a fit of the point-in-time folder.
enum ModelSource {
  /// Loads `--model` when given (it must be fitted as of the same date), else fits the folder.
  static func model(path: String?, folder: CRMFolder) throws -> FittedPipeline {
    if let path {
      let model: FittedPipeline
      do {
        model = try FittedPipeline.load(from: URL(fileURLWithPath: path))
      } catch {
        throw DataError("\(path): \(error)")
      }
      if model.asOf != folder.asOf {
        StandardError.write(
          "warning: \(path) was fitted as of \(model.asOf); the data is as of \(folder.asOf)")
      }
      return model
    }
    return try PipelineFitter().fit(folder: folder)
  }
}
