import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Workspace

/// Every route the server answers: the one list the router, the 405 check and the OpenAPI document
/// are made from.
struct RouteSpec: Sendable {
    let method: HTTPRequest.Method
    /// OpenAPI style: `/api/v1/movies/{id}`.
    let path: String

    /// The path in the router's syntax: `/api/v1/movies/:id`.
    var routerPath: String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? ":" + part.dropFirst().dropLast() : String(part)
        }.joined(separator: "/")
    }

    /// Whether `requestPath` fits this route's path (parameters match any one segment).
    func matches(_ requestPath: String) -> Bool {
        let wanted = path.split(separator: "/")
        let given = requestPath.split(separator: "/")
        guard wanted.count == given.count else { return false }
        return zip(wanted, given).allSatisfy { w, g in w.hasPrefix("{") || w == g }
    }

    static let all: [RouteSpec] = [
        .init(method: .get, path: "/"),
        .init(method: .get, path: "/health"),
        .init(method: .get, path: "/ready"),
        .init(method: .get, path: "/metrics"),
        .init(method: .get, path: "/openapi.json"),
        .init(method: .get, path: "/api/v1/movies"),
        .init(method: .get, path: "/api/v1/movies/{id}"),
        .init(method: .get, path: "/api/v1/movies/{id}/similar"),
        .init(method: .get, path: "/api/v1/users/{id}/history"),
        .init(method: .get, path: "/api/v1/users/{id}/recommendations"),
        .init(method: .post, path: "/api/v1/recommendations"),
        .init(method: .get, path: "/api/v1/models"),
        .init(method: .get, path: "/api/v1/simulations/latest"),
        .init(method: .get, path: "/api/v1/simulations/latest/charts/{name}"),
        .init(method: .get, path: "/api/v1/reports/latest/{name}"),
        .init(method: .post, path: "/api/v1/admin/reload"),
    ]

    /// The methods some route allows at `requestPath` (empty: no route has this path).
    static func methods(at requestPath: String) -> [HTTPRequest.Method] {
        all.filter { $0.matches(requestPath) }.map(\.method)
    }
}

/// The status of `/health` and `/ready`.
struct StatusBody: Codable, Sendable {
    var status: String
    var snapshot: SnapshotInfo?
}

/// A snapshot as the API describes it.
struct SnapshotInfo: Codable, Sendable {
    var id: String
    var generation: Int
    var loadedAt: String
    var loadSeconds: Double
    var ageSeconds: Double
    var dataset: String
    var models: [String]

    enum CodingKeys: String, CodingKey {
        case id, generation, loadedAt = "loaded_at", loadSeconds = "load_seconds", ageSeconds = "age_seconds", dataset, models
    }

    init(_ s: ServingSnapshot) {
        id = s.id
        generation = s.generation
        loadedAt = ISO8601DateFormatter().string(from: s.loadedAt)
        loadSeconds = s.loadSeconds
        ageSeconds = max(0, Date().timeIntervalSince(s.loadedAt))
        dataset = s.workspace.datasetName
        models = s.models.map(\.rawValue)
    }
}

/// `GET /api/v1/models`.
struct ModelsBody: Encodable, Sendable {
    struct DatasetInfo: Encodable, Sendable {
        var name: String
        var path: String
        var users: Int
        var movies: Int
        var ratings: Int
        var positives: Int
        var threshold: Float
        var fingerprint: String
    }
    var dataset: DatasetInfo
    var snapshot: SnapshotInfo
    var models: [ModelInfo]
    /// The latest `marquee evaluate --json` object, or null.
    var evaluation: JSONValue?

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(dataset, forKey: .dataset)
        try c.encode(snapshot, forKey: .snapshot)
        try c.encode(models, forKey: .models)
        try c.encode(evaluation ?? .null, forKey: .evaluation)
    }
    enum CodingKeys: String, CodingKey { case dataset, snapshot, models, evaluation }
}

/// `GET /api/v1/simulations/latest`.
struct SimulationBody: Encodable, Sendable {
    /// The saved simulation report as written.
    var simulation: JSONValue
    /// URLs of its SVG charts.
    var charts: [String]
}

/// `POST /api/v1/admin/reload`.
struct ReloadBody: Encodable, Sendable {
    var snapshot: SnapshotInfo
    var previous: SnapshotInfo?
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(snapshot, forKey: .snapshot)
        try c.encode(previous, forKey: .previous)
    }
    enum CodingKeys: String, CodingKey { case snapshot, previous }
}

