import Charts
import Evaluation
import Foundation
import Support

/// Writes a `Report` as a folder: `index.html` (one self-contained page: inline SVG and CSS, no script),
/// every figure as its own `NAME.svg`, and the numbers as `report.json`. The folder is published whole
/// (`AtomicDirectory`), so a reader sees the previous report or the new one.
public enum ReportPage {
    /// The figures of `report` in page order, by section.
    /// - Parameter simulationFolder: where `marquee simulate` left its SVG charts (nil or missing: none).
    public static func figures(_ report: Report, simulationFolder: URL? = nil) -> [(section: String, figures: [ReportFigures.NamedFigure])] {
        var sections: [(String, [ReportFigures.NamedFigure])] = [("Data", ReportFigures.data(report.data))]
        let e = report.evaluation
        let models = e.order
        var modelFigures: [ReportFigures.NamedFigure] = []
        if let curves = e.curves, let first = models.compactMap({ curves[$0] }).first {
            let ks = first.k
            let present = models.filter { curves[$0] != nil }
            modelFigures.append(.init(name: "ndcg-k", figure: ReportFigures.metricByK("NDCG", k: ks, models: present.map { ($0, curves[$0]!.ndcg) }),
                                      caption: "NDCG@K for K = 1…\(ks.last ?? 0), full-ranking protocol (\(e.splitDescription))."))
            modelFigures.append(.init(name: "recall-k", figure: ReportFigures.metricByK("Recall", k: ks, models: present.map { ($0, curves[$0]!.recall) }),
                                      caption: "Recall@K: the share of each test user's held-out positives found in the top K."))
        }
        let points = models.compactMap { name -> (name: String, ndcg: Double, arp: Double)? in
            guard let m = e.models[name]?.fullMetrics, let b = m.beyondAccuracy else { return nil }
            return (name, m.ndcg, max(b.arp, 1e-3))
        }
        if !points.isEmpty {
            modelFigures.append(.init(name: "accuracy-popularity", figure: ReportFigures.accuracyAgainstPopularity(points, k: e.k),
                                      caption: "Where each model sits between popular (right) and personal (left): NDCG@\(e.k) against the average train popularity of what it recommends."))
        }
        let times = models.compactMap { name in e.models[name].map { (name: name, seconds: $0.trainSeconds) } }
        if !times.isEmpty {
            modelFigures.append(.init(name: "training-time", figure: ReportFigures.trainingTime(times),
                                      caption: "Training time on the train part of the split, this machine."))
        }
        sections.append(("Models", modelFigures))

        var search: [ReportFigures.NamedFigure] = []
        if let v = report.vectorSearch {
            search.append(.init(name: "recall-qps",
                                figure: ReportFigures.recallAgainstSpeed(ef: v.points.map(\.ef), recall: v.points.map(\.recall), qps: v.points.map(\.qps),
                                                                         exactQPS: v.exactQPS),
                                caption: "Recall@\(v.k) of the HNSW index of \(v.model) (cosine, \(v.items) movies, \(v.queries) queries, one thread) against queries per second, per ef; the exact scan finds every neighbour."))
        }
        if let rows = e.retrieval {
            var byModel: [(name: String, hnsw: [Double], exact: Double)] = []
            var efs: [Int] = []
            for name in models {
                let mine = rows.filter { $0.model == name && $0.ef != nil && $0.ndcgHNSW != nil }.sorted { $0.ef! < $1.ef! }
                guard let first = mine.first else { continue }
                if efs.isEmpty { efs = mine.map { $0.ef! } }
                guard mine.map({ $0.ef! }) == efs else { continue }
                byModel.append((name, mine.map { $0.ndcgHNSW! }, first.ndcgExact))
            }
            if !byModel.isEmpty {
                search.append(.init(name: "ndcg-ef", figure: ReportFigures.ndcgByEf(ef: efs, models: byModel, k: e.k),
                                    caption: "NDCG@\(e.k) of the two-stage pipeline with HNSW candidates per ef (solid) against exact candidates (dashed)."))
            }
        }
        sections.append(("Vector search", search))
        return sections
    }

