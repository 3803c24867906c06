import Dataset
import LinearAlgebra
import Support

/// Implicit-feedback matrix factorisation by alternating least squares
/// (Hu, Koren & Volinsky, "Collaborative Filtering for Implicit Feedback Datasets", ICDM 2008).
///
/// Every (user u, item i) pair has a preference p = 1 when it is a positive, else 0, and a confidence
/// c = 1 + α·r for a positive (r = 1, or the rating; see `ALSConfiguration.Confidence`), else 1. Training
/// minimises
///
///     Σ_u Σ_i c_ui (p_ui − x_u·y_i)² + λ (‖X‖² + ‖Y‖²)
///
/// over the user vectors X and item vectors Y by solving each user's row exactly or approximately with Y
/// fixed, then each item's row with X fixed. A user's score for an item is x_u·y_i.
///
/// Users and items are the dense indices of the training `Interactions`; `userIds` / `itemIds` keep the
/// dataset's own ids. Items (or users) with no positives in training get all-zero vectors, so they score 0
/// for everyone.
public struct ALS: Recommender {
    public let name = "als"
    /// Length of each vector.
    public let factors: Int
    public let userCount: Int
    public let itemCount: Int
    /// Row-major `userCount × factors`.
    public let userFactors: [Float]
    /// Row-major `itemCount × factors`.
    public let itemFactors: [Float]
    /// The dataset's own id of each dense user index.
    public let userIds: [Int32]
    /// The dataset's own id of each dense item index.
    public let itemIds: [Int32]
    /// The settings the model was trained with.
    public let configuration: ALSConfiguration
    /// Training loss after each iteration (empty when it was not computed); see `trainingLoss`.
    public let lossHistory: [Double]
    /// Where the model came from (data, settings, Marquee version), when the caller recorded it.
    public var provenance: Provenance? = nil
    /// YᵀY (`factors × factors`), kept for fold-in and explanations.
    let itemGram: [Float]

    /// Wraps trained factors.
    /// - Precondition: the arrays have the sizes their names promise.
    public init(
        factors: Int, userFactors: [Float], itemFactors: [Float], userIds: [Int32], itemIds: [Int32],
        configuration: ALSConfiguration, lossHistory: [Double] = []
    ) {
        precondition(factors > 0 && userFactors.count == userIds.count * factors && itemFactors.count == itemIds.count * factors)
        self.factors = factors
        self.userCount = userIds.count
        self.itemCount = itemIds.count
        self.userFactors = userFactors
        self.itemFactors = itemFactors
        self.userIds = userIds
        self.itemIds = itemIds
        self.configuration = configuration
        self.lossHistory = lossHistory
        var gram = [Float](repeating: 0, count: factors * factors)
        if itemIds.count > 0 {
            itemFactors.withUnsafeBufferPointer { y in
                gram.withUnsafeMutableBufferPointer { g in
                    BLAS.gram(n: factors, k: itemIds.count, a: y.baseAddress!, lda: factors, c: g.baseAddress!)
                }
            }
        }
        itemGram = gram
    }

    /// The vector of dense user `user`.
    public func userVector(_ user: Int) -> ArraySlice<Float> { userFactors[(user * factors)..<((user + 1) * factors)] }

    /// The vector of dense item `item`.
    public func itemVector(_ item: Int) -> ArraySlice<Float> { itemFactors[(item * factors)..<((item + 1) * factors)] }

    /// Scores every item for `user`: Y·x_u (one BLAS matrix-vector product).
    public func scores(forUser user: Int, into scores: UnsafeMutableBufferPointer<Float>) {
        precondition(user >= 0 && user < userCount && scores.count >= itemCount)
        guard itemCount > 0 else { return }
        userFactors.withUnsafeBufferPointer { x in
            itemFactors.withUnsafeBufferPointer { y in
                BLAS.sgemv(m: itemCount, n: factors, a: y.baseAddress!, lda: factors,
                           x: x.baseAddress! + user * factors, y: scores.baseAddress!)
            }
        }
    }

    /// Scores every item for a batch of users with one BLAS product, X_batch · Yᵀ.
    public func scores(forUsers users: [Int], into scores: UnsafeMutablePointer<Float>) {
        guard !users.isEmpty, itemCount > 0 else { return }
        let f = factors
        var batch = [Float](repeating: 0, count: users.count * f)
        userFactors.withUnsafeBufferPointer { x in
            batch.withUnsafeMutableBufferPointer { b in
                for (row, user) in users.enumerated() {
                    precondition(user >= 0 && user < userCount)
                    (b.baseAddress! + row * f).update(from: x.baseAddress! + user * f, count: f)
                }
            }
        }
        batch.withUnsafeBufferPointer { b in
            itemFactors.withUnsafeBufferPointer { y in
                BLAS.sgemm(transB: true, m: users.count, n: itemCount, k: f, a: b.baseAddress!, lda: f,
                           b: y.baseAddress!, ldb: f, c: scores, ldc: itemCount)
            }
        }
    }
}