extension MarqueeServer {
    /// The router: every route of `RouteSpec.all` behind `ServeMiddleware`.
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: ServeMiddleware(metrics: metrics, logger: logger, accessLog: options.accessLog))
        for route in RouteSpec.all {
            let handler = self.handler(for: route)
            router.on(RouterPath(route.routerPath), method: route.method) { request, context in try await handler(request, context) }
        }
        return router
    }

    typealias Handler = @Sendable (Request, BasicRequestContext) async throws -> Response

    private func handler(for route: RouteSpec) -> Handler {
        switch (route.method, route.path) {
        case (.get, "/"): return { _, _ in Self.bytes(Array(WebPage.html.utf8), type: "text/html; charset=utf-8") }
        case (.get, "/health"): return { _, _ in try Self.json(StatusBody(status: "ok", snapshot: nil)) }
        case (.get, "/ready"): return { [store] _, _ in
            guard let s = store.snapshot else { return try Self.json(StatusBody(status: "loading", snapshot: nil), status: .serviceUnavailable) }
            return try Self.json(StatusBody(status: "ready", snapshot: SnapshotInfo(s)))
        }
        case (.get, "/metrics"): return { [metrics] _, _ in Self.bytes(metrics.render(), type: "text/plain; version=0.0.4; charset=utf-8") }
        case (.get, "/openapi.json"): return { _, _ in Self.bytes(OpenAPIDocument.bytes, type: "application/json; charset=utf-8") }
        case (.get, "/api/v1/movies"): return { [self] request, _ in try searchMovies(request) }
        case (.get, "/api/v1/movies/{id}"): return { [self] _, context in
            let s = try snapshot()
            let id = try Self.pathId(context)
            return try Self.json(try Self.serving(APIError.Fields()) { try s.workspace.movieDetails(id: id) })
        }
        case (.get, "/api/v1/movies/{id}/similar"): return { [self] request, context in try similar(request, context) }
        case (.get, "/api/v1/users/{id}/history"): return { [self] request, context in try history(request, context) }
        case (.get, "/api/v1/users/{id}/recommendations"): return { [self] request, context in try recommendUser(request, context) }
        case (.post, "/api/v1/recommendations"): return { [self] request, _ in try await recommendNewcomer(request) }
        case (.get, "/api/v1/models"): return { [self] _, _ in try models() }
        case (.get, "/api/v1/simulations/latest"): return { [self] _, _ in try simulation() }
        case (.get, "/api/v1/simulations/latest/charts/{name}"): return { [self] _, context in
            try savedFile(folder: "simulation", context: context, allowed: ["svg"])
        }
        case (.get, "/api/v1/reports/latest/{name}"): return { [self] _, context in
            try savedFile(folder: "report", context: context, allowed: ["html", "svg", "json", "css", "csv"])
        }
        case (.post, "/api/v1/admin/reload"): return { [self] request, _ in try await reloadRoute(request) }
        default: preconditionFailure("no handler for \(route.method) \(route.path)")
        }
    }

    // MARK: Handlers

    func snapshot() throws -> ServingSnapshot {
        guard let s = store.snapshot else {
            var error = APIError(.serviceUnavailable, code: "not_ready", "the first snapshot is still loading; see /ready")
            error.headers[.retryAfter] = "1"
            throw error
        }
        return s
    }

    private func searchMovies(_ request: Request) throws -> Response {
        let s = try snapshot()
        let query = Query(request)
        guard let q = query["q"], !q.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw APIError.invalid("q", "q (the title text to search for) is required and must not be blank")
        }
        guard q.count <= 200 else { throw APIError.invalid("q", "q must be at most 200 characters, got \(q.count)") }
        let limit = try query.integer("limit", default: 10, in: 1...100)
        return try Self.json(try Self.serving(APIError.Fields(other: "q")) { try s.workspace.searchMovies(q, limit: limit) })
    }

    private func similar(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        let s = try snapshot()
        let id = try Self.pathId(context)
        let query = Query(request)
        let k = try query.integer("k", default: 10, in: 1...1000)
        let model = try servedModel(query, s)
        return try Self.json(try Self.serving(APIError.Fields()) { try s.workspace.similar(movie: .id(id), k: k, model: model) })
    }

    private func history(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        let s = try snapshot()
        let id = try Self.pathId(context)
        let limit = try Query(request).integer("limit", default: 20, in: Workspace.limitRange)
        return try Self.json(try Self.serving(APIError.Fields()) { try s.workspace.history(user: id, limit: limit) })
    }

    private func recommendUser(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        let s = try snapshot()
        let id = try Self.pathId(context)
        let query = Query(request)
        let k = try query.integer("k", default: 10, in: 1...1000)
        let model = try servedModel(query, s)
        let exact = try query.boolean("exact", default: false)
        return try Self.json(try Self.serving(APIError.Fields()) { try s.workspace.recommend(user: id, k: k, model: model, exact: exact) })
    }

    private func recommendNewcomer(_ request: Request) async throws -> Response {
        let s = try snapshot()
        let body = try await NewcomerRequest(try await collectBody(request))
        let model = try body.model.map { try servedModel(named: $0, s) } ?? s.models[0]
        let fields = APIError.Fields(movie: "likes", other: "body")
        let result = try Self.serving(fields) {
            try s.workspace.recommend(likes: body.likes.map { .id($0) }, seen: body.seen.map { .id($0) }, k: body.k, model: model, exact: body.exact)
        }
        return try Self.json(result)
    }

    private func models() throws -> Response {
        let s = try snapshot()
        let ws = s.workspace
        let infos = try Self.serving(APIError.Fields()) { try s.models.map { try ws.modelInfo($0) } }
        let stamp = ws.datasetStamp
        let dataset = ModelsBody.DatasetInfo(name: ws.datasetName, path: ws.dataDirectory.path, users: ws.interactions.userCount,
                                             movies: ws.catalog.count, ratings: ws.interactions.ratingCount, positives: stamp.positives,
                                             threshold: ws.interactions.threshold, fingerprint: stamp.fingerprint)
        let evaluation = ws.store.latestReport(.evaluation).flatMap(JSONValue.parse)
        return try Self.json(ModelsBody(dataset: dataset, snapshot: SnapshotInfo(s), models: infos, evaluation: evaluation))
    }

    private func simulation() throws -> Response {
        let s = try snapshot()
        let store = s.workspace.store
        guard let data = store.latestReport(.simulation), let report = JSONValue.parse(data) else {
            throw APIError(.notFound, code: "no_simulation", "no simulation was saved for \(s.workspace.datasetName) (run marquee simulate)")
        }
        let folder = store.reportFolder("simulation")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".svg") && Self.isPlainName($0) }.sorted()
        return try Self.json(SimulationBody(simulation: report, charts: names.map { "/api/v1/simulations/latest/charts/\($0)" }))
    }

    /// A file of a saved report folder, by plain name (no paths), of an allowed extension.
    private func savedFile(folder: String, context: BasicRequestContext, allowed: Set<String>) throws -> Response {
        let s = try snapshot()
        let name = context.parameters.get("name") ?? ""
        let ext = (name as NSString).pathExtension.lowercased()
        guard Self.isPlainName(name), allowed.contains(ext) else {
            throw APIError.invalid("name", "name must be a plain file name ending in \(allowed.sorted().map { "." + $0 }.joined(separator: ", "))")
        }
        let url = s.workspace.store.reportFolder(folder).appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw APIError.notFound("name", "no file \(name) in the latest \(folder) of \(s.workspace.datasetName)")
        }
        let types = ["svg": "image/svg+xml", "html": "text/html; charset=utf-8", "json": "application/json; charset=utf-8",
                     "css": "text/css; charset=utf-8", "csv": "text/csv; charset=utf-8"]
        return Self.bytes(Array(data), type: types[ext] ?? "application/octet-stream")
    }

    private func reloadRoute(_ request: Request) async throws -> Response {
        guard let token = options.adminToken else {
            throw APIError(.forbidden, code: "reload_disabled", "reloading is disabled: set server.admin_token in the config or MARQUEE_ADMIN_TOKEN")
        }
        let given = request.headers[.authorization] ?? ""
        guard given.hasPrefix("Bearer "), Self.constantTimeEqual(Array(given.dropFirst(7).utf8), Array(token.utf8)) else {
            var error = APIError(.unauthorized, code: "unauthorized", "POST /api/v1/admin/reload needs the header Authorization: Bearer <server.admin_token>",
                                 field: "Authorization")
            error.headers[.wwwAuthenticate] = "Bearer realm=\"marquee\""
            throw error
        }
        do {
            let (new, old) = try await reload()
            return try Self.json(ReloadBody(snapshot: SnapshotInfo(new), previous: old.map(SnapshotInfo.init)))
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError(.internalServerError, code: "reload_failed", "the reload failed and the previous snapshot stays: \(error)")
        }
    }

    // MARK: Helpers

    /// The request body, at most `options.maxBodyBytes`.
    /// - Throws: `APIError` 413 beyond the limit.
    func collectBody(_ request: Request) async throws -> ByteBuffer {
        let limit = options.maxBodyBytes
        let tooLarge = APIError(.contentTooLarge, code: "body_too_large", "the request body exceeds \(limit) bytes (server.max_body_bytes)", field: "body")
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit { throw tooLarge }
        var request = request
        do { return try await request.collectBody(upTo: limit) } catch is NIOTooManyBytesError { throw tooLarge }
    }

    /// The model `model=` names (default: the first served), which must be served.
    private func servedModel(_ query: Query, _ s: ServingSnapshot) throws -> ModelKind {
        guard let name = query["model"] else { return s.models[0] }
        return try servedModel(named: name, s)
    }

    private func servedModel(named name: String, _ s: ServingSnapshot) throws -> ModelKind {
        let served = s.models.map(\.rawValue).joined(separator: ", ")
        guard let kind = ModelKind(rawValue: name.lowercased()) else {
            throw APIError.invalid("model", "unknown model '\(name.prefix(100))' (served here: \(served))")
        }
        guard s.serves(kind) else {
            throw APIError.invalid("model", "the \(kind.rawValue) model is not served here (served: \(served); server.models in the config)")
        }
        return kind
    }

    /// The `{id}` path parameter as an integer.
    static func pathId(_ context: BasicRequestContext) throws -> Int {
        let text = context.parameters.get("id") ?? ""
        guard let id = Int(text) else { throw APIError.invalid("id", "id must be an integer (the dataset's id), got \"\(text.prefix(50))\"") }
        return id
    }

    /// Runs workspace work, turning what it throws into API errors that name the request's fields.
    static func serving<T>(_ fields: APIError.Fields, _ work: () throws -> T) throws -> T {
        do { return try work() } catch { throw APIError.from(error, fields: fields) }
    }

    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 200 && !name.hasPrefix(".")
            && name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0)) }
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in a.indices { difference |= a[i] ^ b[i] }
        return difference == 0
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try JSONEncoder().encode(value)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func bytes(_ bytes: [UInt8], type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// Query parameters, each checked with an error that names it.
struct Query {
    private var values: [String: String] = [:]

    init(_ request: Request) {
        for (key, value) in request.uri.queryParameters where values[String(key)] == nil { values[String(key)] = String(value) }
    }

    subscript(name: String) -> String? { values[name] }

    func integer(_ name: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = values[name] else { return value }
        guard let n = Int(text), range.contains(n) else {
            throw APIError.invalid(name, "\(name) must be an integer in \(range.lowerBound)…\(range.upperBound), got \"\(text.prefix(50))\"")
        }
        return n
    }

    func boolean(_ name: String, default value: Bool) throws -> Bool {
        guard let text = values[name] else { return value }
        switch text.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default: throw APIError.invalid(name, "\(name) must be true or false, got \"\(text.prefix(50))\"")
        }
    }
}

