// swift-tools-version: 6.1
// Benchmarks live in their own package so their code never reaches users of PipecastKit.
import PackageDescription

let package = Package(
  name: "PipecastBenchmarks",
  platforms: [.macOS(.v14)],
  dependencies: [.package(name: "Pipecast", path: "..")],
  targets: [
    .executableTarget(
      name: "pipecast-bench",
      dependencies: [.product(name: "PipecastKit", package: "Pipecast")]
    )
  ]
)
