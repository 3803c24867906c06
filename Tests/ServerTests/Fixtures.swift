import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
@testable import Server
import Testing
import Workspace

/// A fresh temporary folder; the caller removes it.
func temporaryFolder(_ label: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Two taste groups: users 1–6 like movies 10–14 (comedies), users 7–12 like 20–24 (dramas), ratings 4
/// or 5 with a few pairs left out, and each rates the other group's first movie 2.0. User 13 rated one
/// movie 3.0 (no positive); user 14 likes only movie 10. Movie 30 has ratings 4.0 (user 1) and 2.0
/// (user 2); 31 one rating 5.0; 32 and 33 none.
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
    movies += ["30,Emma (1996),Romance", "31,Emma (1996),Drama", "32,Sabrina (1954),Comedy|Romance", "33,Sabrina (1995),Comedy|Romance"]
    try (movies.joined(separator: "\n") + "\n").write(to: data.appendingPathComponent("movies.csv"), atomically: false, encoding: .utf8)
    return data
}

/// Settings small enough for debug builds.
func smallConfig(models: [ModelKind] = [.als]) -> MarqueeConfig {
    var c = MarqueeConfig()
    c.als.factors = 4
    c.als.iterations = 5
    c.als.regularization = 0.1
    c.ncf.factors = 4
    c.ncf.layers = [8, 4]
    c.ncf.epochs = 2
    c.ncf.validation = false
    c.hnsw.efConstruction = 40
    c.server.models = models
    return c
}

/// A server over the two-groups data (artefacts in `root/models`), its first snapshot loaded.
struct Fixture {
    let root: URL
    let data: URL
    let server: MarqueeServer
    let loads: Counter

    final class Counter: @unchecked Sendable {   // `n` is guarded by `lock`
        private let lock = NSLock()
        private var n = 0
        func next() -> Int { lock.lock(); defer { lock.unlock() }; n += 1; return n }
        var value: Int { lock.lock(); defer { lock.unlock() }; return n }
    }

    init(options: ServerOptions = ServerOptions(accessLog: false), models: [ModelKind] = [.als], load: Bool = true) async throws {
        root = try temporaryFolder("marquee-server")
        let data = try twoGroupsDataset(in: root)
        self.data = data
        let modelsDirectory = root.appendingPathComponent("models")
        let config = smallConfig(models: models)
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let loads = Counter()
        self.loads = loads
        server = MarqueeServer(options: options, logger: logger) { generation in
            _ = loads.next()
            return try ServingSnapshot.load(data: data, config: config, modelsDirectory: modelsDirectory, generation: generation, logger: logger)
        }
        if load {
            let snapshot = try ServingSnapshot.load(data: data, config: config, modelsDirectory: modelsDirectory, generation: 1, logger: logger)
            server.store.install(snapshot)
        }
    }

    var workspace: Workspace { server.store.snapshot!.workspace }

    func remove() { try? FileManager.default.removeItem(at: root) }

    /// Runs `body` against the router in process.
    func test<T: Sendable>(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        try await server.makeApplication().test(.router) { client in try await body(client) }
    }
}

/// The parsed JSON of a response body.
func json(_ response: TestResponse) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
    return try #require(object as? [String: Any], "not a JSON object: \(String(buffer: response.body))")
}

/// Checks the error body `{"error":{"code","message","field"}}` and returns (code, field).
@discardableResult
func errorBody(_ response: TestResponse, status: HTTPResponse.Status, field: String?, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    #expect(response.status == status, "\(String(buffer: response.body))", sourceLocation: sourceLocation)
    #expect(response.headers[.contentType]?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
    let body = try json(response)
    let error = try #require(body["error"] as? [String: Any], sourceLocation: sourceLocation)
    #expect(Set(error.keys) == ["code", "message", "field"], sourceLocation: sourceLocation)
    #expect((error["message"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
    if let field { #expect(error["field"] as? String == field, "\(error)", sourceLocation: sourceLocation) }
    else { #expect(error["field"] is NSNull, "\(error)", sourceLocation: sourceLocation) }
    return error["code"] as? String ?? ""
}

func body(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }
