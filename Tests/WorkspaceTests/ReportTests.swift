import Charts
import Dataset
import Evaluation
import Foundation
import Testing
@testable import Workspace
#if canImport(FoundationXML)
import FoundationXML
#endif

private func isWellFormed(_ text: String) -> Bool { XMLParser(data: Data(text.utf8)).parse() }

/// A report small enough for a debug build: two models, K up to 5, two ef values, few queries.
private func smallReport(_ workspace: Workspace) throws -> Report {
    try workspace.report(ReportRequest(models: [.popularity, .als], maxK: 5, efValues: [4, 16], annQueries: 20, retrievalUsers: 10))
}

@Suite(.serialized) struct ReportTests {
    @Test func theReportWritesAPageItsFiguresAndItsNumbers() throws {
        let root = try temporaryFolder("report")
        defer { try? FileManager.default.removeItem(at: root) }
        let workspace = try openTwoGroups(root)
        let report = try smallReport(workspace)
        // Tools/browser/test-charts opens this page in Chromium (MARQUEE_REPORT_PAGE_DIR names where to keep it).
        let out = ProcessInfo.processInfo.environment["MARQUEE_REPORT_PAGE_DIR"].map { URL(fileURLWithPath: $0) } ?? root.appendingPathComponent("out")
        let files = try ReportPage.write(report, simulationFolder: workspace.store.reportFolder("simulation"), to: out)
        let names = Set(files.map(\.lastPathComponent))
        for name in ["index.html", "report.json", "ratings.svg", "long-tail.svg", "lorenz.svg", "user-activity.svg", "positives-over-time.svg",
                     "ndcg-k.svg", "recall-k.svg", "accuracy-popularity.svg", "training-time.svg", "recall-qps.svg", "ndcg-ef.svg"] {
            #expect(names.contains(name), "missing \(name)")
        }
        for file in files where file.pathExtension == "svg" {
            #expect(isWellFormed(try String(contentsOf: file, encoding: .utf8)), "\(file.lastPathComponent) is not well-formed")
        }
        // The page is self-contained: inline SVG and CSS, no script, nothing fetched.
        let html = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(!html.contains("<script") && !html.contains("href=\"http") && !html.contains("src=") && !html.contains("@import"))
        #expect(html.components(separatedBy: "<svg").count - 1 == files.filter { $0.pathExtension == "svg" }.count)
        #expect(html.contains("No simulation was saved"))

        // report.json carries the contract keys, with figures recomputed independently here.
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as? [String: Any])
        let data = try #require(object["data"] as? [String: Any])
        let interactions = workspace.interactions
        #expect((data["users"] as? Int) == 14)
        #expect((data["positives"] as? Int) == interactions.positiveCount)
        let counts = (0..<interactions.itemCount).map { i in
            interactions.byItem.range(ofRow: i).filter { interactions.byItem.values[$0] >= 4 }.count
        }
        let rated = (0..<interactions.itemCount).filter { interactions.byItem.count(ofRow: $0) > 0 }.count
        #expect((data["items"] as? Int) == rated)
        // Gini of positives per rated movie, by the textbook formula on the sorted counts.
        let sorted = (0..<interactions.itemCount).filter { interactions.byItem.count(ofRow: $0) > 0 }.map { Double(counts[$0]) }.sorted()
        let n = Double(sorted.count), total = sorted.reduce(0, +)
        let gini = sorted.enumerated().reduce(0.0) { $0 + (2 * Double($1.offset + 1) - n - 1) * $1.element } / (n * total)
        #expect(abs((data["gini"] as? Double ?? -1) - gini) < 1e-9)
        let top1 = (sorted.last ?? 0) / total   // 1 % of 12 rated movies rounds up to one movie
        #expect(abs((data["top1_share"] as? Double ?? -1) - top1) < 1e-9)
        #expect(data["top10_share"] is Double)
        let evaluation = try #require(object["evaluation"] as? [String: Any])
        let models = try #require(evaluation["models"] as? [String: Any])
        #expect(models.keys.sorted() == ["als", "popularity"])
        let curves = try #require(evaluation["curves"] as? [String: Any])
        let alsCurve = try #require(curves["als"] as? [String: Any])
        #expect((alsCurve["k"] as? [Int]) == [1, 2, 3, 4, 5])
        // The curve at K = evaluation.k equals the table's NDCG@K (the same lists, the same definition).
        let als = try #require(models["als"] as? [String: Any])
        let k = try #require(evaluation["k"] as? Int)
        if k <= 5 { #expect(abs(((alsCurve["ndcg"] as? [Double])?[k - 1] ?? -1) - (als["ndcg"] as? Double ?? -2)) < 1e-9) }
        #expect(object["evaluation_sampled"] is [String: Any])
        let search = try #require(object["vector_search"] as? [String: Any])
        let points = try #require(search["points"] as? [[String: Any]])
        #expect(points.map { $0["ef"] as? Int } == [4, 16])
        // On a dozen movies HNSW at ef 16 is exact.
        #expect((points.last?["recall"] as? Double) == 1)
        #expect(object["simulation"] is NSNull)
        #expect(((object["findings"] as? [String]) ?? []).count >= 3)
    }

