import Foundation
import Support
import Yams

extension MarqueeConfig {
    /// Reads `path` (or `./config.yaml` when it exists and no path is given) over the defaults, and checks it.
    /// - Throws: `ConfigError` naming the file and the key.
    public static func load(path: String?) throws -> MarqueeConfig {
        let url: URL
        if let path {
            url = URL(fileURLWithPath: path)
            guard FileManager.default.fileExists(atPath: path) else { throw ConfigError.unreadable(path: path, reason: "does not exist") }
        } else {
            url = URL(fileURLWithPath: "config.yaml")
            guard FileManager.default.fileExists(atPath: url.path) else { return MarqueeConfig() }
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ConfigError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError.malformed(path: url.path, reason: "not UTF-8 text")
        }
        return try parse(text, source: path ?? "config.yaml")
    }

    /// Parses YAML text over the defaults and checks every value. `source` names the file in errors.
    /// - Throws: `ConfigError`.
    public static func parse(_ text: String, source: String) throws -> MarqueeConfig {
        let loaded: Any?
        do { loaded = try Yams.load(yaml: text) } catch {
            throw ConfigError.malformed(path: source, reason: "not valid YAML (\(Echo.quote("\(error)", limit: 300)))")   // Yams quotes the line, control bytes and all
        }
        guard let overrides = loaded else { return MarqueeConfig() }
        guard let tree = overrides as? [String: Any] else {
            throw ConfigError.malformed(path: source, reason: "expected sections (data:, evaluation:, …) at the top level")
        }
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let defaults = try JSONSerialization.jsonObject(with: encoder.encode(MarqueeConfig())) as! [String: Any]
        var setKeys: [String] = []
        let merged = try overlay(tree, on: defaults, path: "", source: source, setKeys: &setKeys)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        var config: MarqueeConfig
        do {
            config = try decoder.decode(MarqueeConfig.self, from: JSONSerialization.data(withJSONObject: merged))
        } catch let error as DecodingError {
            throw culprit(of: error, merged: merged, defaults: defaults, setKeys: setKeys, decoder: decoder, source: source)
        }
        for key in setKeys { config.origins[key] = source }
        try config.validate()
        return config
    }

    /// `overrides` laid over `defaults`, key by key; unknown keys are refused, set leaf keys collected.
    private static func overlay(_ overrides: [String: Any], on defaults: [String: Any], path: String, source: String,
                                setKeys: inout [String]) throws -> [String: Any] {
        var result = defaults
        for (key, value) in overrides.sorted(by: { $0.key < $1.key }) {
            let here = path.isEmpty ? key : "\(path).\(key)"
            guard let base = defaults[key] else {
                throw ConfigError.unknownKey(path: source, key: here, known: defaults.keys.sorted())
            }
            if let baseTree = base as? [String: Any] {
                guard let tree = value as? [String: Any] else {
                    throw ConfigError.badValue(path: source, key: here, reason: "must be a section of keys")
                }
                result[key] = try overlay(tree, on: baseTree, path: here, source: source, setKeys: &setKeys)
            } else {
                if value is NSNull { throw ConfigError.badValue(path: source, key: here, reason: "has no value (remove the key to keep the default)") }
                result[key] = jsonValue(value)
                setKeys.append(here)
            }
        }
        return result
    }

    /// YAML scalars as JSON values. Non-finite numbers (`.nan`, `.inf`) become strings so that decoding
    /// names the key instead of JSONSerialization failing on them.
    private static func jsonValue(_ value: Any) -> Any {
        switch value {
        case let list as [Any]: return list.map(jsonValue)
        case let x as Double where !x.isFinite: return "\(x)"
        case is String, is Int, is Double, is Bool: return value
        default: return "\(value)"
        }
    }

    /// The error naming the key that failed to decode. Some decoding errors carry no key (a negative
    /// number for an unsigned field, say): then each key the file sets is decoded alone over the defaults
    /// to find the one at fault.
    private static func culprit(of error: DecodingError, merged: [String: Any], defaults: [String: Any], setKeys: [String],
                                decoder: JSONDecoder, source: String) -> ConfigError {
        let described = describe(error, source: source)
        guard case let .badValue(_, key, _) = described, key.isEmpty else { return described }
        for key in setKeys {
            let parts = key.split(separator: ".").map(String.init)
            guard parts.count == 2, var section = defaults[parts[0]] as? [String: Any],
                  let value = (merged[parts[0]] as? [String: Any])?[parts[1]] else { continue }
            section[parts[1]] = value
            var alone = defaults
            alone[parts[0]] = section
            guard let data = try? JSONSerialization.data(withJSONObject: alone) else { continue }
            do { _ = try decoder.decode(MarqueeConfig.self, from: data) } catch {
                let reason = MarqueeConfig.rule(for: key).map { "must be \($0.limit)" } ?? "has a value of the wrong type"
                return .badValue(path: source, key: key, reason: reason)
            }
        }
        return described
    }

    private static func describe(_ error: DecodingError, source: String) -> ConfigError {
        func key(_ path: [CodingKey]) -> String {
            path.filter { $0.intValue == nil }.map {
                $0.stringValue.replacingOccurrences(of: "([a-z])([A-Z])", with: "$1_$2", options: .regularExpression).lowercased()
            }.joined(separator: ".")
        }
        func explain(_ path: [CodingKey], _ fallback: String) -> ConfigError {
            let name = key(path)
            if let rule = MarqueeConfig.rule(for: name) {
                return .badValue(path: source, key: name, reason: "must be \(rule.limit)")
            }
            return .badValue(path: source, key: name, reason: fallback)
        }
        switch error {
        case let .typeMismatch(type, c): return explain(c.codingPath, "expected a value of type \(type)")
        case let .valueNotFound(_, c), let .dataCorrupted(c): return explain(c.codingPath, c.debugDescription)
        case let .keyNotFound(missing, c): return .badValue(path: source, key: key(c.codingPath + [missing]), reason: "missing")
        @unknown default: return .malformed(path: source, reason: "\(error)")
        }
    }
}
