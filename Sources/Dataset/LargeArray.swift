import Foundation

/// Allocation of the large arrays of ingestion (tens to hundreds of megabytes each).
///
/// The arrays are created uninitialised and filled by the caller, so no pass is spent zeroing them,
/// and their memory is advised to use transparent huge pages where the kernel allows it, which cuts
/// the page faults of a first touch by ~500×.
enum LargeArray {
    /// An array of `count` elements filled by `body` (which must initialise all of them).
    @inline(__always)
    static func make<T>(_ type: T.Type, count: Int, _ body: (UnsafeMutableBufferPointer<T>) -> Void) -> [T] {
        [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
            body(UnsafeMutableBufferPointer(rebasing: buffer[0..<count]))
            initialized = count
        }
    }

    /// Off with `MARQUEE_NO_HUGEPAGES` set (to measure their effect).
    static let useHugePages = ProcessInfo.processInfo.environment["MARQUEE_NO_HUGEPAGES"] == nil

    /// Asks the kernel to back `buffer`'s whole 2 MB pages with huge pages (no effect when unsupported).
    static func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
        #if os(Linux)
        guard useHugePages else { return }
        let huge = 2 << 20
        guard buffer.count >= 2 * huge, let base = buffer.baseAddress else { return }
        let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
        let end = (Int(bitPattern: base) + buffer.count) & ~(huge - 1)
        guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(pointer, end - start, 14 /* MADV_HUGEPAGE */)
        #endif
    }
}
