import Dataset
import Foundation
import LinearAlgebra
import Models
import Retrieval
import Support
import VectorSearch

/// The one place that finds the artefacts a command needs under `<models-dir>/<dataset>/` and builds
/// whichever is missing or stale, saying so on stderr: the dataset (and its cache), the ALS and NCF
/// models (trained on the whole dataset with the config's hyperparameters) and the HNSW item index
/// (inner product over the model's item vectors, ids = the dataset's movie ids).
struct Artifacts {
    let config: MarqueeConfig
    let dataDirectory: URL
    /// `<models-dir>/<dataset folder name>/`.
    let directory: URL

    init(common: CommonOptions, config: MarqueeConfig) {
        self.config = config
        dataDirectory = common.dataDirectory(config)
        directory = common.artifactDirectory(config, dataDirectory: dataDirectory)
    }

    /// The dataset at `--data`, through the binary cache when `data.use_cache`.
    func loadDataset() throws -> MovieLensDataset {
        let options = LoadOptions(threshold: config.data.threshold, skipBadLines: config.data.skipBadLines,
                                  cacheDirectory: config.data.useCache ? directory : nil)
        return try MovieLensDataset.load(from: dataDirectory, options: options)
    }

    /// Where the model called `name` lives.
    func modelURL(_ name: String) -> URL { directory.appendingPathComponent("\(name).model") }

    /// Where the inner-product index over the item vectors of model `name` lives (the name
    /// `build-index --model <name>.model --metric ip` gives it).
    func indexURL(_ name: String) -> URL { directory.appendingPathComponent("\(name)-ip.hnsw") }

    /// The ALS model of this dataset; trained with the `als:` config and saved when it is missing or was
    /// trained on other movies.
    func alsModel(for data: Interactions) throws -> ALS {
        let url = modelURL("als")
        if FileManager.default.fileExists(atPath: url.path) {
            let model = try ALS.load(from: url)
            if model.itemIds == data.items.externalIds && model.userIds == data.users.externalIds { return model }
            printError("\(url.path) was trained on other users or movies; retraining")
        } else {
            printError("no ALS model at \(url.path); training one with the config's als: settings (marquee train --model als)")
        }
        let configuration = try config.als.configuration()
        let (model, report) = try ALS.train(on: data, configuration: configuration)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try model.save(to: url)
        printError(String(format: "trained ALS (%d factors, %d iterations) in %.1f s → %@", configuration.factors,
                          configuration.iterations, report.seconds, url.path))
        return model
    }

    /// The GMF or NeuMF model of this dataset; trained with the `ncf:` config and saved when missing.
    func ncfModel(_ kind: NeuralCF.Kind, for data: Interactions) throws -> NeuralCF {
        let url = modelURL(kind.rawValue)
        if FileManager.default.fileExists(atPath: url.path) {
            let loaded = try NeuralCF.load(from: url)
            if loaded.items == data.items && loaded.users == data.users { return loaded.model }
            printError("\(url.path) was trained on other users or movies; retraining")
        } else {
            printError("no \(kind.rawValue) model at \(url.path); training one with the config's ncf: settings (marquee train --model \(kind.rawValue))")
        }
        let c = config.ncf
        let architecture = NeuralCF.Architecture(kind: kind, factors: c.factors, layers: c.layers,
                                                 userCount: data.userCount, itemCount: data.itemCount)
        let start = Date()
        let progress = ProgressReporter("training \(kind.rawValue)", total: 0)
        let (model, _) = try NeuralCF.train(architecture, on: data, options: c.trainingOptions(seed: c.seed), progress: progress)
        progress.finish()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try model.save(to: url, users: data.users, items: data.items)
        printError(String(format: "trained %@ in %.1f s → %@", kind.rawValue, Date().timeIntervalSince(start), url.path))
        return model
    }

