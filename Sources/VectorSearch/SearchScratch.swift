import Foundation
import Support

/// A (distance, node) pair in the search heaps.
@usableFromInline
struct HeapEntry {
    @usableFromInline var distance: Float
    @usableFromInline var node: UInt32
    @inline(__always) @usableFromInline init(_ distance: Float, _ node: UInt32) {
        self.distance = distance
        self.node = node
    }
}

/// A binary max-heap on `distance` over a manually managed buffer: no array bounds checks, no
/// copy-on-write, no allocation once it has grown to its working size. A min-heap is the same heap over
/// negated distances (as in hnswlib).
@usableFromInline
struct EntryHeap {
    @usableFromInline var base: UnsafeMutablePointer<HeapEntry>
    @usableFromInline var count = 0
    @usableFromInline var capacity: Int

    init(capacity: Int) {
        self.capacity = max(16, capacity)
        base = .allocate(capacity: self.capacity)
    }

    func deallocate() { base.deallocate() }

    @inline(__always) var isEmpty: Bool { count == 0 }
    @inline(__always) var top: HeapEntry { base[0] }
    @inline(__always) mutating func removeAll() { count = 0 }

    @inline(__always)
    mutating func push(_ distance: Float, _ node: UInt32) {
        if count == capacity { grow() }
        var c = count
        count += 1
        while c > 0 {
            let p = (c - 1) >> 1
            if base[p].distance >= distance { break }
            base[c] = base[p]
            c = p
        }
        base[c] = HeapEntry(distance, node)
    }

    @inline(__always) @discardableResult
    mutating func pop() -> HeapEntry {
        let result = base[0]
        count -= 1
        if count > 0 {
            let last = base[count]
            var p = 0
            while true {
                let l = 2 * p + 1
                if l >= count { break }
                var m = l
                if l + 1 < count && base[l + 1].distance > base[l].distance { m = l + 1 }
                if base[m].distance <= last.distance { break }
                base[p] = base[m]
                p = m
            }
            base[p] = last
        }
        return result
    }

    private mutating func grow() {
        let bigger = UnsafeMutablePointer<HeapEntry>.allocate(capacity: capacity * 2)
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity *= 2
    }
}

/// Per-thread working memory of one search or insertion: the visited set (a generation tag per node,
/// so it is "cleared" by bumping the tag instead of touching every node), the two heaps, and buffers.
/// Taken from and returned to a `ScratchPool`; never shared by two threads at once.
final class SearchScratch {
    var visited: UnsafeMutablePointer<UInt16>
    var visitedCapacity: Int
    var tag: UInt16 = 0
    var candidates: EntryHeap
    var results: EntryHeap
    /// Links copied out under a lock during a parallel build, and heuristic work space.
    var links: UnsafeMutablePointer<UInt32>
    /// The unvisited neighbours of the node being expanded.
    var gathered: UnsafeMutablePointer<UInt32>
    var selection: UnsafeMutablePointer<HeapEntry>
    var selected: UnsafeMutablePointer<HeapEntry>
    var pruned: UnsafeMutablePointer<HeapEntry>
    /// Search results in ascending order (grows to `ef`).
    var ordered: UnsafeMutablePointer<HeapEntry>
    var orderedCapacity = 256
    let linkCapacity: Int
    /// The query as the index stores it (normalised or augmented).
    var query: UnsafeMutablePointer<Float>

    init(nodes: Int, maxLinks: Int, dimension: Int) {
        visitedCapacity = max(1, nodes)
        visited = .allocate(capacity: visitedCapacity)
        visited.initialize(repeating: 0, count: visitedCapacity)
        candidates = EntryHeap(capacity: 256)
        results = EntryHeap(capacity: 256)
        linkCapacity = maxLinks + 2
        links = .allocate(capacity: linkCapacity)
        gathered = .allocate(capacity: linkCapacity)
        selection = .allocate(capacity: linkCapacity)
        selected = .allocate(capacity: linkCapacity)
        pruned = .allocate(capacity: linkCapacity)
        ordered = .allocate(capacity: orderedCapacity)
        query = .allocate(capacity: max(1, dimension))
    }

    deinit {
        visited.deallocate()
        candidates.deallocate()
        results.deallocate()
        links.deallocate()
        gathered.deallocate()
        selection.deallocate()
        selected.deallocate()
        pruned.deallocate()
        ordered.deallocate()
        query.deallocate()
    }

    /// Moves the result heap into `ordered`, nearest first, and returns how many there are.
    @inline(__always)
    func drainResults() -> Int {
        let n = results.count
        if n > orderedCapacity {
            ordered.deallocate()
            orderedCapacity = n * 2
            ordered = .allocate(capacity: orderedCapacity)
        }
        var i = n - 1
        while i >= 0 { ordered[i] = results.pop(); i -= 1 }
        return n
    }

    /// Starts a new visited generation covering `nodes` nodes (grows or wraps around when needed).
    @inline(__always)
    func beginVisit(nodes: Int) {
        if nodes > visitedCapacity {
            visited.deallocate()
            visitedCapacity = nodes + nodes / 4
            visited = .allocate(capacity: visitedCapacity)
            visited.initialize(repeating: 0, count: visitedCapacity)
            tag = 0
        }
        tag &+= 1
        if tag == 0 {
            visited.update(repeating: 0, count: visitedCapacity)
            tag = 1
        }
    }
}

/// A lock-protected stack of scratch spaces, one per concurrently running search.
final class ScratchPool: Sendable {
    private let free = Locked<[SearchScratch]>([])
    let maxLinks: Int
    let dimension: Int

    init(maxLinks: Int, dimension: Int) {
        self.maxLinks = maxLinks
        self.dimension = dimension
    }

    func take(nodes: Int) -> SearchScratch {
        let s = free.withLock { $0.popLast() }
        return s ?? SearchScratch(nodes: nodes, maxLinks: maxLinks, dimension: dimension)
    }

    func give(_ scratch: SearchScratch) {
        free.withLock { $0.append(scratch) }
    }
}
