import Foundation
import Testing
import ZIPFoundation
@testable import Dataset

// MARK: MD5

@Test func md5MatchesRFC1321TestSuite() {
    let vectors: [(String, String)] = [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("a", "0cc175b9c0f1b6a831c399e269772661"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
        (String(repeating: "1234567890", count: 8), "57edf4a22be3c955ac49da2e2107b67a"),
    ]
    for (input, digest) in vectors { #expect(MD5.hex(of: Data(input.utf8)) == digest, "MD5(\"\(input)\")") }
}

@Test func md5IsTheSameWhateverThePieces() {
    let bytes = Data((0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
    let whole = MD5.hex(of: bytes)
    for piece in [1, 3, 63, 64, 65, 1000] {
        var h = MD5()
        var i = 0
        while i < bytes.count {
            h.update(bytes[i..<min(bytes.count, i + piece)])
            i += piece
        }
        #expect(h.finalize() == whole, "pieces of \(piece)")
    }
}

// MARK: Download from a loopback server

private func temporaryDirectory(_ name: String) -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("marquee-download-\(name)-\(getpid())-\(UInt32.random(in: 0 ... .max))")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

private let tinyFiles: [String: String] = [
    "ratings.csv": "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,3,4.0,964981247\n2,1,3.5,1445714835\n2,2,5.0,1445714952\n",
    "movies.csv": "movieId,title,genres\n1,Toy Story (1995),Adventure|Animation|Children|Comedy|Fantasy\n2,Jumanji (1995),Adventure|Children|Fantasy\n3,\"American President, The (1995)\",Comedy|Drama|Romance\n",
    "links.csv": "movieId,imdbId,tmdbId\n1,0114709,862\n2,0113497,8844\n3,0112346,9087\n",
    "tags.csv": "userId,movieId,tag,timestamp\n2,1,pixar,1445714994\n",
    "README.txt": "A tiny dataset shaped like ml-latest-small, for tests.\n",
]

/// A zip of `files` inside a top folder `folder`, made with ZIPFoundation.
private func makeZip(folder: String = "ml-latest-small", files: [String: String] = tinyFiles) throws -> Data {
    let work = temporaryDirectory("zip")
    defer { try? FileManager.default.removeItem(at: work) }
    let root = work.appendingPathComponent(folder)
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    for (name, text) in files { try Data(text.utf8).write(to: root.appendingPathComponent(name)) }
    let zip = work.appendingPathComponent("out.zip")
    try FileManager.default.zipItem(at: root, to: zip, compressionMethod: .deflate)
    return try Data(contentsOf: zip)
}

/// The entries of a folder, hidden ones included.
private func entries(_ url: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
}

@Test func downloadsChecksAndUnpacksFromLoopback() throws {
    let zip = try makeZip()
    let md5 = MD5.hex(of: zip)
    let server = try LoopbackHTTPServer(routes: [
        "/ml-latest-small.zip": zip,
        "/ml-latest-small.zip.md5": Data("MD5 (ml-latest-small.zip) = \(md5)\n".utf8),
    ])
    defer { server.stop() }
    let target = temporaryDirectory("ok")
    defer { try? FileManager.default.removeItem(at: target) }

    let result = try MovieLensDownloader.download(.mlLatestSmall, to: target, from: server.url("/ml-latest-small.zip"), timeout: 10)
    #expect(result.verification == .published)
    #expect(result.md5 == md5 && result.bytes == zip.count)
    #expect(result.directory == target.appendingPathComponent("ml-latest-small").path)
    #expect(entries(target) == ["ml-latest-small"], "no partial download or unpack folder left")
    let folder = target.appendingPathComponent("ml-latest-small")
    #expect(entries(folder) == tinyFiles.keys.sorted())
    for (name, text) in tinyFiles {
        #expect(try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8) == text)
    }
    let dataset = try MovieLensDataset.load(from: folder)
    #expect(dataset.report.users == 2 && dataset.report.ratings == 4 && dataset.report.catalog == 3)
    #expect(dataset.catalog[3]?.title == "American President, The (1995)")
    #expect(server.requests == ["/ml-latest-small.zip", "/ml-latest-small.zip.md5"])

    // A second download into the same place is refused rather than mixed into the first.
    #expect(throws: DownloadError.destinationExists(path: folder.path)) {
        try MovieLensDownloader.download(.mlLatestSmall, to: target, from: server.url("/ml-latest-small.zip"), timeout: 10)
    }
}

@Test func givenAndMissingChecksumsAreReportedHonestly() throws {
    let zip = try makeZip(folder: "ml-1m-like", files: ["ratings.dat": "1::1::5::978300760\n", "movies.dat": "1::Toy Story (1995)::Animation\n"])
    let server = try LoopbackHTTPServer(routes: ["/data.zip": zip])
    defer { server.stop() }
    let target = temporaryDirectory("verify")
    defer { try? FileManager.default.removeItem(at: target) }

    // No checksum known, none published: unpacked, but said to be unverified.
    let plain = try MovieLensDownloader.download(.mlLatestSmall, to: target, from: server.url("/data.zip"), timeout: 10)
    #expect(plain.verification == .unverified && plain.md5 == MD5.hex(of: zip))
    #expect(FileManager.default.fileExists(atPath: target.appendingPathComponent("ml-latest-small/ratings.dat").path))

    // The caller's MD5 (any case) is used.
    let given = try MovieLensDownloader.download(.ml1m, to: target, from: server.url("/data.zip"), md5: MD5.hex(of: zip).uppercased(), timeout: 10)
    #expect(given.verification == .given)
    #expect(entries(target) == ["ml-1m", "ml-latest-small"])
}

@Test func checksumMismatchDeletesTheDownloadAndUnpacksNothing() throws {
    let zip = try makeZip()
    let server = try LoopbackHTTPServer(routes: ["/ml-100k.zip": zip, "/ml-latest-small.zip": zip])
    defer { server.stop() }
    let target = temporaryDirectory("mismatch")
    defer { try? FileManager.default.removeItem(at: target) }

    let wrong = String(repeating: "0", count: 32)
    #expect(throws: DownloadError.checksumMismatch(url: server.url("/ml-latest-small.zip").absoluteString, expected: wrong, actual: MD5.hex(of: zip))) {
        try MovieLensDownloader.download(.mlLatestSmall, to: target, from: server.url("/ml-latest-small.zip"), md5: wrong, timeout: 10)
    }
    #expect(entries(target).isEmpty)

    // The pinned GroupLens MD5 of ml-100k does not match this zip: refused as well.
    #expect(throws: DownloadError.checksumMismatch(
        url: server.url("/ml-100k.zip").absoluteString, expected: "0e33842e24a9c977be4e0107933c0723", actual: MD5.hex(of: zip))) {
        try MovieLensDownloader.download(.ml100k, to: target, from: server.url("/ml-100k.zip"), timeout: 10)
    }
    #expect(entries(target).isEmpty)
}

