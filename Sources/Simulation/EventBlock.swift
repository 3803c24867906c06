import Support

/// A 64-bit mixing function (SplitMix64's finaliser): the per-event draws and tie keys are hashes of
/// the seed and the event number, so they do not depend on the order or the threads they are drawn in.
@inline(__always)
func mix64(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// A uniform Double in [0, 1) from 64 random bits.
@inline(__always)
func unit(_ bits: UInt64) -> Double { Double(bits >> 11) * 0x1p-53 }

/// How many candidates each event's pool holds.
public enum PoolSize: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// The logged movie and `n − 1` unseen movies drawn uniformly without replacement.
    case sampled(Int)
    /// Every movie the user has not rated before the event.
    case all

    public var description: String {
        switch self {
        case let .sampled(n): return String(n)
        case .all: return "all"
        }
    }

    /// Parses `100` or `all`.
    public init?(_ text: String) {
        if text.lowercased() == "all" { self = .all; return }
        guard let n = Int(text) else { return nil }
        self = .sampled(n)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(Int.self) { self = .sampled(n); return }
        let text = try c.decode(String.self)
        guard let parsed = PoolSize(text) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected a number of movies or 'all', got '\(text)'")
        }
        self = parsed
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case let .sampled(n): try c.encode(n)
        case .all: try c.encode("all")
        }
    }
}

/// The shared part of a run of consecutive events: each event's candidate pool, its tie-break keys, its
/// exploration coin and auxiliary draws, and the scores of every static model on the pool.
///
/// Every policy of a seed reads the same block, so differences between policies are paired: the same
/// pools, the same ties broken the same way, the same exploration coins.
///
/// Per event `e` (global number) of seed `s`: a generator `SeededGenerator(seed: s, stream: e)` gives, in
/// this order, the tie seed, the exploration coin, the auxiliary bits, then the pool draws. Pool slot 0 is
/// always the logged movie.
final class EventBlock: @unchecked Sendable {   // filled by the simulator (workers write disjoint events), then read-only
    /// Global number of the first event.
    var start = 0
    /// Events in the block.
    var count = 0
    /// Pool of event `e` is `pool[offsets[e]..<offsets[e + 1]]`; slot 0 is the logged movie.
    var offsets: [Int]
    var pool: [Int32]
    /// Tie-break key of each pool slot: a hash of the event's tie seed and the movie (larger wins a tie).
    var keys: [UInt64]
    /// Per event: the exploration coin in [0, 1) (`X+eps` explores when coin < ε).
    var coin: [Double]
    /// Per event: random bits for bandits' own choices (arm picks, Thompson samples, OPE logging coin).
    var aux: [UInt64]
    /// Per event: the rating is a positive (a click is possible).
    var positive: [Bool]
    /// Per event: the dense user and logged movie.
    var users: [Int32]
    var items: [Int32]
    /// Per event: the logged rating.
    var ratingValues: [Float]
    /// Scores of each static model, aligned with `pool`.
    var scores: [[Float]]
    /// The largest pool of the block.
    var maxPool = 0

    init(capacity: Int, poolCapacity: Int, models: Int) {
        offsets = [Int](repeating: 0, count: capacity + 1)
        pool = []; pool.reserveCapacity(poolCapacity)
        keys = []; keys.reserveCapacity(poolCapacity)
        coin = [Double](repeating: 0, count: capacity)
        aux = [UInt64](repeating: 0, count: capacity)
        positive = [Bool](repeating: false, count: capacity)
        users = [Int32](repeating: 0, count: capacity)
        items = [Int32](repeating: 0, count: capacity)
        ratingValues = [Float](repeating: 0, count: capacity)
        scores = [[Float]](repeating: [], count: models)
    }

    /// Pool range of local event `e`.
    @inline(__always) func range(_ e: Int) -> Range<Int> { offsets[e]..<offsets[e + 1] }
    /// The logged rating of local event `e`.
    @inline(__always) func rating(_ e: Int) -> Float { ratingValues[e] }

