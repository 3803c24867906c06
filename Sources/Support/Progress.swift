import Foundation

/// Progress of long work on standard error: a bar on a terminal, a plain log line now and then
/// otherwise, nothing at all for short work.
///
/// - **Terminal** (`Style.bar`): one line redrawn in place at most ten times a second:
///   `label [#######.......]  45.0 % (1234/2741)  12.3 s, ETA 15 s` (when the total is known), or
///   `label 1234  12.3 s` (when it is not). `finish()` clears it.
/// - **Not a terminal** (`Style.lines`, e.g. a pipe, a log file, CI): one line at most every `interval`
///   seconds (10 by default), `label: 45 % (1234/2741) 12.3 s, ETA 15 s`, and when the work took longer
///   than the interval a last line from `finish()`, `label: done, 2741 in 25.3 s`. Work shorter than the
///   interval prints nothing.
///
/// Long work reports through this (parsing, training, index builds, evaluation) so that progress is
/// visible wherever it runs and scripts' stdout is never touched. Every method is safe from several
/// threads. The clock and the output are injectable so that tests can check the cadence and the formats
/// without sleeping.
public final class ProgressReporter: @unchecked Sendable {
    /// How progress is shown.
    public enum Style: Sendable, Equatable {
        /// A bar redrawn in place (for a terminal).
        case bar
        /// A plain line every `interval` seconds (for logs and pipes).
        case lines
        /// Nothing.
        case off
    }

    /// Whether standard error is a terminal.
    public static let isTerminal: Bool = isatty(STDERR_FILENO) != 0

