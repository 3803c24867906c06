import Foundation
import Testing
@testable import Charts

/// Parses an SVG and fails the test with the parser's message when it is not well-formed XML.
private func parsed(_ svg: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> XMLElement {
    let (root, error) = parseXML(svg)
    #expect(error == nil, "not well-formed: \(error ?? "")", sourceLocation: sourceLocation)
    let r = try #require(root, sourceLocation: sourceLocation)
    #expect(r.name == "svg" && r.attributes["role"] == "img" && r.attributes["viewBox"] != nil, sourceLocation: sourceLocation)
    return r
}

private func series(_ root: XMLElement, _ kind: String) -> [XMLElement] { root.all("g", classes: ["mq-series", "mq-\(kind)"]) }

@Test func lineChartHasOneGroupPerSeriesAndOnePathPointPerValue() throws {
    var chart = Chart(title: "NDCG@K", x: Axis("K"), y: Axis("NDCG@K", includesZero: true))
    let ks = (1...50).map(Double.init)
    chart.add(.line("ALS", x: ks, y: ks.map { 0.3 * (1 - exp(-$0 / 8)) }))
    chart.add(.line("popularity", x: ks, y: ks.map { 0.15 * (1 - exp(-$0 / 8)) }, markers: true))
    chart.add(.line("steps", x: [1, 2, 3], y: [0.1, 0.2, 0.15], interpolation: .step))
    let root = try parsed(chart.svg())
    let lines = series(root, "line")
    #expect(lines.map { $0.attributes["data-name"] } == ["ALS", "popularity", "steps"])
    #expect(lines.map { $0.attributes["data-points"] } == ["50", "50", "3"])
    let paths = lines.map { $0.all("path").first?.attributes["d"] ?? "" }
    #expect(pathPoints(paths[0]) == 50 && pathPoints(paths[1]) == 50)
    #expect(pathPoints(paths[2]) == 5)                      // a step adds a corner between points
    #expect(lines[0].all("circle").isEmpty && lines[1].all("circle").count == 50)
    // Distinct colours, a legend entry each, title and description for screen readers.
    #expect(Set(lines.map { $0.classes.first { $0.hasPrefix("mq-s") && $0.dropFirst(4).allSatisfy(\.isNumber) }! }).count == 3)
    #expect(root.all("g", classes: ["mq-legend-item"]).count == 3)
    #expect(root.all("title").first?.allText == "NDCG@K")
    #expect(root.all("desc").first?.allText.contains("ALS (line, 50 points)") == true)
    // Ticks: 0…50 on x in steps of 10 (or 5), labelled.
    let xLabels = root.all("g", classes: ["mq-axis-x"]).first!.all("text").map(\.allText)
    #expect(xLabels.first == "0" && xLabels.contains("50") && xLabels.last == "K")
}

@Test func bandsShareTheColourAndLegendEntryOfTheirLine() throws {
    let x = (0...20).map { Double($0 * 500) }
    var chart = Chart(title: "Cumulative reward", x: Axis("impressions"), y: Axis("clicks"))
    for (name, rate) in [("UCB", 0.05), ("Thompson", 0.06)] {
        chart.add(.band(name, x: x, lower: x.map { $0 * rate - 10 }, upper: x.map { $0 * rate + 10 }))
        chart.add(.line(name, x: x, y: x.map { $0 * rate }))
    }
    let root = try parsed(chart.svg())
    let bands = series(root, "band"), lines = series(root, "line")
    #expect(bands.count == 2 && lines.count == 2)
    #expect(bands.map { $0.attributes["data-points"] } == ["21", "21"])
    #expect(pathPoints(bands[0].all("path")[0].attributes["d"]!) == 42)      // lower forth, upper back
    for (band, line) in zip(bands, lines) { #expect(band.classes == line.classes.subtracting(["mq-line"]).union(["mq-band"])) }
    #expect(root.all("g", classes: ["mq-legend-item"]).map { $0.attributes["data-name"] } == ["UCB", "Thompson"])
    // Bands are drawn before (under) lines.
    let order = root.descendants.compactMap { $0.classes.contains("mq-series") ? $0.attributes["data-name"]! + ($0.classes.contains("mq-band") ? "-band" : "-line") : nil }
    #expect(order == ["UCB-band", "Thompson-band", "UCB-line", "Thompson-line"])
}

@Test func scatterLabelsEveryPointAndKeepsLabelsApart() throws {
    let names = ["popularity", "ALS", "GMF", "MLP", "NeuMF"]
    var chart = Chart(title: "NDCG@10 against ARP", x: .log("ARP"), y: Axis("NDCG@10"), legend: .hidden)
    // Two points almost on top of each other: their labels must not overlap.
    let xs: [Double] = [212, 95, 96, 140, 88], ys: [Double] = [0.16, 0.3, 0.299, 0.21, 0.29]
    for (i, name) in names.enumerated() { chart.add(.points(name, x: [xs[i]], y: [ys[i]], labels: [name])) }
    let root = try parsed(chart.svg())
    #expect(series(root, "points").count == 5)
    #expect(root.all("circle", classes: ["mq-marker"]).count == 5)
    let labels = root.all("text", classes: ["mq-label"])
    #expect(labels.map(\.allText).sorted() == names.sorted())
    #expect(root.all("g", classes: ["mq-legend"]).isEmpty)
    // Estimated boxes of the labels do not intersect.
    let boxes: [Rect] = labels.map { t in
        let x = Double(t.attributes["x"]!)!, y = Double(t.attributes["y"]!)!
        let w = TextMetrics.width(t.allText, fontSize: 12)
        let minX = t.attributes["text-anchor"] == "start" ? x : t.attributes["text-anchor"] == "end" ? x - w : x - w / 2
        return Rect(minX: minX, minY: y - 9.6, maxX: minX + w, maxY: y + 3)
    }
    for i in 0..<boxes.count { for j in (i + 1)..<boxes.count { #expect(boxes[i].intersection(boxes[j]) == 0) } }
}

@Test func histogramDrawsOneRectanglePerBin() throws {
    let bins = (1...10).map { Bin(lower: Double($0) * 0.5 - 0.25, upper: Double($0) * 0.5 + 0.25, value: Double($0 * $0)) }
    let root = try parsed(Chart(title: "Ratings", x: Axis("rating"), y: Axis("ratings"), marks: [.bars("ratings", bins: bins)]).svg())
    let bars = series(root, "bars")
    #expect(bars.count == 1 && bars[0].all("rect").count == 10)
    // Bars stand on zero: every bar's bottom edge is the same line, the tallest is the last.
    let rects = bars[0].all("rect").map { (y: Double($0.attributes["y"]!)!, h: Double($0.attributes["height"]!)!) }
    #expect(Set(rects.map { ($0.y + $0.h) * 100 }.map { $0.rounded() }).count == 1)
    #expect(rects.max { $0.h < $1.h }!.h == rects.last!.h)
    #expect(root.all("g", classes: ["mq-axis-y"]).first!.all("text").first?.allText == "0")
}

@Test func logAxesOmitNonPositiveValuesAndSaySo() throws {
    let chart = Chart(title: "Rank plot", x: .log("rank"), y: .log("positives"),
                      marks: [.line("movies", x: [1, 2, 3, 4, 5, 6], y: [100, 40, 0, 12, -1, 3]),
                              .bars("bins", bins: [Bin(lower: 1, upper: 2, value: 5), Bin(lower: 2, upper: 4, value: 0)])])
    let root = try parsed(chart.svg())
    let line = series(root, "line")[0]
    #expect(line.attributes["data-points"] == "6" && line.attributes["data-omitted"] == "2")
    // The line breaks at each omitted point: 4 drawn points in three pieces.
    let d = line.all("path")[0].attributes["d"]!
    #expect(pathPoints(d) == 4 && d.filter { $0 == "M" }.count == 3)
    let bars = series(root, "bars")[0]
    #expect(bars.all("rect").count == 1 && bars.attributes["data-omitted"] == "1")
    #expect(root.all("desc")[0].allText.contains("3 points not drawn"))
    // Log ticks are decades.
    #expect(root.all("g", classes: ["mq-axis-y"])[0].all("text").map(\.allText) == ["1", "10", "100", "positives"])
}

@Test func rulesAndTheDiagonalAreDrawnAndLabelled() throws {
    let cut = CivilDate(year: 2015, month: 6).unixSeconds
    let months = (0..<48).map { CivilDate(monthIndex: CivilDate(year: 2013, month: 1).monthIndex + $0).unixSeconds }
    let timeline = Chart(title: "Positives per month", x: .time("month"), y: Axis("positives"),
                         marks: [.line("positives", x: months, y: months.map { _ in 5 }), .verticalRule(at: cut, label: "time cut"),
                                 .horizontalRule(at: 4, label: "mean")])
    let root = try parsed(timeline.svg())
    #expect(root.all("g", classes: ["mq-rule", "mq-vertical"]).count == 1)
    #expect(root.all("g", classes: ["mq-rule", "mq-horizontal"]).count == 1)
    #expect(root.all("text", classes: ["mq-halo"]).map(\.allText) == ["time cut", "mean"])
    let xLabels = root.all("g", classes: ["mq-axis-x"])[0].all("text").map(\.allText).dropLast()
    #expect(xLabels.allSatisfy { $0.count == 4 || $0.count == 7 } && xLabels.contains { $0.hasPrefix("2015") })

    let lorenz = Chart(title: "Lorenz", x: .percent("movies"), y: .percent("positives"),
                       marks: [.diagonal(label: "equality"), .line("positives", x: [0, 0.5, 0.9, 1], y: [0, 0.1, 0.4, 1])])
    let l = try parsed(lorenz.svg())
    let diagonal = l.all("g", classes: ["mq-diagonal"])
    #expect(diagonal.count == 1 && pathPoints(diagonal[0].all("path")[0].attributes["d"]!) == 2)
    #expect(l.all("g", classes: ["mq-legend-item"]).map { $0.attributes["data-name"] } == ["equality", "positives"])
    #expect(l.all("g", classes: ["mq-axis-x"])[0].all("text").map(\.allText).contains("100%"))
}

@Test func stackedAreasAndBarChartsCountTheirSeries() throws {
    let x = (0...10).map(Double.init)
    let stack = Chart(title: "Allocation", x: Axis("t"), y: .percent("share"),
                      marks: [.stack(x: x, layers: [StackLayer("A", values: x.map { _ in 0.5 }), StackLayer("B", values: x.map { _ in 0.3 }),
                                                    StackLayer("C", values: x.map { _ in 0.2 })])])
    let root = try parsed(stack.svg())
    let areas = series(root, "area")
    #expect(areas.map { $0.attributes["data-name"] } == ["A", "B", "C"])
    #expect(areas.allSatisfy { pathPoints($0.all("path")[0].attributes["d"]!) == 22 })
    // The top of the last layer is the top of the plot (shares sum to 1 = the top of a 0…100 % axis).
    let top = areas[2].all("path")[0].attributes["d"]!.split(separator: "L")[0].split(separator: ",")[1]
    let plotTop = root.all("g", classes: ["mq-axis-y"])[0].all("line", classes: ["mq-domain"])[0].attributes["y1"]!
    #expect(String(top) == plotTop)

    let bars = BarChart(title: "Training time", categories: ["popularity", "ALS", "NeuMF"],
                        series: [BarSeries("train", values: [0.01, 2, 48]), BarSeries("evaluate", values: [0.2, 0.5, 0])],
                        valueAxis: .log("seconds"))
    let b = try parsed(bars.svg())
    let groups = series(b, "bars")
    #expect(groups.count == 2 && groups[0].all("rect").count == 3)
    #expect(groups[1].all("rect").count == 2 && groups[1].attributes["data-omitted"] == "1")   // 0 on a log axis
    #expect(b.all("text", classes: ["mq-label"]).map(\.allText) == ["popularity", "ALS", "NeuMF"])
}

@Test func textIsEscapedEverywhere() throws {
    let nasty = "a<b & \"c\" 'd'>"
    let chart = Chart(title: nasty, caption: nasty, x: Axis(nasty), y: Axis(nasty),
                      marks: [.line(nasty, x: [1, 2], y: [1, 2], labels: [nasty, ""]), .line("other", x: [1], y: [2]),
                              .verticalRule(at: 1.5, label: nasty)])
    let svg = chart.svg()
    let root = try parsed(svg)
    #expect(root.all("title")[0].allText == nasty)
    #expect(root.all("text").filter { $0.allText == nasty }.count >= 6)   // title, caption, 2 axis titles, label, rule, legend
    #expect(root.all("g", classes: ["mq-series"])[0].attributes["data-name"] == nasty)
    #expect(!svg.contains("a<b") && svg.contains("a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;"))
}

@Test func outputIsDeterministicAndIdsDifferBetweenCharts() throws {
    func chart(_ slope: Double) -> Chart {
        Chart(title: "t", x: Axis("x"), y: Axis("y"), marks: [.line("a", x: [0, 1, 2], y: [0, slope, 2 * slope])])
    }
    #expect(chart(1).svg() == chart(1).svg())
    let a = try parsed(chart(1).svg()), b = try parsed(chart(2).svg())
    let idA = a.all("clipPath")[0].attributes["id"]!, idB = b.all("clipPath")[0].attributes["id"]!
    #expect(idA != idB && idA.hasPrefix("mq-") && idA.hasSuffix("-clip"))
    #expect(a.all("g", classes: ["mq-plot"])[0].attributes["clip-path"] == "url(#\(idA))")
    var named = chart(1)
    named.id = "fig-ndcg"
    #expect(try parsed(named.svg()).all("clipPath")[0].attributes["id"] == "fig-ndcg-clip")
    // The stylesheet can be left out for pages that include it once.
    #expect(chart(1).svg().contains("<style>") && !chart(1).svg(includeStyle: false).contains("<style>"))
}

@Test func stylesheetHasBothThemesAndAWayToForceOne() {
    let css = Theme.stylesheet
    #expect(css.contains("@media (prefers-color-scheme:dark)"))
    #expect(css.contains(".mq-theme-dark .mq-chart") && css.contains(".mq-theme-light .mq-chart"))
    for (light, dark) in zip(Theme.lightPalette, Theme.darkPalette) { #expect(css.contains(light) && css.contains(dark)) }
    #expect(!css.contains("<") && !css.contains("&"))       // safe inside <style> in XML and HTML
}

@Test func everyGalleryFigureIsWellFormedAndThePageToo() throws {
    let figures = Gallery.figures()
    #expect(figures.count >= 17)
    for figure in figures {
        let root = try parsed(figure.figure.svg(includeStyle: true))
        #expect(!root.all("g", classes: ["mq-series"]).isEmpty, "\(figure.name) draws no series")
    }
    // The 10k-point chart keeps every point.
    let big = try parsed(figures.first { $0.name == "big" }!.figure.svg(includeStyle: false))
    #expect(series(big, "line").map { pathPoints($0.all("path")[0].attributes["d"]!) } == [10_000, 10_000, 19_999])
    // Twelve series: the last four reuse colours, dashed.
    let many = try parsed(figures.first { $0.name == "many" }!.figure.svg(includeStyle: false))
    let dashed = series(many, "line").map { $0.all("path")[0].classes.contains("mq-dashed") }
    #expect(dashed == Array(repeating: false, count: 8) + Array(repeating: true, count: 4))

    // The page is XHTML-clean enough for an XML parser once the doctype is dropped.
    for theme in [ChartPage.PageTheme.automatic, .light, .dark] {
        let html = Gallery.page(theme: theme).html()
        let (root, error) = parseXML(String(html.drop { $0 != "\n" }))
        #expect(error == nil, "\(error ?? "")")
        #expect(root?.all("svg").count == figures.count)
        if let directory = ProcessInfo.processInfo.environment["MARQUEE_CHARTS_DEMO_DIR"] {
            let name = theme == .automatic ? "charts.html" : "charts-\(theme == .light ? "light" : "dark").html"
            try html.write(to: URL(fileURLWithPath: directory).appendingPathComponent(name), atomically: true, encoding: .utf8)
            for figure in figures where theme == .automatic {
                try figure.figure.svg(includeStyle: true)
                    .write(to: URL(fileURLWithPath: directory).appendingPathComponent(figure.name + ".svg"), atomically: true, encoding: .utf8)
            }
        }
    }
}
