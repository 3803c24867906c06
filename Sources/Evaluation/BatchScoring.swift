import LinearAlgebra
import Models
import Support

/// Scores users in batches across worker threads, each worker reusing one score buffer: the loop shared
/// by full ranking and sampled ranking.
enum BatchScoring {
    /// Calls `body(lo, hi, scores)` once per batch `users[lo..<hi]` (at most `batchSize` users), with the
    /// batch's scores row-major: row `r` holds user `users[lo + r]`'s score of every item. Batches run on up
    /// to `threads` workers; `body` must only write what belongs to its batch. `progress` (its total set to
    /// the number of users) advances by the users of each batch and is finished at the end.
    static func forEachBatch<M: Recommender>(
        _ model: M, users: [Int], batchSize: Int, threads: Int, progress: ProgressReporter? = nil,
        _ body: @Sendable (_ lo: Int, _ hi: Int, _ scores: UnsafeMutablePointer<Float>) -> Void
    ) {
        guard !users.isEmpty else { return }
        progress?.total = users.count
        defer { progress?.finish() }
        let itemCount = model.itemCount
        let batches = (users.count + batchSize - 1) / batchSize
        let workers = max(1, min(threads, batches))
        let buffers = UnsafeSendable((0..<workers).map { _ in
            UnsafeMutablePointer<Float>.allocate(capacity: batchSize * itemCount)
        })
        defer { for b in buffers.value { b.deallocate() } }
        parallelFor(batches, threads: workers) { range, worker in
            let scores = buffers.value[worker]
            for batch in range {
                let lo = batch * batchSize, hi = min(users.count, lo + batchSize)
                model.scores(forUsers: Array(users[lo..<hi]), into: scores)
                body(lo, hi, scores)
                progress?.advance(by: hi - lo)
            }
        }
    }
}