    /// Seconds on a monotonic clock (the default clock of every reporter).
    public static func monotonicSeconds() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) / 1e9
    }

    /// Writes text to standard error unbuffered (the default output of every reporter).
    public static func writeToStandardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// The style in use.
    public let style: Style
    /// Seconds between two lines in the `.lines` style.
    public let interval: Double
    private let label: String
    private let clock: @Sendable () -> Double
    private let sink: @Sendable (String) -> Void
    private let lock = NSLock()
    private let start: Double
    private var totalUnits: Int
    private var done = 0
    private var lastOutput: Double
    private var drewBar = false
    private var finished = false

    /// Minimum seconds between two redraws of the bar.
    static let redrawInterval = 0.1

    /// A reporter for one piece of work.
    /// - Parameters:
    ///   - label: what is being done, e.g. "parsing ratings.csv".
    ///   - total: units of work in all (0 when unknown; `total` may be set later, by the code that learns it).
    ///   - enabled: false shows nothing whatever the style.
    ///   - style: default `.bar` when standard error is a terminal, else `.lines`.
    ///   - interval: seconds between lines in the `.lines` style (default 10).
    ///   - clock: seconds on a monotonic clock (default `monotonicSeconds`).
    ///   - output: where the text goes (default standard error).
    public init(
        _ label: String, total: Int, enabled: Bool = true, style: Style? = nil, interval: Double = 10,
        clock: @escaping @Sendable () -> Double = ProgressReporter.monotonicSeconds,
        output: @escaping @Sendable (String) -> Void = ProgressReporter.writeToStandardError
    ) {
        self.label = label
        totalUnits = max(0, total)
        self.style = enabled ? style ?? (Self.isTerminal ? .bar : .lines) : .off
        self.interval = interval
        self.clock = clock
        sink = output
        start = clock()
        lastOutput = start
    }

    /// Units of work in all (0 when unknown). Code that learns the total after the reporter was made
    /// (a trainer that knows its steps, a parser that knows the file size) sets it.
    public var total: Int {
        get { lock.lock(); defer { lock.unlock() }; return totalUnits }
        set { lock.lock(); totalUnits = max(0, newValue); lock.unlock() }
    }

    /// Records `units` more units done.
    public func advance(by units: Int = 1) {
        guard style != .off else { return }
        lock.lock(); defer { lock.unlock() }
        done += units
        report()
    }

    /// Sets the units done to `value`.
    public func update(to value: Int) {
        guard style != .off else { return }
        lock.lock(); defer { lock.unlock() }
        done = value
        report()
    }

    /// Prints a free-form message on its own line (on a terminal only: logs get the periodic lines).
    public func note(_ message: String) {
        guard style == .bar else { return }
        lock.lock(); defer { lock.unlock() }
        sink("\r\u{1B}[K\(label): \(message)\n")
        drewBar = false
    }

    /// Ends the report: clears the bar, or writes the last line when the work took longer than the
    /// interval. Later calls do nothing.
    public func finish() {
        guard style != .off else { return }
        lock.lock(); defer { lock.unlock() }
        guard !finished else { return }
        finished = true
        let now = clock()
        switch style {
        case .bar:
            if drewBar { sink("\r\u{1B}[K") }
        case .lines:
            if now - start > interval {
                sink("\(label): done, \(done) in \(Self.format(elapsed: now - start))\n")
            }
        case .off:
            break
        }
    }

    // MARK: Formatting (lock held)

    private func report() {
        guard !finished else { return }
        let now = clock()
        switch style {
        case .bar:
            guard now - lastOutput >= Self.redrawInterval else { return }
            lastOutput = now
            drewBar = true
            sink(barLine(now: now))
        case .lines:
            guard now - lastOutput >= interval else { return }
            lastOutput = now
            sink(plainLine(now: now) + "\n")
        case .off:
            break
        }
    }

    /// `label: 45 % (1234/2741) 12.3 s, ETA 15 s`, or `label: 1234 12.3 s` without a total.
    func plainLine(now: Double) -> String {
        let elapsed = now - start
        guard totalUnits > 0 else { return "\(label): \(done) \(Self.format(elapsed: elapsed))" }
        let fraction = min(1, Double(done) / Double(totalUnits))
        var line = "\(label): \(Int(fraction * 100)) % (\(done)/\(totalUnits)) \(Self.format(elapsed: elapsed))"
        if let eta = eta(elapsed: elapsed) { line += ", ETA \(Self.format(remaining: eta))" }
        return line
    }

    /// `\r␛[Klabel [#############.................]  45.0 % (1234/2741)  12.3 s, ETA 15 s`.
    func barLine(now: Double) -> String {
        let elapsed = now - start
        var line = "\r\u{1B}[K\(label)"
        if totalUnits > 0 {
            let fraction = min(1, Double(done) / Double(totalUnits))
            let width = 30
            let filled = Int(fraction * Double(width))
            line += " [" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
            line += String(format: " %5.1f %%", fraction * 100) + " (\(done)/\(totalUnits))"
        } else {
            line += " \(done)"
        }
        line += "  " + Self.format(elapsed: elapsed)
        if let eta = eta(elapsed: elapsed) { line += ", ETA \(Self.format(remaining: eta))" }
        return line
    }

    /// Seconds left at the rate so far (nil without a total or before the first unit).
    private func eta(elapsed: Double) -> Double? {
        guard totalUnits > 0, done > 0, done < totalUnits else { return nil }
        return elapsed * Double(totalUnits - done) / Double(done)
    }

    /// `12.3 s` under a minute, `4 min 05 s` under an hour, `1 h 02 min` beyond.
    static func format(elapsed seconds: Double) -> String {
        seconds < 60 ? String(format: "%.1f s", seconds) : format(remaining: seconds)
    }

    /// `15 s` under a minute, `4 min 05 s` under an hour, `1 h 02 min` beyond.
    static func format(remaining seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s) s" }
        if s < 3600 { return String(format: "%d min %02d s", s / 60, s % 60) }
        return String(format: "%d h %02d min", s / 3600, (s % 3600) / 60)
    }
}

/// Writes a line to standard error (for messages that are not results).
public func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
