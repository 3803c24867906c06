import ArgumentParser
@preconcurrency import Foundation
import LinearAlgebra

@main
struct Marquee: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "marquee",
        abstract: "A movie recommender built around its own vector-search engine.",
        discussion: """
        Point it at MovieLens ratings (ratings.csv / ratings.dat / u.data) and it ingests them as implicit \
        feedback, trains models, builds nearest-neighbour indexes, evaluates and recommends. Every command \
        reads config.yaml (or --config FILE); flags override the file. Artefacts live under --models-dir \
        (default Indexes/), one subfolder per dataset.
        """,
        subcommands: [
            Ingest.self,
            Evaluate.self,
            Synth.self,
            Download.self,
            BuildIndexCommand.self, SearchCommand.self, SimilarCommand.self, BenchANNCommand.self,
            Train.self,
            Recommend.self, BenchRetrievalCommand.self,
            Export.self,
            ALSBench.self,
            ExportScores.self,
        ]
    )

    static func main() {
        setvbuf(stdout, nil, _IOLBF, 0)
        BLAS.setThreads(1)
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
