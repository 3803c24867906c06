import ArgumentParser
import Foundation
import LinearAlgebra
import MarqueeCLI
import Support
import VectorSearch
import Workspace

/// `marquee build-index`: an HNSW index over model item factors or any embedding file.
struct BuildIndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build-index",
        abstract: "Build an HNSW nearest-neighbour index over item vectors.",
        discussion: """
        Input is either a model file (--model: als, gmf or neumf; the ids are the dataset's movie ids, and \
        the index records the model file's checksum, so recommend and similar rebuild it when the model is \
        replaced; inner-product indexes hold the vectors the two-stage pipeline searches with, cosine and l2 \
        indexes the model's item vectors) or a plain embedding file (--embeddings FILE.npy | FILE.fvecs) whose ids come from --ids IDS.npy (int32 or \
        int64, one distinct id per row), else from FILE.ids.npy when present, else are row numbers. The index \
        records which: an index whose ids are row numbers is refused by similar and recommend. Under cosine, \
        all-zero vectors (items without training signal) are kept out of the index and reported. Defaults \
        come from the hnsw: section of config.yaml.
        """
    )

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: "Model file (e.g. Indexes/ml-latest-small/als.model).", completion: .file(extensions: ["model"]))
    var model: String?

    @Option(name: .long, help: "Embedding file: .npy (2-D float32/float64) or .fvecs.", completion: .file(extensions: ["npy", "fvecs"]))
    var embeddings: String?

    @Option(name: .long, help: "With --embeddings: the ids of its rows, a .npy of int32/int64 (e.g. movie ids).",
            completion: .file(extensions: ["npy"]))
    var ids: String?

    @Option(name: .long, help: "cosine, ip (inner product) or l2. Default: config hnsw.metric.")
    var metric: Metric?

    @Option(name: .customLong("mips-strategy"), help: "For --metric ip: graph (better recall at equal speed on ALS vectors) or l2-reduction.")
    var mipsStrategy: MIPSStrategy = .graph

    @Option(name: .customLong("m"), help: "Links per node (2m on level 0). Default: config hnsw.m.")
    var m: Int?

    @Option(name: .customLong("ef-construction"), help: "Candidate-list width while building. Default: config hnsw.ef_construction.")
    var efConstruction: Int?

    @Option(name: .long, help: "Build threads (default: every core). 1 gives a reproducible index.")
    var threads: Int?

    @Option(name: .long, help: "Seed of the random levels.")
    var seed: UInt64 = 42

    @Option(name: .long, help: "Output file. Default: <models-dir>/<dataset>/<input name>-<metric>.hnsw.", completion: .file(extensions: ["hnsw"]))
    var out: String?

    @Flag(name: .long, help: "Print a JSON summary on stdout.")
    var json = false

    func validate() throws {
        guard (model == nil) != (embeddings == nil) else { throw ValidationError("give exactly one of --model FILE or --embeddings FILE") }
        if ids != nil && embeddings == nil { throw ValidationError("--ids goes with --embeddings (a model file holds its own ids)") }
        if let threads, !(1...4096).contains(threads) { throw ValidationError("--threads must be an integer in 1…4096, got \(threads)") }
    }

    struct Summary: Encodable {
        var path: String
        var vectors: Int
        var dimension: Int
        var metric: String
        var ids: String
        var refused_zero_vectors: Int
        var refused_ids: [Int]
        var build_seconds: Double
        var bytes: Int
    }

    func run() throws {
        var config = try common.loadConfig()
        config.set(\.hnsw.metric, metric, flag: "--metric")
        config.set(\.hnsw.m, m, flag: "--m")
        config.set(\.hnsw.efConstruction, efConstruction, flag: "--ef-construction")
        try config.validate()
        let metric = config.hnsw.metric
        let input = URL(fileURLWithPath: model ?? embeddings!)
        let parameters = HNSWIndex.Parameters(m: config.hnsw.m, efConstruction: config.hnsw.efConstruction, seed: seed,
                                              mipsStrategy: mipsStrategy)
        let output: URL
        if let out {
            output = URL(fileURLWithPath: out)
        } else {
            let folder = common.artifactDirectory(config, dataDirectory: common.dataDirectory(config))
            output = folder.appendingPathComponent("\(input.deletingPathExtension().lastPathComponent)-\(metric.rawValue).hnsw")
        }
        let start = DispatchTime.now().uptimeNanoseconds
        let index: HNSWIndex
        if model != nil {
            let loaded = try LoadedModel.load(from: input)
            index = try ArtifactStore.buildIndex(for: loaded, metric: metric, parameters: parameters, threads: threads ?? Threads.count,
                                                 to: output)
        } else {
            let items: EmbeddingMatrix
            do { items = try EmbeddingStore.importMatrix(from: input, idsFile: ids.map { URL(fileURLWithPath: $0) }) } catch {
                throw InputError("\(error)")
            }
            let progress = ProgressReporter("building HNSW index", total: items.rows)
            do {
                index = try HNSWIndex.build(vectors: items.matrix, ids: items.ids, idSource: items.idSource, metric: metric,
                                            parameters: parameters, threads: threads ?? Threads.count, progress: progress)
            } catch let error as VectorIndexError {
                throw InputError("\(input.path): \(error)")
            }
            try index.save(to: output)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let bytes = (try? FileManager.default.attributesOfItem(atPath: output.path)[.size] as? Int) ?? 0
        let refused = index.refusedZeroVectors
        if json {
            try printJSON(Summary(path: output.path, vectors: index.liveCount, dimension: index.dimension, metric: metric.rawValue,
                                  ids: index.idSource.rawValue, refused_zero_vectors: refused.count, refused_ids: refused,
                                  build_seconds: seconds, bytes: bytes))
            return
        }
        print("indexed \(index.liveCount) vectors of dimension \(index.dimension) (\(metric), m=\(parameters.m), efConstruction=\(parameters.efConstruction)) in \(String(format: "%.2f", seconds)) s")
        if !refused.isEmpty {
            let shown = refused.prefix(20).map(String.init).joined(separator: ", ")
            print("kept out \(refused.count) all-zero vectors (no direction for cosine; e.g. items without training signal): ids \(shown)\(refused.count > 20 ? ", …" : "")")
        }
        if index.idSource == .rows {
            print("ids are row numbers (no --ids file): similar and recommend will refuse this index")
        }
        print("wrote \(output.path) (\(bytes) bytes)")
    }
}
