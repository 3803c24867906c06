import Foundation

/// Lays out and draws a `Chart`: margins from the tick labels, ticks that do not overlap, marks clipped to
/// the plot, labels kept apart, legend on top.
struct ChartRenderer {
    let chart: Chart
    /// Per mark, the colour of each of its series (one; a stack has one per layer).
    let colors: [[SeriesColor]]

    init(_ chart: Chart) {
        self.chart = chart
        var assignment = ColorAssignment(chart.marks)
        colors = chart.marks.map { mark in
            switch mark.kind {
            case let .line(l): return [assignment.color(l.name, l.color)]
            case let .band(b): return [assignment.color(b.name, b.color)]
            case let .points(p): return [assignment.color(p.name, p.color)]
            case let .bars(b): return [assignment.color(b.name, b.color)]
            case let .stack(s): return s.layers.map { assignment.color($0.name, $0.color) }
            case .rule: return [.muted]
            }
        }
    }

    static func dashClass(_ style: StrokeStyle) -> String {
        switch style {
        case .solid: return ""
        case .dashed: return " mq-dashed"
        case .dotted: return " mq-dotted"
        }
    }

    // MARK: - Layout

    struct Layout {
        var plot: Rect
        var x: ResolvedAxis
        var y: ResolvedAxis
        var legend: LegendLayout
        var legendTop: Double
        var caption: [String]
    }

    func layout(titleBottom: Double) -> Layout {
        let pad = ChartFrame.padding
        let entries = legendEntries()
        let shown: Bool
        switch chart.legend {
        case .automatic: shown = entries.count >= 2
        case .visible: shown = !entries.isEmpty
        case .hidden: shown = false
        }
        let legend = LegendLayout(shown ? entries : [], left: pad, right: chart.width - pad)
        let caption = ChartFrame.captionLines(chart.caption, width: chart.width)
        let top = titleBottom + legend.height + (chart.title == nil && legend.rows == 0 ? 6 : 8)
        let bottom = chart.height - pad - ChartFrame.captionHeight(caption) - (chart.x.title == nil ? 0 : 18) - 22
        let (xExtent, yExtent, forceZero) = extents()

        // y first: its labels set the left margin.
        var yCount = max(2, Int((bottom - top) / 40))
        var y = ResolvedAxis(chart.y, extent: yExtent, count: yCount, forceZero: forceZero, start: bottom, end: top)
        while yCount > 1 && Self.overlaps(y, vertical: true) {
            yCount -= 1
            y = ResolvedAxis(chart.y, extent: yExtent, count: yCount, forceZero: forceZero, start: bottom, end: top)
        }
        let labelWidth = y.ticks.map { TextMetrics.width($0.label, fontSize: ChartFrame.tickSize) }.max() ?? 0
        let left = pad + (chart.y.title == nil ? 0 : 20) + labelWidth + 9
        var right = chart.width - pad - 6

        func resolveX(_ right: Double) -> ResolvedAxis {
            var count = max(2, Int((right - left) / 75))
            var x = ResolvedAxis(chart.x, extent: xExtent, count: count, forceZero: false, start: left, end: right)
            while count > 1 && Self.overlaps(x, vertical: false) {
                count -= 1
                x = ResolvedAxis(chart.x, extent: xExtent, count: count, forceZero: false, start: left, end: right)
            }
            return x
        }
        var x = resolveX(right)
        // The last tick label is centred on its tick: keep it inside the drawing.
        if let last = x.ticks.last {
            let overhang = x.position(last.value) + TextMetrics.width(last.label, fontSize: ChartFrame.tickSize) / 2 - (chart.width - 3)
            if overhang > 0 {
                right -= overhang
                x = resolveX(right)
            }
        }
        return Layout(plot: Rect(minX: left, minY: top, maxX: right, maxY: bottom), x: x, y: y, legend: legend,
                      legendTop: titleBottom, caption: caption)
    }

