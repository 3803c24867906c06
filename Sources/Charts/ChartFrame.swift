/// The parts every figure shares: the SVG root, the title and caption, the legend, label placement.
enum ChartFrame {
    static let padding = 10.0
    static let titleSize = 15.0
    static let tickSize = 11.0
    static let labelSize = 12.0
    static let captionSize = 11.0
    static let legendRowHeight = 18.0

    /// Wraps `body` in the `<svg>` root with `<title>`, `<desc>`, the optional stylesheet and the
    /// background; every "\u{1}" in `body` becomes the id prefix.
    static func document(body: String, width: Double, height: Double, title: String?, description: String,
                         includeStyle: Bool, id: String?) -> String {
        let prefix = id ?? "mq-" + fnv1a(body + description + (title ?? ""))
        let w = Format.coordinate(width), h = Format.coordinate(height)
        var out = SVGWriter(reservingCapacity: body.utf8.count + 4096)
        let labelled = title == nil ? "\(prefix)-desc" : "\(prefix)-title \(prefix)-desc"
        out.open("svg", [("xmlns", "http://www.w3.org/2000/svg"), ("class", "mq-chart"), ("viewBox", "0 0 \(w) \(h)"),
                         ("width", w), ("height", h), ("role", "img"), ("aria-labelledby", labelled)])
        out.raw("\n")
        if let title { out.element("title", [("id", "\(prefix)-title")], text: title) }
        out.element("desc", [("id", "\(prefix)-desc")], text: description)
        if includeStyle { out.raw("<style>\n" + Theme.stylesheet + "</style>\n") }
        out.element("rect", [("class", "mq-bg"), ("width", w), ("height", h)])
        out.raw(body.split(separator: "\u{1}", omittingEmptySubsequences: false).joined(separator: prefix))
        out.close("svg")
        return out.output
    }

    /// 12 hex digits of the 64-bit FNV-1a hash of `text`.
    static func fnv1a(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String((String(repeating: "0", count: max(0, 16 - hex.count)) + hex).prefix(12))
    }

