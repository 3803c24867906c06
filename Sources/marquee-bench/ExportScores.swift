import ArgumentParser
import Foundation
import MarqueeCLI
import Models
import VectorSearch

/// `marquee export-scores` (hidden, for benchmarks against peers): the scores of some users over every
/// item of a model, as a float32 `.npy` matrix, so that one external evaluator ranks every side's
/// scores the same way.
struct ExportScores: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-scores",
        abstract: "Write a model's scores of the listed users over all its items as a .npy matrix.",
        discussion: """
        Rows follow the users of --users (a CSV whose first column is userId, with a header line); columns \
        are the model's items in ascending movie id order. Users the model does not know get a row of NaN.
        """,

    )

    @Option(help: "An NCF model file (marquee train --model gmf|mlp|neumf).")
    var model: String

    @Option(help: "CSV file whose first column lists the users (header line skipped).")
    var users: String

    @Option(help: "Output .npy file.")
    var out: String

    func run() throws {
        let (ncf, userMap, _, _) = try NeuralCF.load(from: URL(fileURLWithPath: model))
        let text = try String(contentsOfFile: users, encoding: .utf8)
        let ids = text.split(separator: "\n").dropFirst().compactMap { line in
            line.split(separator: ",").first.flatMap { Int32($0.trimmingCharacters(in: .whitespaces)) }
        }
        let n = ncf.itemCount
        var values = [Float](repeating: .nan, count: ids.count * n)
        values.withUnsafeMutableBufferPointer { buffer in
            for (row, id) in ids.enumerated() {
                guard let u = userMap.index(of: id) else { continue }
                ncf.scores(forUser: u, into: UnsafeMutableBufferPointer(rebasing: buffer[(row * n)..<((row + 1) * n)]))
            }
        }
        try NumpyFile.write(Matrix(rows: ids.count, columns: n, values: values), to: URL(fileURLWithPath: out))
    }
}
