import ArgumentParser
import Foundation
import Yams

/// The settings in `config.yaml`. Every field has a default; the file may set any subset.
/// Keys in the file are snake_case (`models_dir`, `test_fraction`).
struct MarqueeConfig: Codable, Equatable {
    struct DataSection: Codable, Equatable {
        var path = "Data/ml-latest-small"
        var threshold: Float = 4.0
        var skipBadLines = false
        var useCache = true
    }
    struct PathsSection: Codable, Equatable {
        var modelsDir = "Indexes"
    }
    struct EvaluationSection: Codable, Equatable {
        var split = "random"
        var testFraction = 0.2
        var leaveLast = 1
        var timeCut: Double = 0.8
        var seed: UInt64 = 42
        var k = 10
        var models = ["popularity"]
        var `protocol` = "full"
        var negatives = 100
        var batchSize = 64
    }

    /// Neural Collaborative Filtering (GMF, MLP, NeuMF): `marquee train --model gmf|mlp|neumf`.
    struct NCFSection: Codable, Equatable {
        var factors = 8
        var layers = [64, 32, 16, 8]
        var epochs = 20
        var batchSize = 256
        var learningRate: Float = 0.001
        var negatives = 4
        var regularization: Float = 0
        var seed: UInt64 = 42
        var patience = 3
        var validation = true
        var validationUsers = 1000
        var alpha: Float = 0.5
    }

    var data = DataSection()
    var paths = PathsSection()
    var evaluation = EvaluationSection()
    var ncf = NCFSection()

    /// Reads `path` (or `config.yaml` when present and no path is given) over the defaults.
    static func load(path: String?) throws -> MarqueeConfig {
        let url: URL
        if let path {
            url = URL(fileURLWithPath: path)
            guard FileManager.default.fileExists(atPath: path) else {
                throw ValidationError("config file \(path) does not exist")
            }
        } else {
            url = URL(fileURLWithPath: "config.yaml")
            guard FileManager.default.fileExists(atPath: url.path) else { return MarqueeConfig() }
        }
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw ValidationError("cannot read config file \(url.path): \(error.localizedDescription)")
        }
        do {
            let decoder = YAMLDecoder()
            return try decoder.decode(MarqueeConfig.self, from: text, userInfo: [:]).normalized()
        } catch let error as DecodingError {
            throw ValidationError("config file \(url.path): \(describe(error))")
        }
    }

    func normalized() -> MarqueeConfig { self }
}

private func describe(_ error: DecodingError) -> String {
    func path(_ keys: [CodingKey]) -> String { keys.map { $0.stringValue }.joined(separator: ".") }
    switch error {
    case let .typeMismatch(_, c), let .valueNotFound(_, c), let .dataCorrupted(c):
        return "\(path(c.codingPath)): \(c.debugDescription)"
    case let .keyNotFound(key, c):
        return "\(path(c.codingPath + [key])): missing"
    @unknown default:
        return "\(error)"
    }
}

// Lenient decoding: any missing key keeps its default; keys are snake_case in YAML.
extension MarqueeConfig {
    enum CodingKeys: String, CodingKey { case data, paths, evaluation, ncf }
    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        data = try c.decodeIfPresent(DataSection.self, forKey: .data) ?? DataSection()
        paths = try c.decodeIfPresent(PathsSection.self, forKey: .paths) ?? PathsSection()
        evaluation = try c.decodeIfPresent(EvaluationSection.self, forKey: .evaluation) ?? EvaluationSection()
        ncf = try c.decodeIfPresent(NCFSection.self, forKey: .ncf) ?? NCFSection()
    }
}
extension MarqueeConfig.DataSection {
    enum CodingKeys: String, CodingKey { case path, threshold, skipBadLines = "skip_bad_lines", useCache = "use_cache" }
    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Self()
        path = try c.decodeIfPresent(String.self, forKey: .path) ?? d.path
        threshold = try c.decodeIfPresent(Float.self, forKey: .threshold) ?? d.threshold
        skipBadLines = try c.decodeIfPresent(Bool.self, forKey: .skipBadLines) ?? d.skipBadLines
        useCache = try c.decodeIfPresent(Bool.self, forKey: .useCache) ?? d.useCache
    }
}
extension MarqueeConfig.PathsSection {
    enum CodingKeys: String, CodingKey { case modelsDir = "models_dir" }
    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        modelsDir = try c.decodeIfPresent(String.self, forKey: .modelsDir) ?? Self().modelsDir
    }
}
extension MarqueeConfig.EvaluationSection {
    enum CodingKeys: String, CodingKey {
        case split, testFraction = "test_fraction", leaveLast = "leave_last", timeCut = "time_cut", seed, k, models
        case `protocol`, negatives, batchSize = "batch_size"
    }
    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Self()
        split = try c.decodeIfPresent(String.self, forKey: .split) ?? d.split
        testFraction = try c.decodeIfPresent(Double.self, forKey: .testFraction) ?? d.testFraction
        leaveLast = try c.decodeIfPresent(Int.self, forKey: .leaveLast) ?? d.leaveLast
        timeCut = try c.decodeIfPresent(Double.self, forKey: .timeCut) ?? d.timeCut
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
        k = try c.decodeIfPresent(Int.self, forKey: .k) ?? d.k
        models = try c.decodeIfPresent([String].self, forKey: .models) ?? d.models
        `protocol` = try c.decodeIfPresent(String.self, forKey: .protocol) ?? d.protocol
        negatives = try c.decodeIfPresent(Int.self, forKey: .negatives) ?? d.negatives
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? d.batchSize
    }
}
extension MarqueeConfig.NCFSection {
    enum CodingKeys: String, CodingKey {
        case factors, layers, epochs, batchSize = "batch_size", learningRate = "learning_rate", negatives
        case regularization, seed, patience, validation, validationUsers = "validation_users", alpha
    }
    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Self()
        factors = try c.decodeIfPresent(Int.self, forKey: .factors) ?? d.factors
        layers = try c.decodeIfPresent([Int].self, forKey: .layers) ?? d.layers
        epochs = try c.decodeIfPresent(Int.self, forKey: .epochs) ?? d.epochs
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? d.batchSize
        learningRate = try c.decodeIfPresent(Float.self, forKey: .learningRate) ?? d.learningRate
        negatives = try c.decodeIfPresent(Int.self, forKey: .negatives) ?? d.negatives
        regularization = try c.decodeIfPresent(Float.self, forKey: .regularization) ?? d.regularization
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
        patience = try c.decodeIfPresent(Int.self, forKey: .patience) ?? d.patience
        validation = try c.decodeIfPresent(Bool.self, forKey: .validation) ?? d.validation
        validationUsers = try c.decodeIfPresent(Int.self, forKey: .validationUsers) ?? d.validationUsers
        alpha = try c.decodeIfPresent(Float.self, forKey: .alpha) ?? d.alpha
    }
}
