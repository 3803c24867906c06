import Support

/// Ratings read as implicit feedback: dense id maps both ways, the user × item matrix (CSR) and its
/// item × user transpose (CSC), each keeping the rating value and timestamp.
///
/// A rating ≥ `threshold` is a positive. Every rated item counts as *seen*: models never recommend it
/// back.
public struct Interactions: Sendable, Equatable {
    public let users: IdMap
    public let items: IdMap
    /// users × items, every rating.
    public let byUser: CSRMatrix
    /// items × users, every rating (the transpose of `byUser`).
    public let byItem: CSRMatrix
    /// Ratings at or above this value are positives.
    public let threshold: Float

    public var userCount: Int { users.count }
    public var itemCount: Int { items.count }
    public var ratingCount: Int { byUser.nonZeroCount }

    public init(users: IdMap, items: IdMap, byUser: CSRMatrix, byItem: CSRMatrix? = nil, threshold: Float) {
        precondition(byUser.rows == users.count && byUser.columns == items.count)
        self.users = users
        self.items = items
        self.byUser = byUser
        self.byItem = byItem ?? byUser.transposed()
        self.threshold = threshold
    }

    /// The positives only (rating ≥ threshold), users × items; values keep the rating.
    public func positives() -> CSRMatrix {
        let t = threshold
        return byUser.filtered { $0 >= t }
    }

    /// Number of positives.
    public var positiveCount: Int {
        let t = threshold
        return byUser.values.withUnsafeBufferPointer { values in
            let parts = values.count < 1 << 20 ? 1 : Threads.count
            var counts = [Int](repeating: 0, count: parts)
            counts.withUnsafeMutableBufferPointer { cb in
                let shared = UnsafeSendable((values, cb))
                parallelSplit(values.count, parts: parts) { range, w in
                    let (values, cb) = shared.value
                    var n = 0
                    for i in range { n &+= values[i] >= t ? 1 : 0 }
                    cb[w] = n
                }
            }
            return counts.reduce(0, +)
        }
    }

    /// The same users and items with a different set of ratings (e.g. a train or test part).
    public func replacingRatings(_ byUser: CSRMatrix) -> Interactions {
        Interactions(users: users, items: items, byUser: byUser, threshold: threshold)
    }
}
