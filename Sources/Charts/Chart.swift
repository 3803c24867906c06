/// A chart on x/y axes, written as one self-contained SVG document: lines, bands, scatter points,
/// histogram bars, stacked areas and reference rules over linear, log10 or time axes, with nice ticks,
/// axis titles, a legend, a title and a caption.
///
/// ```swift
/// var chart = Chart(title: "NDCG@K", x: Axis("K"), y: Axis("NDCG@K", includesZero: true))
/// chart.add(.line("ALS", x: ks, y: alsNDCG))
/// chart.add(.line("popularity", x: ks, y: popularityNDCG))
/// let svg = chart.svg()
/// ```
///
/// The output needs no JavaScript and no external files; it is responsive (`viewBox`, 100 % wide),
/// accessible (`role="img"`, `<title>`, `<desc>` with a summary of the data), readable in light and dark
/// themes (see `Theme`), and deterministic: the same chart gives the same bytes.
public struct Chart: Sendable {
    /// Shown at the top and used as the SVG `<title>` (nil: none).
    public var title: String?
    /// A sentence or two shown under the plot in small type and included in the `<desc>`.
    public var caption: String?
    /// The horizontal axis.
    public var x: Axis
    /// The vertical axis.
    public var y: Axis
    /// What is drawn, bottom to top in this order (fills are always drawn under lines and points).
    public var marks: [Mark]
    /// Width of the drawing in CSS pixels (the `viewBox` width; the SVG scales to its container).
    public var width: Double
    /// Height of the drawing in CSS pixels.
    public var height: Double
    /// Whether to show the legend.
    public var legend: LegendVisibility
    /// The prefix of the SVG's element ids (the clip path, title and description); nil derives one from
    /// a hash of the content, so several charts can share a page.
    public var id: String?

    /// A chart.
    /// - Parameters:
    ///   - title: shown at the top (nil: none).
    ///   - caption: small text under the plot (nil: none).
    ///   - x: the horizontal axis.
    ///   - y: the vertical axis.
    ///   - marks: what to draw.
    ///   - width: drawing width in CSS pixels.
    ///   - height: drawing height in CSS pixels.
    ///   - legend: `.automatic` shows it when two or more named series are drawn.
    public init(title: String? = nil, caption: String? = nil, x: Axis = Axis(), y: Axis = Axis(), marks: [Mark] = [],
                width: Double = 640, height: Double = 360, legend: LegendVisibility = .automatic) {
        precondition(width >= 120 && height >= 100, "a chart needs at least 120 × 100 pixels, got \(width) × \(height)")
        self.title = title
        self.caption = caption
        self.x = x
        self.y = y
        self.marks = marks
        self.width = width
        self.height = height
        self.legend = legend
    }

    /// Adds a mark on top of the others.
    public mutating func add(_ mark: Mark) {
        marks.append(mark)
    }

    /// The chart as an SVG document.
    /// - Parameter includeStyle: embed `Theme.stylesheet` in the SVG (leave it out when a page holding
    ///   many charts includes the stylesheet once).
    /// - Complexity: O(points) (labelled points: O(labels²) to keep labels apart).
    public func svg(includeStyle: Bool = true) -> String {
        ChartRenderer(self).render(includeStyle: includeStyle)
    }
}

/// When a chart shows its legend.
public enum LegendVisibility: Sendable, Equatable {
    /// When at least two named series are drawn.
    case automatic
    /// Whenever at least one named series is drawn.
    case visible
    /// Never.
    case hidden
}
