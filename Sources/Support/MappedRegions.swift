import Foundation

/// The files this process has memory-mapped, so that a SIGBUS — what a read of a mapped page does when
/// someone truncated or overwrote the file in place — ends the process with a message naming the file
/// instead of a bare "Bus error".
///
/// Nothing can make such a read succeed (the data is gone); the handler only explains. It is
/// async-signal-safe: it reads a fixed table of (start, length, path) filled in advance and calls
/// `write` and `_exit`. A fault outside every registered mapping gets the default action.
public enum MappedRegions {
    static let capacity = 256
    static let pathBytes = 512

    /// One slot per mapping: start and end addresses (0 when free) and the path as C bytes.
    nonisolated(unsafe) static let starts = UnsafeMutablePointer<UInt>.allocate(capacity: capacity)
    nonisolated(unsafe) static let ends = UnsafeMutablePointer<UInt>.allocate(capacity: capacity)
    nonisolated(unsafe) static let paths = UnsafeMutablePointer<CChar>.allocate(capacity: capacity * pathBytes)
    private static let lock = NSLock()
    nonisolated(unsafe) private static var installed = false

    /// Records a mapping of `path`; returns its slot for `unregister` (nil when the table is full).
    public static func register(start: UnsafeRawPointer, length: Int, path: String) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        if !installed {
            starts.initialize(repeating: 0, count: capacity)
            ends.initialize(repeating: 0, count: capacity)
            install()
            installed = true
        }
        for slot in 0..<capacity where starts[slot] == 0 {
            let bytes = Array(path.utf8.prefix(pathBytes - 1))
            let target = paths + slot * pathBytes
            for (j, b) in bytes.enumerated() { target[j] = CChar(bitPattern: b) }
            target[bytes.count] = 0
            ends[slot] = UInt(bitPattern: start) &+ UInt(length)
            starts[slot] = UInt(bitPattern: start)
            return slot
        }
        return nil
    }

    /// Forgets a mapping (before it is unmapped).
    public static func unregister(_ slot: Int?) {
        guard let slot else { return }
        lock.lock()
        starts[slot] = 0
        ends[slot] = 0
        lock.unlock()
    }

    private static func install() {
        #if os(Linux)
        var action = sigaction()
        action.__sigaction_handler.sa_sigaction = onBusError
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_SIGINFO
        sigaction(SIGBUS, &action, nil)
        #endif
    }
}

#if os(Linux)
/// The SIGBUS handler (async-signal-safe).
private func onBusError(_ signal: Int32, _ info: UnsafeMutablePointer<siginfo_t>?, _ context: UnsafeMutableRawPointer?) {
    let address = UInt(bitPattern: info?.pointee._sifields._sigfault.si_addr)
    for slot in 0..<MappedRegions.capacity {
        let start = MappedRegions.starts[slot]
        guard start != 0, address >= start, address < MappedRegions.ends[slot] else { continue }
        let path = MappedRegions.paths + slot * MappedRegions.pathBytes
        func say(_ text: StaticString) { _ = write(2, text.utf8Start, text.utf8CodeUnitCount) }
        say("marquee: fatal: ")
        _ = write(2, path, strlen(path))
        say(" was truncated or overwritten in place while this process had it mapped; replace artefacts by renaming a new file over them (as Marquee's writers do), never by writing into them\n")
        _exit(135)
    }
    Foundation.signal(SIGBUS, SIG_DFL)
    raise(SIGBUS)
}
#endif
