import ArgumentParser
import CRMData
import Foundation
import Synthetic

/// `pipecast generate`: writes a synthetic CRM folder with its true parameters (`truth.json`).
struct GenerateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate",
    abstract: "Write a synthetic B2B sales organisation in the CRM format, with truth.json.",
    discussion: """
      Deterministic for a seed. --scale 1 gives about ten thousand deals; --scale 100 about a
      million (for benchmarks). Only what is known at --as-of is written.

      Example:
        pipecast generate --out /tmp/world --seed 7 --scale 1
      """
  )

  @Option(name: .long, help: "The folder to write (replaced atomically if it exists).")
  var out: String

  @Option(name: .long, help: "Random seed.")
  var seed: UInt64 = 1

  @Option(name: .long, help: "First day of the world's history (YYYY-MM-DD).")
  var start: String?

  @Option(name: .customLong("as-of"), help: "Export date: nothing after it is written (YYYY-MM-DD).")
  var asOf: String?

  @Option(name: .long, help: "Size multiplier: 1 ≈ 10k deals, 100 ≈ 1M deals.")
  var scale: Double = 1

  func validate() throws {
    if let start, Day(start) == nil { throw ValidationError("--start '\(start)' is not a date; expected YYYY-MM-DD") }
    if let asOf, Day(asOf) == nil { throw ValidationError("--as-of '\(asOf)' is not a date; expected YYYY-MM-DD") }
    if let start, let asOf, let s = Day(start), let a = Day(asOf), a <= s {
      throw ValidationError("--as-of must be after --start")
    }
    guard scale > 0, scale <= 1000 else { throw ValidationError("--scale must be in (0, 1000]") }
  }

  func run() throws {
    var configuration = WorldConfiguration(scale: scale)
    if let start { configuration.start = Day(start)! }
    if let asOf { configuration.asOf = Day(asOf)! }
    let progress = Progress()
    progress.update("generating the world (scale \(scale))")
    let world = try SampleWorld.generate(configuration: configuration, seed: seed)
    progress.update("writing \(out)")
    try world.write(to: URL(fileURLWithPath: out))
    progress.finish()
    StandardError.write(
      "wrote \(out): \(world.dealCount) deals, \(world.historyRowCount) history rows, \(world.leadCount) leads (whole timeline)")
  }
}
