import CRMData
import Foundation

/// `pipecast-bench read [--mb N] [--dir DIR] [--threads N] [--repeat N]`: times loading a CRM
/// folder's deals.csv + deal_history.csv (with stages.csv when present, so history stages are
/// checked against it); other files of the folder are left out, so the figure is over the bytes
/// it counts, like pandas' in `read_vs_pandas.py`.
///
/// Without `--dir`, writes a deals-like folder of about N MB (default 200) to a temporary
/// directory, reusing it when present (`$TMPDIR/pipecast-read-bench-<N>`). Prints, over the bytes
/// of both files (best of `--repeat` runs, default 3): MB/s of the CSV layer alone (read and
/// tokenize every field), MB/s of the full validated load, the load's CPU time (wall time is
/// unreliable on a shared machine) and the peak RSS (VmHWM).
func runReadBenchmark(_ args: [String]) {
  func value(_ flag: String) -> String? {
    guard let i = args.firstIndex(of: flag), i + 1 < args.count else { return nil }
    return args[i + 1]
  }
  let megabytes = Int(value("--mb") ?? "200") ?? 200
  let threads = Int(value("--threads") ?? "") ?? ProcessInfo.processInfo.activeProcessorCount
  let repeats = Int(value("--repeat") ?? "3") ?? 3
  let dir: URL
  if let given = value("--dir") {
    dir = URL(fileURLWithPath: given)
  } else {
    dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
      "pipecast-read-bench-\(megabytes)")
    if !FileManager.default.fileExists(atPath: dir.appendingPathComponent("deals.csv").path) {
      writeSampleFolder(at: dir, megabytes: megabytes)
    }
  }
  let sizes = ["deals.csv", "deal_history.csv"].map { name -> Int in
    let attributes = try? FileManager.default.attributesOfItem(
      atPath: dir.appendingPathComponent(name).path)
    return (attributes?[.size] as? Int) ?? 0
  }
  let totalMB = Double(sizes.reduce(0, +)) / 1_000_000
  var best = Double.infinity
  var bestCPU = Double.infinity
  var rows = 0
  let loadedNames = ["deals.csv", "deal_history.csv", "stages.csv"].filter {
    FileManager.default.fileExists(atPath: dir.appendingPathComponent($0).path)
  }
  for _ in 0..<max(1, repeats) {
    let start = DispatchTime.now().uptimeNanoseconds
    let cpuStart = cpuSeconds()
    var loaded: LoadedFolder
    do {
      var files: [String: CSVBytes] = [:]
      for name in loadedNames {
        files[name] = try CSVBytes.read(path: dir.appendingPathComponent(name).path, name: name)
      }
      loaded = try CRMFolderLoader.load(files: files, options: LoadOptions(threads: threads))
    } catch {
      FileHandle.standardError.write(Data("\(error)\n".utf8))
      exit(65)
    }
    // Stop the clocks before the records are freed: the figure is the load's.
    best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    bestCPU = min(bestCPU, cpuSeconds() - cpuStart)
    rows = loaded.folder.deals.count + (loaded.folder.history?.count ?? 0)
  }
  // The CSV layer alone: tokenize every record and touch every field, per thread count.
  var bestTokenize = Double.infinity
  var fields = 0
  for _ in 0..<max(1, repeats) {
    let start = DispatchTime.now().uptimeNanoseconds
    fields = 0
    for name in ["deals.csv", "deal_history.csv"] {
      guard let bytes = try? CSVBytes.read(path: dir.appendingPathComponent(name).path) else {
        continue
      }
      let reader = CSVReader(file: name, bytes: bytes)
      let chunks = reader.chunks(threads)
      let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: chunks.count)
      counts.initialize(repeating: 0)
      nonisolated(unsafe) let shared = counts
      DispatchQueue.concurrentPerform(iterations: chunks.count) { k in
        var sink = DiagnosticSink(maxErrors: 10)
        var n = 0
        reader.forEachRecord(in: chunks[k], sink: &sink) { record in
          for i in 0..<record.count { n &+= record.bytes(i).count }
        }
        shared[k] = n
      }
      fields += counts.reduce(0, +)
      counts.deallocate()
    }
    bestTokenize = min(bestTokenize, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
  }
  print("folder: \(dir.path)")
  print(
    String(
      format: "CSV layer only (read + tokenize, %d threads): %.3f s: %.1f MB/s", threads,
      bestTokenize, totalMB / bestTokenize))
  print(
    String(
      format: "read %.1f MB (%d rows) in %.3f s with %d threads: %.1f MB/s", totalMB, rows, best,
      threads, totalMB / best))
  print(
    String(
      format: "CPU time (user + system, all threads) %.3f s: %.1f MB per CPU-second", bestCPU,
      totalMB / bestCPU))
  print("peak RSS: \(peakRSSKilobytes() / 1024) MB")
}

/// Writes deals.csv and deal_history.csv of about `megabytes` MB in total (deterministic).
func writeSampleFolder(at dir: URL, megabytes: Int) {
  try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  var generator = SplitMix(seed: 42)
  let stages = ["Qualify", "Discovery", "Demo", "Proposal", "Negotiation"]
  let sources = ["web", "referral", "event", "outbound", "partner"]
  let segments = ["SMB", "Mid-market", "Enterprise"]
  var deals =
    "deal_id,created_on,owner_id,amount,status,closed_on,expected_close_on,account_id,source,segment,type,forecast_category\n"
  var history = "deal_id,changed_on,stage,amount,expected_close_on,owner_id,forecast_category\n"
  let target = megabytes * 1_000_000
  var i = 0
  func day(_ index: Int) -> String { Day(index: Int32(index)).description }
  while deals.utf8.count + history.utf8.count < target {
    let created = 19_000 + Int(generator.next() % 900)
    let status = ["open", "won", "lost"][Int(generator.next() % 3)]
    let length = 5 + Int(generator.next() % 120)
    let amount = Double(generator.next() % 10_000_000) / 100
    let owner = "R\(generator.next() % 200)"
    let closed = status == "open" ? "" : day(created + length)
    let note = i % 50 == 0 ? "\"Nord, Blåbær \"\"AS\"\"\"" : "ACC\(generator.next() % 100_000)"
    deals +=
      "D\(i),\(day(created)),\(owner),\(amount),\(status),\(closed),\(day(created + length + 10)),"
    deals += "\(note),\(sources[i % 5]),\(segments[i % 3]),new,pipeline\n"
    let steps = 1 + Int(generator.next() % 5)
    for s in 0..<steps {
      let at = created + length * s / steps
      history +=
        "D\(i),\(day(at)),\(stages[s]),\(amount),\(day(created + length)),\(owner),\(s > 2 ? "commit" : "pipeline")\n"
    }
    i += 1
  }
  try? deals.write(to: dir.appendingPathComponent("deals.csv"), atomically: true, encoding: .utf8)
  try? history.write(
    to: dir.appendingPathComponent("deal_history.csv"), atomically: true, encoding: .utf8)
}

/// The process's peak resident set size in kB (VmHWM in /proc/self/status; 0 elsewhere).
func peakRSSKilobytes() -> Int {
  guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else {
    return 0
  }
  for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
    return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
  }
  return 0
}

/// A tiny deterministic generator for benchmark data.
struct SplitMix {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// User plus system CPU time of the process so far, in seconds.
func cpuSeconds() -> Double {
  var usage = rusage()
  getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
  let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
  let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
  return user + system
}
