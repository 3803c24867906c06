/// Anything that draws itself as an SVG document (`Chart`, `BarChart`).
public protocol SVGFigure: Sendable {
    /// The figure as an SVG document; `includeStyle: false` leaves out `Theme.stylesheet` for pages that
    /// include it once.
    func svg(includeStyle: Bool) -> String
}

extension Chart: SVGFigure {}
extension BarChart: SVGFigure {}

/// A self-contained HTML page of figures (inline SVG, one stylesheet, no script), with headings and
/// paragraphs between them: a gallery, a report, a test page.
///
/// ```swift
/// var page = ChartPage(title: "Marquee report")
/// page.addHeading("Data")
/// page.addFigure(histogram, caption: "Ratings, half-star bins")
/// try page.html().write(to: url, atomically: true, encoding: .utf8)
/// ```
///
/// The page follows the reader's light or dark preference unless `theme` forces one (the
/// `mq-theme-light` / `mq-theme-dark` class on `<html>`, which the charts obey too).
public struct ChartPage: Sendable {
    /// Which colour theme the page uses.
    public enum PageTheme: Sendable, Equatable {
        /// The reader's `prefers-color-scheme`.
        case automatic
        /// Always light.
        case light
        /// Always dark.
        case dark
    }

    enum Block: Sendable {
        case heading(String, level: Int)
        case paragraph(String)
        case figure(String, caption: String?)
        case html(String)
    }

    /// The page title (`<title>` and the first heading).
    public var title: String
    /// The colour theme.
    public var theme: PageTheme
    private(set) var blocks: [Block] = []

    /// An empty page.
    public init(title: String, theme: PageTheme = .automatic) {
        self.title = title
        self.theme = theme
    }

    /// A section heading (`<h2>`, or `<h3>` with `level` 3).
    public mutating func addHeading(_ text: String, level: Int = 2) {
        blocks.append(.heading(text, level: min(max(level, 2), 4)))
    }

    /// A paragraph of text (escaped).
    public mutating func addParagraph(_ text: String) {
        blocks.append(.paragraph(text))
    }

    /// A figure with an optional caption; figures in a row flow into a grid on wide screens.
    public mutating func addFigure(_ figure: some SVGFigure, caption: String? = nil) {
        blocks.append(.figure(figure.svg(includeStyle: false), caption: caption))
    }

    /// An SVG document drawn elsewhere (a file another command wrote), as a figure of the grid. Its XML
    /// prolog, if any, is dropped; the markup must be well-formed SVG.
    public mutating func addFigure(svg: String, caption: String? = nil) {
        var markup = Substring(svg)
        if markup.hasPrefix("<?xml"), let end = markup.firstIndex(of: ">") { markup = markup[markup.index(after: end)...] }
        while let first = markup.first, first.isWhitespace { markup.removeFirst() }
        while let last = markup.last, last.isWhitespace { markup.removeLast() }
        blocks.append(.figure(String(markup) + "\n", caption: caption))
    }

    /// Markup inserted as is (a table, say). It must be well-formed HTML; nothing escapes it.
    public mutating func addHTML(_ markup: String) {
        blocks.append(.html(markup))
    }

    /// The stylesheet of the page itself (the charts' `Theme.stylesheet` comes with it in `html()`).
    public static let pageStylesheet = """
    :root{--mq-page-bg:#ffffff;--mq-page-fg:#1f2328;--mq-page-muted:#59636e;--mq-page-rule:#d0d7de;color-scheme:light dark}
    @media (prefers-color-scheme:dark){:root{--mq-page-bg:#0d1117;--mq-page-fg:#e6edf3;--mq-page-muted:#9aa5b1;--mq-page-rule:#30363d}}
    :root.mq-theme-light{--mq-page-bg:#ffffff;--mq-page-fg:#1f2328;--mq-page-muted:#59636e;--mq-page-rule:#d0d7de;color-scheme:light}
    :root.mq-theme-dark{--mq-page-bg:#0d1117;--mq-page-fg:#e6edf3;--mq-page-muted:#9aa5b1;--mq-page-rule:#30363d;color-scheme:dark}
    body{margin:0 auto;max-width:1240px;padding:24px;background:var(--mq-page-bg);color:var(--mq-page-fg);font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}
    h1{font-size:26px;margin:0 0 8px}h2{font-size:20px;margin:32px 0 8px;padding-top:12px;border-top:1px solid var(--mq-page-rule)}
    h3{font-size:16px;margin:20px 0 6px}p{max-width:80ch;margin:6px 0 12px}
    .mq-figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,520px),1fr));gap:20px 28px;margin:12px 0}
    figure{margin:0}figcaption{color:var(--mq-page-muted);font-size:13px;margin-top:4px}
    table{border-collapse:collapse;font-variant-numeric:tabular-nums;margin:8px 0 16px}
    th,td{padding:4px 10px;border-bottom:1px solid var(--mq-page-rule);text-align:right}th:first-child,td:first-child{text-align:left}
    """

    /// The whole page.
    public func html() -> String {
        var out = "<!DOCTYPE html>\n"
        let themeClass = theme == .light ? " class=\"mq-theme-light\"" : theme == .dark ? " class=\"mq-theme-dark\"" : ""
        out += "<html lang=\"en\"\(themeClass)>\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<title>\(escapeXML(title))</title>\n<style>\n\(Self.pageStylesheet)\n\(Theme.stylesheet)</style>\n</head>\n<body>\n"
        out += "<h1>\(escapeXML(title))</h1>\n"
        var inGrid = false
        for block in blocks {
            if case .figure = block {
                if !inGrid { out += "<div class=\"mq-figures\">\n"; inGrid = true }
            } else if inGrid {
                out += "</div>\n"
                inGrid = false
            }
            switch block {
            case let .heading(text, level): out += "<h\(level)>\(escapeXML(text))</h\(level)>\n"
            case let .paragraph(text): out += "<p>\(escapeXML(text))</p>\n"
            case let .figure(svg, caption):
                out += "<figure>\n" + svg
                if let caption { out += "<figcaption>\(escapeXML(caption))</figcaption>\n" }
                out += "</figure>\n"
            case let .html(markup): out += markup + "\n"
            }
        }
        if inGrid { out += "</div>\n" }
        out += "</body>\n</html>\n"
        return out
    }
}
