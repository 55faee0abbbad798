// swift-tools-version: 6.1
// libFuzzer harness for the scenario YAML parser (see Fuzz/README.md). Built by Fuzz/run.sh with
//   swift build -c release --product ScenarioFuzz -Xswiftc -sanitize=fuzzer,address
// so every module (Scenarios, Yams, CRMData, ...) carries coverage instrumentation; the
// executable target itself only adds -parse-as-library (its `ScenarioFuzz_main` starts libFuzzer).
import PackageDescription

let package = Package(
  name: "ScenarioFuzz",
  platforms: [.macOS(.v14)],
  dependencies: [.package(name: "Pipecast", path: "../..")],
  targets: [
    .executableTarget(
      name: "ScenarioFuzz",
      dependencies: [.product(name: "PipecastKit", package: "Pipecast")],
      swiftSettings: [.unsafeFlags(["-parse-as-library"])]
    )
  ]
)
