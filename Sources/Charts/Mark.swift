/// Something drawn in a `Chart`'s plot area: a line, a band, points, histogram bars, a stack of areas or a
/// reference rule. Make one with the static functions (`.line`, `.band`, `.points`, `.bars`, `.stack`,
/// `.verticalRule`, `.horizontalRule`, `.diagonal`).
///
/// Marks that share a `name` share a colour and one legend entry, so a line and the band around it
/// (`.line("UCB", …)` and `.band("UCB", …)`) read as one series. Colours are given in order of first
/// appearance unless a mark names its own (`color:`).
///
/// In the SVG each series is a `<g class="mq-series mq-KIND">` (KIND: `line`, `band`, `points`, `bars`,
/// `area`) with `data-name`, `data-points` (points given) and `data-omitted` (points that could not be
/// drawn: not finite, or ≤ 0 on a log axis); rules are `<g class="mq-rule">`. Tests and scripts can rely
/// on these.
public struct Mark: Sendable {
    enum Kind: Sendable {
        case line(Line)
        case band(Band)
        case points(Points)
        case bars(Bars)
        case stack(Stack)
        case rule(Rule)
    }

    struct Line: Sendable {
        var name: String
        var x: [Double]
        var y: [Double]
        var markers: Bool
        var labels: [String]?
        var style: StrokeStyle
        var interpolation: Interpolation
        var color: SeriesColor?
    }

    struct Band: Sendable {
        var name: String
        var x: [Double]
        var lower: [Double]
        var upper: [Double]
        var color: SeriesColor?
    }

    struct Points: Sendable {
        var name: String
        var x: [Double]
        var y: [Double]
        var labels: [String]?
        var color: SeriesColor?
    }

    struct Bars: Sendable {
        var name: String
        var bins: [Bin]
        var color: SeriesColor?
    }

    struct Stack: Sendable {
        var x: [Double]
        var layers: [StackLayer]
    }

    struct Rule: Sendable {
        enum Position: Sendable {
            case vertical(Double)
            case horizontal(Double)
            /// y = x.
            case diagonal
        }
        var position: Position
        var label: String?
    }

    let kind: Kind

    /// A line through `(x[i], y[i])` in the order given.
    ///
    /// Points that cannot be drawn (not finite, or ≤ 0 on a log axis) break the line.
    /// - Parameters:
    ///   - name: the series name (legend, `data-name`); "" for none.
    ///   - x: x values.
    ///   - y: y values, as many as `x`.
    ///   - markers: draw a dot at every point.
    ///   - labels: text beside each point (e.g. the `ef` of each point of a recall/QPS curve), as many as
    ///     `x`; empty strings are skipped. Implies markers.
    ///   - style: solid, dashed or dotted.
    ///   - interpolation: straight segments or steps.
    ///   - color: a fixed colour (nil: the next palette colour).
    /// - Complexity: drawing is O(points).
    public static func line(_ name: String, x: [Double], y: [Double], markers: Bool = false, labels: [String]? = nil,
                            style: StrokeStyle = .solid, interpolation: Interpolation = .linear,
                            color: SeriesColor? = nil) -> Mark {
        precondition(x.count == y.count, "line '\(name)': \(x.count) x values but \(y.count) y values")
        precondition(labels == nil || labels!.count == x.count, "line '\(name)': \(labels!.count) labels for \(x.count) points")
        return Mark(kind: .line(Line(name: name, x: x, y: y, markers: markers || labels != nil, labels: labels, style: style,
                                     interpolation: interpolation, color: color)))
    }

    /// A filled band between `lower[i]` and `upper[i]` along `x`: a confidence interval, or the minimum
    /// and maximum across seeds. Give it the name of its line to share the line's colour and legend entry.
    public static func band(_ name: String, x: [Double], lower: [Double], upper: [Double], color: SeriesColor? = nil) -> Mark {
        precondition(x.count == lower.count && x.count == upper.count,
                     "band '\(name)': \(x.count) x values, \(lower.count) lower, \(upper.count) upper")
        return Mark(kind: .band(Band(name: name, x: x, lower: lower, upper: upper, color: color)))
    }

    /// Points (a scatter plot), each with an optional label placed beside it where it overlaps no other
    /// label.
    public static func points(_ name: String, x: [Double], y: [Double], labels: [String]? = nil, color: SeriesColor? = nil) -> Mark {
        precondition(x.count == y.count, "points '\(name)': \(x.count) x values but \(y.count) y values")
        precondition(labels == nil || labels!.count == x.count, "points '\(name)': \(labels!.count) labels for \(x.count) points")
        return Mark(kind: .points(Points(name: name, x: x, y: y, labels: labels, color: color)))
    }

