import Foundation
import Support

extension SyntheticMovieLens.Plan {
    /// What was written to `ratings.csv`.
    struct RatingStats {
        var ratings = 0
        var atLeast4 = 0
        var bytes = 0
        var movieCounts: [Int32] = []
    }

    /// Generates every user's ratings in fixed chunks of users on `threads` workers and writes them, in
    /// chunk order, to a temporary file that is renamed to `url` when complete.
    func writeRatings(to url: URL, threads: Int, progress: ProgressReporter?) throws -> RatingStats {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(TemporaryFiles.name(for: url.lastPathComponent))
        TemporaryFiles.register(temporary)
        defer { TemporaryFiles.unregister(temporary) }
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else {
            throw SynthError.writeFailed(path: temporary.path, reason: String(cString: strerror(errno)))
        }
        let sink = OrderedSink(fd: fd, path: url.path)
        let header = Array("userId,movieId,rating,timestamp\n".utf8)
        header.withUnsafeBufferPointer { sink.write(chunk: -1, $0.baseAddress!, count: $0.count) }

        let chunkSize = SyntheticMovieLens.usersPerChunk
        let chunkCount = (shape.users + chunkSize - 1) / chunkSize
        let workers = max(1, min(threads, chunkCount))
        var scratch = (0..<workers).map { _ in ChunkWorker(plan: self) }
        defer { for w in scratch { w.release() } }
        scratch.withUnsafeMutableBufferPointer { buffer in
            let perWorker = UnsafeSendable(buffer.baseAddress!)
            parallelFor(chunkCount, threads: workers) { range, w in
                for chunk in range where !sink.failed {
                    let users = (chunk * chunkSize)..<min(shape.users, (chunk + 1) * chunkSize)
                    let (bytes, ratings) = perWorker.value[w].generate(users: users, chunk: chunk)
                    sink.write(chunk: chunk, perWorker.value[w].buffer, count: bytes)
                    progress?.advance(by: ratings)
                }
            }
        }
        var stats = RatingStats(bytes: header.count, movieCounts: [Int32](repeating: 0, count: shape.movies))
        for worker in scratch {
            stats.ratings += worker.ratings
            stats.atLeast4 += worker.atLeast4
            stats.bytes += worker.bytes
            for m in 0..<stats.movieCounts.count { stats.movieCounts[m] += worker.movieCounts[m] }
        }
        var failure = sink.error
        if close(fd) != 0 && failure == nil { failure = String(cString: strerror(errno)) }
        if failure == nil && rename(temporary.path, url.path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary.path)
            throw SynthError.writeFailed(path: url.path, reason: failure)
        }
        return stats
    }
}

/// One worker's scratch: a stamp per movie (no repeats within a user), the current user's picks, the
/// chunk's output bytes, and its share of the statistics.
private struct ChunkWorker {
    let plan: SyntheticMovieLens.Plan
    /// `stamp[m] == user + 1` when the current user has already rated movie m.
    var stamp: [UInt32]
    var pickMovie: [Int32]
    var pickRating: [UInt8]
    var pickTime: [Int64]
    var keys: [UInt64]
    var buffer: UnsafeMutablePointer<UInt8>
    var capacity: Int
    var movieCounts: [Int32]
    var ratings = 0
    var atLeast4 = 0
    var bytes = 0

    /// Longest line: 10-digit user, 10-digit movie, "x.y", 19-digit timestamp, 3 commas, newline.
    static let maxLineBytes = 48

    init(plan: SyntheticMovieLens.Plan) {
        self.plan = plan
        stamp = [UInt32](repeating: 0, count: plan.shape.movies)
        pickMovie = [Int32](repeating: 0, count: plan.cap)
        pickRating = [UInt8](repeating: 0, count: plan.cap)
        pickTime = [Int64](repeating: 0, count: plan.cap)
        keys = [UInt64](repeating: 0, count: plan.cap)
        capacity = 1 << 20
        buffer = .allocate(capacity: capacity)
        movieCounts = [Int32](repeating: 0, count: plan.shape.movies)
    }

