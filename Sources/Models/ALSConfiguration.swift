/// Hyperparameters of implicit-feedback ALS (Hu, Koren & Volinsky 2008).
///
/// - `factors`: length of each user and item vector.
/// - `regularization` (λ): weight of the L2 penalty λ(‖X‖² + ‖Y‖²).
/// - `alpha` (α): confidence slope; a positive with value r gets confidence c = 1 + α·r, every other
///   (user, item) pair confidence 1 and preference 0.
/// - `confidence`: what r is — 1 for every positive (`binary`), or the rating itself (`rating`).
/// - `iterations`: full sweeps (users, then items).
/// - `solver`: a few warm-started conjugate-gradient steps per row (Takács, Pilászy & Tikk 2011), or the
///   exact Cholesky solve.
/// - `cgSteps`: conjugate-gradient steps per row and half-sweep.
/// - `seed`: the random initialisation.
public struct ALSConfiguration: Sendable, Equatable, Codable {
    /// How each row's least-squares problem is solved.
    public enum Solver: String, Sendable, Codable, CaseIterable {
        /// A few conjugate-gradient steps from the previous vector (fast; the default).
        case conjugateGradient = "cg"
        /// The exact solve of the normal equations by Cholesky factorisation (LAPACK `sposv`).
        case cholesky
    }

    /// What the r in c = 1 + α·r is for a positive.
    public enum Confidence: String, Sendable, Codable, CaseIterable {
        /// r = 1 for every positive.
        case binary
        /// r = the rating value.
        case rating
    }

    /// Length of each user and item vector (≥ 1).
    public var factors: Int
    /// λ, the weight of the L2 penalty on every vector (≥ 0).
    public var regularization: Float
    /// α, the confidence slope: a positive with value r has confidence 1 + α·r (≥ 0).
    public var alpha: Float
    /// Full sweeps over users then items (≥ 1).
    public var iterations: Int
    /// How each row's least-squares problem is solved.
    public var solver: Solver
    /// Conjugate-gradient steps per row and half-sweep (≥ 1; used by `.conjugateGradient`).
    public var cgSteps: Int
    /// What the r of a positive's confidence is.
    public var confidence: Confidence
    /// Seed of the random initialisation.
    public var seed: UInt64

    /// Marquee's defaults, tuned on a validation slice of ml-latest-small's training part
    /// (`Tools/bench/als_sweep.sh`, figures in BENCHMARKS.md).
    public init(
        factors: Int = 32, regularization: Float = 20, alpha: Float = 5, iterations: Int = 15,
        solver: Solver = .conjugateGradient, cgSteps: Int = 3, confidence: Confidence = .binary, seed: UInt64 = 42
    ) {
        self.factors = factors
        self.regularization = regularization
        self.alpha = alpha
        self.iterations = iterations
        self.solver = solver
        self.cgSteps = cgSteps
        self.confidence = confidence
        self.seed = seed
    }

    /// Checks every field.
    /// - Throws: `ALSError.invalidConfiguration` naming the field.
    public func validate() throws {
        if factors < 1 || factors > 4096 { throw ALSError.invalidConfiguration(field: "factors", reason: "must be in 1...4096, got \(factors)") }
        if !(regularization >= 0) || !regularization.isFinite {
            throw ALSError.invalidConfiguration(field: "regularization", reason: "must be ≥ 0, got \(regularization)")
        }
        if !(alpha >= 0) || !alpha.isFinite { throw ALSError.invalidConfiguration(field: "alpha", reason: "must be ≥ 0, got \(alpha)") }
        if iterations < 0 || iterations > 100_000 {
            throw ALSError.invalidConfiguration(field: "iterations", reason: "must be in 0...100000, got \(iterations)")
        }
        if cgSteps < 1 || cgSteps > 1_000 { throw ALSError.invalidConfiguration(field: "cg_steps", reason: "must be in 1...1000, got \(cgSteps)") }
    }

    /// The confidence c = 1 + α·r of a positive with rating `rating`.
    @inline(__always)
    public func confidence(ofRating rating: Float) -> Float {
        1 + alpha * (confidence == .binary ? 1 : rating)
    }
}
