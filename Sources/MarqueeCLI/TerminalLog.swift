import Foundation
import Logging
import Support

/// The command line's logger: plain lines on stderr, warnings and errors marked as such.
///
/// Without `--verbose`/`--quiet`, what the workspace trains and builds (notice) is always said, and the
/// stages of a long run (info) only on a terminal, so scripts and pipes stay readable.
public enum TerminalLog {
    /// The logger commands hand to the workspace.
    public static let logger = Logger(label: "marquee")

    /// Installs the handler once per process.
    public static func bootstrap(verbose: Bool, quiet: Bool) {
        let level: Logger.Level = quiet ? .warning : verbose ? .debug : (ProgressReporter.isTerminal ? .info : .notice)
        Bootstrap.once.run { LoggingSystem.bootstrap { _ in StderrHandler(logLevel: level) } }
    }

    private final class Bootstrap: @unchecked Sendable {   // `done` is guarded by `lock`
        static let once = Bootstrap()
        private let lock = NSLock()
        private var done = false
        func run(_ body: () -> Void) {
            lock.lock(); defer { lock.unlock() }
            guard !done else { return }
            done = true
            body()
        }
    }
}

/// Writes each message on its own line to stderr.
struct StderrHandler: LogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider? = nil

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let prefix: String
        switch event.level {
        case .warning: prefix = "warning: "
        case .error, .critical: prefix = "error: "
        default: prefix = ""
        }
        printError(prefix + event.message.description)
    }
}