    /// Whether consecutive tick labels collide.
    static func overlaps(_ axis: ResolvedAxis, vertical: Bool) -> Bool {
        var previous: (position: Double, extent: Double)? = nil
        for tick in axis.ticks {
            let p = axis.position(tick.value)
            let extent = vertical ? ChartFrame.tickSize + 3 : TextMetrics.width(tick.label, fontSize: ChartFrame.tickSize)
            if let previous, abs(p - previous.position) < (extent + previous.extent) / 2 + (vertical ? 2 : 10) { return true }
            previous = (p, extent)
        }
        return false
    }

    /// The data's extent on each axis (values a log axis cannot show left out), and whether the y axis
    /// must include zero (bars and stacks stand on it).
    func extents() -> (x: ClosedRange<Double>?, y: ClosedRange<Double>?, forceZero: Bool) {
        let xLog = chart.x.scale == .log10, yLog = chart.y.scale == .log10
        var x: ClosedRange<Double>? = nil, y: ClosedRange<Double>? = nil
        var forceZero = false
        func add(_ v: Double, _ range: inout ClosedRange<Double>?, log: Bool) {
            guard v.isFinite, !log || v > 0 else { return }
            range = range.map { min($0.lowerBound, v)...max($0.upperBound, v) } ?? v...v
        }
        for mark in chart.marks {
            switch mark.kind {
            case let .line(l):
                for v in l.x { add(v, &x, log: xLog) }
                for v in l.y { add(v, &y, log: yLog) }
            case let .band(b):
                for v in b.x { add(v, &x, log: xLog) }
                for v in b.lower { add(v, &y, log: yLog) }
                for v in b.upper { add(v, &y, log: yLog) }
            case let .points(p):
                for v in p.x { add(v, &x, log: xLog) }
                for v in p.y { add(v, &y, log: yLog) }
            case let .bars(b):
                forceZero = true
                for bin in b.bins {
                    add(bin.lower, &x, log: xLog)
                    add(bin.upper, &x, log: xLog)
                    add(bin.value, &y, log: yLog)
                }
            case let .stack(s):
                forceZero = true
                for v in s.x { add(v, &x, log: xLog) }
                for i in 0..<s.x.count {
                    var sum = 0.0
                    for layer in s.layers where layer.values[i].isFinite { sum += layer.values[i] }
                    add(sum, &y, log: yLog)
                }
            case let .rule(r):
                switch r.position {
                case let .vertical(v): add(v, &x, log: xLog)
                case let .horizontal(v): add(v, &y, log: yLog)
                case .diagonal: break
                }
            }
        }
        return (x, y, forceZero && !yLog)
    }

    func legendEntries() -> [LegendEntry] {
        var entries: [LegendEntry] = []
        func merge(_ name: String, _ color: SeriesColor, _ update: (inout LegendEntry) -> Void) {
            guard !name.isEmpty else { return }
            if let i = entries.firstIndex(where: { $0.name == name }) {
                update(&entries[i])
            } else {
                var entry = LegendEntry(name: name, color: color)
                update(&entry)
                entries.append(entry)
            }
        }
        for (index, mark) in chart.marks.enumerated() {
            let color = colors[index][0]
            switch mark.kind {
            case let .line(l):
                merge(l.name, color) { $0.line = Self.effectiveStyle(l.style, color); $0.markers = $0.markers || l.markers }
            case let .band(b): merge(b.name, color) { $0.band = true }
            case let .points(p): merge(p.name, color) { $0.point = true }
            case let .bars(b): merge(b.name, color) { $0.fill = true }
            case let .stack(s):
                for (j, layer) in s.layers.enumerated() { merge(layer.name, colors[index][j]) { $0.fill = true } }
            case let .rule(r):
                if case .diagonal = r.position, let label = r.label { merge(label, .muted) { $0.rule = true } }
            }
        }
        return entries
    }

    static func effectiveStyle(_ style: StrokeStyle, _ color: SeriesColor) -> StrokeStyle {
        style == .solid && color.repeatsPalette ? .dashed : style
    }

    // MARK: - Drawing

