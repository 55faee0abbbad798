import Backtest
import CRMData
import KPI
import PipelineModel
import Scenarios
import Simulation
import Statistics

/// What to put in the HTML report and how to compute it.
public struct HTMLReportOptions: Sendable {
  /// The data folder as the user named it (shown in the footer, never read from here).
  public var dataFolder: String
  /// The Pipecast version, shown in the footer (the executable passes its own).
  public var version: String
  public var calendar: FiscalCalendar
  /// The periods to forecast (consecutive, one length).
  public var forecastPeriods: [Period]
  /// How many complete periods of actual bookings lead into the fan chart.
  public var historyPeriods: Int
  public var trials: Int
  public var seed: UInt64
  public var threads: Int
  /// Backtest settings; nil leaves the backtest section out (it refits the model per origin).
  public var backtest: BacktestOptions?
  /// Scenarios to compare with the baseline; the tornado is drawn whenever there is one.
  public var scenarios: [Scenario]
  /// The command line that reproduces the report, shown in the footer.
  public var command: String?

  public init(
    dataFolder: String, version: String, calendar: FiscalCalendar = .standard,
    forecastPeriods: [Period], historyPeriods: Int = 8, trials: Int = 10_000, seed: UInt64 = 1,
    threads: Int = 1, backtest: BacktestOptions? = nil, scenarios: [Scenario] = [],
    command: String? = nil
  ) {
    self.dataFolder = dataFolder
    self.version = version
    self.calendar = calendar
    self.forecastPeriods = forecastPeriods
    self.historyPeriods = historyPeriods
    self.trials = trials
    self.seed = seed
    self.threads = threads
    self.backtest = backtest
    self.scenarios = scenarios
    self.command = command
  }
}

/// Everything the report shows, computed; `HTMLReport.render(_:)` turns it into one page.
public struct HTMLReportContent: Sendable {
  public var options: HTMLReportOptions
  public var asOf: Day
  /// KPIs of the last complete period and of the one before (for the change).
  public var kpis: KPIComparison
  public var forecast: ForecastResult
  /// Actual bookings of the complete periods before the forecast, oldest first.
  public var history: [PeriodActual]
  /// The target per period label: the sum of the reps' quotas.
  public var quotas: [String: Double]
  public var model: FittedPipeline
  /// Kaplan–Meier curve of time in stage, per open stage in pipeline order.
  public var stageSurvival: [StageSurvival]
  public var backtest: BacktestResult?
  public var scenarios: ScenarioComparison?
}

/// A period's actual bookings (won amounts by close date).
public struct PeriodActual: Sendable, Equatable {
  public var period: String
  public var bookings: Double
  public var wonDeals: Int
}

/// The KPI catalogue for two consecutive periods.
public struct KPIComparison: Sendable {
  public var current: KPIReport
  public var previous: KPIReport
}

/// Time in one stage: the Kaplan–Meier estimate from every stay (stays open at as-of censored).
public struct StageSurvival: Sendable {
  public var stage: String
  public var curve: KaplanMeier
}

/// Scenarios against the baseline (common random numbers) and the standard-step tornado.
public struct ScenarioComparison: Sendable {
  public var whatIf: WhatIfResult
  public var sensitivity: SensitivityResult?
}

