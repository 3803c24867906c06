import Foundation

/// One axis of a `Chart`: its scale, its domain (from the data unless given), how its ticks are
/// labelled, and its title.
///
/// Log axes: values ≤ 0 have no place on a log scale, so marks *omit* them (a line breaks there, a bar
/// is not drawn) and each series records how many it omitted in its `data-omitted` attribute; the chart's
/// description says so too. An explicit log domain must be positive (a precondition).
public struct Axis: Sendable {
    /// How values map to positions.
    public enum Scale: Sendable, Equatable {
        /// Equal differences take equal lengths.
        case linear
        /// Equal ratios take equal lengths (decades).
        case log10
    }

    /// How tick values become labels.
    public enum Labels: Sendable {
        /// Compact numbers: `0.25`, `1.5k`, `20k`, `3M` (decimals follow the tick step).
        case automatic
        /// Shares as percentages: 0.25 → `25%`.
        case percent
        /// Unix seconds as UTC dates: `1996` for ticks a year or more apart, `1996-03` otherwise. Ticks fall
        /// on the first of a month (see `Ticks.dates`).
        case date
        /// Your own formatting.
        case custom(@Sendable (Double) -> String)
    }

    /// Shown along the axis (nil: none).
    public var title: String?
    /// Linear or log10.
    public var scale: Scale
    /// Tick label style.
    public var labels: Labels
    /// Fixed domain; nil takes the data's extent (widened to nice ticks when `nice` is set).
    public var domain: ClosedRange<Double>?
    /// Linear axes only: stretch a data domain to include 0 (bars and stacks always do on their value
    /// axis).
    public var includesZero: Bool
    /// Widen a data domain to whole tick steps (or whole decades on a log axis).
    public var nice: Bool
    /// Draw grid lines at the major ticks.
    public var grid: Bool

    /// An axis.
    /// - Parameters:
    ///   - title: the axis title (nil: none).
    ///   - scale: `.linear` or `.log10`.
    ///   - labels: tick label style.
    ///   - domain: a fixed domain, or nil for the data's.
    ///   - includesZero: stretch a linear data domain to include 0.
    ///   - nice: widen a data domain to whole ticks.
    ///   - grid: grid lines at the major ticks.
    /// - Precondition: a log axis's fixed domain is positive; a fixed domain is finite.
    public init(_ title: String? = nil, scale: Scale = .linear, labels: Labels = .automatic, domain: ClosedRange<Double>? = nil,
                includesZero: Bool = false, nice: Bool = true, grid: Bool = true) {
        if let domain {
            precondition(domain.lowerBound.isFinite && domain.upperBound.isFinite, "axis domain must be finite")
            precondition(scale == .linear || domain.lowerBound > 0, "a log axis's domain must be positive, got \(domain)")
        }
        self.title = title
        self.scale = scale
        self.labels = labels
        self.domain = domain
        self.includesZero = includesZero
        self.nice = nice
        self.grid = grid
    }

    /// A log10 axis.
    public static func log(_ title: String? = nil, domain: ClosedRange<Double>? = nil, labels: Labels = .automatic, grid: Bool = true) -> Axis {
        Axis(title, scale: .log10, labels: labels, domain: domain, grid: grid)
    }

    /// A time axis over Unix seconds, labelled with UTC years or year-months.
    public static func time(_ title: String? = nil, domain: ClosedRange<Double>? = nil, grid: Bool = true) -> Axis {
        Axis(title, labels: .date, domain: domain, grid: grid)
    }

    /// A linear axis of shares labelled as percentages (0…1 unless `domain` says otherwise).
    public static func percent(_ title: String? = nil, domain: ClosedRange<Double>? = 0...1, grid: Bool = true) -> Axis {
        Axis(title, labels: .percent, domain: domain, includesZero: true, grid: grid)
    }
}

/// An axis resolved against a pixel range: domain, ticks, labels and the mapping from values to
/// positions.
struct ResolvedAxis {
    struct Tick {
        var value: Double
        var label: String
    }

    let domain: ClosedRange<Double>
    let isLog: Bool
    var ticks: [Tick]
    var minorTicks: [Double]
    /// Pixel positions of `domain.lowerBound` and `domain.upperBound`.
    var start: Double
    var end: Double

    /// The pixel position of `value` (log axes: `value` must be positive).
    @inline(__always)
    func position(_ value: Double) -> Double {
        let lo = domain.lowerBound, hi = domain.upperBound
        let t: Double
        if isLog {
            t = (Foundation.log10(value) - Foundation.log10(lo)) / (Foundation.log10(hi) - Foundation.log10(lo))
        } else {
            t = hi == lo ? 0.5 : (value - lo) / (hi - lo)
        }
        return start + t * (end - start)
    }

    /// Whether `value` can be drawn on this axis.
    @inline(__always)
    func accepts(_ value: Double) -> Bool { value.isFinite && (!isLog || value > 0) }

    /// Resolves `axis` over the data `extent` (nil: no data) for about `count` tick intervals.
    init(_ axis: Axis, extent: ClosedRange<Double>?, count: Int, forceZero: Bool, start: Double, end: Double) {
        self.start = start
        self.end = end
        isLog = axis.scale == .log10
        let count = max(1, count)
        var domain: ClosedRange<Double>
        if let fixed = axis.domain {
            domain = fixed
        } else if isLog {
            let data = extent ?? 1...10
            domain = axis.nice ? Ticks.niceLogDomain(data) : (data.lowerBound == data.upperBound ? data.lowerBound / 2...data.upperBound * 2 : data)
        } else {
            var data = extent ?? 0...1
            if axis.includesZero || forceZero { data = min(data.lowerBound, 0)...max(data.upperBound, 0) }
            if case .date = axis.labels {
                domain = axis.nice ? Ticks.niceDateDomain(data) : data
            } else {
                domain = axis.nice ? Ticks.niceDomain(data, count: count) : data
            }
            if domain.lowerBound == domain.upperBound { domain = domain.lowerBound - 1...domain.upperBound + 1 }
        }
        self.domain = domain
        ticks = []
        minorTicks = []
        makeTicks(axis.labels, count: count)
    }

    /// Recomputes the ticks for about `count` intervals (the domain stays).
    mutating func makeTicks(_ labels: Axis.Labels, count: Int) {
        let count = max(1, count)
        if isLog {
            let (major, minor) = Ticks.log(domain, count: count)
            ticks = major.map { Tick(value: $0, label: Self.label($0, step: nil, labels)) }
            minorTicks = minor
            return
        }
        minorTicks = []
        if case .date = labels {
            let (values, months) = Ticks.dates(domain, count: count)
            ticks = values.map {
                let date = CivilDate(unixSeconds: $0)
                return Tick(value: $0, label: months >= 12 ? date.yearLabel : date.yearMonthLabel)
            }
            return
        }
        let (values, step) = Ticks.linear(domain, count: count)
        ticks = values.map { Tick(value: $0, label: Self.label($0, step: step, labels)) }
    }

    /// The label of a tick; `step` is nil on log axes.
    static func label(_ value: Double, step: Double?, _ labels: Axis.Labels) -> String {
        switch labels {
        case .automatic, .date:
            if let step { return Format.tick(value, step: step) }
            return Format.compact(value)
        case .percent:
            if let step { return Format.percent(value, step: step) }
            return Format.percent(value, step: value / 10)
        case let .custom(format):
            return format(value)
        }
    }
}
