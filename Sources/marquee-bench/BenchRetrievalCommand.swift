import ArgumentParser
import Dataset
import Foundation
import LinearAlgebra
import Models
import Retrieval
import MarqueeCLI
import Support
import Workspace

/// `marquee bench-retrieval`: in-process latency and throughput of `recommend`, exact vs HNSW candidates.
struct BenchRetrievalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-retrieval",
        abstract: "Time the two-stage recommender in process: exact vs HNSW candidates.",
        discussion: """
        Loads the dataset, the ALS model and its inner-product index (building what is missing, as \
        recommend does), then serves a deterministic sample of users: one call at a time for the latency \
        (mean, p50, p99 per call) and on --threads threads for the throughput. Explanations are off unless \
        --explain. Used by Tools/bench/retrieval.sh.
        """,

    )

    @OptionGroup var common: CommonOptions

    @Option(help: "Users sampled (evenly spaced over the dataset's users).")
    var users: Int = 2000

    @Option(name: .short, help: "Recommendations per call.")
    var k: Int = 10

    @Option(help: "Comma-separated HNSW search widths (default: config retrieval.ef).")
    var ef: String?

    @Option(help: "Threads of the throughput run.")
    var threads: Int = 2

    @Flag(help: "Include the ALS explanations (config retrieval.explain liked movies per item).")
    var explain = false

    @Flag(help: "Print one JSON object on stdout.")
    var json = false

    struct Row: Encodable {
        var retrieval: String
        var ef: Int?
        var mean_ms: Double
        var p50_ms: Double
        var p99_ms: Double
        var qps_1_thread: Double
        var qps_threads: Double
        var threads: Int
    }
    struct Output: Encodable {
        var data: String
        var users: Int
        var items: Int
        var factors: Int
        var candidates: Int
        var k: Int
        var rows: [Row]
    }

    func run() throws {
        var config = try common.loadConfig()
        if !explain { config.set(\.retrieval.explain, 0, flag: "--explain") }
        let workspace = try common.openWorkspace(config)
        let options = try workspace.retrievalOptions(for: .als)
        let hnsw = try workspace.pipeline(.als)
        let exact = hnsw.replacing(retriever: ExactRetriever(itemVectors: hnsw.model.itemVectors, dimension: hnsw.model.factors))
        let userCount = workspace.interactions.userCount
        let step = max(1, userCount / max(1, users))
        let sample = Array(stride(from: 0, to: userCount, by: step).prefix(users))
        let efs = try ef.map { text in
            try text.split(separator: ",").map { part -> Int in
                guard let v = Int(part.trimmingCharacters(in: .whitespaces)), v > 0 else { throw ValidationError("bad --ef '\(text)'") }
                return v
            }
        } ?? [options.ef]

        var rows: [Row] = []
        rows.append(try measure(exact, name: "exact", ef: nil, sample: sample))
        guard let base = hnsw.retriever as? HNSWRetriever else { fatalError("the pipeline's first stage is HNSW") }
        for value in efs {
            rows.append(try measure(hnsw.replacing(retriever: base.with(ef: value)), name: "hnsw", ef: value, sample: sample))
        }
        let output = Output(data: workspace.datasetName, users: sample.count, items: hnsw.model.itemCount,
                            factors: hnsw.model.factors, candidates: options.candidates, k: k, rows: rows)
        if json { try printJSON(output); return }
        print("\(output.data): \(output.items) items × \(output.factors) factors; \(sample.count) users; N = \(options.candidates) candidates, K = \(k)")
        print("retrieval    ef   mean ms    p50 ms    p99 ms   calls/s (1 thread)   calls/s (\(threads) threads)")
        for r in rows {
            print(String(format: "%-9@ %5@ %9.3f %9.3f %9.3f %20.0f %20.0f", r.retrieval, r.ef.map(String.init) ?? "–",
                         r.mean_ms, r.p50_ms, r.p99_ms, r.qps_1_thread, r.qps_threads))
        }
    }

    private func measure(_ pipeline: RecommendationPipeline, name: String, ef: Int?, sample: [Int]) throws -> Row {
        for u in sample.prefix(200) { _ = try pipeline.recommend(user: u, k: k) }   // warm caches
        var times: [Double] = []
        times.reserveCapacity(sample.count)
        for u in sample {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try pipeline.recommend(user: u, k: k)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        let sorted = times.sorted()
        func quantile(_ q: Double) -> Double { sorted[min(sorted.count - 1, max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1))] }
        let mean = times.reduce(0, +) / Double(times.count)
        let start = DispatchTime.now().uptimeNanoseconds
        let k = self.k
        let chunks = threads
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            var i = c
            while i < sample.count {
                _ = try? pipeline.recommend(user: sample[i], k: k)
                i += chunks
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Row(retrieval: name, ef: ef, mean_ms: mean, p50_ms: quantile(0.5), p99_ms: quantile(0.99),
                   qps_1_thread: 1000 / mean, qps_threads: Double(sample.count) / seconds, threads: threads)
    }
}
