import Foundation

/// Deterministic JSON for `--format json`: sorted keys, ISO dates as strings, and no
/// non-finite numbers (they become `null` through `Optional` before encoding).
public enum JSONOutput {
  /// Encodes `value` with sorted keys and pretty printing, ending with a newline.
  public static func encode(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .throw
    let data = try encoder.encode(value)
    return String(decoding: data, as: UTF8.self) + "\n"
  }
}