    func render(includeStyle: Bool) -> String {
        var w = SVGWriter()
        let titleBottom = ChartFrame.drawTitle(chart.title, into: &w)
        let l = layout(titleBottom: titleBottom)
        let c = Format.coordinate
        let plot = l.plot

        w.open("defs")
        w.raw("<clipPath id=\"\u{1}-clip\">")    // raw: escaping would turn the id placeholder into a space
        w.element("rect", [("x", c(plot.minX - 6)), ("y", c(plot.minY - 6)), ("width", c(plot.maxX - plot.minX + 12)),
                           ("height", c(plot.maxY - plot.minY + 12))])
        w.close("clipPath")
        w.close("defs")

        drawGrid(l, into: &w)

        var state = DrawState(placer: LabelPlacer(bounds: Rect(minX: plot.minX, minY: plot.minY - 4, maxX: chart.width - 2, maxY: plot.maxY)))
        w.raw("<g class=\"mq-plot\" clip-path=\"url(#\u{1}-clip)\">\n")
        // Fills first, then rules, then lines, then points: nothing solid hides a line.
        for pass in 0..<4 {
            for (index, mark) in chart.marks.enumerated() {
                let color = colors[index]
                switch (pass, mark.kind) {
                case let (0, .stack(s)): drawStack(s, color, l, &w, &state)
                case let (0, .bars(b)): drawBars(b, color[0], l, &w, &state)
                case let (0, .band(b)): drawBand(b, color[0], l, &w, &state)
                case let (1, .rule(r)): drawRule(r, l, &w, &state)
                case let (2, .line(line)): drawLine(line, color[0], l, &w, &state)
                case let (3, .points(p)): drawPoints(p, color[0], l, &w, &state)
                default: break
                }
            }
        }
        w.close("g")

        drawAxes(l, into: &w)
        drawLabels(&state, into: &w)
        l.legend.draw(top: l.legendTop, into: &w)
        ChartFrame.drawCaption(l.caption, height: chart.height, into: &w)

        return ChartFrame.document(body: w.output, width: chart.width, height: chart.height, title: chart.title,
                                   description: description(l, state),
                                   includeStyle: includeStyle, id: chart.id)
    }

    private func drawGrid(_ l: Layout, into w: inout SVGWriter) {
        let c = Format.coordinate
        w.open("g", [("class", "mq-grid")])
        if chart.y.grid {
            for tick in l.y.ticks {
                let y = c(l.y.position(tick.value))
                w.element("line", [("x1", c(l.plot.minX)), ("y1", y), ("x2", c(l.plot.maxX)), ("y2", y)])
            }
        }
        if chart.x.grid {
            for tick in l.x.ticks {
                let x = c(l.x.position(tick.value))
                w.element("line", [("x1", x), ("y1", c(l.plot.minY)), ("x2", x), ("y2", c(l.plot.maxY))])
            }
        }
        w.close("g")
    }

    private func drawAxes(_ l: Layout, into w: inout SVGWriter) {
        let c = Format.coordinate
        let plot = l.plot
        // x
        w.open("g", [("class", "mq-axis mq-axis-x")])
        w.element("line", [("class", "mq-domain"), ("x1", c(plot.minX)), ("y1", c(plot.maxY)), ("x2", c(plot.maxX)), ("y2", c(plot.maxY))])
        for tick in l.x.ticks {
            let x = c(l.x.position(tick.value))
            w.open("g", [("class", "mq-tick")])
            w.element("line", [("x1", x), ("y1", c(plot.maxY)), ("x2", x), ("y2", c(plot.maxY + 5))])
            w.element("text", [("x", x), ("y", c(plot.maxY + 17)), ("text-anchor", "middle")], text: tick.label)
            w.close("g")
        }
        for value in l.x.minorTicks {
            let x = c(l.x.position(value))
            w.element("line", [("class", "mq-domain mq-minor"), ("x1", x), ("y1", c(plot.maxY)), ("x2", x), ("y2", c(plot.maxY + 3))])
        }
        if let title = chart.x.title {
            w.element("text", [("class", "mq-axis-title"), ("x", c((plot.minX + plot.maxX) / 2)), ("y", c(plot.maxY + 35)),
                               ("text-anchor", "middle")], text: title)
        }
        w.close("g")
        // y
        w.open("g", [("class", "mq-axis mq-axis-y")])
        w.element("line", [("class", "mq-domain"), ("x1", c(plot.minX)), ("y1", c(plot.minY)), ("x2", c(plot.minX)), ("y2", c(plot.maxY))])
        for tick in l.y.ticks {
            let y = l.y.position(tick.value)
            w.open("g", [("class", "mq-tick")])
            w.element("line", [("x1", c(plot.minX - 5)), ("y1", c(y)), ("x2", c(plot.minX)), ("y2", c(y))])
            w.element("text", [("x", c(plot.minX - 8)), ("y", c(y + 4)), ("text-anchor", "end")], text: tick.label)
            w.close("g")
        }
        for value in l.y.minorTicks {
            let y = c(l.y.position(value))
            w.element("line", [("class", "mq-domain mq-minor"), ("x1", c(plot.minX - 3)), ("y1", y), ("x2", c(plot.minX)), ("y2", y)])
        }
        if let title = chart.y.title {
            let x = ChartFrame.padding + 11, y = (plot.minY + plot.maxY) / 2
            w.element("text", [("class", "mq-axis-title"), ("x", c(x)), ("y", c(y)), ("text-anchor", "middle"),
                               ("transform", "rotate(-90 \(c(x)) \(c(y)))")], text: title)
        }
        w.close("g")
    }

