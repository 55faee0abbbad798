import CRMData
import Foundation
import Yams

/// The user's overrides of an adapter's defaults, read from `--mapping mapping.yaml`.
///
/// ```yaml
/// columns:                 # per file role, canonical field: the export's column name
///   deals:
///     amount: "Amount (converted)"
///   history:
///     changed_on: "Edit Date"
/// stages:                  # per export stage name
///   "Negotiation/Review": {order: 4, probability: 0.8}
///   "Closed Won - Upsell": {name: "Closed Won", kind: won}
/// date_format: dmy         # slashed dates are 31/03/2024 (default mdy: 3/31/2024)
/// export_date: 2017-12-31  # maven-crm: the date given to deals without any date
/// ```
///
/// Every key is checked: unknown keys, roles and fields, kinds other than open/won/lost, orders
/// that are not integers of at most 18 digits, probabilities outside 0…1 and malformed dates are
/// errors with the mapping file's line and column; so is, once the export is read, a stage renamed
/// onto another stage's name in a different case (stages.csv compares names without case). Which roles and fields exist depends on the source
/// (`ImportSource.fileRoles`, docs/IMPORT.md).
public struct ImportMapping: Sendable {
  /// An override of one export stage.
  public struct StageOverride: Sendable, Equatable {
    /// The canonical stage name (rename or merge); nil keeps the export's.
    public var name: String?
    public var kind: StageKind?
    public var order: Int?
    /// The CRM's own probability of winning from this stage, 0…1.
    public var probability: Double?
    /// Where the override was written (for "stage not in the export" warnings).
    public var line: Int
    /// Where `name` was written (line, column), for diagnostics about the new name.
    public var nameLine: Int?
    public var nameColumn: Int?

    public init(
      name: String? = nil, kind: StageKind? = nil, order: Int? = nil, probability: Double? = nil, line: Int = 0,
      nameLine: Int? = nil, nameColumn: Int? = nil
    ) {
      self.name = name
      self.kind = kind
      self.order = order
      self.probability = probability
      self.line = line
      self.nameLine = nameLine
      self.nameColumn = nameColumn
    }
  }

  /// A column override with where it was written.
  public struct ColumnOverride: Sendable, Equatable {
    public var column: String
    public var line: Int
    public var column1: Int

    public init(column: String, line: Int = 0, column1: Int = 0) {
      self.column = column
      self.line = line
      self.column1 = column1
    }
  }

  /// The mapping file's name, for diagnostics.
  public var file: String
  /// Role → canonical field → export column.
  public var columns: [String: [String: ColumnOverride]]
  /// Export stage name → override.
  public var stages: [String: StageOverride]
  public var dayOrder: DayOrder?
  public var exportDate: Day?

  public init(
    file: String = "mapping.yaml", columns: [String: [String: ColumnOverride]] = [:],
    stages: [String: StageOverride] = [:], dayOrder: DayOrder? = nil, exportDate: Day? = nil
  ) {
    self.file = file
    self.columns = columns
    self.stages = stages
    self.dayOrder = dayOrder
    self.exportDate = exportDate
  }

  /// No overrides.
  public static let none = ImportMapping()

  /// The largest stage order the mapping accepts, either sign: stages.csv is read back with at most
  /// 18 digits (`FieldParser.integer`), so a larger order would make the written folder invalid.
  public static let maxStageOrder = 999_999_999_999_999_999

  /// Reads the mapping file at `url`.
  public static func load(_ url: URL) throws(ImporterError) -> ImportMapping {
    let text: String
    do {
      text = try String(contentsOf: url, encoding: .utf8)
    } catch {
      throw .unreadableFile(path: url.path, reason: "\(error.localizedDescription)")
    }
    return try parse(text, file: url.lastPathComponent)
  }

