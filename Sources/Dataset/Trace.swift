import Foundation
import Support

/// Phase timings of ingestion on standard error, when `MARQUEE_TRACE` is set (for profiling).
struct Trace {
    static let enabled = ProcessInfo.processInfo.environment["MARQUEE_TRACE"] != nil
    private var last = DispatchTime.now().uptimeNanoseconds

    /// Prints the time since the previous mark with `label`.
    mutating func mark(_ label: @autoclosure () -> String) {
        guard Self.enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        printError(String(format: "trace: %-28@ %8.1f ms", label() as NSString, Double(now - last) / 1e6))
        last = now
    }
}
