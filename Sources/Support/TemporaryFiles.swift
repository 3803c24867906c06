import Foundation

/// The temporary files and folders Marquee writes beside an artefact before renaming them into place:
/// their names, their removal when the process is interrupted, and the sweep of those a killed process
/// left behind.
///
/// **Names.** `.<target>.<kind>-<pid>-<random>` (kind `tmp`, `partial`, `unpack` or `old`), so any later
/// run can tell whose a temporary is and whether that process is still alive.
///
/// **SIGINT, SIGTERM, SIGHUP.** While any temporary is registered, these signals are caught: the handler
/// only writes the signal number to a pipe (async-signal-safe); a dedicated thread wakes up, removes every
/// registered path (folders recursively), restores the default action and raises the signal again, so
/// the process still ends as killed by it. SIGKILL cannot be caught: its temporaries are swept.
///
/// **Sweep.** `sweep(_:)` removes the temporaries in a folder whose process is gone (an `old` folder
/// whose target is missing is renamed back instead: a swap was cut between its two renames). Writers
/// sweep their folder before each write.
public enum TemporaryFiles {
    /// The kinds of temporaries, as they appear in names.
    public static let kinds = ["tmp", "partial", "unpack", "old"]

    /// The name of a temporary for `target` (a file or folder name) of this process.
    public static func name(for target: String, kind: String = "tmp") -> String {
        ".\(target).\(kind)-\(getpid())-\(UInt32.random(in: 0 ... .max))"
    }

    /// What a temporary's name says: the target it stands for, its kind, the writer's process id.
    public static func parse(_ name: String) -> (target: String, kind: String, pid: Int32)? {
        guard name.hasPrefix(".") else { return nil }
        let parts = name.dropFirst().split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, let pid = Int32(parts[parts.count - 2]), pid > 0,
              UInt32(parts[parts.count - 1]) != nil else { return nil }
        let head = parts[0..<(parts.count - 2)].joined(separator: "-")
        guard let dot = head.lastIndex(of: ".") else { return nil }
        let kind = String(head[head.index(after: dot)...])
        let target = String(head[..<dot])
        guard kinds.contains(kind), !target.isEmpty else { return nil }
        return (target, kind, pid)
    }

    /// Whether process `pid` exists (a zombie or another user's process counts as alive).
    public static func isAlive(_ pid: Int32) -> Bool {
        if pid == getpid() { return true }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    /// Removes the temporaries in `directory` left by processes that no longer exist.
    /// - Returns: the names removed (or restored).
    @discardableResult
    public static func sweep(_ directory: URL) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        var swept: [String] = []
        for name in names {
            guard let parsed = parse(name), !isAlive(parsed.pid) else { continue }
            let path = directory.appendingPathComponent(name).path
            let target = directory.appendingPathComponent(parsed.target).path
            if parsed.kind == "old" && !FileManager.default.fileExists(atPath: target) {
                if rename(path, target) == 0 { swept.append(name) }
                continue
            }
            if (try? FileManager.default.removeItem(atPath: path)) != nil { swept.append(name) }
        }
        return swept
    }

    // MARK: Registration

    private static let lock = NSLock()
    nonisolated(unsafe) private static var registered: [String: Int] = [:]
    nonisolated(unsafe) private static var installed = false
    nonisolated(unsafe) fileprivate static var pipeWrite: Int32 = -1

    /// Removes `url` if this process is interrupted (SIGINT, SIGTERM, SIGHUP) before `unregister`.
    public static func register(_ url: URL) {
        lock.lock()
        defer { lock.unlock() }
        registered[url.path, default: 0] += 1
        if !installed { install() }
    }

    /// Stops removing `url` on interruption (it was renamed into place or removed).
    public static func unregister(_ url: URL) {
        lock.lock()
        defer { lock.unlock() }
        if let n = registered[url.path] { registered[url.path] = n > 1 ? n - 1 : nil }
    }

    /// The paths registered now (for tests).
    public static var registeredPaths: [String] {
        lock.lock()
        defer { lock.unlock() }
        return registered.keys.sorted()
    }

    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Installs the handlers and the cleaning thread (lock held).
    private static func install() {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return }
        pipeWrite = fds[1]
        let readEnd = fds[0]
        let thread = Thread {
            var signal: UInt8 = 0
            while read(readEnd, &signal, 1) != 1 {}
            clean(raising: Int32(signal))
        }
        thread.name = "marquee-temporaries"
        thread.start()
        for s in signals {
            var action = sigaction()
            #if os(Linux)
            action.__sigaction_handler.sa_handler = onSignal
            #else
            action.__sigaction_u.__sa_handler = onSignal
            #endif
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(s, &action, nil)
        }
        installed = true
    }

    /// Removes every registered path, then ends the process by `signal` with its default action.
    private static func clean(raising signal: Int32) {
        lock.lock()
        let paths = registered.keys.sorted { $0.count > $1.count } // files inside a folder first
        for path in paths { try? FileManager.default.removeItem(atPath: path) }
        registered = [:]
        Foundation.signal(signal, SIG_DFL)
        raise(signal)
        // Not reached for the default actions of these signals; exit the same way if it is.
        _exit(128 + signal)
    }
}

/// The signal handler: async-signal-safe (one `write` to a pipe).
private func onSignal(_ signal: Int32) {
    var byte = UInt8(truncatingIfNeeded: signal)
    _ = write(TemporaryFiles.pipeWrite, &byte, 1)
}
