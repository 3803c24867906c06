import ArgumentParser
import Foundation
import MarqueeCLI
import VectorSearch

/// `marquee search`: plain k-NN queries against any saved index.
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "k-nearest-neighbour search in a saved HNSW index.",
        discussion: "Distances follow the index's metric: squared L2, or 1 − inner product / cosine (smaller is closer)."
    )

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: "Index file written by build-index.", completion: .file(extensions: ["hnsw"]))
    var index: String

    @Option(name: .long, parsing: .unconditional, help: "One query vector, comma-separated: \"0.1,-0.2,…\" (may start with a minus sign).")
    var vector: String?

    @Option(name: .long, help: "Query vectors in an .fvecs file.", completion: .file(extensions: ["fvecs"]))
    var queries: String?

    @Option(name: [.short, .long], help: "Neighbours per query.")
    var k: Int = 10

    @Option(name: .long, help: "Search width (at least k is used). Default: config hnsw.ef_search.")
    var ef: Int?

    @Flag(name: .long, help: "Print {\"results\":[[{\"id\":…,\"distance\":…},…],…]} on stdout.")
    var json = false

    func validate() throws {
        guard (vector == nil) != (queries == nil) else { throw ValidationError("give exactly one of --vector or --queries") }
        guard (1...10_000).contains(k) else { throw ValidationError("-k must be an integer in 1…10000, got \(k)") }
        if let ef, !(1...100_000).contains(ef) { throw ValidationError("--ef must be an integer in 1…100000, got \(ef)") }
    }

    struct Output: Encodable { var results: [[Neighbor]] }

    func run() throws {
        let config = try common.loadConfig()
        try config.validate()
        let loaded: HNSWIndex
        do { loaded = try HNSWIndex.load(from: URL(fileURLWithPath: index)) } catch { throw InputError("\(error)") }
        let queryMatrix: Matrix<Float>
        if let vector {
            let parts = vector.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let values = parts.compactMap { Float($0) }
            guard values.count == parts.count, values.allSatisfy(\.isFinite) else {
                throw InputError("--vector: '\(vector)' is not a comma-separated list of numbers")
            }
            queryMatrix = Matrix(rows: 1, columns: values.count, values: values)
        } else {
            do { queryMatrix = try VecsFile.readFloat(URL(fileURLWithPath: queries!)) } catch { throw InputError("\(error)") }
        }
        guard queryMatrix.columns == loaded.dimension else {
            throw InputError("queries have \(queryMatrix.columns) dimensions, the index has \(loaded.dimension)")
        }
        let results = try loaded.search(batch: queryMatrix, k: k, ef: ef ?? config.hnsw.efSearch)
        if json {
            try printJSON(Output(results: results))
            return
        }
        for (q, list) in results.enumerated() {
            print("query \(q):")
            for n in list { print("  \(n.id)\t\(n.distance)") }
        }
    }
}
