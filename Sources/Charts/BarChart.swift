/// Horizontal bars for named categories (training time per model, say), one bar per category and series,
/// the value written at the end of each bar.
///
/// ```swift
/// let chart = BarChart(title: "Training time", categories: ["popularity", "ALS", "NeuMF"],
///                      series: [BarSeries("train", values: [0.01, 1.9, 48])],
///                      valueAxis: .log("seconds"), valueLabel: { Format.compact($0) + " s" })
/// ```
///
/// In the SVG each series is a `<g class="mq-series mq-bars">` with one `<rect>` per drawn bar and the
/// same `data-name` / `data-points` / `data-omitted` attributes as `Chart`'s series. On a log value axis
/// bars start at the axis's lower end and values ≤ 0 are omitted.
public struct BarChart: Sendable {
    /// Shown at the top and used as the SVG `<title>`.
    public var title: String?
    /// Small text under the chart, also in the `<desc>`.
    public var caption: String?
    /// Category names, top to bottom.
    public var categories: [String]
    /// One bar per category in each series (grouped within a category).
    public var series: [BarSeries]
    /// The value axis (horizontal). Linear value axes always include 0.
    public var valueAxis: Axis
    /// The text written at the end of each bar (nil: no text).
    public var valueLabel: (@Sendable (Double) -> String)?
    /// Width in CSS pixels; the height follows from the number of bars.
    public var width: Double
    /// Whether to show the legend (`.automatic`: with two or more series).
    public var legend: LegendVisibility
    /// The SVG id prefix (nil: a hash of the content).
    public var id: String?

    /// A bar chart.
    /// - Precondition: every series has one value per category.
    public init(title: String? = nil, caption: String? = nil, categories: [String], series: [BarSeries], valueAxis: Axis = Axis(),
                valueLabel: (@Sendable (Double) -> String)? = { Format.compact($0) }, width: Double = 640,
                legend: LegendVisibility = .automatic) {
        for s in series {
            precondition(s.values.count == categories.count, "bar series '\(s.name)': \(s.values.count) values for \(categories.count) categories")
        }
        self.title = title
        self.caption = caption
        self.categories = categories
        self.series = series
        self.valueAxis = valueAxis
        self.valueLabel = valueLabel
        self.width = width
        self.legend = legend
    }

    /// Height of one bar and the gap between categories.
    static let barHeight = 16.0, groupGap = 10.0

