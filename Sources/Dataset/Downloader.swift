import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Support
import ZIPFoundation

/// Fetches an official MovieLens zip from GroupLens, checks its MD5, and unpacks it atomically.
///
/// The flow: download to a hidden partial file in the target folder → MD5 → unpack into a hidden
/// temporary folder → check that it holds a MovieLens ratings file → rename it to `<folder>/<name>`.
/// On any failure every partial file and folder is removed, so the target never holds a half-written
/// dataset.
///
/// Checksums: the MD5 values GroupLens publishes (`<name>.zip.md5` beside each zip) are pinned for the
/// archives that never change (ml-100k, ml-1m, ml-20m). `ml-latest-small` is re-issued from time to
/// time, so for it the published `.md5` file is fetched from the same server and used when present;
/// when no checksum is known at all the download is reported as unverified rather than passed off as
/// checked.
public enum MovieLensDownloader {
    /// The datasets `marquee download` knows.
    public enum Name: String, CaseIterable, Sendable, Codable {
        /// MovieLens 20M: 20 million ratings of 27k movies by 138k users (190 MB zip).
        case ml20m = "ml-20m"
        /// MovieLens 1M: 1 million ratings of 3.9k movies by 6k users.
        case ml1m = "ml-1m"
        /// MovieLens 100K: 100k ratings of 1.7k movies by 943 users.
        case ml100k = "ml-100k"
        /// The small, re-issued sample of the latest MovieLens (about 100k ratings, 9.7k movies, 610 users).
        case mlLatestSmall = "ml-latest-small"
    }

    /// How the downloaded archive was checked.
    public enum Verification: String, Sendable, Codable {
        /// Against the MD5 GroupLens publishes, pinned in Marquee.
        case pinned
        /// Against an MD5 given by the caller (`--md5`).
        case given
        /// Against the `.md5` file published beside the zip on the same server.
        case published
        /// Not checked: no checksum is known for this archive.
        case unverified
    }

    /// What a download produced.
    public struct Result: Sendable, Codable, Equatable {
        /// The folder holding the dataset's files (`<to>/<name>`).
        public var directory: String
        /// The address the zip was fetched from.
        public var source: String
        /// Size of the downloaded zip, in bytes.
        public var bytes: Int
        /// MD5 of the archive as downloaded.
        public var md5: String
        /// How the MD5 was checked.
        public var verification: Verification
        /// Wall time of download, check and unpack, in seconds.
        public var seconds: Double
    }

    /// The official address of a dataset's zip.
    public static func officialURL(_ name: Name) -> URL {
        URL(string: "https://files.grouplens.org/datasets/movielens/\(name.rawValue).zip")!
    }

    /// The MD5 GroupLens publishes for archives that do not change (nil for ml-latest-small, which is
    /// re-issued).
    public static func pinnedMD5(_ name: Name) -> String? {
        switch name {
        case .ml20m: return "cd245b17a1ae2cc31bb14903e1204af3"
        case .ml1m: return "c4d9eecfca2ab87c1945afe126590906"
        case .ml100k: return "0e33842e24a9c977be4e0107933c0723"
        case .mlLatestSmall: return nil
        }
    }

    /// Downloads, checks and unpacks `name` into `<directory>/<name>`.
    /// - Parameters:
    ///   - name: the dataset.
    ///   - directory: the parent folder (created when missing).
    ///   - url: the zip's address (default: GroupLens's); for mirrors and tests.
    ///   - md5: the expected MD5 (default: the pinned one, else the published `.md5` beside the zip).
    ///   - timeout: seconds without progress before a request fails.
    ///   - progress: advanced by bytes received.
    /// - Throws: `DownloadError`.
    @discardableResult
    public static func download(
        _ name: Name, to directory: URL, from url: URL? = nil, md5: String? = nil,
        timeout: TimeInterval = 60, progress: ProgressReporter? = nil
    ) throws -> Result {
        let start = Date()
        let source = url ?? officialURL(name)
        let destination = directory.appendingPathComponent(name.rawValue)
        if FileManager.default.fileExists(atPath: destination.path) {
            throw DownloadError.destinationExists(path: destination.path)
        }
        if let md5, !isMD5(md5) { throw DownloadError.badChecksumText(md5) }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw DownloadError.cannotWrite(path: directory.path, reason: error.localizedDescription)
        }

        // Named by TemporaryFiles (pid inside), removed on SIGINT/SIGTERM, swept when a killed run left them.
        TemporaryFiles.sweep(directory)
        let archive = directory.appendingPathComponent(TemporaryFiles.name(for: name.rawValue + ".zip", kind: "partial"))
        let unpacked = directory.appendingPathComponent(TemporaryFiles.name(for: name.rawValue, kind: "unpack"))
        TemporaryFiles.register(archive)
        TemporaryFiles.register(unpacked)
        defer {
            try? FileManager.default.removeItem(at: archive)
            try? FileManager.default.removeItem(at: unpacked)
            TemporaryFiles.unregister(archive)
            TemporaryFiles.unregister(unpacked)
        }

