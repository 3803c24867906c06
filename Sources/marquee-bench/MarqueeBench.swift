import ArgumentParser
@preconcurrency import Foundation
import LinearAlgebra
import Support

/// `marquee-bench`: the subcommands the scripts under `Tools/bench/` call to time and score Marquee
/// against its Python peers. Not for users: `marquee --help` lists what users run.
@main
struct MarqueeBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "marquee-bench",
        abstract: "Benchmark harnesses for the scripts in Tools/bench/.",
        version: MarqueeVersion.current,
        subcommands: [ALSBench.self, ExportScores.self, BenchRetrievalCommand.self, BenchANNCommand.self, EncodeCommand.self]
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
