import Support

/// Ratings read as implicit feedback: dense id maps both ways, the user × item matrix (CSR) and its
/// item × user transpose (CSC), each keeping the rating value and timestamp.
///
/// A rating ≥ `threshold` is a positive. Every rated item counts as *seen*: models never recommend it
/// back.
public struct Interactions: Sendable, Equatable {
    /// The dataset's user ids ↔ dense user indices (the rows of ``byUser``).
    public let users: IdMap
    /// The dataset's movie ids ↔ dense item indices (the columns of ``byUser``).
    public let items: IdMap
    /// users × items, every rating.
    public let byUser: CSRMatrix
    /// items × users, every rating (the transpose of `byUser`).
    public let byItem: CSRMatrix
    /// Ratings at or above this value are positives.
    public let threshold: Float

    /// The number of users.
    public var userCount: Int { users.count }
    /// The number of items.
    public var itemCount: Int { items.count }
    /// The number of ratings, positive or not.
    public var ratingCount: Int { byUser.nonZeroCount }

    /// Interactions over a user × item matrix.
    /// - Parameters:
    ///   - users: the user id map (the rows of `byUser`).
    ///   - items: the item id map (the columns of `byUser`).
    ///   - byUser: users × items, every rating.
    ///   - byItem: the transpose of `byUser`, when the caller has it already (computed otherwise, O(nnz)).
    ///   - threshold: the rating at or above which an entry is a positive.
    /// - Precondition: `byUser` is `users.count` × `items.count`.
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

    /// Number of positives (counted on every core for large matrices).
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
