// swift-tools-version: 6.1
// Pipecast: honest sales forecasts from CRM history.
//
// Modules, lowest first; each may import only those above it in this list.
//   CLAPACK        system LAPACK (Debian liblapack-dev + liblapacke-dev headers)
//   LinearAlgebra  the only importer of CLAPACK
//   CRMData        canonical CRM model, CSV reader, validation, point-in-time view, periods
//   Importers      vendor CRM exports and public datasets -> the canonical folder (`pipecast import`)
//   Statistics     random streams, distributions, survival, censored MLE, GLM, pooling, scores
//   Synthetic      the sample-world generator (`pipecast generate`)
//   PipelineModel  fits the pipeline model from CRMData using Statistics
//   KPI            the KPI catalogue
//   CSimulationKernel  the open-pipeline trial loop in AVX-512 C (bit-identical to Simulation's)
//   Simulation     seeded parallel Monte Carlo over a compiled model
//   Backtest       point-in-time origins, baselines, scores
//   FunnelAnalysis lead funnel: conversion and time to win with censoring (`pipecast funnel`)
//   Scenarios      YAML scenarios, levers, sensitivity, quota planning
//   Inspection     deal inspection (risk flags, age-conditioned probabilities), forecast bridge,
//                  forecast-category (commit) scoring
//   Reports        table / CSV / JSON / HTML+SVG output
//   pipecast       the executable: argument parsing, I/O, formatting only
import PackageDescription

let package = Package(
  name: "Pipecast",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "pipecast", targets: ["pipecast"]),
    .library(name: "PipecastKit", targets: [
      "LinearAlgebra", "CRMData", "Importers", "Statistics", "Synthetic", "PipelineModel", "KPI",
      "Simulation", "Backtest", "FunnelAnalysis", "Scenarios", "Inspection", "Reports",
    ]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
  ],
  targets: [
    .systemLibrary(
      name: "CLAPACK",
      pkgConfig: "lapack",
      providers: [.apt(["liblapack-dev", "liblapacke-dev"])]
    ),
    .target(name: "LinearAlgebra", dependencies: ["CLAPACK"]),
    .target(name: "CRMData"),
    .target(name: "Importers", dependencies: ["CRMData", .product(name: "Yams", package: "Yams")]),
    .target(name: "Statistics", dependencies: ["LinearAlgebra"]),
    .target(name: "Synthetic", dependencies: ["CRMData", "Statistics"]),
    .target(name: "PipelineModel", dependencies: ["CRMData", "Statistics", "LinearAlgebra"]),
    .target(name: "KPI", dependencies: ["CRMData", "Statistics", "PipelineModel"]),
    .target(name: "CSimulationKernel"),
    .target(name: "Simulation", dependencies: ["CRMData", "Statistics", "PipelineModel", "CSimulationKernel"]),
    .target(name: "Backtest", dependencies: ["CRMData", "Statistics", "PipelineModel", "Simulation", "Inspection"]),
    .target(name: "FunnelAnalysis", dependencies: ["CRMData", "Statistics"]),
    .target(
      name: "Scenarios",
      dependencies: [
        "CRMData", "Statistics", "PipelineModel", "Simulation",
        .product(name: "Yams", package: "Yams"),
      ]
    ),
    .target(name: "Inspection", dependencies: ["CRMData", "Statistics", "PipelineModel", "Simulation"]),
    .target(
      name: "Reports",
      dependencies: [
        "CRMData", "Statistics", "PipelineModel", "KPI", "Simulation", "Backtest", "FunnelAnalysis",
        "Scenarios", "Inspection",
      ]
    ),
    .executableTarget(
      name: "pipecast",
      dependencies: [
        "CRMData", "Importers", "Statistics", "Synthetic", "PipelineModel", "KPI", "Simulation",
        "Backtest", "FunnelAnalysis", "Scenarios", "Inspection", "Reports",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .target(name: "_TestSupport", dependencies: ["CRMData"], path: "Tests/_TestSupport"),
    .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra"]),
    .testTarget(name: "StatisticsTests", dependencies: ["Statistics"]),
    .testTarget(name: "PipelineModelTests", dependencies: ["PipelineModel", "CRMData", "Statistics", "Synthetic"]),
    .testTarget(name: "SyntheticTests", dependencies: ["Synthetic", "CRMData"]),
    .testTarget(name: "CRMDataTests", dependencies: ["CRMData", "_TestSupport"]),
    .testTarget(name: "CLITests", dependencies: ["_TestSupport"]),
    .testTarget(
      name: "SimulationTests", dependencies: ["Simulation", "PipelineModel", "CRMData", "Statistics", "_TestSupport"]),
    .testTarget(name: "KPITests", dependencies: ["KPI", "_TestSupport"]),
    .testTarget(name: "ImportersTests", dependencies: ["Importers", "CRMData", "_TestSupport"]),
    .testTarget(
      name: "PublicDataTests",
      dependencies: [
        "Importers", "CRMData", "KPI", "PipelineModel", "Backtest", "Statistics", "FunnelAnalysis", "Reports",
        "_TestSupport",
      ]
    ),
    .testTarget(
      name: "ReliabilityTests",
      dependencies: ["CRMData", "Statistics", "PipelineModel", "Simulation", "_TestSupport"]
    ),
    .testTarget(name: "BacktestTests", dependencies: ["Backtest", "CRMData", "Statistics", "Synthetic", "Reports", "_TestSupport"]),
    .testTarget(
      name: "InspectionTests",
      dependencies: ["Inspection", "CRMData", "PipelineModel", "Statistics", "_TestSupport"]
    ),
    .testTarget(name: "ScenariosTests", dependencies: ["Scenarios", "Synthetic", "CRMData", "_TestSupport"]),
    .testTarget(
      name: "ReportTests",
      dependencies: ["Reports", "CRMData", "KPI", "Backtest", "Scenarios", "Synthetic", "_TestSupport"]),
  ]
)
