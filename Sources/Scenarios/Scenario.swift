import CRMData

/// A what-if scenario: named changes to the sales organisation, each acting through the fitted
/// model's structure from `starts` on (see Scenarios/README.md for every lever's mechanism).
public struct Scenario: Sendable, Equatable {
  public var name: String
  public var description: String?
  /// First day the levers act; nil = the day after as-of.
  public var starts: Day?
  public var changes: [Change]
  /// The file it was read from (for messages), if any.
  public var file: String?
  /// The line of each change in `file` (empty when built in code).
  public var changeLines: [Int] = []

  public init(
    name: String, description: String? = nil, starts: Day? = nil, changes: [Change] = [],
    file: String? = nil
  ) {
    self.name = name
    self.description = description
    self.starts = starts
    self.changes = changes
    self.file = file
  }

  /// How a lever moves its quantity: replace it, multiply it, or add to it.
  public enum Adjustment: Sendable, Equatable {
    case set(Double)
    case scale(Double)
    case add(Double)

    public var operation: String {
      switch self {
      case .set: "set"
      case .scale: "scale"
      case .add: "add"
      }
    }

    public var value: Double {
      switch self {
      case .set(let v), .scale(let v), .add(let v): v
      }
    }
  }

  /// One change. The line number (1-based, 0 when built in code) lets validation against the
  /// model point at the offending line.
  public enum Change: Sendable, Equatable {
    /// `count` reps of `role` (ae or sdr) join `team` on `on` (nil: `starts`).
    case hire(count: Int, role: String, team: String?, on: Day?)
    /// `count` reps of `team` (or the named `rep`) leave on `on`; their open deals pass to the team.
    case attrition(count: Int, role: String, team: String?, rep: String?, on: Day?)
    /// Contact probability of newly arriving leads: set / scale / add.
    case contactRate(Adjustment)
    /// Hours to first response of newly arriving leads: scale, or set the median (hours).
    case leadResponseTime(Adjustment)
    /// Lead arrivals of `source` (nil: every source): scale, or add / set leads per week.
    case leadVolume(source: String?, Adjustment)
    /// Advance probability of `stage` (nil: every open stage): add.
    case stageConversion(stage: String?, Adjustment)
    /// Amounts of deals created from `starts`: scale.
    case dealSize(Adjustment)
    /// Remaining time in stage from `starts`: scale.
    case cycleLength(Adjustment)

    /// The YAML key of the lever.
    public var lever: String {
      switch self {
      case .hire: "hire"
      case .attrition: "attrition"
      case .contactRate: "contact_rate"
      case .leadResponseTime: "lead_response_time"
      case .leadVolume: "lead_volume"
      case .stageConversion: "stage_conversion"
      case .dealSize: "deal_size"
      case .cycleLength: "cycle_length"
      }
    }
  }

  /// The scenario that changes nothing (reproduces the baseline exactly).
  public static let unchanged = Scenario(name: "No change")
}

/// Where a problem in a scenario is, and what it is.
public struct ScenarioDiagnostic: Sendable, Equatable, CustomStringConvertible {
  public var file: String
  /// 1-based; 0 when unknown.
  public var line: Int
  public var column: Int
  public var message: String

  public init(file: String, line: Int, column: Int = 0, message: String) {
    self.file = file
    self.line = line
    self.column = column
    self.message = message
  }

  public var description: String {
    let place = line > 0 ? (column > 0 ? "\(file):\(line):\(column)" : "\(file):\(line)") : file
    return "\(place): error: \(message)"
  }
}

/// Why a scenario cannot be used.
public enum ScenarioError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file cannot be read.
  case unreadable(file: String, reason: String)
  /// Every problem found, in file order.
  case invalid([ScenarioDiagnostic])

  public var description: String {
    switch self {
    case .unreadable(let file, let reason): "\(file): error: cannot read scenario: \(reason)"
    case .invalid(let list): list.map(\.description).joined(separator: "\n")
    }
  }

  public var diagnostics: [ScenarioDiagnostic] {
    if case .invalid(let list) = self { return list }
    return []
  }
}