    /// The chart as an SVG document (see `Chart.svg(includeStyle:)`).
    public func svg(includeStyle: Bool = true) -> String {
        let pad = ChartFrame.padding
        let c = Format.coordinate
        var w = SVGWriter()
        let titleBottom = ChartFrame.drawTitle(title, into: &w)

        var assignment = ColorAssignment(series.map { Mark.bars($0.name, bins: [], color: $0.color) })
        let colors = series.map { assignment.color($0.name, $0.color) }
        let entries = zip(series, colors).compactMap { s, color in s.name.isEmpty ? nil : LegendEntry(name: s.name, color: color, fill: true) }
        let showLegend = legend == .hidden ? false : legend == .visible ? !entries.isEmpty : entries.count >= 2
        let legendLayout = LegendLayout(showLegend ? entries : [], left: pad, right: width - pad)
        let caption = ChartFrame.captionLines(self.caption, width: width)

        let top = titleBottom + legendLayout.height + 4
        let group = Double(series.count) * Self.barHeight + Self.groupGap
        let plotHeight = max(1, Double(categories.count)) * group
        let bottom = top + plotHeight
        let height = bottom + 22 + (valueAxis.title == nil ? 0 : 18) + ChartFrame.captionHeight(caption) + pad
        let labelWidth = categories.map { TextMetrics.width($0, fontSize: ChartFrame.labelSize) }.max() ?? 0
        let left = pad + labelWidth + 10
        let valueTextWidth = valueLabel.map { format in
            series.flatMap(\.values).map { TextMetrics.width(format($0), fontSize: ChartFrame.tickSize) }.max() ?? 0
        } ?? 0
        let right = width - pad - max(8, valueTextWidth + 6)

        var extent: ClosedRange<Double>? = nil
        let isLog = valueAxis.scale == .log10
        for v in series.flatMap(\.values) where v.isFinite && (!isLog || v > 0) {
            extent = extent.map { min($0.lowerBound, v)...max($0.upperBound, v) } ?? v...v
        }
        var count = max(2, Int((right - left) / 75))
        var axis = ResolvedAxis(valueAxis, extent: extent, count: count, forceZero: !isLog, start: left, end: right)
        while count > 1 && ChartRenderer.overlaps(axis, vertical: false) {
            count -= 1
            axis = ResolvedAxis(valueAxis, extent: extent, count: count, forceZero: !isLog, start: left, end: right)
        }
        let base = isLog ? left : axis.position(min(max(0, axis.domain.lowerBound), axis.domain.upperBound))

        // Grid and axis.
        w.open("g", [("class", "mq-grid")])
        if valueAxis.grid {
            for tick in axis.ticks {
                let x = c(axis.position(tick.value))
                w.element("line", [("x1", x), ("y1", c(top)), ("x2", x), ("y2", c(bottom))])
            }
        }
        w.close("g")

        var summaries: [String] = []
        var valueTexts: [(String, Double, Double, String)] = []
        for (j, s) in series.enumerated() {
            var omitted = 0
            var body = SVGWriter(reservingCapacity: categories.count * 90)
            for (i, v) in s.values.enumerated() {
                guard axis.accepts(v) else {
                    omitted += 1
                    continue
                }
                let end = axis.position(min(max(v, axis.domain.lowerBound), axis.domain.upperBound))
                let y = top + Double(i) * group + Self.groupGap / 2 + Double(j) * Self.barHeight
                body.element("rect", [("class", "mq-fill"), ("x", c(min(base, end))), ("y", c(y + 1)),
                                      ("width", c(max(0.5, abs(end - base)))), ("height", c(Self.barHeight - 2))])
                if let valueLabel { valueTexts.append((valueLabel(v), max(base, end) + 4, y + Self.barHeight / 2 + 4, "start")) }
            }
            var attributes = [("class", "mq-series mq-bars \(colors[j].cssClass)"), ("data-name", s.name),
                              ("data-points", String(s.values.count))]
            if omitted > 0 { attributes.append(("data-omitted", String(omitted))) }
            w.open("g", attributes)
            w.raw(body.output)
            w.close("g")
            let shown = zip(categories, s.values).map { "\($0) \(Format.compact($1))" }.joined(separator: ", ")
            summaries.append((s.name.isEmpty ? "" : s.name + ": ") + shown)
        }

        w.open("g", [("class", "mq-axis mq-axis-x")])
        w.element("line", [("class", "mq-domain"), ("x1", c(left)), ("y1", c(bottom)), ("x2", c(right)), ("y2", c(bottom))])
        for tick in axis.ticks {
            let x = c(axis.position(tick.value))
            w.open("g", [("class", "mq-tick")])
            w.element("line", [("x1", x), ("y1", c(bottom)), ("x2", x), ("y2", c(bottom + 5))])
            w.element("text", [("x", x), ("y", c(bottom + 17)), ("text-anchor", "middle")], text: tick.label)
            w.close("g")
        }
        if let title = valueAxis.title {
            w.element("text", [("class", "mq-axis-title"), ("x", c((left + right) / 2)), ("y", c(bottom + 35)), ("text-anchor", "middle")],
                      text: title)
        }
        w.close("g")
        w.open("g", [("class", "mq-axis mq-axis-y")])
        w.element("line", [("class", "mq-domain"), ("x1", c(base)), ("y1", c(top)), ("x2", c(base)), ("y2", c(bottom))])
        for (i, name) in categories.enumerated() {
            let y = top + Double(i) * group + group / 2 + 4
            w.element("text", [("class", "mq-label"), ("x", c(left - 8)), ("y", c(y)), ("text-anchor", "end")], text: name)
        }
        w.close("g")
        if !valueTexts.isEmpty {
            w.open("g", [("class", "mq-values mq-tick")])
            for (text, x, y, anchor) in valueTexts {
                w.element("text", [("x", c(x)), ("y", c(y)), ("text-anchor", anchor)], text: text)
            }
            w.close("g")
        }
        legendLayout.draw(top: titleBottom, into: &w)
        ChartFrame.drawCaption(caption, height: height, into: &w)

        var description: [String] = []
        if let caption = self.caption { description.append(caption) }
        description.append("Bar chart, value axis\(valueAxis.title.map { ": " + $0 } ?? "")\(isLog ? ", log scale" : "").")
        description.append(summaries.joined(separator: "; ") + ".")
        return ChartFrame.document(body: w.output, width: width, height: height, title: title,
                                   description: description.joined(separator: " "), includeStyle: includeStyle, id: id)
    }
}