    private func seriesAttributes(_ kind: String, _ name: String, _ color: SeriesColor, points: Int, omitted: Int) -> [(String, String)] {
        var a = [("class", "mq-series mq-\(kind) \(color.cssClass)"), ("data-name", name), ("data-points", String(points))]
        if omitted > 0 { a.append(("data-omitted", String(omitted))) }
        return a
    }

    private func drawLine(_ line: Mark.Line, _ color: SeriesColor, _ l: Layout, _ w: inout SVGWriter, _ s: inout DrawState) {
        var d = ""
        d.reserveCapacity(line.x.count * (line.interpolation == .step ? 28 : 14))
        var omitted = 0, penDown = false, previousY = 0.0
        var positions: [(x: Double, y: Double, index: Int)] = []
        if line.markers { positions.reserveCapacity(line.x.count) }
        for i in 0..<line.x.count {
            let xv = line.x[i], yv = line.y[i]
            guard l.x.accepts(xv), l.y.accepts(yv) else {
                omitted += 1
                penDown = false
                continue
            }
            let px = l.x.position(xv), py = l.y.position(yv)
            if !penDown {
                d += "M"
                penDown = true
            } else if line.interpolation == .step {
                d += "L"
                Format.appendCoordinate(px, to: &d)
                d += ","
                Format.appendCoordinate(previousY, to: &d)
                d += "L"
            } else {
                d += "L"
            }
            Format.appendCoordinate(px, to: &d)
            d += ","
            Format.appendCoordinate(py, to: &d)
            previousY = py
            if line.markers { positions.append((px, py, i)) }
        }
        w.open("g", seriesAttributes("line", line.name, color, points: line.x.count, omitted: omitted))
        let style = Self.effectiveStyle(line.style, color)
        if !d.isEmpty { w.element("path", [("class", "mq-stroke" + Self.dashClass(style)), ("d", d)]) }
        if line.markers {
            w.open("g", [("class", "mq-markers")])
            let c = Format.coordinate
            for p in positions {
                w.element("circle", [("class", "mq-marker"), ("cx", c(p.x)), ("cy", c(p.y)), ("r", "3")])
                s.placer.occupy(x: p.x, y: p.y, radius: 4)
            }
            w.close("g")
        }
        w.close("g")
        if let labels = line.labels {
            // A labelled line keeps its labels off its own segments too.
            for (a, b) in zip(positions, positions.dropFirst()) where b.index == a.index + 1 {
                let steps = max(1, Int(max(abs(b.x - a.x), abs(b.y - a.y)) / 6))
                for k in 1..<steps {
                    let t = Double(k) / Double(steps)
                    s.placer.occupy(x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y), radius: 2)
                }
            }
            for p in positions where !labels[p.index].isEmpty { s.pointLabels.append((labels[p.index], p.x, p.y)) }
        }
        s.summaries.append("\(line.name.isEmpty ? "line" : line.name) (line, \(line.x.count - omitted) points)")
        s.omitted += omitted
    }

    private func drawPoints(_ points: Mark.Points, _ color: SeriesColor, _ l: Layout, _ w: inout SVGWriter, _ s: inout DrawState) {
        var omitted = 0
        var body = SVGWriter(reservingCapacity: points.x.count * 60)
        let c = Format.coordinate
        for i in 0..<points.x.count {
            guard l.x.accepts(points.x[i]), l.y.accepts(points.y[i]) else {
                omitted += 1
                continue
            }
            let px = l.x.position(points.x[i]), py = l.y.position(points.y[i])
            body.element("circle", [("class", "mq-marker"), ("cx", c(px)), ("cy", c(py)), ("r", "4.5")])
            s.placer.occupy(x: px, y: py, radius: 5.5)
            if let labels = points.labels, !labels[i].isEmpty { s.pointLabels.append((labels[i], px, py)) }
        }
        w.open("g", seriesAttributes("points", points.name, color, points: points.x.count, omitted: omitted))
        w.raw(body.output)
        w.close("g")
        s.summaries.append("\(points.name.isEmpty ? "points" : points.name) (\(points.x.count - omitted) points)")
        s.omitted += omitted
    }

    private func drawBand(_ band: Mark.Band, _ color: SeriesColor, _ l: Layout, _ w: inout SVGWriter, _ s: inout DrawState) {
        var d = ""
        d.reserveCapacity(band.x.count * 28)
        var omitted = 0
        var segment: [(x: Double, lo: Double, hi: Double)] = []
        func flush() {
            guard !segment.isEmpty else { return }
            for (j, p) in segment.enumerated() {
                d += j == 0 ? "M" : "L"
                Format.appendCoordinate(p.x, to: &d); d += ","; Format.appendCoordinate(p.lo, to: &d)
            }
            for p in segment.reversed() {
                d += "L"
                Format.appendCoordinate(p.x, to: &d); d += ","; Format.appendCoordinate(p.hi, to: &d)
            }
            d += "Z"
            segment.removeAll(keepingCapacity: true)
        }
        for i in 0..<band.x.count {
            guard l.x.accepts(band.x[i]), l.y.accepts(band.lower[i]), l.y.accepts(band.upper[i]) else {
                omitted += 1
                flush()
                continue
            }
            segment.append((l.x.position(band.x[i]), l.y.position(band.lower[i]), l.y.position(band.upper[i])))
        }
        flush()
        w.open("g", seriesAttributes("band", band.name, color, points: band.x.count, omitted: omitted))
        if !d.isEmpty { w.element("path", [("class", "mq-band-fill"), ("d", d)]) }
        w.close("g")
        s.summaries.append("\(band.name.isEmpty ? "band" : band.name) (band, \(band.x.count - omitted) points)")
        s.omitted += omitted
    }

    private func drawBars(_ bars: Mark.Bars, _ color: SeriesColor, _ l: Layout, _ w: inout SVGWriter, _ s: inout DrawState) {
        let c = Format.coordinate
        let base: Double
        if l.y.isLog {
            base = l.y.start
        } else {
            base = l.y.position(min(max(0, l.y.domain.lowerBound), l.y.domain.upperBound))
        }
        var omitted = 0
        var body = SVGWriter(reservingCapacity: bars.bins.count * 80)
        for bin in bars.bins {
            guard l.x.accepts(bin.lower), l.x.accepts(bin.upper), l.y.accepts(bin.value) else {
                omitted += 1
                continue
            }
            let x0 = l.x.position(min(bin.lower, bin.upper)), x1 = l.x.position(max(bin.lower, bin.upper))
            let top = l.y.position(bin.value)
            let width = max(0.5, x1 - x0 - 1)
            body.element("rect", [("class", "mq-fill"), ("x", c(x0 + (x1 - x0 - width) / 2)), ("y", c(min(top, base))),
                                  ("width", c(width)), ("height", c(abs(base - top)))])
        }
        w.open("g", seriesAttributes("bars", bars.name, color, points: bars.bins.count, omitted: omitted))
        w.raw(body.output)
        w.close("g")
        s.summaries.append("\(bars.name.isEmpty ? "bars" : bars.name) (\(bars.bins.count - omitted) bars)")
        s.omitted += omitted
    }

    private func drawStack(_ stack: Mark.Stack, _ colors: [SeriesColor], _ l: Layout, _ w: inout SVGWriter, _ s: inout DrawState) {
        let n = stack.x.count
        var bottom = [Double](repeating: 0, count: n)
        var omitted = 0
        func y(_ v: Double) -> Double { l.y.accepts(v) ? l.y.position(v) : l.y.start }
        for (j, layer) in stack.layers.enumerated() {
            var top = bottom
            for i in 0..<n where layer.values[i].isFinite { top[i] += layer.values[i] }
            var d = ""
            d.reserveCapacity(n * 28)
            var drawn: [Int] = []
            for i in 0..<n where l.x.accepts(stack.x[i]) { drawn.append(i) }
            omitted += n - drawn.count
            for (k, i) in drawn.enumerated() {
                d += k == 0 ? "M" : "L"
                Format.appendCoordinate(l.x.position(stack.x[i]), to: &d); d += ","; Format.appendCoordinate(y(top[i]), to: &d)
            }
            for i in drawn.reversed() {
                d += "L"
                Format.appendCoordinate(l.x.position(stack.x[i]), to: &d); d += ","; Format.appendCoordinate(y(bottom[i]), to: &d)
            }
            if !d.isEmpty { d += "Z" }
            w.open("g", seriesAttributes("area", layer.name, colors[j], points: n, omitted: n - drawn.count))
            if !d.isEmpty { w.element("path", [("class", "mq-fill"), ("d", d)]) }
            w.close("g")
            s.summaries.append("\(layer.name.isEmpty ? "layer" : layer.name) (stacked area, \(drawn.count) points)")
            bottom = top
        }
        s.omitted += omitted
    }

    private func drawRule(_ rule: Mark.Rule, _ l: Layout, _ w: inout SVGWriter, _ s: inout DrawState) {
        let c = Format.coordinate
        let plot = l.plot
        switch rule.position {
        case let .vertical(v):
            guard l.x.accepts(v) else { return }
            let x = l.x.position(v)
            w.open("g", [("class", "mq-rule mq-vertical"), ("data-name", rule.label ?? "")])
            w.element("line", [("x1", c(x)), ("y1", c(plot.minY)), ("x2", c(x)), ("y2", c(plot.maxY))])
            w.close("g")
            if let label = rule.label {
                let width = TextMetrics.width(label, fontSize: ChartFrame.tickSize)
                let flip = x + 4 + width > plot.maxX
                s.ruleLabels.append((label, flip ? x - 4 : x + 4, plot.minY + 11, flip ? "end" : "start"))
            }
        case let .horizontal(v):
            guard l.y.accepts(v) else { return }
            let y = l.y.position(v)
            w.open("g", [("class", "mq-rule mq-horizontal"), ("data-name", rule.label ?? "")])
            w.element("line", [("x1", c(plot.minX)), ("y1", c(y)), ("x2", c(plot.maxX)), ("y2", c(y))])
            w.close("g")
            if let label = rule.label {
                let below = y - 5 - ChartFrame.tickSize < plot.minY
                s.ruleLabels.append((label, plot.maxX - 4, below ? y + 14 : y - 5, "end"))
            }
        case .diagonal:
            // y = x from the larger of the two lower bounds to the smaller upper bound; sampled when the
            // two axes have different scales (then it is a curve).
            let lo = max(l.x.domain.lowerBound, l.y.domain.lowerBound), hi = min(l.x.domain.upperBound, l.y.domain.upperBound)
            guard lo < hi else { return }
            let samples = l.x.isLog == l.y.isLog ? 2 : 64
            var d = ""
            for s in 0..<samples {
                let t = Double(s) / Double(samples - 1)
                let v = l.x.isLog || l.y.isLog ? lo * pow(hi / lo, t) : lo + (hi - lo) * t
                guard l.x.accepts(v), l.y.accepts(v) else { continue }
                d += d.isEmpty ? "M" : "L"
                Format.appendCoordinate(l.x.position(v), to: &d); d += ","; Format.appendCoordinate(l.y.position(v), to: &d)
            }
            w.open("g", [("class", "mq-rule mq-diagonal"), ("data-name", rule.label ?? "")])
            if !d.isEmpty { w.element("path", [("d", d)]) }
            w.close("g")
        }
    }

    private func drawLabels(_ s: inout DrawState, into w: inout SVGWriter) {
        let c = Format.coordinate
        if !s.ruleLabels.isEmpty {
            w.open("g", [("class", "mq-rule-labels mq-rule")])
            for r in s.ruleLabels {
                w.element("text", [("class", "mq-halo"), ("x", c(r.x)), ("y", c(r.y)), ("text-anchor", r.anchor)], text: r.text)
            }
            w.close("g")
        }
        guard !s.pointLabels.isEmpty else { return }
        w.open("g", [("class", "mq-labels")])
        for label in s.pointLabels {
            let p = s.placer.place(label.text, x: label.x, y: label.y)
            w.element("text", [("class", "mq-label mq-halo"), ("x", c(p.x)), ("y", c(p.y)), ("text-anchor", p.anchor)], text: label.text)
        }
        w.close("g")
    }

    private func description(_ l: Layout, _ s: DrawState) -> String {
        func axisText(_ name: String, _ axis: Axis, _ r: ResolvedAxis) -> String {
            let scale = axis.scale == .log10 ? "log scale" : "linear scale"
            let lo = r.ticks.first?.label ?? Format.compact(r.domain.lowerBound), hi = r.ticks.last?.label ?? Format.compact(r.domain.upperBound)
            return "\(name) axis\(axis.title.map { ": " + $0 } ?? ""), \(scale), \(lo) to \(hi)."
        }
        var parts: [String] = []
        if let caption = chart.caption { parts.append(caption) }
        parts.append(axisText("x", chart.x, l.x))
        parts.append(axisText("y", chart.y, l.y))
        if !s.summaries.isEmpty { parts.append("Series: " + s.summaries.joined(separator: "; ") + ".") }
        if s.omitted > 0 { parts.append("\(s.omitted) points not drawn (not finite, or not positive on a log axis).") }
        return parts.joined(separator: " ")
    }

}

