import Testing

@Suite struct BacktestPlaceholder {}
