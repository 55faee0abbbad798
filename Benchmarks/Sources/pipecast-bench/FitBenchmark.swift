import Foundation
import Statistics

/// `fit <csv>`: reads `duration,observed` rows (observed 1/0), fits every duration family and
/// Kaplan–Meier, and prints estimates and wall-clock seconds as JSON (sorted keys).
func runFitBenchmark(_ arguments: [String]) {
  guard let path = arguments.first, let text = try? String(contentsOfFile: path, encoding: .utf8) else {
    FileHandle.standardError.write(Data("fit: cannot read CSV\n".utf8))
    exit(66)
  }
  var durations: [Double] = []
  var observed: [Bool] = []
  for line in text.split(separator: "\n").dropFirst() {
    let fields = line.split(separator: ",")
    guard fields.count >= 2, let t = Double(fields[0]) else { continue }
    durations.append(t)
    observed.append(fields[1] == "1" || fields[1] == "True" || fields[1] == "true")
  }
  let repeats = arguments.count > 1 ? Int(arguments[1]) ?? 3 : 3
  var output: [String: Any] = ["n": durations.count]
  var fits: [String: Any] = [:]
  let fitter = DurationFitter()
  for family in DurationFamily.allCases {
    var best = Double.infinity
    var result: DurationFit?
    var failure: String?
    for _ in 0..<repeats {
      let start = DispatchTime.now().uptimeNanoseconds
      do {
        result = try fitter.fit(family, durations: durations, observed: observed)
      } catch {
        failure = error.description
      }
      best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    var entry: [String: Any] = ["seconds": best]
    if let result {
      entry["log_likelihood"] = result.logLikelihood
      entry["iterations"] = result.iterations
      entry["aic"] = result.aic
      switch result.distribution {
      case .exponential(let rate): entry["rate"] = rate
      case .logNormal(let mu, let sigma): entry["mu"] = mu; entry["sigma"] = sigma
      case .gamma(let shape, let scale): entry["shape"] = shape; entry["scale"] = scale
      case .weibull(let shape, let scale): entry["shape"] = shape; entry["scale"] = scale
      case .piecewiseExponential(let p): entry["cuts"] = p.cuts; entry["hazards"] = p.hazards
      }
    }
    if let failure { entry["error"] = failure }
    fits[family.rawValue] = entry
  }
  output["fits"] = fits
  let kmStart = DispatchTime.now().uptimeNanoseconds
  let km = KaplanMeier(durations: durations, observed: observed)
  let kmSeconds = Double(DispatchTime.now().uptimeNanoseconds - kmStart) / 1e9
  let sorted = durations.sorted()
  let probes = [0.1, 0.25, 0.5, 0.75, 0.9].map { sorted[Int($0 * Double(sorted.count - 1))] }
  output["kaplan_meier"] = [
    "seconds": kmSeconds, "probe_times": probes, "survival": probes.map { km.survival(at: $0) },
  ]
  let data = try! JSONSerialization.data(withJSONObject: output, options: [.sortedKeys, .prettyPrinted])
  print(String(decoding: data, as: UTF8.self))
}
