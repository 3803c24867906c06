import Dataset
import Foundation
import Logging
@testable import Workspace

/// A fresh temporary folder; the caller removes it.
func temporaryFolder(_ label: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Two taste groups: users 1–6 like movies 10–14, users 7–12 like 20–24 (ratings 4 or 5, a few pairs
/// left out), and each rates the other group's first movie 2.0. User 13 rated one movie 3.0 (no
/// positive); user 14 likes only movie 10. Movies 30 ("Emma (1996)", twice: 30 and 31) and 32
/// ("Sabrina (1954)") and 33 ("Sabrina (1995)") are in the catalogue; 30 has two ratings, 31 one, 32
/// and 33 none.
func twoGroupsDataset(in root: URL) throws -> URL {
    let data = root.appendingPathComponent("groups")
    try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
    var lines = ["userId,movieId,rating,timestamp"]
    for user in 1...12 {
        let base = user <= 6 ? 10 : 20
        for movie in base..<(base + 5) where (user + movie) % 4 != 0 { lines.append("\(user),\(movie),\(4 + (user + movie) % 2),\(1000 + movie + user)") }
        lines.append("\(user),\(user <= 6 ? 20 : 10),2.0,999")
    }
    lines += ["13,11,3.0,1000", "14,10,5.0,1001", "1,30,4.0,1002", "2,30,2.0,1003", "3,31,5.0,1004"]
    try (lines.joined(separator: "\n") + "\n").write(to: data.appendingPathComponent("ratings.csv"), atomically: false, encoding: .utf8)
    var movies = ["movieId,title,genres"]
    for m in [10, 11, 12, 13, 14] { movies.append("\(m),Comedy \(m) (2000),Comedy") }
    for m in [20, 21, 22, 23, 24] { movies.append("\(m),Drama \(m) (2001),Drama") }
    movies += ["30,Emma (1996),Romance", "31,Emma (1996),Drama", "32,Sabrina (1954),Comedy|Romance", "33,Sabrina (1995),Comedy|Romance",
               "34,\"Misérables, Les (1995)\",Drama"]
    try (movies.joined(separator: "\n") + "\n").write(to: data.appendingPathComponent("movies.csv"), atomically: false, encoding: .utf8)
    return data
}

/// Settings small enough for debug builds: few factors and iterations, two NCF epochs.
func smallConfig() -> MarqueeConfig {
    var c = MarqueeConfig()
    c.als.factors = 4
    c.als.iterations = 5
    c.als.regularization = 0.1
    c.ncf.factors = 4
    c.ncf.layers = [8, 4]
    c.ncf.epochs = 3
    c.ncf.validation = false
    c.hnsw.efConstruction = 40
    return c
}

/// Collects what a logger says.
final class LogRecorder: @unchecked Sendable {   // `lines` is guarded by `lock`
    private let lock = NSLock()
    private var storage: [String] = []
    var lines: [String] { lock.lock(); defer { lock.unlock() }; return storage }
    func append(_ line: String) { lock.lock(); storage.append(line); lock.unlock() }
    func clear() { lock.lock(); storage.removeAll(); lock.unlock() }

    var logger: Logger {
        Logger(label: "test") { _ in Handler(recorder: self) }
    }

    struct Handler: LogHandler {
        let recorder: LogRecorder
        var logLevel: Logger.Level = .debug
        var metadata: Logger.Metadata = [:]
        var metadataProvider: Logger.MetadataProvider? = nil
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) { recorder.append(event.message.description) }
    }
}

/// A workspace over the two-groups data with its artefacts in `root/models`.
func openTwoGroups(_ root: URL, config: MarqueeConfig = smallConfig(), log: LogRecorder = LogRecorder()) throws -> Workspace {
    try Workspace.open(data: twoGroupsDataset(in: root), config: config, modelsDirectory: root.appendingPathComponent("models"),
                       logger: log.logger)
}
