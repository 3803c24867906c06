import LinearAlgebra

/// How much each liked item contributed to one item's score for a folded-in user.
public struct ALSExplanation: Sendable, Equatable {
    /// The explained item's score x·y_item, where x is the folded-in user vector.
    public let score: Float
    /// (liked item, contribution) pairs, largest contribution first. They sum to `score`.
    public let contributions: [(item: Int, contribution: Float)]

    public static func == (lhs: ALSExplanation, rhs: ALSExplanation) -> Bool {
        lhs.score == rhs.score && lhs.contributions.map(\.item) == rhs.contributions.map(\.item)
            && lhs.contributions.map(\.contribution) == rhs.contributions.map(\.contribution)
    }
}

extension ALS {
    /// A user vector for someone who was not in training (or whose likes changed), solved exactly against
    /// the fixed item vectors — `implicit`'s `recalculate_user`.
    ///
    /// Solves (YᵀY + λI + Σ_j (c_j − 1) y_j y_jᵀ) x = Σ_j c_j y_j by Cholesky, with c_j = 1 + α·r_j.
    /// - Parameters:
    ///   - items: dense indices of liked items (repeats count once, the last rating wins).
    ///   - ratings: each item's rating, used when the model's confidence mode is `rating` (default 1).
    /// - Returns: the `factors`-long vector; all zeros when `items` is empty.
    /// - Throws: `ALSError.itemOutOfRange`, `.mismatchedRatings`, `.singularSystem`.
    /// - Complexity: O(|items|·f² + f³).
    public func foldIn(items: [Int], ratings: [Float]? = nil) throws -> [Float] {
        try solveFoldIn(items: items, ratings: ratings, explaining: nil).vector
    }

    /// Explains `item`'s score for a user who likes `likedItems`: which liked item contributed how much —
    /// `implicit`'s `explain`.
    ///
    /// With A = YᵀY + λI + Σ_j (c_j − 1) y_j y_jᵀ (the fold-in system) the folded-in vector is
    /// x = A⁻¹ Σ_j c_j y_j, so the score is y_itemᵀ x = Σ_j c_j · y_jᵀ A⁻¹ y_item: liked item j contributes
    /// c_j · y_j·w with w = A⁻¹ y_item (one more right-hand side of the same Cholesky solve). The
    /// contributions add up to the score exactly (up to rounding).
    /// - Throws: as `foldIn`.
    public func explain(item: Int, likedItems: [Int], ratings: [Float]? = nil) throws -> ALSExplanation {
        guard item >= 0 && item < itemCount else { throw ALSError.itemOutOfRange(item: item, itemCount: itemCount) }
        let solved = try solveFoldIn(items: likedItems, ratings: ratings, explaining: item)
        let f = factors
        var contributions: [(item: Int, contribution: Float)] = []
        var score: Float = 0
        itemFactors.withUnsafeBufferPointer { y in
            solved.weights.withUnsafeBufferPointer { w in
                for (j, c) in zip(solved.items, solved.confidence) {
                    let value = c * Kernels.dot(y.baseAddress! + j * f, w.baseAddress!, count: f)
                    contributions.append((item: j, contribution: value))
                }
                score = Kernels.dot(y.baseAddress! + item * f, solved.vector, count: f)
            }
        }
        contributions.sort { $0.contribution > $1.contribution || ($0.contribution == $1.contribution && $0.item < $1.item) }
        return ALSExplanation(score: score, contributions: contributions)
    }

    /// The fold-in solve, optionally with A⁻¹ y_item as a second right-hand side.
    private func solveFoldIn(items: [Int], ratings: [Float]?, explaining: Int?) throws
        -> (vector: [Float], weights: [Float], items: [Int], confidence: [Float])
    {
        if let ratings, ratings.count != items.count { throw ALSError.mismatchedRatings(items: items.count, ratings: ratings.count) }
        var last: [Int: Float] = [:]
        var order: [Int] = []
        for (k, item) in items.enumerated() {
            guard item >= 0 && item < itemCount else { throw ALSError.itemOutOfRange(item: item, itemCount: itemCount) }
            if last[item] == nil { order.append(item) }
            last[item] = ratings?[k] ?? 1
        }
        let f = factors
        guard !order.isEmpty else { return ([Float](repeating: 0, count: f), [Float](repeating: 0, count: f), [], []) }
        let confidence = order.map { configuration.confidence(ofRating: last[$0]!) }
        let rhs = explaining == nil ? 1 : 2
        var a = itemGram
        for j in 0..<f { a[j * f + j] += configuration.regularization }
        var b = [Float](repeating: 0, count: f * rhs)       // row-major f × rhs
        itemFactors.withUnsafeBufferPointer { yb in
            let y = yb.baseAddress!
            a.withUnsafeMutableBufferPointer { ab in
                for (item, c) in zip(order, confidence) {
                    let v = y + item * f
                    for r in 0..<f {
                        let scale = (c - 1) * v[r]
                        Kernels.axpy(scale, v, ab.baseAddress! + r * f, count: f)
                        b[r * rhs] += c * v[r]
                    }
                }
            }
            if let explaining { for r in 0..<f { b[r * rhs + 1] = y[explaining * f + r] } }
        }
        let ok = a.withUnsafeMutableBufferPointer { ab in
            b.withUnsafeMutableBufferPointer { bb in BLAS.sposv(n: f, nrhs: rhs, a: ab.baseAddress!, b: bb.baseAddress!) }
        }
        guard ok else { throw ALSError.singularSystem(reason: "fold-in of \(order.count) items") }
        var vector = [Float](repeating: 0, count: f), weights = [Float](repeating: 0, count: f)
        for r in 0..<f {
            vector[r] = b[r * rhs]
            if rhs == 2 { weights[r] = b[r * rhs + 1] }
        }
        return (vector, weights, order, confidence)
    }
}

extension ALS {
    /// The dense index of the item with the dataset's own id `id` (`itemIds` ascend, as `IdMap` orders
    /// them), or nil when the model has no such item.
    /// - Complexity: O(log items).
    public func itemIndex(ofExternalId id: Int32) -> Int? {
        var low = 0, high = itemIds.count
        while low < high {
            let mid = (low + high) / 2
            if itemIds[mid] < id { low = mid + 1 } else { high = mid }
        }
        return low < itemIds.count && itemIds[low] == id ? low : nil
    }

    /// `foldIn(items:ratings:)` for movies named by the dataset's own ids; unknown ids are skipped.
    /// - Returns: the vector and the ids that were not in the model.
    public func foldIn(movieIds: [Int32], ratings: [Float]? = nil) throws -> (vector: [Float], unknown: [Int32]) {
        if let ratings, ratings.count != movieIds.count { throw ALSError.mismatchedRatings(items: movieIds.count, ratings: ratings.count) }
        var items: [Int] = [], kept: [Float] = [], unknown: [Int32] = []
        for (k, id) in movieIds.enumerated() {
            if let index = itemIndex(ofExternalId: id) { items.append(index); kept.append(ratings?[k] ?? 1) } else { unknown.append(id) }
        }
        return (try foldIn(items: items, ratings: kept), unknown)
    }
}
