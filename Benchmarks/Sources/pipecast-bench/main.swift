import Foundation

/// `pipecast-bench <command> [arguments]`: one function per command.
let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "fit":
  runFitBenchmark(Array(arguments.dropFirst()))
default:
  FileHandle.standardError.write(Data("usage: pipecast-bench fit <durations.csv>\n".utf8))
  exit(64)
}
