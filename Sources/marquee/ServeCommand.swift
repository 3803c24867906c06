import ArgumentParser
import Foundation
import Logging
import MarqueeCLI
import Server
import Workspace

/// `marquee serve`: the HTTP API and the web page over a workspace.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the JSON API (/api/v1/…), /metrics, /openapi.json and the web page at / over HTTP.",
        discussion: """
        Listens at once (GET /health answers 200), opens the dataset, loads the served models \
        (server.models) with their indexes — training and building what is missing or stale, and saying \
        so — and then turns GET /ready to 200. Requests are served from that immutable snapshot; \
        POST /api/v1/admin/reload (Authorization: Bearer <token>) loads a new one (retrained models, \
        rebuilt indexes) and swaps it in while requests keep flowing. The token comes from \
        MARQUEE_ADMIN_TOKEN or server.admin_token; without one the route is disabled (403). SIGTERM or \
        SIGINT stop accepting, answer what is in flight and exit 0. GET /openapi.json describes every \
        route; the README lists them.
        """
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "Address to listen on. Default: config server.host (127.0.0.1, loopback only).")
    var host: String?

    @Option(help: "TCP port (0: any free port, said in the log). Default: config server.port (8080).")
    var port: Int?

    @Option(name: .customLong("max-body-bytes"), help: "Largest request body accepted (413 beyond). Default: config server.max_body_bytes.")
    var maxBodyBytes: Int?

    @Option(help: "Models to serve, comma-separated (\(ModelKind.names(ModelKind.withVectors))). Default: config server.models.")
    var models: String?

    @Flag(name: .customLong("no-access-log"), help: "No log line per request (config server.access_log).")
    var noAccessLog = false

    func run() throws {
        var config = try common.loadConfig()
        config.set(\.server.host, host, flag: "--host")
        config.set(\.server.port, port, flag: "--port")
        config.set(\.server.maxBodyBytes, maxBodyBytes, flag: "--max-body-bytes")
        if let models { config.set(\.server.models, try models.split(separator: ",").map { try ModelKind.named(String($0)) }, flag: "--models") }
        if noAccessLog { config.set(\.server.accessLog, false, flag: "--no-access-log") }
        if let token = ProcessInfo.processInfo.environment["MARQUEE_ADMIN_TOKEN"], !token.isEmpty {
            config.set(\.server.adminToken, token, flag: "MARQUEE_ADMIN_TOKEN")
        }
        try config.validate()
        let logger = TerminalLog.logger
        let dataDirectory = common.dataDirectory(config)
        let modelsDirectory = URL(fileURLWithPath: config.paths.modelsDir)
        let snapshotConfig = config
        let server = MarqueeServer(options: ServerOptions(config.server), logger: logger) { generation in
            try ServingSnapshot.load(data: dataDirectory, config: snapshotConfig, modelsDirectory: modelsDirectory, generation: generation,
                                     logger: logger)
        }
        try runBlocking { try await server.run() }
    }
}

/// Runs `body` to its end on the cooperative pool while this (synchronous) thread waits.
private func runBlocking(_ body: @escaping @Sendable () async throws -> Void) throws {
    final class Outcome: @unchecked Sendable { var error: (any Error)? }   // written before the semaphore is signalled
    let outcome = Outcome()
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        do { try await body() } catch { outcome.error = error }
        done.signal()
    }
    done.wait()
    if let error = outcome.error { throw error }
}
