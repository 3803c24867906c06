import Dataset
import Support

/// The popularity baseline: every user gets the items with the most positives in training.
///
/// Also the cold-start filler of the retrieval pipeline. Scores are the positive counts.
public struct Popularity: Recommender {
    public let name = "popularity"
    public let userCount: Int
    /// Positives per item in training.
    public let counts: [Float]
    public var itemCount: Int { counts.count }
    /// Where the counts came from, when the caller recorded it.
    public var provenance: Provenance? = nil

    /// Counts positives (rating ≥ the interactions' threshold) per item.
    /// - Complexity: O(ratings).
    public init(training: Interactions) {
        userCount = training.userCount
        var c = [Float](repeating: 0, count: training.itemCount)
        let t = training.threshold
        let m = training.byItem
        for item in 0..<m.rows {
            var n: Float = 0
            for p in m.range(ofRow: item) where m.values[p] >= t { n += 1 }
            c[item] = n
        }
        counts = c
    }

    /// Wraps counts (e.g. read from a file).
    public init(counts: [Float], userCount: Int) {
        self.counts = counts
        self.userCount = userCount
    }

    public func scores(forUser user: Int, into scores: UnsafeMutableBufferPointer<Float>) {
        _ = scores.update(fromContentsOf: counts)
    }

    /// Items by descending popularity (ties: lower index first).
    public func ranking() -> [Int] {
        (0..<counts.count).sorted { counts[$0] > counts[$1] || (counts[$0] == counts[$1] && $0 < $1) }
    }
}