    /// Fills the block with events `start..<start + count` of `stream` under `seed`.
    func fill(stream: ReplayStream, seed: UInt64, start: Int, count: Int, pool size: PoolSize, threads: Int,
              scratch: PoolScratch) {
        self.start = start
        self.count = count
        let itemCount = stream.data.itemCount
        var total = 0
        maxPool = 0
        for e in 0..<count {
            let g = start + e
            let unseen = itemCount - Int(stream.seenBefore[g])
            let length: Int
            switch size {
            case let .sampled(n): length = max(1, min(n, unseen))
            case .all: length = max(1, unseen)
            }
            offsets[e] = total
            total += length
            maxPool = max(maxPool, length)
            users[e] = stream.users[g]
            items[e] = stream.items[g]
            ratingValues[e] = stream.ratings[g]
            positive[e] = stream.ratings[g] >= stream.threshold
        }
        offsets[count] = total
        if pool.count != total {
            pool = [Int32](repeating: 0, count: total)
            keys = [UInt64](repeating: 0, count: total)
        }
        let grain = max(1, 4096 / max(1, total / max(1, count)))
        pool.withUnsafeMutableBufferPointer { poolBuffer in
        keys.withUnsafeMutableBufferPointer { keyBuffer in
        coin.withUnsafeMutableBufferPointer { coinBuffer in
        aux.withUnsafeMutableBufferPointer { auxBuffer in
            let out = UnsafeSendable((poolBuffer.baseAddress!, keyBuffer.baseAddress!, coinBuffer.baseAddress!, auxBuffer.baseAddress!))
            let offsets = self.offsets
            parallelFor(count, threads: threads, grain: grain) { range, worker in
                let (poolOut, keyOut, coinOut, auxOut) = out.value
                let marks = scratch.marks(worker)
                for e in range {
                    let g = start + e
                    var generator = SeededGenerator(seed: seed, stream: UInt64(g))
                    let tieSeed = generator.next()
                    coinOut[e] = generator.nextDouble()
                    auxOut[e] = generator.next()
                    let slots = poolOut + offsets[e]
                    let length = offsets[e + 1] - offsets[e]
                    PoolSampler.draw(stream: stream, event: g, into: slots, count: length, generator: &generator, marks: marks)
                    let k = keyOut + offsets[e]
                    for j in 0..<length { k[j] = mix64(tieSeed ^ (UInt64(UInt32(bitPattern: slots[j])) &* 0xD6E8_FEB8_6659_FD93)) }
                }
            }
        }}}}
    }
}

/// Per-worker scratch of pool drawing: a stamp per movie, so "already in this pool" is one load.
final class PoolScratch: @unchecked Sendable {   // worker w only touches marks(w)
    private var buffers: [Marks]
    init(workers: Int, items: Int) { buffers = (0..<max(1, workers)).map { _ in Marks(items: items) } }
    func marks(_ worker: Int) -> Marks { buffers[worker] }

    final class Marks {
        var stamp: [UInt32]
        var current: UInt32 = 0
        init(items: Int) { stamp = [UInt32](repeating: 0, count: items) }
        /// Starts a new pool: every movie unmarked.
        @inline(__always) func next() {
            if current == UInt32.max {
                for i in stamp.indices { stamp[i] = 0 }
                current = 0
            }
            current += 1
        }
    }
}

/// Draws an event's candidate pool.
enum PoolSampler {
    /// Writes the logged movie then `count − 1` distinct movies the user had not rated before `event`,
    /// uniformly without replacement, into `slots`. When `count − 1` is every unseen movie, they are all
    /// written (in movie order).
    ///
    /// Rejection sampling when unseen movies are at least half the catalogue and fewer than half of them
    /// are wanted (expected draws < 2 per slot); otherwise the unseen movies are listed and a partial
    /// Fisher–Yates shuffle picks them.
    static func draw(stream: ReplayStream, event: Int, into slots: UnsafeMutablePointer<Int32>, count: Int,
                     generator: inout SeededGenerator, marks: PoolScratch.Marks) {
        let user = Int(stream.users[event])
        let logged = stream.items[event]
        slots[0] = logged
        guard count > 1 else { return }
        let itemCount = stream.data.itemCount
        let unseenOthers = itemCount - Int(stream.seenBefore[event]) - 1
        let wanted = count - 1
        marks.next()
        let stamp = marks.current
        if unseenOthers >= itemCount / 2 && wanted * 2 <= unseenOthers {
            marks.stamp.withUnsafeMutableBufferPointer { mark in
                mark[Int(logged)] = stamp
                var filled = 1
                while filled < count {
                    let candidate = Int32(generator.nextInt(below: itemCount))
                    if mark[Int(candidate)] == stamp { continue }
                    mark[Int(candidate)] = stamp
                    if stream.hasSeen(user: user, item: candidate, before: event) { continue }
                    slots[filled] = candidate
                    filled += 1
                }
            }
            return
        }
        // List the unseen movies (other than the logged one) by walking the catalogue beside the user's row.
        let m = stream.data.byUser
        let rowStart = m.rowStart[user], rowEnd = m.rowStart[user + 1]
        var listed = 0
        var p = rowStart
        let take = wanted == unseenOthers
        // When all are taken they go straight into the slots; otherwise into the mark buffer's spare use:
        // a temporary list (allocation only on this rare path).
        var list: [Int32] = take ? [] : []
        if !take { list.reserveCapacity(unseenOthers) }
        for item in 0..<Int32(itemCount) where item != logged {
            while p < rowEnd && m.columnIndex[p] < item { p += 1 }
            if p < rowEnd && m.columnIndex[p] == item && Int(stream.order[p]) < event { continue }
            if take { slots[1 + listed] = item } else { list.append(item) }
            listed += 1
        }
        if take { return }
        for j in 0..<wanted {
            let pick = j + generator.nextInt(below: list.count - j)
            list.swapAt(j, pick)
            slots[1 + j] = list[j]
        }
    }
}
