import Models

/// The user and item vectors the candidate stage searches with, and the models behind them.
///
/// For ALS the vectors are its factors, so the inner product is the model's score. For GMF they are
/// user p_u ⊙ h_gmf (the output weights folded in) against item q_i, so the inner product is the logit
/// less its bias. For NeuMF they are the same plus one coordinate carrying the tower's mean item effect
/// (`NeuralCF.retrievalVectors`), and NeuMF re-ranks the candidates with the whole network.
public struct RetrievalModel: Sendable {
    /// `als`, `gmf` or `neumf`.
    public let name: String
    /// Vector length.
    public let factors: Int
    /// The number of users (rows of ``userVectors``).
    public let userCount: Int
    /// The number of items (rows of ``itemVectors``).
    public let itemCount: Int
    /// Row-major `userCount` × `factors`.
    public let userVectors: [Float]
    /// Row-major `itemCount` × `factors`.
    public let itemVectors: [Float]
    /// The ALS model, when the vectors are its factors (fold-in and explanations).
    public let als: ALS?
    /// The NCF model, when the vectors are its retrieval vectors (the `neumf` re-ranker).
    public let neuralCF: NeuralCF?

    /// The ALS factors, searched as they are (the inner product is the ALS score).
    public init(als: ALS) {
        name = als.name
        factors = als.factors
        userCount = als.userCount
        itemCount = als.itemCount
        userVectors = als.userFactors
        itemVectors = als.itemFactors
        self.als = als
        neuralCF = nil
    }

    /// The retrieval vectors of a GMF or NeuMF model (GMF branch, plus the tower's item effect for NeuMF).
    /// - Throws: `RetrievalError.badOption` for an MLP model (it has no vectors to search by).
    public init(neuralCF model: NeuralCF) throws {
        guard model.architecture.kind != .mlp else {
            throw RetrievalError.badOption("an MLP model has no embedding inner product to retrieve by; use gmf or neumf")
        }
        name = model.name
        let vectors = model.retrievalVectors()
        factors = vectors.width
        userCount = model.userCount
        itemCount = model.itemCount
        userVectors = vectors.users
        itemVectors = vectors.items
        als = nil
        neuralCF = model
    }

    /// The vector of dense user `user`.
    public func userVector(_ user: Int) -> [Float] {
        Array(userVectors[(user * factors)..<((user + 1) * factors)])
    }
}
