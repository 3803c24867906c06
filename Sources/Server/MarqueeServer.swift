import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Workspace

/// How `marquee serve` listens and what it allows (config `server:`; the CLI's flags applied).
public struct ServerOptions: Sendable {
    public var host: String
    public var port: Int
    /// The largest request body accepted (413 beyond).
    public var maxBodyBytes: Int
    /// The bearer token of `POST /api/v1/admin/reload`; nil disables the route.
    public var adminToken: String?
    /// One log line per request.
    public var accessLog: Bool

    public init(host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 65_536, adminToken: String? = nil, accessLog: Bool = true) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.adminToken = adminToken
        self.accessLog = accessLog
    }

    /// The `server:` section; an empty token disables reloads.
    public init(_ section: MarqueeConfig.ServerSection) {
        self.init(host: section.host, port: section.port, maxBodyBytes: section.maxBodyBytes,
                  adminToken: section.adminToken.isEmpty ? nil : section.adminToken, accessLog: section.accessLog)
    }
}

/// The HTTP server over a workspace: the JSON API v1, `/health`, `/ready`, `/metrics`, `/openapi.json`
/// and the web page at `/`, served from the `SnapshotStore`'s snapshot.
///
/// ```swift
/// let server = MarqueeServer(options: ServerOptions(config.server), logger: logger) { generation in
///     try ServingSnapshot.load(config: config, generation: generation, logger: logger)
/// }
/// try await server.run()      // listens at once; /ready turns 200 when the first snapshot is in
/// ```
public final class MarqueeServer: Sendable {
    /// Makes a snapshot of the given generation (opens the workspace, prepares the served models).
    public typealias Loader = @Sendable (_ generation: Int) throws -> ServingSnapshot

    public let options: ServerOptions
    /// What requests read.
    public let store: SnapshotStore
    let loader: Loader
    let logger: Logger
    let metrics = ServerMetrics()

    public init(options: ServerOptions, store: SnapshotStore = SnapshotStore(), logger: Logger, loader: @escaping Loader) {
        self.options = options
        self.store = store
        self.logger = logger
        self.loader = loader
    }

    /// The Hummingbird application: the router (every route behind the error, metrics and access-log
    /// middleware) bound to `options.host:port`.
    /// - Parameter onListening: called with the port once the socket listens (the real one for port 0).
    public func makeApplication(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let logger = logger
        let host = options.host
        return Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(host, port: options.port), serverName: "marquee"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.notice("listening on http://\(host):\(port)")
                await onListening(port)
            },
            logger: logger)
    }

    /// Listens, loads the first snapshot in the background (`/health` answers meanwhile, `/ready` says
    /// 503), then serves until SIGTERM or SIGINT, which drain the requests in flight and return.
    /// - Throws: what loading the first snapshot or binding the socket throws.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let app = makeApplication(onListening: onListening)
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: app), .init(service: InitialLoad(server: self))],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        logger.notice("stopped: every request in flight was answered")
    }

    /// Loads a new snapshot and swaps it in; requests keep flowing on the old one meanwhile.
    /// - Returns: the new snapshot and the one it replaced.
    /// - Throws: `APIError` 409 while another reload runs; what loading throws (the old snapshot stays).
    public func reload() async throws -> (new: ServingSnapshot, old: ServingSnapshot?) {
        guard store.beginReload() else {
            throw APIError(.conflict, code: "reload_in_progress", "a reload is under way; try again when it ends")
        }
        defer { store.endReload() }
        let generation = store.nextGeneration
        logger.notice("reloading: snapshot \(generation)")
        do {
            let loader = loader
            let snapshot = try await offload { try loader(generation) }
            let old = store.install(snapshot)
            metrics.snapshotLoaded(snapshot, reload: true)
            logger.notice("snapshot \(snapshot.id) in place (loaded in \(String(format: "%.2f", snapshot.loadSeconds)) s); the previous one is let go when its last request ends")
            return (snapshot, old)
        } catch {
            metrics.reloadFailed()
            logger.error("reload failed, the previous snapshot stays: \(error)")
            throw error
        }
    }

    /// Loads the first snapshot.
    func loadInitial() async throws {
        let loader = loader
        let generation = store.nextGeneration
        let snapshot = try await offload { try loader(generation) }
        store.install(snapshot)
        metrics.snapshotLoaded(snapshot, reload: false)
        let ws = snapshot.workspace
        logger.notice("ready: \(ws.datasetName) (\(ws.interactions.userCount) users, \(ws.interactions.itemCount) movies), models \(snapshot.models.map(\.rawValue).joined(separator: ", ")), loaded in \(String(format: "%.2f", snapshot.loadSeconds)) s")
    }
}

/// Loads the first snapshot once the server runs, then waits for the shutdown.
struct InitialLoad: Service {
    let server: MarqueeServer
    func run() async throws {
        try await server.loadInitial()
        try? await gracefulShutdown()
    }
}

/// Runs blocking work (opening files, training, building indexes) on a Dispatch worker, away from the
/// threads that serve requests.
func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global(qos: .userInitiated).async {
            continuation.resume(with: Result { try work() })
        }
    }
}
