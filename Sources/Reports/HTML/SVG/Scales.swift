import Foundation

/// A linear map from data values to pixels: `scale(v) = r₀ + (v − d₀) / (d₁ − d₀) · (r₁ − r₀)`.
///
/// Pixel ranges may run backwards (a y axis maps larger values to smaller y). `nice(…)` widens the
/// domain to whole multiples of a 1–2–2.5–5 × 10ⁿ step, so tick labels are round numbers.
public struct LinearScale: Sendable, Equatable {
  public var domain: ClosedRange<Double>
  /// Pixel coordinates of `domain.lowerBound` and `domain.upperBound`.
  public var range: (Double, Double)
  /// The distance between ticks (set by `nice`; otherwise a fifth of the domain's nice span).
  public var tickStep: Double

  public init(domain: ClosedRange<Double>, range: (Double, Double), tickStep: Double? = nil) {
    // A zero-width domain would divide by zero: widen it by one unit (or 1% of the value).
    var d = domain
    if d.upperBound - d.lowerBound <= 0 {
      let pad = max(1, abs(d.lowerBound) * 0.01)
      d = (d.lowerBound - pad)...(d.upperBound + pad)
    }
    self.domain = d
    self.range = range
    self.tickStep = tickStep ?? Self.niceStep(span: d.upperBound - d.lowerBound, count: 5)
  }

  /// A scale whose domain covers `values` (and `include`, e.g. 0), widened to round ticks.
  /// - Parameters:
  ///   - values: the data; non-finite values are ignored.
  ///   - include: values the axis must show even when no datum is near (0 for amounts).
  ///   - tickCount: about how many intervals between ticks.
  public static func nice(
    covering values: [Double], including include: [Double] = [], range: (Double, Double),
    tickCount: Int = 5
  ) -> LinearScale {
    let finite = (values + include).filter(\.isFinite)
    var lo = finite.min() ?? 0
    var hi = finite.max() ?? 1
    if hi - lo <= 0 {
      let pad = max(1, abs(lo) * 0.1)
      (lo, hi) = (lo - pad, hi + pad)
    }
    let step = niceStep(span: hi - lo, count: tickCount)
    let niceLo = (lo / step).rounded(.down) * step
    let niceHi = (hi / step).rounded(.up) * step
    return LinearScale(domain: niceLo...niceHi, range: range, tickStep: step)
  }

  /// The round step (1, 2, 2.5 or 5 × 10ⁿ) closest above `span / count`.
  public static func niceStep(span: Double, count: Int) -> Double {
    let raw = span / Double(max(1, count))
    guard raw > 0, raw.isFinite else { return 1 }
    let magnitude = pow(10, (log10(raw)).rounded(.down))
    let fraction = raw / magnitude
    let nice: Double =
      fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10
    return nice * magnitude
  }

  /// The pixel position of `value` (values outside the domain extrapolate).
  public func callAsFunction(_ value: Double) -> Double {
    let t = (value - domain.lowerBound) / (domain.upperBound - domain.lowerBound)
    return range.0 + t * (range.1 - range.0)
  }

  /// `value` clamped into the domain, then mapped (for marks that must stay inside the plot).
  public func clamped(_ value: Double) -> Double {
    self(min(max(value, domain.lowerBound), domain.upperBound))
  }

  /// Multiples of `tickStep` inside the domain, ascending.
  public var ticks: [Double] {
    let first = (domain.lowerBound / tickStep).rounded(.up)
    let last = (domain.upperBound / tickStep).rounded(.down)
    guard first <= last, last - first < 1_000 else {
      return [domain.lowerBound, domain.upperBound]
    }
    // Multiply, never accumulate, so 0.1 steps do not drift into 0.30000000000000004.
    return stride(from: first, through: last, by: 1).map { $0 * tickStep }
  }

  public static func == (a: LinearScale, b: LinearScale) -> Bool {
    a.domain == b.domain && a.range == b.range && a.tickStep == b.tickStep
  }
}

/// Equal bands for categories along an axis (periods, stages, origins), with padding between.
public struct BandScale: Sendable, Equatable {
  public var categories: [String]
  public var range: (Double, Double)
  /// Share of each band left empty, split on both sides (0 … 1).
  public var padding: Double

  public init(categories: [String], range: (Double, Double), padding: Double = 0.2) {
    self.categories = categories
    self.range = range
    self.padding = min(max(padding, 0), 0.95)
  }

  /// The width of one category's slot.
  public var step: Double {
    (range.1 - range.0) / Double(max(1, categories.count))
  }

  /// The width of the drawn band inside a slot.
  public var bandwidth: Double { step * (1 - padding) }

  /// The centre of category `index`.
  public func center(_ index: Int) -> Double {
    range.0 + step * (Double(index) + 0.5)
  }

  /// The left edge of category `index`'s band.
  public func start(_ index: Int) -> Double {
    center(index) - bandwidth / 2
  }

  public static func == (a: BandScale, b: BandScale) -> Bool {
    a.categories == b.categories && a.range == b.range && a.padding == b.padding
  }
}
