import ArgumentParser
@preconcurrency import Foundation
import LinearAlgebra

/// `marquee-bench`: subcommands that only the benchmark scripts under `Tools/bench` call.
@main
struct MarqueeBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "marquee-bench",
        abstract: "Benchmark-only entry points for the scripts in Tools/bench.",
        subcommands: [EncodeCommand.self]
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
