import ArgumentParser
@preconcurrency import Foundation
import LinearAlgebra
import MarqueeCLI
import Support

@main
struct Marquee: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "marquee",
        abstract: "A movie recommender built around its own vector-search engine.",
        discussion: """
        Point it at MovieLens ratings (ratings.csv / ratings.dat / u.data) and it ingests them as implicit \
        feedback, trains models, builds nearest-neighbour indexes, evaluates and recommends. Every command \
        reads config.yaml (or --config FILE); flags override the file, and both are checked by the same \
        rules (marquee config --limits). Artefacts live under --models-dir (default Indexes/), one \
        subfolder per dataset; what is missing or stale is trained or built on the way, and said on stderr.
        """,
        version: MarqueeVersion.current,
        subcommands: [
            Ingest.self,
            Train.self,
            BuildIndexCommand.self,
            Recommend.self,
            SimilarCommand.self,
            SearchCommand.self,
            Evaluate.self,
            SimulateCommand.self,
            ReportCommand.self,
            ServeCommand.self,
            Export.self,
            Import.self,
            Synth.self,
            Download.self,
            ConfigCommand.self,
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
