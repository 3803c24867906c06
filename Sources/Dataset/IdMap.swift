/// The one place that maps a dataset's own ids (MovieLens `userId` / `movieId`) to dense indices
/// `0..<count` and back.
///
/// Dense indices follow the order of the external ids (ascending), so the mapping does not depend on the
/// order of lines in a file. Lookups use a direct table when ids are small (MovieLens ids are), a
/// dictionary otherwise.
public struct IdMap: Sendable, Equatable {
    /// External id of each dense index, ascending.
    public let externalIds: [Int32]
    private let table: [Int32]        // external id → dense index, -1 if absent (when ids are small)
    private let dictionary: [Int32: Int32]

    /// Number of distinct ids.
    public var count: Int { externalIds.count }

    /// Builds a map from the distinct external ids (any order, duplicates allowed).
    public init<S: Sequence>(ids: S) where S.Element == Int32 {
        self.init(sortedUnique: Array(Set(ids)).sorted())
    }

    /// Builds a map from ids already sorted ascending and unique.
    /// - Complexity: O(n), plus O(largest id) memory when the ids are small enough for a direct table
    ///   (non-negative and below max(2²⁰, 8n)).
    public init(sortedUnique ids: [Int32]) {
        externalIds = ids
        let maxId = Int(ids.last ?? 0)
        let minId = Int(ids.first ?? 0)
        if minId >= 0 && maxId < max(1 << 20, ids.count * 8) {
            var t = [Int32](repeating: -1, count: maxId + 1)
            for (i, id) in ids.enumerated() { t[Int(id)] = Int32(i) }
            table = t
            dictionary = [:]
        } else {
            table = []
            var d = [Int32: Int32](minimumCapacity: ids.count)
            for (i, id) in ids.enumerated() { d[id] = Int32(i) }
            dictionary = d
        }
    }

    /// The dense index of an external id, or nil when the id is unknown.
    @inlinable
    public func index(of externalId: Int32) -> Int? {
        let i = denseIndex(externalId)
        return i < 0 ? nil : Int(i)
    }

    /// The dense index of an external id, or -1.
    @inline(__always)
    public func denseIndex(_ externalId: Int32) -> Int32 {
        if !table.isEmpty {
            let e = Int(externalId)
            return e >= 0 && e < table.count ? table[e] : -1
        }
        return dictionary[externalId] ?? -1
    }

    /// The external id of a dense index.
    @inlinable
    public func externalId(of index: Int) -> Int32 { externalIds[index] }

    /// Two maps are equal when they hold the same external ids (the lookup tables follow from them).
    public static func == (lhs: IdMap, rhs: IdMap) -> Bool { lhs.externalIds == rhs.externalIds }
}