    /// The inner-product HNSW index over `model`'s item vectors (ids = movie ids in `items`); built and
    /// saved when missing, older than the model file, or not an inner-product index of the right size.
    func itemIndex(for model: RetrievalModel, items: IdMap) throws -> HNSWIndex {
        let url = indexURL(model.name)
        let fm = FileManager.default
        if fm.fileExists(atPath: url.path) {
            let indexDate = (try? fm.attributesOfItem(atPath: url.path)[.modificationDate] as? Date) ?? .distantPast
            let modelDate = (try? fm.attributesOfItem(atPath: modelURL(model.name).path)[.modificationDate] as? Date) ?? .distantPast
            if let index = try? HNSWIndex.load(from: url), index.metric == .innerProduct, index.parameters.mipsStrategy == .graph,
               index.dimension == model.factors,
               index.totalCount == model.itemCount, indexDate >= modelDate {
                return index
            }
            printError("\(url.path) is stale or does not fit the \(model.name) model; rebuilding")
        } else {
            printError("no item index at \(url.path); building one (marquee build-index --model \(modelURL(model.name).path) --metric ip --mips-strategy graph)")
        }
        let h = config.hnsw
        // The graph strategy: on ALS item vectors (norms from 0 to ~1.3) the L2 reduction kept recall@10 near
        // 0.1–0.5 where the graph built on 1 − x·y reaches 0.98 at ef 40 (BENCHMARKS.md, Retrieval).
        let parameters = HNSWIndex.Parameters(m: h.m, efConstruction: h.efConstruction, mipsStrategy: .graph)
        let start = Date()
        let index = try HNSWIndex.build(
            vectors: Matrix(rows: model.itemCount, columns: model.factors, values: model.itemVectors),
            ids: items.externalIds.map { Int($0) }, idSource: .dataset, metric: .innerProduct, parameters: parameters,
            progress: ProgressReporter("building HNSW index", total: model.itemCount))
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        try index.save(to: url)
        printError(String(format: "built the index over %d items in %.1f s → %@", model.itemCount, Date().timeIntervalSince(start), url.path))
        return index
    }

    /// The `retrieval:` config as pipeline options, with `scorer` overriding the configured one.
    func retrievalOptions(scorer: String? = nil, model: String) throws -> RetrievalOptions {
        let r = config.retrieval
        var name = scorer ?? r.scorer
        if scorer == nil && model == "neumf" && name == "dot" { name = "neumf" }   // NeuMF re-ranks with itself
        guard let value = RerankScorer(rawValue: name) else {
            throw ConfigError("retrieval scorer '\(name)' is not one of \(RerankScorer.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return RetrievalOptions(candidates: r.candidates, ef: r.ef, scorer: value, popularityWeight: r.popularityWeight,
                                minInteractions: r.minInteractions, explain: r.explain)
    }

    /// The pipeline for `model` (`als`, `gmf` or `neumf`) over the whole dataset, with the HNSW stage
    /// (or the exact scan when `exact`).
    func pipeline(model name: String, dataset: MovieLensDataset, options: RetrievalOptions, exact: Bool = false) throws -> RecommendationPipeline {
        let data = dataset.interactions
        let model: RetrievalModel
        switch name {
        case "als": model = RetrievalModel(als: try alsModel(for: data))
        case "gmf": model = try RetrievalModel(neuralCF: ncfModel(.gmf, for: data))
        case "neumf": model = try RetrievalModel(neuralCF: ncfModel(.neumf, for: data))
        default: throw ConfigError("unknown retrieval model '\(name)' (known: als, gmf, neumf)")
        }
        let retriever: any CandidateRetriever = exact
            ? ExactRetriever(itemVectors: model.itemVectors, dimension: model.factors)
            : HNSWRetriever(index: try itemIndex(for: model, items: data.items), ef: options.ef, itemIds: data.items)
        return try RecommendationPipeline(model: model, retriever: retriever, training: data, options: options)
    }
}
