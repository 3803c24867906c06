import ArgumentParser
import Foundation
import MarqueeCLI
import LinearAlgebra
import Support
import VectorSearch

/// `marquee bench-ann`: build time, size, recall and queries per second of the HNSW index.
struct BenchANNCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-ann",
        abstract: "Benchmark the HNSW index on .fvecs files: build time, bytes, recall@k and QPS per ef.",
        discussion: """
        Ground truth comes from --groundtruth (.ivecs of base row numbers, as SIFT1M's) or, when absent, from \
        the exact FlatIndex. QPS is measured single-threaded (qps) and over --threads threads (qps_all_cores). \
        Run release builds for meaningful figures.
        """
    )

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: "Base vectors (.fvecs).")
    var base: String

    @Option(name: .long, help: "Query vectors (.fvecs).")
    var queries: String

    @Option(name: .long, help: "Exact neighbours (.ivecs, row numbers of the base file).")
    var groundtruth: String?

    @Option(name: .long, help: "l2, ip or cosine.")
    var metric: String = "l2"

    @Option(name: .customLong("mips-strategy"), help: "For --metric ip: graph (default) or l2-reduction.")
    var mipsStrategy: String = MIPSStrategy.graph.rawValue

    @Option(name: .customLong("k"), help: "Neighbours per query (recall@k).")
    var k: Int = 10

    @Option(name: .customLong("m"), help: "Links per node.")
    var m: Int = 16

    @Option(name: .customLong("ef-construction"), help: "Candidate-list width while building.")
    var efConstruction: Int = 200

    @Option(name: .long, help: "Search widths, comma-separated.")
    var ef: String = "10,20,40,80,160,320"

    @Option(name: .long, help: "Build and all-core search threads (default: every core).")
    var threads: Int?

    @Option(name: .long, help: "Seed of the random levels.")
    var seed: UInt64 = 42

    @Flag(name: .long, help: "Also time the exact FlatIndex batch search (all threads) and report flat_qps.")
    var flat = false

    @Flag(name: .customLong("flat-only"), help: "Only time the exact FlatIndex batch search (no HNSW build; runs is empty).")
    var flatOnly = false

    @Option(name: .long, help: "Save the built index here (to measure its file size).")
    var save: String?

    @Flag(name: .long, help: "Print one JSON object on stdout.")
    var json = false

    func validate() throws {
        guard Metric(name: metric) != nil else { throw ValidationError("unknown --metric '\(metric)'") }
        guard MIPSStrategy(rawValue: mipsStrategy) != nil else { throw ValidationError("unknown --mips-strategy '\(mipsStrategy)'") }
        guard k > 0, m >= 2, m <= 200, efConstruction > 0 else { throw ValidationError("-k, --m and --ef-construction must be positive (m in 2...200)") }
        guard efs.count > 0 && efs.allSatisfy({ $0 > 0 }) else { throw ValidationError("--ef must be a comma-separated list of positive integers") }
        if let threads, threads < 1 { throw ValidationError("--threads must be positive") }
    }

    var efs: [Int] { ef.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    struct Run: Encodable { var ef: Int; var recall: Double; var qps: Double; var qps_all_cores: Double }
    struct Output: Encodable {
        var build_seconds: Double
        var index_bytes: Int
        var runs: [Run]
        var flat_qps: Double?
        var ground_truth_seconds: Double?
        /// Nodes the insertion left unreachable that the build's repair pass linked back in.
        var relinked: Int
        /// Live nodes unreachable on level 0 after the build (0 unless the repair failed).
        var unreachable: Int
        /// Nodes the insertion left unreachable on level 0 (before the repair pass) …
        var relinked_level0: Int
        /// … and how many of them belong to some query's exact top k.
        var relinked_in_exact_top_k: Int
    }

    func run() throws {
        let metric = Metric(name: self.metric)!
        let threads = self.threads ?? Threads.count
        let baseMatrix: Matrix<Float>, queryMatrix: Matrix<Float>
        do {
            baseMatrix = try VecsFile.readFloat(URL(fileURLWithPath: base))
            queryMatrix = try VecsFile.readFloat(URL(fileURLWithPath: queries))
        } catch { throw InputError("\(error)") }
        guard baseMatrix.columns == queryMatrix.columns else {
            throw InputError("base has \(baseMatrix.columns) dimensions, queries \(queryMatrix.columns)")
        }
        func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

        func timeFlat() throws -> Double {
            let index = FlatIndex(vectors: baseMatrix, metric: metric)
            let t0 = now()
            _ = try index.search(batch: queryMatrix, k: k, threads: threads)
            return Double(queryMatrix.rows) / (now() - t0)
        }
        if flatOnly {
            let qps = try timeFlat()
            if json { try printJSON(Output(build_seconds: 0, index_bytes: 0, runs: [], flat_qps: qps, ground_truth_seconds: nil, relinked: 0, unreachable: 0, relinked_level0: 0, relinked_in_exact_top_k: 0)) }
            else { print("FlatIndex exact (\(metric)): " + String(format: "%.0f", qps) + " queries/s on \(threads) threads") }
            return
        }
        var truth: [[Int]]
        var truthSeconds: Double?
        var flatQPS: Double?
        if let groundtruth {
            let g: Matrix<Int32>
            do { g = try VecsFile.readInt(URL(fileURLWithPath: groundtruth)) } catch { throw InputError("\(error)") }
            guard g.rows == queryMatrix.rows, g.columns >= k else {
                throw InputError("ground truth has \(g.rows)×\(g.columns), need \(queryMatrix.rows)×≥\(k)")
            }
            truth = (0..<g.rows).map { r in g.row(r).prefix(k).map { Int($0) } }
        } else {
            printError("computing exact ground truth with FlatIndex …")
            let t0 = now()
            let exact = try FlatIndex(vectors: baseMatrix, metric: metric).search(batch: queryMatrix, k: k, threads: threads)
            truthSeconds = now() - t0
            truth = exact.map { $0.map(\.id) }
        }
        if flat { flatQPS = try timeFlat() }

        let parameters = HNSWIndex.Parameters(m: m, efConstruction: efConstruction, seed: seed, mipsStrategy: MIPSStrategy(rawValue: mipsStrategy)!)
        let progress = ProgressReporter("building", total: baseMatrix.rows)
        let t0 = now()
        let index = HNSWIndex(dimension: baseMatrix.columns, metric: metric, parameters: parameters, capacity: baseMatrix.rows)
        let report = try index.add(baseMatrix, threads: threads, progress: progress)
        let buildSeconds = now() - t0
        let unreachable = index.unreachableIDs().count
        if let save { try index.save(to: URL(fileURLWithPath: save)) }

        var runs: [Run] = []
        for ef in efs {
            let t1 = now()
            let found = try index.search(batch: queryMatrix, k: k, ef: ef, threads: 1)
            let serial = now() - t1
            let t2 = now()
            _ = try index.search(batch: queryMatrix, k: k, ef: ef, threads: threads)
            let parallel = now() - t2
            var hits = 0
            for (f, t) in zip(found, truth) {
                let want = Set(t)
                hits += f.prefix(k).filter { want.contains($0.id) }.count
            }
            let recall = Double(hits) / Double(max(1, truth.count * k))
            runs.append(Run(ef: ef, recall: recall, qps: Double(queryMatrix.rows) / serial, qps_all_cores: Double(queryMatrix.rows) / parallel))
        }
        let output = Output(build_seconds: buildSeconds, index_bytes: index.memoryBytes, runs: runs, flat_qps: flatQPS, ground_truth_seconds: truthSeconds,
                            relinked: report.relinked, unreachable: unreachable, relinked_level0: report.relinkedIDs.count,
                            relinked_in_exact_top_k: Set(truth.joined()).intersection(report.relinkedIDs).count)
        if json {
            try printJSON(output)
            return
        }
        print("\(baseMatrix.rows) × \(baseMatrix.columns) base, \(queryMatrix.rows) queries, \(metric), m=\(m), efConstruction=\(efConstruction), \(threads) threads")
        let size = String(format: "build %.2f s, index %.1f MB", buildSeconds, Double(index.memoryBytes) / 1e6)
        print("\(size), \(report.relinked) unreachable nodes relinked (\(report.relinkedIDs.count) on level 0), \(unreachable) left")
        if let flatQPS { print(String(format: "FlatIndex exact: %.0f queries/s", flatQPS)) }
        print("   ef   recall@\(k)        QPS   QPS(all cores)")
        for r in runs { print(String(format: "%5d   %8.4f  %9.0f  %9.0f", r.ef, r.recall, r.qps, r.qps_all_cores)) }
    }
}
