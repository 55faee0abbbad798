/// The Okabe–Ito palette: eight colours told apart by readers with any common colour-vision
/// deficiency (Okabe & Ito, "Color Universal Design", 2008), plus the greys the charts use.
///
/// Charts never rely on colour alone: lines also differ by dash, points by shape, and every
/// series is named in a legend or a label.
public enum Palette {
  public static let black = "#000000"
  public static let orange = "#E69F00"
  public static let skyBlue = "#56B4E9"
  public static let bluishGreen = "#009E73"
  public static let yellow = "#F0E442"
  public static let blue = "#0072B2"
  public static let vermillion = "#D55E00"
  public static let reddishPurple = "#CC79A7"

  /// Axis lines, tick labels and secondary text.
  public static let axis = "#4D4D4D"
  /// Grid lines.
  public static let grid = "#E3E3E3"
  /// Neutral marks ("other").
  public static let neutral = "#999999"

  /// Colours for series in order; yellow is last because it is faint on white.
  public static let series = [
    blue, orange, bluishGreen, vermillion, reddishPurple, skyBlue, black, yellow,
  ]

  /// Dash patterns to pair with `series`, so lines differ without colour too.
  public static let dashes: [String?] = [nil, "6 3", "2 3", "8 3 2 3", "1 2", "10 4", nil, "4 4"]

  /// The colour of series `index` (cycling).
  public static func color(_ index: Int) -> String { series[index % series.count] }

  /// The dash pattern of series `index` (cycling).
  public static func dash(_ index: Int) -> String? { dashes[index % dashes.count] }
}