@Test func httpErrorsAndBadArchivesLeaveNothingBehind() throws {
    let garbage = Data((0..<5_000).map { UInt8(truncatingIfNeeded: $0 &* 131) })
    let noRatings = try makeZip(folder: "something", files: ["notes.txt": "hello\n"])
    let server = try LoopbackHTTPServer(routes: ["/garbage.zip": garbage, "/empty.zip": noRatings])
    defer { server.stop() }
    let target = temporaryDirectory("errors")
    defer { try? FileManager.default.removeItem(at: target) }

    #expect(throws: DownloadError.http(url: server.url("/missing.zip").absoluteString, status: 404)) {
        try MovieLensDownloader.download(.mlLatestSmall, to: target, from: server.url("/missing.zip"), timeout: 10)
    }
    #expect(entries(target).isEmpty)

    do {
        try MovieLensDownloader.download(.mlLatestSmall, to: target, from: server.url("/garbage.zip"), md5: MD5.hex(of: garbage), timeout: 10)
        Issue.record("a garbage zip was accepted")
    } catch let error as DownloadError {
        guard case .badArchive = error else { Issue.record("expected badArchive, got \(error)"); return }
    }
    #expect(entries(target).isEmpty)

    do {
        try MovieLensDownloader.download(.mlLatestSmall, to: target, from: server.url("/empty.zip"), md5: MD5.hex(of: noRatings), timeout: 10)
        Issue.record("a zip without ratings was accepted")
    } catch let error as DownloadError {
        guard case let .badArchive(_, reason) = error else { Issue.record("expected badArchive, got \(error)"); return }
        #expect(reason.contains("no MovieLens ratings file"))
    }
    #expect(entries(target).isEmpty)

    // Nothing listens on a just-closed loopback port: a network error, not a crash.
    let closed = try LoopbackHTTPServer(routes: [:], maxRequests: 0)
    closed.stop()
    do {
        try MovieLensDownloader.download(.mlLatestSmall, to: target, from: closed.url("/x.zip"), timeout: 5)
        Issue.record("download from a closed port succeeded")
    } catch let error as DownloadError {
        // (.http only if a parallel test's server happened to take the freed port at once.)
        switch error {
        case .network, .http: break
        default: Issue.record("expected a network error, got \(error)")
        }
    }
    #expect(entries(target).isEmpty)
}
