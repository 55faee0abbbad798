// swift-tools-version: 6.1
// libFuzzer harness for the importers' mapping YAML (see Fuzz/README.md). Built by Fuzz/run.sh with
//   swift build -c release --product MappingFuzz -Xswiftc -sanitize=fuzzer,address
// so every module (Importers, Yams, CYaml, CRMData, ...) carries coverage instrumentation; the
// executable target itself only adds -parse-as-library (its `MappingFuzz_main` starts libFuzzer).
import PackageDescription

let package = Package(
  name: "MappingFuzz",
  platforms: [.macOS(.v14)],
  dependencies: [.package(name: "Pipecast", path: "../..")],
  targets: [
    .executableTarget(
      name: "MappingFuzz",
      dependencies: [.product(name: "PipecastKit", package: "Pipecast")],
      swiftSettings: [.unsafeFlags(["-parse-as-library"])]
    )
  ]
)