/// What one render gathers while it draws the marks: labels (written after the axes, on top of
/// everything), the places they may not cover, and the description's series summaries.
struct DrawState {
    var placer: LabelPlacer
    var pointLabels: [(text: String, x: Double, y: Double)] = []
    var ruleLabels: [(text: String, x: Double, y: Double, anchor: String)] = []
    var summaries: [String] = []
    var omitted = 0
}

/// Gives each series a palette slot: by name (marks sharing a name share a colour), in order of first
/// appearance, skipping slots that marks ask for explicitly.
struct ColorAssignment {
    private var byName: [String: SeriesColor] = [:]
    private var next = 0
    private let reserved: Set<Int>

    init(_ marks: [Mark]) {
        var reserved = Set<Int>()
        func reserve(_ color: SeriesColor?) {
            if let color, case let .slot(i) = color.value { reserved.insert(i) }
        }
        for mark in marks {
            switch mark.kind {
            case let .line(l): reserve(l.color)
            case let .band(b): reserve(b.color)
            case let .points(p): reserve(p.color)
            case let .bars(b): reserve(b.color)
            case let .stack(s): s.layers.forEach { reserve($0.color) }
            case .rule: break
            }
        }
        self.reserved = reserved
    }

    mutating func color(_ name: String, _ explicit: SeriesColor?) -> SeriesColor {
        if let explicit {
            if !name.isEmpty && byName[name] == nil { byName[name] = explicit }
            return explicit
        }
        if !name.isEmpty, let known = byName[name] { return known }
        while reserved.contains(next) { next += 1 }
        let color = SeriesColor.palette(next)
        next += 1
        if !name.isEmpty { byName[name] = color }
        return color
    }
}
