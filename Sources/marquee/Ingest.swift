import ArgumentParser
import Dataset
import Foundation
import MarqueeCLI
import Support
import Workspace

/// `marquee ingest`: reads a MovieLens dataset, writes its binary cache and reports its counts.
struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read a MovieLens dataset, write its binary cache and report what was read.",
        discussion: """
        The format (ml-20m / ml-latest CSV, ml-1m / ml-10m .dat, ml-100k) is detected from the files in the \
        --data folder. The cache goes to <models-dir>/<dataset folder>/dataset.cache; the next run loads it \
        instead of parsing, unless the source files or the settings (threshold, skip-bad-lines) changed. \
        With data.use_cache: false in the config a current cache is not loaded but is still rewritten.
        """
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "A rating at or above this value is a positive. Default: config data.threshold (4.0).")
    var threshold: Float?

    @Flag(inversion: .prefixedNo, help: "Skip malformed lines and count them instead of stopping at the first. Default: config data.skip_bad_lines.")
    var skipBadLines: Bool?

    @Flag(name: .customLong("no-cache"), help: "Parse the text files and neither read nor write the cache.")
    var noCache = false

    @Flag(help: "Print one JSON object on stdout instead of the summary.")
    var json = false

    func run() throws {
        let start = DispatchTime.now().uptimeNanoseconds
        var config = try common.loadConfig()
        config.set(\.data.threshold, threshold, flag: "--threshold")
        config.set(\.data.skipBadLines, skipBadLines, flag: "--skip-bad-lines")
        try config.validate()
        let dataDirectory = common.dataDirectory(config)
        let cacheDirectory = common.artifactDirectory(config, dataDirectory: dataDirectory)
        let options = LoadOptions(
            threshold: config.data.threshold,
            skipBadLines: config.data.skipBadLines,
            cacheDirectory: noCache ? nil : cacheDirectory,
            ignoreCache: !config.data.useCache
        )
        let dataset: MovieLensDataset
        do {
            dataset = try MovieLensDataset.load(from: dataDirectory, options: options)
        } catch let error as DatasetError {
            printError("error: \(error)")
            throw ExitCode.failure
        }
        for warning in dataset.report.warnings { printError("warning: \(dataDirectory.path): \(warning)") }
        let total = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let cacheFile = noCache ? "" : cacheDirectory.appendingPathComponent("dataset.cache").path
        if json {
            try printJSON(IngestOutput(report: dataset.report, threshold: options.threshold, totalSeconds: total, cache: cacheFile))
            return
        }
        let r = dataset.report
        func n(_ x: Int) -> String { x.formatted(.number.grouping(.automatic)) }
        print("MovieLens dataset (\(r.format.rawValue) layout) in \(dataDirectory.path): \(r.fromCache ? "loaded from cache" : "parsed") in \(String(format: "%.2f", r.seconds)) s")
        print("  ratings    \(n(r.ratings))  (positives at ≥ \(options.threshold): \(n(r.positives)))")
        print("  users      \(n(r.users))")
        print("  movies     \(n(r.items)) rated, \(n(r.catalog)) in the catalogue")
        if let tags = r.tags { print("  tags       \(n(tags))") }
        print("  repeats    \(n(r.repeats)) repeated (user, movie) pairs resolved (latest timestamp wins)")
        print("  skipped    \(n(r.skipped)) malformed lines")
        print("  missing    \(n(r.missingMovies)) rated movies absent from the movies file (\(n(r.missingMovieRatings)) ratings, kept)")
        print("  cache      \(noCache ? "not used (--no-cache)" : cacheFile)")
    }
}

/// The `--json` object of `marquee ingest`: the report's keys plus the threshold, the whole command's
/// time and the cache path.
struct IngestOutput: Encodable {
    var report: IngestReport
    var threshold: Float
    var totalSeconds: Double
    var cache: String

    enum Keys: String, CodingKey { case threshold, totalSeconds = "total_seconds", cache }

    func encode(to encoder: Encoder) throws {
        try report.encode(to: encoder)
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(threshold, forKey: .threshold)
        try c.encode(totalSeconds, forKey: .totalSeconds)
        try c.encode(cache, forKey: .cache)
    }
}
