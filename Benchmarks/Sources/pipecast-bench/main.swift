import Foundation

/// `pipecast-bench <command> [arguments]`: one function per command.
let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "read":
  runReadBenchmark(Array(arguments.dropFirst()))
default:
  FileHandle.standardError.write(
    Data("usage: pipecast-bench read [--mb N | --dir DIR] [--threads N]\n".utf8))
  exit(64)
}