    @Test func evaluationCurvesAtKMatchTheTable() throws {
        let root = try temporaryFolder("report-curves")
        defer { try? FileManager.default.removeItem(at: root) }
        let workspace = try openTwoGroups(root)
        var settings = workspace.config.evaluation
        settings.models = [.popularity, .als]
        settings.k = 3
        var request = EvaluationRequest(settings: settings)
        request.curveMaxK = 6
        let report = try workspace.evaluate(request)
        for name in ["popularity", "als"] {
            let curve = try #require(report.curves?[name])
            let table = try #require(report.models[name]?.fullMetrics)
            #expect(abs(curve.ndcg[2] - table.ndcg) < 1e-12)
            #expect(abs(curve.recall[2] - table.recall) < 1e-12)
        }
    }

    @Test func aSavedSimulationAppearsOnThePageAndInTheFindings() throws {
        let root = try temporaryFolder("report-sim")
        defer { try? FileManager.default.removeItem(at: root) }
        let workspace = try openTwoGroups(root)
        let simulation = #"{"config":{"pool":100},"policies":{"popularity":{"ctr":0.031,"ctr_low":0.029,"ctr_high":0.033,"events":900},"als":{"ctr":0.052,"events":900},"als+eps0.1":{"ctr":0.049}},"offline":{"als":{"ndcg":0.12,"hit_rate":0.3},"popularity":{"ndcg":0.05,"hit_rate":0.2}}}"#
        try workspace.store.saveReport(Data(simulation.utf8), as: .simulation)
        let charts = workspace.store.reportFolder("simulation")
        try FileManager.default.createDirectory(at: charts, withIntermediateDirectories: true)
        let chart = Chart(title: "Cumulative reward", marks: [.line("als", x: [1, 2, 3], y: [1, 3, 4])])
        try chart.svg(includeStyle: true).write(to: charts.appendingPathComponent("cumulative-reward.svg"), atomically: true, encoding: .utf8)

        let report = try smallReport(workspace)
        let summary = try #require(report.simulation)
        #expect(summary.policies.map(\.name) == ["als", "als+eps0.1", "popularity"])
        #expect(summary.pool == "100")
        #expect(report.findings.contains { $0.contains("Offline, als ranks the streamed period best") && $0.contains("online (pool 100), the best policy is als") })
        let html = ReportPage.html(report, simulationFolder: charts)
        #expect(html.contains("Cumulative reward") && html.contains("offline rank"))
        #expect(!html.contains("No simulation was saved"))
        // The saved object is carried whole into report.json.
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any]
        let carried = (encoded?["simulation"] as? [String: Any])?["policies"] as? [String: Any]
        #expect(carried?.keys.sorted() == ["als", "als+eps0.1", "popularity"])
    }
}

/// The findings are computed: two different results give different sentences, each naming its numbers.
@Test func findingsFollowTheNumbers() throws {
    let root = try temporaryFolder("report-findings")
    defer { try? FileManager.default.removeItem(at: root) }
    let workspace = try openTwoGroups(root)
    var report = try smallReport(workspace)
    let before = ReportFindings.sentences(report)

    func setNDCG(_ name: String, _ value: Double, coverage: Double) {
        guard case var .full(m, train, eval)? = report.evaluation.models[name] else { return }
        m.ndcg = value
        m.coverage = coverage
        report.evaluation.models[name] = .full(m, trainSeconds: train, evaluationSeconds: eval)
    }
    setNDCG("popularity", 0.1, coverage: 0.02)
    setNDCG("als", 0.4, coverage: 0.5)
    let first = ReportFindings.sentences(report)
    #expect(first.contains("Popularity reaches 25 % of the NDCG@\(report.evaluation.k) of the best model, als (0.1000 against 0.4000), but covers 2.0 % of the catalogue against 50 %."))
    setNDCG("popularity", 0.5, coverage: 0.02)
    let second = ReportFindings.sentences(report)
    #expect(second.contains { $0.hasPrefix("popularity ranks best offline") || $0.contains("Popularity alone") } || !second.contains { $0.hasPrefix("Popularity reaches") })
    #expect(first != second && before != first)
    report.data.top1Share = 0.5
    #expect(ReportFindings.sentences(report)[0].hasPrefix("The top 1 % of movies take 50 % of the positives"))
}