    /// Bars from the value axis's zero (or a log axis's bottom) up to each bin's value, spanning the bin
    /// on x: a histogram. Bins need not be equal or adjacent.
    public static func bars(_ name: String, bins: [Bin], color: SeriesColor? = nil) -> Mark {
        Mark(kind: .bars(Bars(name: name, bins: bins, color: color)))
    }

    /// Areas stacked in order, the first at the bottom: layer `j` fills between the sum of layers `< j`
    /// and the sum of layers `≤ j` at each `x` (allocation shares over time, for example).
    /// - Precondition: every layer has as many values as `x`.
    public static func stack(x: [Double], layers: [StackLayer]) -> Mark {
        for layer in layers {
            precondition(layer.values.count == x.count, "stack layer '\(layer.name)': \(layer.values.count) values for \(x.count) x values")
        }
        return Mark(kind: .stack(Stack(x: x, layers: layers)))
    }

    /// A dashed vertical line across the plot at `x`, labelled at its top (a time cut, a chosen K).
    /// The x domain taken from data stretches to include it.
    public static func verticalRule(at x: Double, label: String? = nil) -> Mark {
        Mark(kind: .rule(Rule(position: .vertical(x), label: label)))
    }

    /// A dashed horizontal line across the plot at `y`, labelled at its right end (an exact scan's
    /// throughput, a baseline). The y domain taken from data stretches to include it.
    public static func horizontalRule(at y: Double, label: String? = nil) -> Mark {
        Mark(kind: .rule(Rule(position: .horizontal(y), label: label)))
    }

    /// The dashed diagonal y = x (the line of equality under a Lorenz curve), shown in the legend under
    /// `label`.
    public static func diagonal(label: String? = nil) -> Mark {
        Mark(kind: .rule(Rule(position: .diagonal, label: label)))
    }
}

/// One bar of a histogram: the interval `lower…upper` on x and its value.
public struct Bin: Sendable, Equatable {
    /// Left edge.
    public var lower: Double
    /// Right edge.
    public var upper: Double
    /// Height (count, share, …).
    public var value: Double

    /// A bin.
    public init(lower: Double, upper: Double, value: Double) {
        self.lower = lower
        self.upper = upper
        self.value = value
    }
}

/// A named list of values: one layer of a `Mark.stack` (a value per x) or one series of a `BarChart`
/// (a value per category).
public struct ValueSeries: Sendable, Equatable {
    /// The name (legend); "" for none.
    public var name: String
    /// The values.
    public var values: [Double]
    /// A fixed colour (nil: the next palette colour).
    public var color: SeriesColor?

    /// A series.
    public init(_ name: String, values: [Double], color: SeriesColor? = nil) {
        self.name = name
        self.values = values
        self.color = color
    }
}

/// One layer of a `Mark.stack`: a value per x.
public typealias StackLayer = ValueSeries

/// One series of a `BarChart`: a value per category.
public typealias BarSeries = ValueSeries

/// How a line is stroked.
public enum StrokeStyle: Sendable, Equatable {
    /// A continuous line.
    case solid
    /// Dashes (also what a series gets when its colour repeats the palette, to tell it apart).
    case dashed
    /// Dots.
    case dotted
}

/// How a line joins its points.
public enum Interpolation: Sendable, Equatable {
    /// Straight segments.
    case linear
    /// Horizontal then vertical: each value holds until the next x (a step function, an empirical CDF).
    case step
}

/// A series colour: a palette slot, or the text colours.
public struct SeriesColor: Sendable, Equatable, Hashable {
    enum Value: Sendable, Hashable {
        case slot(Int)
        case foreground
        case muted
    }

    let value: Value

    /// Palette colour `index` (0-based; wraps after `Theme.paletteSize`, dashed). Give a model the same
    /// index in every figure and it keeps its colour across a report.
    public static func palette(_ index: Int) -> SeriesColor {
        precondition(index >= 0, "palette index must be ≥ 0")
        return SeriesColor(value: .slot(index))
    }

    /// The text colour (black on light pages, white on dark).
    public static let foreground = SeriesColor(value: .foreground)

    /// The muted text colour (grey).
    public static let muted = SeriesColor(value: .muted)

    /// The CSS class that sets `currentColor`.
    var cssClass: String {
        switch value {
        case let .slot(i): return "mq-s\(i % Theme.paletteSize + 1)"
        case .foreground: return "mq-fg"
        case .muted: return "mq-muted"
        }
    }

    /// Palette slots past the first round are dashed so that repeated colours stay apart.
    var repeatsPalette: Bool {
        if case let .slot(i) = value { return i >= Theme.paletteSize }
        return false
    }
}
