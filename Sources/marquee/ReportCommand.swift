import ArgumentParser
import Foundation
import MarqueeCLI
import Workspace

/// `marquee report`: the analysis as one page of figures — the data's long tail, the models side by
/// side, the vector-search trade-off and the latest simulation — with its numbers as `report.json`.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the analysis as a page of charts (index.html, SVG figures, report.json).",
        discussion: """
        Analyses the dataset (ratings, long tail, Lorenz curve and Gini, user activity, positives over time \
        with the time split's cut), evaluates every model under the full-ranking protocol (with NDCG@K and \
        Recall@K for K = 1…max-k, the beyond-accuracy metrics and NDCG through HNSW per ef) and the \
        loo-sampled one, measures recall@10 against queries per second of the HNSW index, and shows the \
        latest `marquee simulate` run when one was saved. Writes DIR/index.html (one self-contained file: \
        inline SVG and CSS, no script), every figure as DIR/NAME.svg and the numbers as DIR/report.json; \
        prints the page's path. Defaults come from the report: and evaluation: sections of config.yaml.
        """
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "Comma-separated model names (\(ModelKind.names())); default: report.models.")
    var models: String?

    @Option(help: "Folder to write (default: <models-dir>/<dataset>/reports/report).", completion: .directory)
    var out: String?

    @Option(name: .customLong("max-k"), help: "The curves NDCG@K and Recall@K run over K = 1…max-k.")
    var maxK: Int?

    @Option(help: "Comma-separated HNSW search widths of the vector-search figures.")
    var ef: String?

    @Option(help: "Movies queried in the recall-against-speed sweep.")
    var queries: Int?

    @Option(name: [.short, .long], help: "Cut-off K of the evaluation tables.")
    var k: Int?

    @Flag(help: "Print report.json on stdout instead of the page's path.")
    var json = false

    func settings() throws -> MarqueeConfig {
        var config = try common.loadConfig()
        if let models {
            let names = nameList(models)
            config.set(\.report.models, try names.map(ModelKind.named), flag: "--models")
        }
        config.set(\.report.maxK, maxK, flag: "--max-k")
        if let ef {
            guard let values = integerList(ef) else { throw ValidationError("--ef must be comma-separated integers, got '\(ef)'") }
            config.set(\.report.ef, values, flag: "--ef")
        }
        config.set(\.report.queries, queries, flag: "--queries")
        config.set(\.evaluation.k, k, flag: "--k")
        try config.validate()
        return config
    }

    func run() throws {
        let config = try settings()
        let workspace = try common.openWorkspace(config)
        let report = try workspace.report(ReportRequest(config.report))
        let folder = out.map { URL(fileURLWithPath: $0) } ?? workspace.store.reportFolder("report")
        let files = try ReportPage.write(report, simulationFolder: workspace.store.reportFolder("simulation"), to: folder)
        if json {
            print(String(decoding: try Data(contentsOf: folder.appendingPathComponent("report.json")), as: UTF8.self))
        } else {
            for finding in report.findings { print("- \(finding)") }
            print("wrote \(files.count) files in \(String(format: "%.1f", report.seconds)) s; open \(folder.appendingPathComponent("index.html").path)")
        }
    }
}
