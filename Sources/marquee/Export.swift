import ArgumentParser
import Foundation
import Models
import VectorSearch

/// `marquee export --model FILE --format npy --out DIR`: a trained model's vectors for Python users.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a model's user and item vectors as .npy files.",
        discussion: """
        Writes user_factors.npy (users × factors, float32), item_factors.npy (items × factors, float32), \
        user_ids.npy and item_ids.npy (int64, the dataset's own id of each row) into --out. \
        In Python: numpy.load("item_factors.npy").
        """
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "Model file written by `marquee train` (kind als).")
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
        let trained = try ALS.load(from: URL(fileURLWithPath: model))
        let folder = URL(fileURLWithPath: out)
        let f = trained.factors
        let files: [(String, () throws -> Void)] = [
            ("user_factors.npy", { try NumpyFile.write(Matrix(rows: trained.userCount, columns: f, values: trained.userFactors), to: folder.appendingPathComponent("user_factors.npy")) }),
            ("item_factors.npy", { try NumpyFile.write(Matrix(rows: trained.itemCount, columns: f, values: trained.itemFactors), to: folder.appendingPathComponent("item_factors.npy")) }),
            ("user_ids.npy", { try NumpyFile.write(trained.userIds.map { Int64($0) }, to: folder.appendingPathComponent("user_ids.npy")) }),
            ("item_ids.npy", { try NumpyFile.write(trained.itemIds.map { Int64($0) }, to: folder.appendingPathComponent("item_ids.npy")) }),
        ]
        for (_, write) in files { try write() }
        let paths = files.map { folder.appendingPathComponent($0.0).path }
        if json {
            try printJSON(ExportSummary(model: trained.name, files: paths))
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