        let bytes = try HTTPFetch.fetch(source, to: archive, timeout: timeout, progress: progress)
        progress?.finish()
        let actual: String
        do { actual = try MD5.hex(ofFileAt: archive) } catch {
            throw DownloadError.cannotWrite(path: archive.path, reason: "cannot read back the download: \(error.localizedDescription)")
        }

        var verification = Verification.unverified
        var expected: String?
        if let md5 {
            expected = md5.lowercased(); verification = .given
        } else if let pinned = pinnedMD5(name) {
            expected = pinned; verification = .pinned
        } else if let published = publishedMD5(for: source, timeout: timeout) {
            expected = published; verification = .published
        }
        if let expected, expected != actual {
            throw DownloadError.checksumMismatch(url: source.absoluteString, expected: expected, actual: actual)
        }

        do {
            try FileManager.default.createDirectory(at: unpacked, withIntermediateDirectories: false)
            try FileManager.default.unzipItem(at: archive, to: unpacked)
        } catch {
            throw DownloadError.badArchive(url: source.absoluteString, reason: "\(error)")
        }
        let root = try datasetRoot(in: unpacked, source: source)
        if rename(root.path, destination.path) != 0 {
            throw DownloadError.cannotWrite(path: destination.path, reason: String(cString: strerror(errno)))
        }
        return Result(
            directory: destination.path, source: source.absoluteString, bytes: bytes, md5: actual,
            verification: verification, seconds: Date().timeIntervalSince(start))
    }

    /// The folder inside the unpacked archive that holds the ratings (the zip's single top folder, or the
    /// archive root itself).
    private static func datasetRoot(in unpacked: URL, source: URL) throws -> URL {
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: unpacked.path)) ?? [])
            .filter { $0 != "__MACOSX" && !$0.hasPrefix(".") }
        var root = unpacked
        if entries.count == 1 {
            var isDirectory: ObjCBool = false
            let only = unpacked.appendingPathComponent(entries[0])
            if FileManager.default.fileExists(atPath: only.path, isDirectory: &isDirectory), isDirectory.boolValue { root = only }
        }
        do { _ = try MovieLensDataset.detectFormat(in: root) } catch {
            throw DownloadError.badArchive(
                url: source.absoluteString,
                reason: "no MovieLens ratings file (ratings.csv, ratings.dat or u.data) in the archive; found: \(entries.sorted().joined(separator: ", "))")
        }
        return root
    }

    /// The MD5 in `<url>.md5` (format "MD5 (name.zip) = hex" or "hex  name.zip"), when the server has one.
    private static func publishedMD5(for url: URL, timeout: TimeInterval) -> String? {
        guard let sidecar = URL(string: url.absoluteString + ".md5"),
              let data = try? HTTPFetch.fetchSmall(sidecar, timeout: timeout) else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        let tokens = text.split { !$0.isHexDigit }
        return tokens.first { $0.count == 32 }.map { $0.lowercased() }
    }

    static func isMD5(_ text: String) -> Bool {
        text.count == 32 && text.allSatisfy(\.isHexDigit)
    }
}

/// Why a download failed.
public enum DownloadError: Error, CustomStringConvertible, Equatable {
    /// The server answered with a status other than 200.
    case http(url: String, status: Int)
    /// The connection failed or timed out.
    case network(url: String, reason: String)
    /// The archive's MD5 is not the expected one (the download is deleted).
    case checksumMismatch(url: String, expected: String, actual: String)
    /// The zip does not unpack, or holds no MovieLens ratings file.
    case badArchive(url: String, reason: String)
    /// `<to>/<name>` exists already; nothing is overwritten.
    case destinationExists(path: String)
    /// A partial file or folder could not be written.
    case cannotWrite(path: String, reason: String)
    /// A checksum given or published that is not 32 hexadecimal digits.
    case badChecksumText(String)

    /// The address or path and what went wrong.
    public var description: String {
        switch self {
        case let .http(url, status):
            return "\(url): HTTP status \(status) (\(HTTPURLResponse.localizedString(forStatusCode: status)))"
        case let .network(url, reason): return "\(url): download failed (\(reason))"
        case let .checksumMismatch(url, expected, actual):
            return "\(url): checksum mismatch: MD5 is \(actual), expected \(expected); the download was deleted"
        case let .badArchive(url, reason): return "\(url): not a usable MovieLens zip (\(reason)); nothing was unpacked"
        case let .destinationExists(path): return "\(path) already exists; remove it or choose another --to folder"
        case let .cannotWrite(path, reason): return "\(path): cannot write (\(reason))"
        case let .badChecksumText(text): return "'\(text)' is not an MD5 (32 hexadecimal digits)"
        }
    }
}
