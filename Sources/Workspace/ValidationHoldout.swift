import Dataset
import Support

/// Each user's latest positive (by timestamp) held out of training for validation while training; the
/// score is `Evaluation`'s loo-sampled NDCG@10 (the held-out movie among 100 sampled unrated movies).
struct ValidationHoldout {
    let training: Interactions
    let heldOut: Interactions
    let userCount: Int

    /// - Parameter maxUsers: hold out for at most this many users (a seeded sample; 0 = every user).
    init(_ all: Interactions, users maxUsers: Int, seed: UInt64) {
        let m = all.byUser
        var rng = SeededGenerator(seed: seed, stream: 0x56414C)
        var latest = [Int](repeating: -1, count: m.rows)   // entry index held out per user
        for u in 0..<m.rows {
            var best = -1, positives = 0
            for p in m.range(ofRow: u) where m.values[p] >= all.threshold {
                positives += 1
                if best < 0 || m.timestamps[p] >= m.timestamps[best] { best = p }
            }
            if positives >= 2 { latest[u] = best }   // keep at least one positive in training
        }
        var chosen = (0..<m.rows).filter { latest[$0] >= 0 }
        if maxUsers > 0 && chosen.count > maxUsers {
            for j in stride(from: chosen.count - 1, to: 0, by: -1) { chosen.swapAt(j, rng.nextInt(below: j + 1)) }
            chosen = Array(chosen.prefix(maxUsers))
        }
        let held = Set(chosen.map { latest[$0] })
        var train = (rows: [Int32](), cols: [Int32](), values: [Float](), times: [Int64]())
        var test = train
        for u in 0..<m.rows {
            for p in m.range(ofRow: u) {
                if held.contains(p) {
                    test.rows.append(Int32(u)); test.cols.append(m.columnIndex[p]); test.values.append(m.values[p]); test.times.append(m.timestamps[p])
                } else {
                    train.rows.append(Int32(u)); train.cols.append(m.columnIndex[p]); train.values.append(m.values[p]); train.times.append(m.timestamps[p])
                }
            }
        }
        training = all.replacingRatings(CSRMatrix(rows: m.rows, columns: m.columns, rowIndex: train.rows,
                                                  columnIndex: train.cols, values: train.values, timestamps: train.times))
        heldOut = all.replacingRatings(CSRMatrix(rows: m.rows, columns: m.columns, rowIndex: test.rows,
                                                 columnIndex: test.cols, values: test.values, timestamps: test.times))
        userCount = chosen.count
    }
}
