import ArgumentParser
import Foundation
import MarqueeCLI
import Models
import Support
import VectorSearch

/// `marquee export --model FILE --format npy --out DIR`: a trained model's vectors for Python users.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a model's user and item vectors as .npy files.",
        discussion: """
        Writes user_factors.npy (users × factors, float32), item_factors.npy (items × factors, float32), \
        user_ids.npy and item_ids.npy (int64, the dataset's own id of each row) into --out. \
        In Python: numpy.load("item_factors.npy"). ALS models give their factors; GMF and NeuMF models \
        their GMF embeddings (items q_i, users p_u ⊙ w_g, whose inner product is the GMF part of the \
        logit). An MLP model has no such vectors.
        """
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "Model file written by `marquee train` (als, gmf or neumf).")
    var model: String

    @Option(help: "Output format: npy.")
    var format = "npy"

    @Option(help: "Output folder (created when missing).")
    var out: String

    @Flag(help: "Print one JSON object listing the files written on stdout.")
    var json = false

    func validate() throws {
        guard format == "npy" else { throw ValidationError("unknown format '\(format)' (known: npy)") }
    }

    func run() throws {
        let url = URL(fileURLWithPath: model)
        let kind = try ArtifactReader(url: url, verifyChecksums: false).kind
        let users: EmbeddingMatrix, items: EmbeddingMatrix
        do {
            users = try EmbeddingStore.importFactors(fromModel: url, factors: "user_factors", ids: "user_ids")
            items = try EmbeddingStore.importFactors(fromModel: url, factors: "item_factors", ids: "item_ids")
        } catch ArtifactError.missingSection(_, let name) {
            throw ValidationError("\(model) (a '\(kind)' model) has no '\(name)' section: only ALS, GMF and NeuMF models have vectors to export")
        }
        let folder = URL(fileURLWithPath: out)
        let files: [(String, (URL) throws -> Void)] = [
            ("user_factors.npy", { try NumpyFile.write(users.matrix, to: $0.appendingPathComponent("user_factors.npy")) }),
            ("item_factors.npy", { try NumpyFile.write(items.matrix, to: $0.appendingPathComponent("item_factors.npy")) }),
            ("user_ids.npy", { try NumpyFile.write(users.ids.map { Int64($0) }, to: $0.appendingPathComponent("user_ids.npy")) }),
            ("item_ids.npy", { try NumpyFile.write(items.ids.map { Int64($0) }, to: $0.appendingPathComponent("item_ids.npy")) }),
        ]
        // All four or none: written into a staging folder that replaces --out in one swap.
        try AtomicDirectory.publish(to: folder) { staging in
            for (_, write) in files { try write(staging) }
        }
        let paths = files.map { folder.appendingPathComponent($0.0).path }
        if json {
            // The model's own name (als, gmf, neumf), as train --json reports it.
            let name = kind == NeuralCF.artifactKind ? try NeuralCF.load(from: url).model.name : kind
            try printJSON(ExportSummary(model: name, files: paths))
        } else {
            for path in paths { print(path) }
        }
    }
}

/// JSON printed by `export --json`.
struct ExportSummary: Encodable {
    let model: String
    let files: [String]
}