    func release() { buffer.deallocate() }

    /// Generates and formats the ratings of `users` into `buffer`.
    /// - Returns: bytes written and ratings generated.
    mutating func generate(users: Range<Int>, chunk: Int) -> (bytes: Int, ratings: Int) {
        var total = 0
        for u in users { total += Int(plan.userCount[u]) }
        let needed = total * Self.maxLineBytes
        if needed > capacity {
            buffer.deallocate()
            capacity = needed
            buffer = .allocate(capacity: capacity)
        }
        var g = SeededGenerator(seed: plan.seed, stream: 1_000 + UInt64(chunk))
        var position = 0
        for u in users {
            let n = Int(plan.userCount[u])
            drawUser(u, count: n, &g)
            position = formatUser(u, count: n, at: position)
        }
        ratings += total
        bytes += position
        return (position, total)
    }

    /// Chooses user `u`'s `n` movies, ratings and timestamps into the pick arrays (in rating order).
    private mutating func drawUser(_ u: Int, count n: Int, _ g: inout SeededGenerator) {
        let plan = self.plan
        let movies = plan.shape.movies
        let users = plan.shape.users
        let mark = UInt32(u + 1)
        let cluster = Int(plan.userCluster[u])
        let groupLo = plan.groupStart[cluster], groupSize = plan.groupStart[cluster + 1] - groupLo

        // Taste: how much the user sticks to their cluster, how much they like it, how generous they are.
        let inClusterShare = 0.35 + 0.45 * g.nextFloat()
        let strength = 0.6 + 0.8 * g.nextFloat()
        let bias = 0.35 * g.nextGaussian()
        let halfStars = g.nextFloat() < 0.65

        var picked = 0
        // The movies this user is the guaranteed first rater of (so every movie has a rating).
        var j = (u * movies + users - 1) / users
        while j < movies && j * users / movies == u && picked < n {
            if stamp[j] != mark {
                stamp[j] = mark
                pickMovie[picked] = Int32(j)
                picked += 1
            }
            j += 1
        }
        // Misses are consecutive draws of an already-rated movie: after 16 in a row the user's group is
        // exhausted for them; after 64 in a row globally, take the next unrated movie after a random one.
        var groupMisses = 0, globalMisses = 0
        while picked < n {
            var m: Int
            if groupSize > 0 && groupMisses < 16 && g.nextFloat() < inClusterShare {
                let i = g.nextInt(below: groupSize)
                let local = g.nextFloat() < plan.groupProb[groupLo + i] ? i : Int(plan.groupAlias[groupLo + i])
                m = Int(plan.groupMembers[groupLo + local])
                if stamp[m] == mark { groupMisses += 1; continue }
                groupMisses = 0
            } else if globalMisses < 64 {
                let i = g.nextInt(below: movies)
                m = g.nextFloat() < plan.global.prob[i] ? i : Int(plan.global.alias[i])
                if stamp[m] == mark { globalMisses += 1; continue }
            } else {
                m = g.nextInt(below: movies)
                while stamp[m] == mark { m = m + 1 == movies ? 0 : m + 1 }
            }
            globalMisses = 0
            stamp[m] = mark
            pickMovie[picked] = Int32(m)
            picked += 1
        }

        // Ratings: base + user bias + movie quality + taste match + noise, rounded to (half) stars.
        for k in 0..<n {
            let m = Int(pickMovie[k])
            let match: Float = Int(plan.movieGroup[m]) == cluster ? 0.7 * strength : -0.5 * strength
            let x = 3.7 + bias + plan.movieQuality[m] + match + 0.8 * g.nextGaussian()
            var halves = halfStars ? Int((x * 2).rounded()) : 2 * Int(x.rounded())
            halves = min(10, max(halfStars ? 1 : 2, halves))
            pickRating[k] = UInt8(halves)
        }

        // Timestamps: sessions of ratings seconds apart, separated by gaps of days; squeezed into the
        // dataset's time range when the user would run past its end.
        let first = SyntheticMovieLens.firstTimestamp, last = SyntheticMovieLens.lastTimestamp
        let start = first + Int64(g.nextInt(below: Int(last - first)))
        var t = start
        for k in 0..<n {
            if k > 0 {
                if g.nextFloat() < 0.04 {
                    t += Int64(-log(Double(1 - g.nextFloat())) * 86_400 * 20)
                } else {
                    t += Int64(4 + g.nextInt(below: 90))
                }
            }
            pickTime[k] = t
        }
        if t > last {
            let span = t - start, room = last - start
            for k in 0..<n { pickTime[k] = start + (pickTime[k] - start) * room / span }
        }

        // Sort by movie (the file's order), keeping each pick's rating and time.
        for k in 0..<n { keys[k] = UInt64(UInt32(pickMovie[k])) << 32 | UInt64(k) }
        keys.withUnsafeMutableBufferPointer { all in
            var picks = UnsafeMutableBufferPointer(rebasing: all[0..<n])
            picks.sort()
        }
    }

