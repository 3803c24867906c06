import Charts
import Dataset
import Evaluation
import Foundation
import Testing
@testable import Workspace
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Whether `text` is well-formed XML (Foundation's parser), with the parser's complaint when not.
private func wellFormed(_ text: String) -> String? {
    let parser = XMLParser(data: Data(text.utf8))
    return parser.parse() ? nil : "\(parser.parserError.map { "\($0)" } ?? "parse failed") at line \(parser.lineNumber)"
}

private func occurrences(_ needle: String, in text: String) -> Int {
    text.components(separatedBy: needle).count - 1
}

/// The analysis of a synthetic MovieLens-shaped dataset (long tail, years of timestamps), read back
/// through the ordinary loader.
private func syntheticAnalysis() throws -> (DatasetAnalysis, URL) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("marquee-report-figures-\(UUID().uuidString)")
    try SyntheticMovieLens(shape: .init(users: 400, movies: 1_500, ratings: 30_000), seed: 7).write(to: directory, threads: 1)
    let dataset = try MovieLensDataset.load(from: directory)
    return (try DatasetAnalysis(dataset.interactions, catalog: dataset.catalog, timeCutQuantile: 0.8), directory)
}

@Test func dataFiguresDrawEveryNumberOfTheAnalysis() throws {
    let (a, directory) = try syntheticAnalysis()
    defer { try? FileManager.default.removeItem(at: directory) }
    let figures = ReportFigures.data(a)
    #expect(figures.map(\.name) == ["ratings", "long-tail", "lorenz", "user-activity", "positives-over-time"])
    for f in figures {
        let svg = f.figure.svg(includeStyle: true)
        #expect(wellFormed(svg) == nil, "\(f.name): \(wellFormed(svg) ?? "")")
    }
    let svg = Dictionary(uniqueKeysWithValues: figures.map { ($0.name, $0.figure.svg(includeStyle: false)) })
    // One bar per half star, one point per movie with positives, one per Lorenz point and month.
    #expect(svg["ratings"]!.contains("data-points=\"\(a.ratingHistogram.count)\""))
    #expect(occurrences("<rect class=\"mq-fill\"", in: svg["ratings"]!) == a.ratingHistogram.count)
    #expect(svg["long-tail"]!.contains("data-points=\"\(a.positivesByRank.filter { $0 > 0 }.count)\""))
    #expect(svg["lorenz"]!.contains("data-points=\"\(a.lorenz.count)\"") && svg["lorenz"]!.contains("mq-diagonal"))
    #expect(occurrences("<rect class=\"mq-fill\"", in: svg["user-activity"]!) == a.userActivity.count)
    #expect(svg["positives-over-time"]!.contains("data-points=\"\(a.positivesPerMonth.count)\""))
    #expect(occurrences("mq-rule mq-vertical", in: svg["positives-over-time"]!) == 1)   // the time cut
    #expect(figures[1].caption.contains("top 1 %"))

    if let out = ProcessInfo.processInfo.environment["MARQUEE_REPORT_DEMO_DIR"] {
        var page = ChartPage(title: "Marquee report figures: Data (synthetic MovieLens, 400 users, 1,500 movies)")
        page.addParagraph("\(a.users) users, \(a.items) movies, \(a.positives) positives; Gini \(Format.fixed(a.gini, decimals: 3)).")
        for f in figures { page.addFigure(f.figure, caption: f.caption) }
        page.addHeading("Models and vector search")
        for f in modelFigures() { page.addFigure(f) }
        try page.html().write(to: URL(fileURLWithPath: out).appendingPathComponent("data.html"), atomically: true, encoding: .utf8)
    }
}

private func modelFigures() -> [any SVGFigure] {
    let names = ["popularity", "als", "neumf"]
    let k = Array(1...50)
    return [
        ReportFigures.metricByK("NDCG", k: k, models: names.enumerated().map { i, n in (n, k.map { 0.1 * Double(i + 1) * log(1 + Double($0)) / log(51) }) }),
        ReportFigures.accuracyAgainstPopularity([("popularity", 0.12, 180), ("als", 0.31, 70), ("neumf", 0.27, 95)], k: 10),
        ReportFigures.trainingTime([("popularity", 0.003), ("als", 1.2), ("neumf", 30)]),
        ReportFigures.recallAgainstSpeed(ef: [10, 40, 160], recall: [0.9, 0.97, 0.995], qps: [40_000, 15_000, 5_000], exactQPS: 1_200),
        ReportFigures.ndcgByEf(ef: [10, 40, 160], models: [("als", [0.29, 0.305, 0.31], 0.31)], k: 10),
    ]
}

@Test func modelAndSearchFiguresKeepModelColoursAndCountTheirSeries() {
    let figures = modelFigures()
    for f in figures { #expect(wellFormed(f.svg(includeStyle: true)) == nil) }
    let ndcg = figures[0].svg(includeStyle: false)
    #expect(occurrences("class=\"mq-series mq-line", in: ndcg) == 3 && occurrences("data-points=\"50\"", in: ndcg) == 3)
    // Model i has palette colour i in every figure.
    let scatter = figures[1].svg(includeStyle: false)
    for (i, name) in ["popularity", "als", "neumf"].enumerated() {
        #expect(ndcg.contains("mq-line mq-s\(i + 1)\" data-name=\"\(name)\""))
        #expect(scatter.contains("mq-points mq-s\(i + 1)\" data-name=\"\(name)\""))
    }
    #expect(figures[2].svg(includeStyle: false).contains("30 s") && figures[2].svg(includeStyle: false).contains("log scale"))
    let speed = figures[3].svg(includeStyle: false)
    #expect(speed.contains(">ef 40<") && speed.contains("mq-rule mq-horizontal"))
}