    /// The simulation's SVG charts, by file name, from `folder` (sorted; none when absent).
    public static func simulationCharts(in folder: URL?) -> [(name: String, svg: String)] {
        guard let folder, let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        return names.filter { $0.hasSuffix(".svg") }.sorted().compactMap { name in
            (try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)).map { (name, $0) }
        }
    }

    /// The whole page.
    public static func html(_ report: Report, simulationFolder: URL? = nil) -> String {
        var page = ChartPage(title: "Marquee report: \(report.dataName)")
        let d = report.data
        page.addParagraph("\(d.users) users, \(d.items) rated movies\(d.catalogMovies.map { " (\($0) in the catalogue)" } ?? ""), \(d.ratings) ratings, \(d.positives) positives (rating ≥ \(Format.compact(Double(d.threshold)))). Models: \(report.models.joined(separator: ", ")). Made by Marquee \(MarqueeVersion.current) in \(String(format: "%.1f", report.seconds)) s.")
        if !report.findings.isEmpty {
            page.addHeading("Findings")
            page.addHTML("<ul class=\"mq-findings\">" + report.findings.map { "<li>\(escapeXML($0))</li>" }.joined() + "</ul>")
        }
        let sections = figures(report, simulationFolder: simulationFolder)
        for (section, figures) in sections {
            page.addHeading(section)
            switch section {
            case "Data": page.addHTML(dataTable(d))
            case "Models":
                page.addHTML(evaluationTable(report.evaluation))
                if let sampled = report.evaluationSampled { page.addHTML(sampledTable(sampled)) }
            case "Vector search":
                if figures.isEmpty { page.addParagraph("No model with vectors was evaluated, so there is no index to measure.") }
            default: break
            }
            for f in figures { page.addFigure(f.figure, caption: f.caption) }
        }
        page.addHeading("Online")
        let charts = simulationCharts(in: simulationFolder)
        if let s = report.simulation {
            page.addHTML(onlineTable(s))
            for chart in charts { page.addFigure(svg: chart.svg, caption: chart.name.replacingOccurrences(of: ".svg", with: "").replacingOccurrences(of: "-", with: " ")) }
        } else {
            page.addParagraph("No simulation was saved for this dataset yet: run `marquee simulate`, then `marquee report` again.")
        }
        return page.html()
    }

    /// Writes `index.html`, `report.json` and every figure as `NAME.svg` into `folder` (replacing what a
    /// previous report wrote there).
    /// - Returns: the files written.
    /// - Throws: `ArtifactError.writeFailed` and encoding errors.
    @discardableResult
    public static func write(_ report: Report, simulationFolder: URL? = nil, to folder: URL) throws -> [URL] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let json = try encoder.encode(report)
        var names: [String] = []
        try AtomicDirectory.publish(to: folder) { staging in
            func put(_ text: String, _ name: String) throws {
                try text.write(to: staging.appendingPathComponent(name), atomically: false, encoding: .utf8)
                names.append(name)
            }
            try put(html(report, simulationFolder: simulationFolder), "index.html")
            try json.write(to: staging.appendingPathComponent("report.json"))
            names.append("report.json")
            for (_, figures) in figures(report, simulationFolder: simulationFolder) {
                for f in figures { try put(f.figure.svg(includeStyle: true), "\(f.name).svg") }
            }
        }
        return names.map { folder.appendingPathComponent($0) }
    }

    // MARK: - Tables

    private static func row(_ cells: [String], header: Bool = false) -> String {
        let tag = header ? "th" : "td"
        return "<tr>" + cells.map { "<\(tag)>\(escapeXML($0))</\(tag)>" }.joined() + "</tr>"
    }

    private static func table(_ caption: String, _ header: [String], _ rows: [[String]]) -> String {
        "<table><caption>\(escapeXML(caption))</caption><thead>\(row(header, header: true))</thead><tbody>"
            + rows.map { row($0) }.joined() + "</tbody></table>"
    }

    static func dataTable(_ d: DatasetAnalysis) -> String {
        var rows: [[String]] = [
            ["users", "\(d.users)"], ["rated movies", "\(d.items)"], ["ratings", "\(d.ratings)"], ["positives", "\(d.positives)"],
            ["density", String(format: "%.4f %%", d.density * 100)],
            ["top 1 % of movies: share of positives", ReportFindings.percent(d.top1Share)],
            ["top 10 % of movies: share of positives", ReportFindings.percent(d.top10Share)],
            ["Gini of positives per movie", String(format: "%.3f", d.gini)],
            ["movies in the 80 % head", "\(d.headMovies)"], ["rated movies without a positive", "\(d.moviesWithoutPositives)"],
            ["median positives per user", Format.compact(d.medianUserPositives)],
        ]
        if let c = d.catalogMovies { rows.insert(["movies in the catalogue", "\(c)"], at: 2) }
        return table("The dataset", ["", "value"], rows)
    }

    static func evaluationTable(_ e: EvaluationReport) -> String {
        let k = e.k
        let header = ["model", "P@\(k)", "R@\(k)", "NDCG@\(k)", "HR@\(k)", "MAP@\(k)", "MRR@\(k)", "coverage", "ARP", "Gini", "tail", "novelty",
                      "diversity", "train s"]
        let rows = e.order.compactMap { name -> [String]? in
            guard let result = e.models[name], let m = result.fullMetrics else { return nil }
            let accuracy: [String] = [m.precision, m.recall, m.ndcg, m.hitRate, m.map, m.mrr, m.coverage].map { String(format: "%.4f", $0) }
            var beyond: [String] = ["–", "–", "–", "–", "–"]
            if let b = m.beyondAccuracy {
                beyond = [String(format: "%.1f", b.arp), String(format: "%.3f", b.gini), String(format: "%.3f", b.tailShare),
                          String(format: "%.2f", b.novelty), b.diversity.map { String(format: "%.3f", $0) } ?? "–"]
            }
            return [name] + accuracy + beyond + [String(format: "%.2f", result.trainSeconds)]
        }
        return table("Full ranking, \(e.splitDescription): every unrated movie ranked for each test user (\(e.dataset.users) users)", header, rows)
    }

    static func sampledTable(_ e: EvaluationReport) -> String {
        let rows = e.order.compactMap { name -> [String]? in
            guard case let .sampled(m, train, _)? = e.models[name] else { return nil }
            return [name, String(format: "%.4f", m.hitRate), String(format: "%.4f", m.ndcg), "\(m.usersEvaluated)", String(format: "%.2f", train)]
        }
        return table("Leave-one-out: each user's latest positive among \(e.negatives ?? 0) sampled unrated movies (He et al. 2017)",
                     ["model", "HR@\(e.k)", "NDCG@\(e.k)", "users", "train s"], rows)
    }

    static func onlineTable(_ s: SimulationSummary) -> String {
        var rows = s.policies.map { p in
            [p.name, ReportFindings.percent(p.ctr),
             (p.ctrLow.flatMap { lo in p.ctrHigh.map { hi in "\(ReportFindings.percent(lo)) – \(ReportFindings.percent(hi))" } }) ?? "–",
             p.events.map(String.init) ?? "–"]
        }
        let online = table("Online: each policy's click-through rate on the replayed stream\(s.pool.map { " (pool \($0))" } ?? "")",
                           ["policy", "CTR", "95 % CI", "events"], rows)
        guard !s.offline.isEmpty else { return online }
        let staticPolicies = s.policies.filter { p in s.offline.contains { $0.model == p.name } }
        rows = s.offline.enumerated().map { i, o in
            let onlineRank = staticPolicies.firstIndex { $0.name == o.model }.map { String($0 + 1) } ?? "–"
            return [o.model, String(format: "%.4f", o.ndcg), "\(i + 1)", onlineRank]
        }
        return online + table("Offline against online: the static models on the streamed period", ["model", "NDCG@10", "offline rank", "online rank"], rows)
    }
}