    /// Formats the sorted picks of user `u` as CSV lines at `buffer + position`.
    private mutating func formatUser(_ u: Int, count n: Int, at position: Int) -> Int {
        let p = buffer
        var at = position
        let userId = u + 1
        for k in 0..<n {
            let key = keys[k]
            let m = Int(key >> 32), pick = Int(key & 0xFFFF_FFFF)
            let halves = Int(pickRating[pick])
            movieCounts[m] += 1
            if halves >= 8 { atLeast4 += 1 }
            at = writeDecimal(userId, p, at)
            p[at] = UInt8(ascii: ","); at += 1
            at = writeDecimal(Int(plan.movieIds[m]), p, at)
            p[at] = UInt8(ascii: ","); at += 1
            p[at] = UInt8(48 + halves / 2)
            p[at + 1] = UInt8(ascii: ".")
            p[at + 2] = halves & 1 == 1 ? UInt8(ascii: "5") : UInt8(ascii: "0")
            p[at + 3] = UInt8(ascii: ",")
            at += 4
            at = writeDecimal(Int(pickTime[pick]), p, at)
            p[at] = UInt8(ascii: "\n"); at += 1
        }
        return at
    }
}

/// Writes the decimal digits of non-negative `value` at `p + at`; returns the position after them.
@inline(__always)
private func writeDecimal(_ value: Int, _ p: UnsafeMutablePointer<UInt8>, _ at: Int) -> Int {
    var digits = 1
    var v = value
    while v >= 10 { v /= 10; digits += 1 }
    v = value
    var i = at + digits - 1
    while i >= at {
        p[i] = UInt8(48 + v % 10)
        v /= 10
        i -= 1
    }
    return at + digits
}

/// Writes chunks to a file descriptor strictly in chunk order (-1 first), whichever worker finishes
/// first; a worker waits for its turn while the other keeps generating.
private final class OrderedSink: @unchecked Sendable {
    private let fd: Int32
    private let path: String
    private let condition = NSCondition()
    private var next = -1
    private(set) var error: String?

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    var failed: Bool {
        condition.lock(); defer { condition.unlock() }
        return error != nil
    }

    func write(chunk: Int, _ bytes: UnsafePointer<UInt8>, count: Int) {
        condition.lock()
        while next != chunk && error == nil { condition.wait() }
        guard error == nil else { condition.unlock(); return }
        condition.unlock()

        var offset = 0
        var failure: String?
        while offset < count {
            let n = Foundation.write(fd, bytes + offset, count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                failure = String(cString: strerror(errno))
                break
            }
            offset += n
        }

        condition.lock()
        if let failure { error = failure }
        next += 1
        condition.broadcast()
        condition.unlock()
    }
}