  /// Parses mapping YAML; every problem is reported at once, with line and column.
  public static func parse(_ yaml: String, file: String = "mapping.yaml") throws(ImporterError)
    -> ImportMapping
  {
    var problems: [Diagnostic] = []
    func problem(_ node: Node?, _ message: String, fix: String? = nil) {
      problems.append(
        Diagnostic(file: file, line: node?.mark?.line ?? 1, column: node?.mark?.column, message: message, fix: fix))
    }
    let root: Node?
    do {
      root = try Yams.compose(yaml: yaml)
    } catch let error as YamlError {
      throw .invalidMapping([yamlDiagnostic(error, file: file)])
    } catch {
      throw .invalidMapping([Diagnostic(file: file, line: 1, message: "not valid YAML: \(error)")])
    }
    var mapping = ImportMapping(file: file)
    guard let root else { return mapping }
    guard let top = root.mapping else {
      throw .invalidMapping([
        Diagnostic(
          file: file, line: root.mark?.line ?? 1, column: root.mark?.column,
          message: "the mapping file must be a YAML mapping",
          fix: "use the keys columns, stages, date_format, export_date")
      ])
    }
    for (keyNode, value) in top {
      let key = keyNode.string ?? ""
      switch key {
      case "columns":
        guard let roles = value.mapping else {
          problem(value, "columns must map file roles to {field: column}")
          continue
        }
        for (roleNode, fields) in roles {
          let role = roleNode.string ?? ""
          guard let fieldMap = fields.mapping else {
            problem(fields, "columns.\(role) must map canonical fields to export column names")
            continue
          }
          for (fieldNode, columnNode) in fieldMap {
            let field = fieldNode.string ?? ""
            guard let column = columnNode.scalar?.string, !column.isEmpty else {
              problem(columnNode, "columns.\(role).\(field) must be a column name")
              continue
            }
            mapping.columns[role, default: [:]][field] = ColumnOverride(
              column: column, line: fieldNode.mark?.line ?? 0, column1: fieldNode.mark?.column ?? 0)
          }
        }
      case "stages":
        guard let stages = value.mapping else {
          problem(value, "stages must map export stage names to {name, kind, order, probability}")
          continue
        }
        for (stageNode, spec) in stages {
          let stage = stageNode.string ?? ""
          var override = StageOverride(line: stageNode.mark?.line ?? 0)
          guard let specMap = spec.mapping else {
            problem(spec, "stage '\(stage)' must be a mapping such as {kind: won}")
            continue
          }
          for (fieldNode, v) in specMap {
            let field = fieldNode.string ?? ""
            let text = v.scalar?.string ?? ""
            switch field {
            case "name":
              if text.isEmpty {
                problem(v, "stage '\(stage)': name is empty")
              } else {
                override.name = text
                override.nameLine = v.mark?.line
                override.nameColumn = v.mark?.column
              }
            case "kind":
              if let k = StageKind(rawValue: text.lowercased()) {
                override.kind = k
              } else {
                problem(v, "stage '\(stage)': kind '\(text)' is not open, won or lost")
              }
            case "order":
              if let n = Int(text) {
                if (-maxStageOrder...maxStageOrder).contains(n) {
                  override.order = n
                } else {
                  problem(
                    v, "stage '\(stage)': order '\(text)' is out of range",
                    fix: "stages.csv holds orders of at most 18 digits; number the stages 1, 2, 3 …")
                }
              } else {
                problem(v, "stage '\(stage)': order '\(text)' is not an integer")
              }
            case "probability":
              if let p = Double(text), p >= 0, p <= 1 {
                override.probability = p
              } else {
                problem(v, "stage '\(stage)': probability '\(text)' is not between 0 and 1", fix: "write 0.25, not 25")
              }
            default:
              problem(fieldNode, "stage '\(stage)': unknown key '\(field)'", fix: "use name, kind, order, probability")
            }
          }
          mapping.stages[stage] = override
        }
      case "date_format":
        let text = value.scalar?.string ?? ""
        if let order = DayOrder(rawValue: text.lowercased()) {
          mapping.dayOrder = order
        } else {
          problem(value, "date_format '\(text)' is not mdy or dmy")
        }
      case "export_date":
        let text = value.scalar?.string ?? ""
        if let day = Day(text) { mapping.exportDate = day } else { problem(value, "export_date '\(text)' is not a date; expected YYYY-MM-DD") }
      default:
        problem(keyNode, "unknown key '\(key)'", fix: "use columns, stages, date_format, export_date")
      }
    }
    if !problems.isEmpty { throw .invalidMapping(problems) }
    return mapping
  }

  private static func yamlDiagnostic(_ error: YamlError, file: String) -> Diagnostic {
    switch error {
    case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
      .composer(_, let problem, let mark, _):
      return Diagnostic(file: file, line: mark.line, column: mark.column, message: "not valid YAML: \(problem)")
    case .duplicatedKeysInMapping(let duplicates, let context):
      return Diagnostic(
        file: file, line: context.mark.line, column: context.mark.column,
        message: "key '\(duplicates.joined(separator: "', '"))' appears twice", fix: "keep one")
    default:
      return Diagnostic(file: file, line: 1, message: "not valid YAML: \(error)")
    }
  }
}