/// The self-contained HTML report: `build` computes, `render` writes the page.
///
/// The page is one file with inline CSS and SVG and nothing else: no scripts, fonts, images or
/// style sheets are fetched, so it can be mailed, archived and opened offline. The same content
/// renders to the same bytes.
public enum HTMLReport {
  /// Computes every section from a point-in-time folder.
  /// - Parameters:
  ///   - folder: the CRM folder as of the report date (the backtest treats it as the export).
  ///   - progress: called with a short description before each step.
  /// - Throws: `PipelineModelError` (fit), `SimulationError`, `BacktestError`, `ScenarioError`.
  /// - Complexity: one fit and one simulation; a fit and simulation per backtest origin; one
  ///   simulation per scenario and per tornado lever.
  public static func build(
    folder: CRMFolder, options: HTMLReportOptions, progress: (String) -> Void = { _ in }
  ) throws -> HTMLReportContent {
    precondition(!options.forecastPeriods.isEmpty, "the report needs at least one forecast period")
    progress("fitting the model")
    let model = try PipelineFitter().fit(folder: folder)

    progress("computing KPIs")
    let current = options.calendar.period(
      options.forecastPeriods[0].length, containing: folder.asOf)
    let lastComplete = current.end == folder.asOf.advanced(by: 1) ? current : current.previous
    var request = KPIRequest(period: lastComplete)
    request.fittedWinProbability = Dictionary(
      model.stages.map { ($0.name, $0.winProbability) }, uniquingKeysWith: { a, _ in a })
    var previousRequest = request
    (previousRequest.from, previousRequest.to) = (lastComplete.previous, lastComplete.previous)
    // The earlier period as it was reported then (the folder as of its last day), so snapshot
    // KPIs such as the weighted pipeline compare two snapshots, not one snapshot with itself.
    let previousView = folder.asOf(lastComplete.start.advanced(by: -1))
    let kpis = KPIComparison(
      current: KPIEngine.compute(folder: folder, request: request),
      previous: KPIEngine.compute(folder: previousView, request: previousRequest))

    var historyPeriods: [Period] = []
    var p = options.forecastPeriods[0].previous
    while historyPeriods.count < options.historyPeriods, p.end <= folder.asOf.advanced(by: 1) {
      historyPeriods.insert(p, at: 0)
      p = p.previous
    }
    if let firstDeal = folder.deals.map(\.createdOn.day).min() {
      historyPeriods.removeAll { $0.end <= firstDeal }
    }
    let history = actualBookings(folder: folder, periods: historyPeriods)
    let quotas = repQuotas(folder: folder, periods: historyPeriods + options.forecastPeriods)

    progress("simulating \(options.trials) trials")
    let simulation = SimulationOptions(
      periods: options.forecastPeriods, trials: options.trials, seed: options.seed,
      threads: options.threads)
    let forecast = try Forecasting.forecast(
      model: model, folder: folder, options: simulation, periodTargets: quotas)

    let episodes = StageEpisodes(folder: folder)
    let survival = episodes.stages.indices.map { s in
      let stays = episodes.episodes(inStage: s)
      return StageSurvival(
        stage: episodes.stages[s].name,
        curve: KaplanMeier(
          durations: stays.map(\.durationDays), observed: stays.map { $0.exit != .censored }))
    }

    var backtest: BacktestResult?
    if let settings = options.backtest {
      progress("backtesting \(settings.from.label) … \(settings.to.label)")
      backtest = try Backtest(options: settings).run(
        folder: folder, forecaster: PipecastForecaster())
    }

    var scenarios: ScenarioComparison?
    if !options.scenarios.isEmpty {
      progress("simulating \(options.scenarios.count) scenario(s)")
      let whatIf = try WhatIf.run(
        model: model, folder: folder, scenarios: options.scenarios, options: simulation)
      progress("simulating the tornado levers")
      let sensitivity = try Sensitivity.run(model: model, folder: folder, options: simulation)
      scenarios = ScenarioComparison(whatIf: whatIf, sensitivity: sensitivity)
    }

    return HTMLReportContent(
      options: options, asOf: folder.asOf, kpis: kpis, forecast: forecast, history: history,
      quotas: quotas, model: model, stageSurvival: survival, backtest: backtest,
      scenarios: scenarios)
  }

  /// Won bookings per period, by close date.
  static func actualBookings(folder: CRMFolder, periods: [Period]) -> [PeriodActual] {
    var amounts = [Double](repeating: 0, count: periods.count)
    var counts = [Int](repeating: 0, count: periods.count)
    for deal in folder.deals where deal.status == .won {
      guard let day = deal.closedOn?.day, let i = periods.firstIndex(where: { $0.contains(day) })
      else { continue }
      amounts[i] += deal.amount
      counts[i] += 1
    }
    return periods.indices.map {
      PeriodActual(period: periods[$0].label, bookings: amounts[$0], wonDeals: counts[$0])
    }
  }

  /// The sum of the reps' quotas per period label. Team quotas in quotas.csv are left out: they
  /// would count the same target twice (as `pipecast demo` does).
  static func repQuotas(folder: CRMFolder, periods: [Period]) -> [String: Double] {
    let repIDs = Set((folder.reps ?? []).map(\.id))
    let wanted = Set(periods)
    var quotas: [String: Double] = [:]
    for q in folder.quotas ?? [] where wanted.contains(q.period) {
      // Without reps.csv every owner's quota counts (there is no way to tell teams apart).
      if repIDs.isEmpty || repIDs.contains(q.ownerID) {
        quotas[q.period.label, default: 0] += q.amount
      }
    }
    return quotas
  }
}
