import Testing

@Suite struct HelpTests {
  /// Every sub-command's help exits 0 and shows an example.
  @Test(arguments: [
    "validate", "generate", "import", "kpis", "fit", "forecast", "backtest", "deals", "bridge",
    "whatif", "quota", "funnel", "demo",
  ])
  func helpHasAnExample(command: String) throws {
    let result = try CLIRunner.run([command, "--help"])
    #expect(result.status == 0, "\(command): \(result.stderr)")
    #expect(result.stdout.contains("Example"), "\(command) --help has no example")
  }
}
