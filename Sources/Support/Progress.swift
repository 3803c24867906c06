import Foundation

/// A progress line on standard error, shown only when standard error is a terminal.
///
/// Long work (parsing, training, index builds) reports through this so that scripts and pipes stay
/// quiet. Updates are throttled to about ten redraws a second and are safe from several threads.
public final class ProgressReporter: @unchecked Sendable {
    /// Whether standard error is a terminal (progress is drawn only then).
    public static let isTerminal: Bool = isatty(STDERR_FILENO) != 0

    private let label: String
    private let total: Int
    private let enabled: Bool
    private let lock = NSLock()
    private var done = 0
    private var lastDraw: UInt64 = 0
    private let start = DispatchTime.now().uptimeNanoseconds

    /// - Parameters:
    ///   - label: what is being done, e.g. "parsing ratings.csv".
    ///   - total: units of work in all (0 when unknown).
    ///   - enabled: force on or off; default: on when stderr is a terminal.
    public init(_ label: String, total: Int, enabled: Bool = ProgressReporter.isTerminal) {
        self.label = label
        self.total = total
        self.enabled = enabled
    }

    /// Records `units` more units done.
    public func advance(by units: Int = 1) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        done += units
        let now = DispatchTime.now().uptimeNanoseconds
        if now - lastDraw > 100_000_000 {
            lastDraw = now
            draw(now: now)
        }
    }

    /// Sets the units done to `value`.
    public func update(to value: Int) {
        guard enabled else { return }
        lock.lock(); done = value; lock.unlock()
        advance(by: 0)
    }

    /// Prints a free-form message on its own line (only on a terminal).
    public func note(_ message: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(label): \(message)\n".utf8))
    }

    /// Clears the progress line.
    public func finish() {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    private func draw(now: UInt64) {
        let seconds = Double(now - start) / 1e9
        var line = "\r\u{1B}[K\(label)"
        if total > 0 {
            let fraction = min(1, Double(done) / Double(total))
            let width = 30
            let filled = Int(fraction * Double(width))
            line += " [" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
            line += String(format: " %5.1f%%", fraction * 100)
        } else {
            line += " \(done)"
        }
        line += String(format: "  %.1fs", seconds)
        FileHandle.standardError.write(Data(line.utf8))
    }
}

/// Writes a line to standard error (for messages that are not results).
public func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
