import Foundation
import Support

/// The `meta` section of an ALS model file.
struct ALSMetadata: Codable {
    var factors: Int
    var users: Int
    var items: Int
    var regularization: Float
    var alpha: Float
    var iterations: Int
    var solver: String
    var cgSteps: Int
    var confidence: String
    var seed: UInt64
    var loss: [Double]
    var provenance: Provenance?

    enum CodingKeys: String, CodingKey {
        case factors, users, items, regularization, alpha, iterations, solver, confidence, seed, loss, provenance
        case cgSteps = "cg_steps"
    }
}

extension ALS {
    /// The artefact kind of ALS model files.
    public static let artifactKind = "als"

    /// Writes the model as one artefact file (kind "als"), atomically.
    ///
    /// Sections: `user_factors`, `item_factors` (Float, row-major users × factors and items × factors),
    /// `user_ids`, `item_ids` (Int32, the dataset's own ids of each row) and `meta` (JSON: factors, users,
    /// items, regularization, alpha, iterations, solver, cg_steps, confidence, seed, loss history, and
    /// `provenance` when the model carries one).
    /// - Throws: `ArtifactError.writeFailed`.
    public func save(to url: URL) throws {
        var writer = ArtifactWriter(kind: Self.artifactKind)
        try writer.addMetadata(ALSMetadata(
            factors: factors, users: userCount, items: itemCount, regularization: configuration.regularization,
            alpha: configuration.alpha, iterations: configuration.iterations, solver: configuration.solver.rawValue,
            cgSteps: configuration.cgSteps, confidence: configuration.confidence.rawValue, seed: configuration.seed,
            loss: lossHistory, provenance: provenance))
        writer.add("user_factors", userFactors)
        writer.add("item_factors", itemFactors)
        writer.add("user_ids", userIds)
        writer.add("item_ids", itemIds)
        try writer.write(to: url)
    }

    /// Reads a model written by `save(to:)`.
    /// - Throws: `ArtifactError` (missing, damaged or another kind of file) or `ALSError.badModelFile`
    ///   (sections that do not fit together).
    public static func load(from url: URL) throws -> ALS {
        let reader = try ArtifactReader(url: url, expectedKind: artifactKind)
        let meta = try reader.metadata(ALSMetadata.self)
        let userFactors: [Float] = try reader.array("user_factors")
        let itemFactors: [Float] = try reader.array("item_factors")
        let userIds: [Int32] = try reader.array("user_ids")
        let itemIds: [Int32] = try reader.array("item_ids")
        let f = meta.factors
        guard f > 0 else { throw ALSError.badModelFile(path: url.path, reason: "factors is \(f)") }
        guard userIds.count == meta.users, userFactors.count == meta.users * f else {
            throw ALSError.badModelFile(path: url.path, reason: "user_factors holds \(userFactors.count) floats, expected \(meta.users) × \(f)")
        }
        guard itemIds.count == meta.items, itemFactors.count == meta.items * f else {
            throw ALSError.badModelFile(path: url.path, reason: "item_factors holds \(itemFactors.count) floats, expected \(meta.items) × \(f)")
        }
        guard let solver = ALSConfiguration.Solver(rawValue: meta.solver),
              let confidence = ALSConfiguration.Confidence(rawValue: meta.confidence) else {
            throw ALSError.badModelFile(path: url.path, reason: "unknown solver '\(meta.solver)' or confidence '\(meta.confidence)'")
        }
        let configuration = ALSConfiguration(
            factors: f, regularization: meta.regularization, alpha: meta.alpha, iterations: meta.iterations,
            solver: solver, cgSteps: meta.cgSteps, confidence: confidence, seed: meta.seed)
        var model = ALS(factors: f, userFactors: userFactors, itemFactors: itemFactors, userIds: userIds, itemIds: itemIds,
                        configuration: configuration, lossHistory: meta.loss)
        model.provenance = meta.provenance
        return model
    }
}