    /// Splits `text` into lines no wider than `width` (estimated), breaking at spaces.
    static func wrap(_ text: String, width: Double, fontSize: Double) -> [String] {
        var lines: [String] = [], line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let candidate = line.isEmpty ? String(word) : line + " " + word
            if !line.isEmpty && TextMetrics.width(candidate, fontSize: fontSize) > width {
                lines.append(line)
                line = String(word)
            } else {
                line = candidate
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    /// Writes the title at the top left; returns the y below it.
    static func drawTitle(_ title: String?, into w: inout SVGWriter) -> Double {
        guard let title else { return padding }
        w.element("text", [("class", "mq-title"), ("x", Format.coordinate(padding)), ("y", Format.coordinate(padding + titleSize))],
                  text: title)
        return padding + titleSize + 8
    }

    /// Lines of the caption wrapped to the chart width.
    static func captionLines(_ caption: String?, width: Double) -> [String] {
        guard let caption, !caption.isEmpty else { return [] }
        return wrap(caption, width: width - 2 * padding, fontSize: captionSize)
    }

    /// Writes caption lines ending at the bottom padding.
    static func drawCaption(_ lines: [String], height: Double, into w: inout SVGWriter) {
        guard !lines.isEmpty else { return }
        w.open("g", [("class", "mq-caption-block")])
        for (i, line) in lines.enumerated() {
            let y = height - padding - Double(lines.count - 1 - i) * (captionSize + 4) - 2
            w.element("text", [("class", "mq-caption"), ("x", Format.coordinate(padding)), ("y", Format.coordinate(y))], text: line)
        }
        w.close("g")
    }

    static func captionHeight(_ lines: [String]) -> Double {
        lines.isEmpty ? 0 : Double(lines.count) * (captionSize + 4) + 4
    }
}

/// One legend entry: a name and how its swatch looks.
struct LegendEntry {
    var name: String
    var color: SeriesColor
    var line: StrokeStyle? = nil
    var markers = false
    var band = false
    var fill = false
    var point = false
    var rule = false

    var swatchWidth: Double { line != nil || rule || band ? 20 : 12 }
}

/// Legend entries flowed in rows across the top of a figure.
struct LegendLayout {
    struct Item {
        var entry: LegendEntry
        var x: Double
        var row: Int
    }

    var items: [Item] = []
    var rows = 0

    init(_ entries: [LegendEntry], left: Double, right: Double) {
        guard !entries.isEmpty else { return }
        var x = left, row = 0
        for entry in entries {
            let width = entry.swatchWidth + 5 + TextMetrics.width(entry.name, fontSize: ChartFrame.labelSize)
            if x > left && x + width > right {
                row += 1
                x = left
            }
            items.append(Item(entry: entry, x: x, row: row))
            x += width + 16
        }
        rows = row + 1
    }

    var height: Double { rows == 0 ? 0 : Double(rows) * ChartFrame.legendRowHeight + 4 }

    /// Writes the legend with its first row's centre line at `top + 9`.
    func draw(top: Double, into w: inout SVGWriter) {
        guard !items.isEmpty else { return }
        w.open("g", [("class", "mq-legend")])
        for item in items {
            let e = item.entry
            let midY = top + Double(item.row) * ChartFrame.legendRowHeight + 9
            let x = item.x
            let c = Format.coordinate
            w.open("g", [("class", "mq-legend-item " + (e.rule ? "mq-muted" : e.color.cssClass)), ("data-name", e.name)])
            if e.band {
                w.element("rect", [("class", "mq-band-fill"), ("x", c(x)), ("y", c(midY - 6)), ("width", c(e.swatchWidth)), ("height", "12")])
            }
            if e.fill {
                w.element("rect", [("class", "mq-fill"), ("x", c(x)), ("y", c(midY - 5)), ("width", c(e.swatchWidth)), ("height", "10")])
            }
            if e.rule {
                w.open("g", [("class", "mq-rule")])
                w.element("line", [("x1", c(x)), ("y1", c(midY)), ("x2", c(x + e.swatchWidth)), ("y2", c(midY))])
                w.close("g")
            } else if let style = e.line {
                w.element("line", [("class", "mq-stroke" + ChartRenderer.dashClass(style)), ("x1", c(x)), ("y1", c(midY)),
                                   ("x2", c(x + e.swatchWidth)), ("y2", c(midY))])
            }
            if e.markers || e.point {
                w.element("circle", [("class", "mq-marker"), ("cx", c(x + e.swatchWidth / 2)), ("cy", c(midY)), ("r", e.point ? "4" : "3")])
            }
            w.element("text", [("x", c(x + e.swatchWidth + 5)), ("y", c(midY + 4))], text: e.name)
            w.close("g")
        }
        w.close("g")
    }
}

/// An axis-aligned rectangle in SVG coordinates.
struct Rect {
    var minX: Double, minY: Double, maxX: Double, maxY: Double

    func intersection(_ o: Rect) -> Double {
        let w = min(maxX, o.maxX) - max(minX, o.minX), h = min(maxY, o.maxY) - max(minY, o.minY)
        return w > 0 && h > 0 ? w * h : 0
    }

    func contains(_ o: Rect) -> Bool { o.minX >= minX && o.maxX <= maxX && o.minY >= minY && o.maxY <= maxY }
}

/// Puts point labels where they overlap no other label or marker and stay inside the plot, trying eight
/// positions around each point in order (right, left, above, below, then the corners).
struct LabelPlacer {
    var occupied: [Rect] = []
    let bounds: Rect

    struct Placement {
        var x: Double, y: Double
        var anchor: String
    }

    init(bounds: Rect) { self.bounds = bounds }

    /// Marks a marker's area as taken.
    mutating func occupy(x: Double, y: Double, radius: Double) {
        occupied.append(Rect(minX: x - radius, minY: y - radius, maxX: x + radius, maxY: y + radius))
    }

    /// The best place for `text` beside the point (x, y); the chosen area becomes taken.
    mutating func place(_ text: String, x: Double, y: Double, fontSize: Double = ChartFrame.labelSize) -> Placement {
        let width = TextMetrics.width(text, fontSize: fontSize)
        let candidates: [(dx: Double, dy: Double, anchor: String)] = [
            (7, 4, "start"), (-7, 4, "end"), (0, -9, "middle"), (0, 17, "middle"),
            (6, -7, "start"), (-6, -7, "end"), (6, 15, "start"), (-6, 15, "end"),
        ]
        var best: (score: Double, placement: Placement, rect: Rect)? = nil
        for c in candidates {
            let px = x + c.dx, py = y + c.dy
            let minX = c.anchor == "start" ? px : c.anchor == "end" ? px - width : px - width / 2
            let rect = Rect(minX: minX, minY: py - fontSize * 0.8, maxX: minX + width, maxY: py + fontSize * 0.25)
            var score = occupied.reduce(0) { $0 + $1.intersection(rect) }
            if !bounds.contains(rect) { score += 1e6 }
            if score == 0 {
                occupied.append(rect)
                return Placement(x: px, y: py, anchor: c.anchor)
            }
            if best == nil || score < best!.score { best = (score, Placement(x: px, y: py, anchor: c.anchor), rect) }
        }
        occupied.append(best!.rect)
        return best!.placement
    }
}