/// The body of `POST /api/v1/recommendations`: `{"likes":[movie ids], "seen":[movie ids], "k":10,
/// "model":"als", "exact":false}`; only `likes` is required.
struct NewcomerRequest: Sendable {
    var likes: [Int]
    var seen: [Int] = []
    var k = 10
    var model: String?
    var exact = false

    static let fields = ["likes", "seen", "k", "model", "exact"]

    init(_ buffer: ByteBuffer) async throws {
        guard let value = JSONValue.parse(Data(buffer.readableBytesView)) else {
            throw APIError.invalid("body", "the body must be a JSON object, e.g. {\"likes\":[1,6],\"k\":10}")
        }
        guard case let .object(fields) = value else { throw APIError.invalid("body", "the body must be a JSON object, got \(value.typeName)") }
        if let unknown = fields.keys.sorted().first(where: { !Self.fields.contains($0) }) {
            throw APIError.invalid(String(unknown.prefix(50)), "unknown field \"\(unknown.prefix(50))\" (known: \(Self.fields.joined(separator: ", ")))")
        }
        guard let likes = fields["likes"] else { throw APIError.invalid("likes", "likes (a list of movie ids) is required") }
        self.likes = try Self.ids(likes, field: "likes", count: 1...1000)
        if let seen = fields["seen"] { self.seen = try Self.ids(seen, field: "seen", count: 0...10_000) }
        if let k = fields["k"] {
            guard let n = k.integer, (1...1000).contains(n) else { throw APIError.invalid("k", "k must be an integer in 1…1000") }
            self.k = n
        }
        if let model = fields["model"] {
            guard case let .string(name) = model else { throw APIError.invalid("model", "model must be a string, got \(model.typeName)") }
            self.model = name
        }
        if let exact = fields["exact"] {
            guard case let .bool(b) = exact else { throw APIError.invalid("exact", "exact must be true or false, got \(exact.typeName)") }
            self.exact = b
        }
    }

    private static func ids(_ value: JSONValue, field: String, count: ClosedRange<Int>) throws -> [Int] {
        guard case let .array(items) = value else { throw APIError.invalid(field, "\(field) must be a list of movie ids, got \(value.typeName)") }
        guard count.contains(items.count) else {
            throw APIError.invalid(field, "\(field) must list \(count.lowerBound)–\(count.upperBound) movie ids, got \(items.count)")
        }
        return try items.map { item in
            guard let id = item.integer else { throw APIError.invalid(field, "\(field) must hold integer movie ids, got \(item.typeName)") }
            return id
        }
    }
}
