/// A fixed-length contiguous array of plain values with copy-on-write value semantics, stored either in a
/// Swift array or in a read-only memory-mapped region (a section of an artefact file).
///
/// The mapped form is what lets a dataset cache load without copying: the matrix arrays are handed out
/// straight from the mapped file, whose pages come from the page cache, instead of being copied into
/// freshly zeroed memory. Reads of both forms cost the same (one bounds check, one load from a pointer
/// taken once). The first mutation of a mapped column, or of one whose storage is shared, copies it into
/// an array of its own, so a mapped region is never written.
///
/// Hot loops should take a pointer once with `withUnsafeBufferPointer`.
public struct DenseColumn<Element> {
    /// Owns the elements: an array, or a mapping kept alive by `keepAlive`.
    @usableFromInline
    final class Storage {
        @usableFromInline var array: [Element]
        /// The owner of a mapped region (nil for array storage, which alone may be written).
        @usableFromInline let keepAlive: AnyObject?

        @usableFromInline
        init(array: [Element]) { self.array = array; keepAlive = nil }

        @usableFromInline
        init(mappedBy owner: AnyObject) { array = []; keepAlive = owner }
    }

    /// First element; valid while `storage` is alive and not mutated except through `makeUnique`.
    @usableFromInline var base: UnsafePointer<Element>?
    @usableFromInline var storage: Storage
    @usableFromInline var elementCount: Int
    /// Number of elements.
    @inlinable public var count: Int { elementCount }

    /// A column holding `array` (no copy).
    @inlinable
    public init(_ array: [Element]) {
        storage = Storage(array: array)
        // A native array's buffer does not move while it is neither mutated nor released; `storage` keeps it
        // and is only mutated by `makeUnique`, which refreshes `base`.
        base = storage.array.withUnsafeBufferPointer { $0.baseAddress }
        elementCount = array.count
    }

    /// A column reading `buffer` in place, which must stay valid and unchanged while `owner` is alive.
    /// Use for read-only mapped memory (e.g. `ArtifactReader.buffer`, with the reader as `owner`).
    public init(mapped buffer: UnsafeBufferPointer<Element>, owner: AnyObject) {
        storage = Storage(mappedBy: owner)
        base = buffer.baseAddress
        elementCount = buffer.count
    }

    /// A column of `count` copies of `value`.
    @inlinable
    public init(repeating value: Element, count: Int) { self.init([Element](repeating: value, count: count)) }

    /// Whether the elements are read in place from a mapped region (until the first mutation).
    public var isMapped: Bool { storage.keepAlive != nil }

    /// The elements as an array (a copy for mapped storage).
    @inlinable
    public var array: [Element] {
        if storage.keepAlive == nil { return storage.array }
        return withUnsafeBufferPointer { Array($0) }
    }

    /// Calls `body` with the elements (valid only inside `body`).
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) { try body(UnsafeBufferPointer(start: base, count: count)) }
    }

    /// Calls `body` with the elements for writing, after copying them into an array of their own if they
    /// are mapped or shared.
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Element>) throws -> R) rethrows -> R {
        makeUnique()
        return try storage.array.withUnsafeMutableBufferPointer { try body($0) }
    }

    /// Removes the last `k` elements (copying first if the elements are mapped or shared).
    public mutating func removeLast(_ k: Int) {
        precondition(k >= 0 && k <= count, "cannot remove more elements than the column holds")
        makeUnique()
        storage.array.removeLast(k)
        elementCount -= k
        base = storage.array.withUnsafeMutableBufferPointer { UnsafePointer($0.baseAddress) }
    }

    /// Makes `storage` an array referenced only by `self` (copying if needed) and points `base` into it.
    @inlinable
    mutating func makeUnique() {
        if storage.keepAlive != nil || !isKnownUniquelyReferenced(&storage) {
            storage = Storage(array: withUnsafeBufferPointer { Array($0) })
        }
        // Also separates the array from any other array value sharing its buffer.
        base = storage.array.withUnsafeMutableBufferPointer { UnsafePointer($0.baseAddress) }
    }
}

extension DenseColumn: RandomAccessCollection, MutableCollection {
    public typealias Index = Int
    public typealias Indices = Range<Int>

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { count }
    @inlinable public var indices: Range<Int> { 0..<count }
    @inlinable public func index(after i: Int) -> Int { i + 1 }
    @inlinable public func index(before i: Int) -> Int { i - 1 }

    @inlinable
    public subscript(position: Int) -> Element {
        get {
            precondition(UInt(bitPattern: position) < UInt(bitPattern: count), "DenseColumn index out of range")
            return base.unsafelyUnwrapped[position]
        }
        set {
            precondition(UInt(bitPattern: position) < UInt(bitPattern: count), "DenseColumn index out of range")
            makeUnique()
            storage.array.withUnsafeMutableBufferPointer { $0[position] = newValue }
        }
    }

    @inlinable
    public func withContiguousStorageIfAvailable<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R? {
        try withUnsafeBufferPointer(body)
    }

    @inlinable
    public mutating func withContiguousMutableStorageIfAvailable<R>(
        _ body: (inout UnsafeMutableBufferPointer<Element>) throws -> R
    ) rethrows -> R? {
        try withUnsafeMutableBufferPointer { buffer in
            var copy = buffer
            return try body(&copy)
        }
    }
}

extension DenseColumn: ExpressibleByArrayLiteral {
    @inlinable
    public init(arrayLiteral elements: Element...) { self.init(elements) }
}

extension DenseColumn: Equatable where Element: Equatable {
    @inlinable
    public static func == (lhs: DenseColumn, rhs: DenseColumn) -> Bool {
        lhs.withUnsafeBufferPointer { a in rhs.withUnsafeBufferPointer { b in a.elementsEqual(b) } }
    }
}

extension DenseColumn: CustomStringConvertible {
    public var description: String { array.description }
}

// Reads never write, writes go to storage owned by one value (copy-on-write), and a mapped region is
// read-only for the life of its owner, so values can cross threads like arrays.
extension DenseColumn: @unchecked Sendable where Element: Sendable {}
