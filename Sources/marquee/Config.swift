import ArgumentParser
import Foundation
import Support
import Yams

/// The settings in `config.yaml`. Every field has a default; the file may set any subset.
///
/// Keys in the file are snake_case (`models_dir`, `test_fraction`). Loading overlays the file on the
/// defaults, so a section type is a plain `Codable` struct with default values: adding a setting is one
/// line. A key the file sets that Marquee does not know is an error naming it (a typo never passes
/// silently).
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
    /// Implicit-feedback ALS (`train --model als`, `evaluate` model `als`).
    struct ALSSection: Codable, Equatable {
        var factors = 32
        var regularization: Float = 20
        var alpha: Float = 5
        var iterations = 15
        var solver = "cg"
        var cgSteps = 3
        var confidence = "binary"
        var seed: UInt64 = 42
    }
    /// Our HNSW index (`build-index`, `search`, `similar`).
    struct HNSWSection: Codable, Equatable {
        var m = 16
        var efConstruction = 200
        var efSearch = 64
        var metric = "cosine"
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
    /// The two-stage recommender (`recommend`, `evaluate --retrieval`).
    struct RetrievalSection: Codable, Equatable {
        var candidates = 100
        var ef = 100
        var scorer = "dot"
        var popularityWeight: Float = 0.1
        var minInteractions = 1
        var explain = 3
    }

    var data = DataSection()
    var paths = PathsSection()
    var evaluation = EvaluationSection()
    var hnsw = HNSWSection()
    var als = ALSSection()
    var ncf = NCFSection()
    var retrieval = RetrievalSection()

    /// Reads `path` (or `config.yaml` when present and no path is given) over the defaults.
    static func load(path: String?) throws -> MarqueeConfig {
        let url: URL
        if let path {
            url = URL(fileURLWithPath: path)
            guard FileManager.default.fileExists(atPath: path) else {
                throw ConfigError("config file \(path) does not exist")
            }
        } else {
            url = URL(fileURLWithPath: "config.yaml")
            guard FileManager.default.fileExists(atPath: url.path) else { return MarqueeConfig() }
        }
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw ConfigError("cannot read config file \(url.path): \(error.localizedDescription)")
        }
        return try parse(text, source: url.path)
    }

    /// Parses YAML text over the defaults. `source` names the file in error messages.
    static func parse(_ text: String, source: String) throws -> MarqueeConfig {
        let loaded: Any?
        do { loaded = try Yams.load(yaml: text) } catch {
            // Yams quotes the offending line, control bytes and all (found by the config-yaml fuzz harness).
            throw ConfigError("config file \(source): not valid YAML (\(Echo.quote("\(error)", limit: 300)))")
        }
        guard let overrides = loaded else { return MarqueeConfig() }
        guard let overrideTree = overrides as? [String: Any] else {
            throw ConfigError("config file \(source): expected sections (data:, evaluation:, …) at the top level")
        }
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let defaults = try JSONSerialization.jsonObject(with: encoder.encode(MarqueeConfig())) as! [String: Any]
        let merged = try overlay(overrideTree, on: defaults, path: "", source: source)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(MarqueeConfig.self, from: JSONSerialization.data(withJSONObject: merged))
        } catch let error as DecodingError {
            throw ConfigError("config file \(source): \(describe(error))")
        }
    }

    /// `overrides` laid over `defaults`, key by key; unknown keys are refused.
    private static func overlay(_ overrides: [String: Any], on defaults: [String: Any], path: String, source: String) throws -> [String: Any] {
        var result = defaults
        for (key, value) in overrides {
            let here = path.isEmpty ? key : "\(path).\(key)"
            guard let base = defaults[key] else {
                let known = defaults.keys.sorted().joined(separator: ", ")
                throw ConfigError("config file \(source): unknown key '\(here)' (known here: \(known))")
            }
            if let baseTree = base as? [String: Any] {
                guard let tree = value as? [String: Any] else {
                    throw ConfigError("config file \(source): '\(here)' must be a section of keys")
                }
                result[key] = try overlay(tree, on: baseTree, path: here, source: source)
            } else {
                result[key] = jsonValue(value)
            }
        }
        return result
    }

    /// YAML scalars as JSON-compatible values (dates and other YAML-only types become strings).
    private static func jsonValue(_ value: Any) -> Any {
        switch value {
        case let list as [Any]: return list.map(jsonValue)
        case is String, is Int, is Double, is Bool, is NSNull: return value
        default: return "\(value)"
        }
    }
}

private func describe(_ error: DecodingError) -> String {
    func path(_ keys: [CodingKey]) -> String {
        keys.map { $0.stringValue.replacingOccurrences(of: "([a-z])([A-Z])", with: "$1_$2", options: .regularExpression).lowercased() }
            .joined(separator: ".")
    }
    switch error {
    case let .typeMismatch(type, c): return "\(path(c.codingPath)): expected a value of type \(type)"
    case let .valueNotFound(_, c), let .dataCorrupted(c): return "\(path(c.codingPath)): \(c.debugDescription)"
    case let .keyNotFound(key, c): return "\(path(c.codingPath + [key])): missing"
    @unknown default: return "\(error)"
    }
}

/// A problem with the configuration file (reported without the usage text: the command line was fine).
struct ConfigError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
