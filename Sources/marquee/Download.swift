import ArgumentParser
import Dataset
import Foundation
import MarqueeCLI
import Support

/// `marquee download`: fetch an official MovieLens dataset.
struct Download: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Download an official MovieLens dataset from GroupLens, check it and unpack it.",
        discussion: """
        Fetches https://files.grouplens.org/datasets/movielens/<NAME>.zip (or --url), checks its MD5, and \
        unpacks it into <TO>/<NAME>/ (e.g. Data/ml-20m/ratings.csv). The zip is downloaded to a hidden \
        partial file and unpacked into a hidden folder that is renamed into place only when everything \
        succeeded: a failed, interrupted or corrupted download leaves nothing behind.

        Checksums: the MD5 values GroupLens publishes are built in for ml-20m, ml-1m and ml-100k. \
        ml-latest-small is re-issued from time to time, so its MD5 is read from the .md5 file published \
        next to the zip; when none can be found the download is reported as "unverified". --md5 gives the \
        expected value yourself (e.g. for a mirror that serves a different archive).

        Sizes: ml-100k 5 MB, ml-1m 6 MB, ml-latest-small 1 MB, ml-20m 190 MB (unpacked about 875 MB). \
        To benchmark at ML-20M scale without a network, use `marquee synth --shape ml-20m` instead.

        EXAMPLES

          marquee download ml-latest-small --to Data
          marquee download ml-20m --to /data/movielens
          marquee download ml-1m --to Data --url http://mirror.example/ml-1m.zip
        """
    )

    @OptionGroup var common: CommonOptions

    @Argument(help: ArgumentHelp("Dataset: \(MovieLensDownloader.Name.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "name"))
    var name: String

    @Option(help: "Parent folder; the dataset goes into <to>/<name>/.")
    var to: String

    @Option(help: "Download from this address instead of files.grouplens.org (mirrors, tests).")
    var url: String?

    @Option(help: "Expected MD5 of the zip (32 hex digits); overrides the built-in value.")
    var md5: String?

    @Option(help: "Seconds without data before the download fails.")
    var timeout: Double = 60

    @Flag(help: "Print one JSON object with the result on stdout.")
    var json = false

    func validate() throws {
        guard MovieLensDownloader.Name(rawValue: name) != nil else {
            throw ValidationError("unknown dataset '\(name)'; choose one of \(MovieLensDownloader.Name.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let url {
            guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https", "file"].contains(scheme) else {
                throw ValidationError("--url must be an http://, https:// or file:// address")
            }
        }
        if let md5, !(md5.count == 32 && md5.allSatisfy(\.isHexDigit)) {
            throw ValidationError("--md5 must be 32 hexadecimal digits")
        }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    func run() throws {
        let dataset = MovieLensDownloader.Name(rawValue: name)!
        let source = url.flatMap(URL.init(string:))
        let progress = ProgressReporter("downloading \(name)", total: 0)
        if !json { printError("downloading \((source ?? MovieLensDownloader.officialURL(dataset)).absoluteString)") }
        let result = try MovieLensDownloader.download(
            dataset, to: URL(fileURLWithPath: to), from: source, md5: md5, timeout: timeout, progress: progress)
        if json {
            try printJSON(result)
            return
        }
        let check: String
        switch result.verification {
        case .pinned: check = "MD5 \(result.md5) matches the checksum GroupLens publishes"
        case .given: check = "MD5 \(result.md5) matches --md5"
        case .published: check = "MD5 \(result.md5) matches the .md5 file published beside the zip"
        case .unverified: check = "MD5 \(result.md5) NOT verified: no checksum is known for this archive"
        }
        print("""
        \(name) is in \(result.directory)
          \(result.bytes) bytes from \(result.source) in \(String(format: "%.1f", result.seconds)) s
          \(check)
          use it with: marquee ingest --data \(result.directory)
        """)
    }
}
