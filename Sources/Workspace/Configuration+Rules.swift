import Foundation
import Support
import Simulation

/// The allowed values of one configuration key. The same rule checks the key in `config.yaml` and the
/// flag that overrides it (see `MarqueeConfig.set(_:_:flag:)`), so a value the flag refuses can never
/// reach the code through the file.
public struct ConfigRule: @unchecked Sendable {   // key paths are immutable values
    /// The key as written in the file, `section.key`.
    public let key: String
    /// The allowed values, for people: `an integer in 2…200`, `a number in (0, 1)`,
    /// `one of random, leave-last, time`.
    public let limit: String
    let keyPath: AnyKeyPath
    /// A description of what is wrong with the value in a configuration, or nil when it is allowed.
    let check: (MarqueeConfig) -> String?
}

extension MarqueeConfig {
    /// Every key's rule, in file order. The README's limits table is this list (`marquee config --limits`).
    public static let rules: [ConfigRule] = [
        .text(\.data.path, "data.path"),
        .number(\.data.threshold, "data.threshold", .closed(0.5, 5)),
        .flag(\.data.skipBadLines, "data.skip_bad_lines"),
        .flag(\.data.useCache, "data.use_cache"),
        .text(\.paths.modelsDir, "paths.models_dir"),

        .choice(\.evaluation.split, "evaluation.split"),
        .number(\.evaluation.testFraction, "evaluation.test_fraction", .open(0, 1)),
        .integer(\.evaluation.leaveLast, "evaluation.leave_last", 1...100_000),
        .number(\.evaluation.timeCut, "evaluation.time_cut", .open(0, 1)),
        .seed(\.evaluation.seed, "evaluation.seed"),
        .integer(\.evaluation.k, "evaluation.k", 1...10_000),
        .models(\.evaluation.models, "evaluation.models"),
        .choice(\.evaluation.protocol, "evaluation.protocol"),
        .integer(\.evaluation.negatives, "evaluation.negatives", 1...1_000_000),
        .integer(\.evaluation.batchSize, "evaluation.batch_size", 1...65_536),

        .integer(\.hnsw.m, "hnsw.m", 2...200),
        .integer(\.hnsw.efConstruction, "hnsw.ef_construction", 1...100_000),
        .integer(\.hnsw.efSearch, "hnsw.ef_search", 1...100_000),
        .choice(\.hnsw.metric, "hnsw.metric"),

        .integer(\.als.factors, "als.factors", 1...4096),
        .number(\.als.regularization, "als.regularization", .closed(0, 1e6)),
        .number(\.als.alpha, "als.alpha", .closed(0, 1e6)),
        .integer(\.als.iterations, "als.iterations", 1...10_000),
        .choice(\.als.solver, "als.solver"),
        .integer(\.als.cgSteps, "als.cg_steps", 1...100),
        .choice(\.als.confidence, "als.confidence"),
        .seed(\.als.seed, "als.seed"),

        .integer(\.ncf.factors, "ncf.factors", 1...1024),
        .layers(\.ncf.layers, "ncf.layers"),
        .integer(\.ncf.epochs, "ncf.epochs", 1...10_000),
        .integer(\.ncf.batchSize, "ncf.batch_size", 1...1_048_576),
        .number(\.ncf.learningRate, "ncf.learning_rate", .leftOpen(0, 10)),
        .integer(\.ncf.negatives, "ncf.negatives", 1...1000),
        .number(\.ncf.regularization, "ncf.regularization", .closed(0, 1e6)),
        .seed(\.ncf.seed, "ncf.seed"),
        .integer(\.ncf.patience, "ncf.patience", 0...10_000),
        .flag(\.ncf.validation, "ncf.validation"),
        .integer(\.ncf.validationUsers, "ncf.validation_users", 0...100_000_000),
        .number(\.ncf.alpha, "ncf.alpha", .closed(0, 1)),

        .integer(\.retrieval.candidates, "retrieval.candidates", 1...100_000),
        .integer(\.retrieval.ef, "retrieval.ef", 1...100_000),
        .choice(\.retrieval.scorer, "retrieval.scorer"),
        .number(\.retrieval.popularityWeight, "retrieval.popularity_weight", .closed(0, 1)),
        .integer(\.retrieval.minInteractions, "retrieval.min_interactions", 0...1_000_000),
        .integer(\.retrieval.explain, "retrieval.explain", 0...100),

        .host(\.server.host, "server.host"),
        .integer(\.server.port, "server.port", 0...65_535),
        .integer(\.server.maxBodyBytes, "server.max_body_bytes", 1...67_108_864),
        .token(\.server.adminToken, "server.admin_token"),
        .servedModels(\.server.models, "server.models"),
        .flag(\.server.accessLog, "server.access_log"),

        .number(\.simulation.timeCut, "simulation.time_cut", .open(0, 1)),
        .pool(\.simulation.pool, "simulation.pool"),
        .slate(\.simulation.slate, "simulation.slate"),
        .policies(\.simulation.policies, "simulation.policies"),
        .seeds(\.simulation.seeds, "simulation.seeds"),
        .control(\.simulation.control, "simulation.control"),
        .integer(\.simulation.window, "simulation.window", 0...1_000_000_000),
        .number(\.simulation.armEpsilon, "simulation.arm_epsilon", .closed(0, 1)),
        .number(\.simulation.banditEpsilon, "simulation.bandit_epsilon", .closed(0, 1)),
        .integer(\.simulation.decayEvents, "simulation.decay_events", 1...1_000_000_000),
        .number(\.simulation.opeEpsilon, "simulation.ope_epsilon", .leftOpen(0, 1)),
        .models(\.report.models, "report.models"),
        .integer(\.report.maxK, "report.max_k", 1...1000),
        .integers(\.report.ef, "report.ef", count: 1...64, values: 1...100_000),
        .integer(\.report.queries, "report.queries", 1...1_000_000),
        .integer(\.report.pipelineUsers, "report.pipeline_users", 0...100_000_000),
    ]

    /// The value `rule` checks, as written in a file (`16`, `cosine`, `[64, 32, 16, 8]`, `true`).
    public func text(of rule: ConfigRule) -> String {
        func show(_ value: Any) -> String {
            switch value {
            case let list as [Any]: return "[" + list.map(show).joined(separator: ", ") + "]"
            case let kind as ModelKind: return kind.rawValue
            case let raw as any RawRepresentable: return "\(raw.rawValue)"
            default: return "\(value)"
            }
        }
        return self[keyPath: rule.keyPath].map(show) ?? "?"
    }

    /// The rule of `key` (`hnsw.m`), if there is one.
    public static func rule(for key: String) -> ConfigRule? { rules.first { $0.key == key } }
}

/// An interval of real numbers, with open or closed ends.
public struct NumberInterval: Sendable, CustomStringConvertible {
    public let lower: Double, upper: Double
    public let lowerOpen: Bool, upperOpen: Bool

    /// `[a, b]`.
    public static func closed(_ a: Double, _ b: Double) -> NumberInterval { .init(lower: a, upper: b, lowerOpen: false, upperOpen: false) }
    /// `(a, b)`.
    public static func open(_ a: Double, _ b: Double) -> NumberInterval { .init(lower: a, upper: b, lowerOpen: true, upperOpen: true) }
    /// `(a, b]`.
    public static func leftOpen(_ a: Double, _ b: Double) -> NumberInterval { .init(lower: a, upper: b, lowerOpen: true, upperOpen: false) }

    /// Whether `x` lies inside (NaN never does).
    public func contains(_ x: Double) -> Bool {
        (lowerOpen ? x > lower : x >= lower) && (upperOpen ? x < upper : x <= upper)
    }

    public var description: String {
        func n(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x) }
        return (lowerOpen ? "(" : "[") + n(lower) + ", " + n(upper) + (upperOpen ? ")" : "]")
    }
}

extension ConfigRule {
    static func integer(_ path: KeyPath<MarqueeConfig, Int>, _ key: String, _ range: ClosedRange<Int>) -> ConfigRule {
        let limit = "an integer in \(range.lowerBound)…\(range.upperBound)"
        return ConfigRule(key: key, limit: limit, keyPath: path) { c in
            let x = c[keyPath: path]
            return range.contains(x) ? nil : "must be \(limit), got \(x)"
        }
    }

    static func number<F: BinaryFloatingPoint>(_ path: KeyPath<MarqueeConfig, F>, _ key: String, _ interval: NumberInterval) -> ConfigRule {
        ConfigRule(key: key, limit: "a number in \(interval)", keyPath: path) { c in
            let x = c[keyPath: path]
            return interval.contains(Double(x)) ? nil : "must be a number in \(interval), got \(x)"
        }
    }

    static func choice<E: CaseIterable & RawRepresentable>(_ path: KeyPath<MarqueeConfig, E>, _ key: String) -> ConfigRule
    where E.RawValue == String {
        ConfigRule(key: key, limit: "one of " + E.allCases.map(\.rawValue).joined(separator: ", "), keyPath: path) { _ in nil }
    }

    static func flag(_ path: KeyPath<MarqueeConfig, Bool>, _ key: String) -> ConfigRule {
        ConfigRule(key: key, limit: "true or false", keyPath: path) { _ in nil }
    }

    static func seed(_ path: KeyPath<MarqueeConfig, UInt64>, _ key: String) -> ConfigRule {
        ConfigRule(key: key, limit: "an integer in 0…\(UInt64.max)", keyPath: path) { _ in nil }
    }

    static func text(_ path: KeyPath<MarqueeConfig, String>, _ key: String) -> ConfigRule {
        ConfigRule(key: key, limit: "a non-empty path", keyPath: path) { c in
            c[keyPath: path].isEmpty ? "must not be empty" : nil
        }
    }

    static func models(_ path: KeyPath<MarqueeConfig, [ModelKind]>, _ key: String) -> ConfigRule {
        let names = ModelKind.allCases.map(\.rawValue).joined(separator: ", ")
        return ConfigRule(key: key, limit: "a non-empty list of distinct names among \(names)", keyPath: path) { c in
            let list = c[keyPath: path]
            if list.isEmpty { return "names no model (known: \(names))" }
            if Set(list).count != list.count { return "names a model twice: \(list.map(\.rawValue).joined(separator: ","))" }
            return nil
        }
    }

    static func pool(_ path: KeyPath<MarqueeConfig, PoolSize>, _ key: String) -> ConfigRule {
        ConfigRule(key: key, limit: "an integer in 2…1000000, or all", keyPath: path) { c in
            if case let .sampled(n) = c[keyPath: path], !(2...1_000_000).contains(n) { return "must be an integer in 2…1000000, or all, got \(n)" }
            return nil
        }
    }

    static func slate(_ path: KeyPath<MarqueeConfig, Int>, _ key: String) -> ConfigRule {
        ConfigRule(key: key, limit: "an integer in 1…10000, smaller than simulation.pool", keyPath: path) { c in
            let k = c[keyPath: path]
            guard (1...10_000).contains(k) else { return "must be an integer in 1…10000, got \(k)" }
            if case let .sampled(n) = c.simulation.pool, k >= n { return "must be smaller than the pool (\(n)), got \(k)" }
            return nil
        }
    }

    static func policies(_ path: KeyPath<MarqueeConfig, [String]>, _ key: String) -> ConfigRule {
        ConfigRule(key: key, limit: "a non-empty list of distinct policy names (marquee simulate --help)", keyPath: path) { c in
            let list = c[keyPath: path]
            if list.isEmpty { return "names no policy" }
            if Set(list).count != list.count { return "names a policy twice: \(list.joined(separator: ","))" }
            for name in list {
                do { _ = try PolicySpec.parse(name, models: ModelKind.allCases.map(\.rawValue)) } catch { return "\(error)" }
            }
            return nil
        }
    }

    static func seeds(_ path: KeyPath<MarqueeConfig, [UInt64]>, _ key: String) -> ConfigRule {
        ConfigRule(key: key, limit: "1–100 distinct seeds", keyPath: path) { c in
            let list = c[keyPath: path]
            guard (1...100).contains(list.count) else { return "must list 1–100 seeds, got \(list.count)" }
            return Set(list).count == list.count ? nil : "names a seed twice"
        }
    }

    static func control(_ path: KeyPath<MarqueeConfig, String>, _ key: String) -> ConfigRule {
        ConfigRule(key: key, limit: "one of simulation.policies", keyPath: path) { c in
            let name = c[keyPath: path]
            return c.simulation.policies.contains(name) ? nil : "must be one of the policies run (\(c.simulation.policies.joined(separator: ", "))), got '\(name)'"
        }
    }

    static func integers(_ path: KeyPath<MarqueeConfig, [Int]>, _ key: String, count: ClosedRange<Int>, values: ClosedRange<Int>) -> ConfigRule {
        let limit = "\(count.lowerBound)–\(count.upperBound) integers in \(values.lowerBound)…\(values.upperBound)"
        return ConfigRule(key: key, limit: limit, keyPath: path) { c in
            let list = c[keyPath: path]
            guard count.contains(list.count) else { return "must list \(count.lowerBound)–\(count.upperBound) values, got \(list.count)" }
            guard let bad = list.first(where: { !values.contains($0) }) else { return nil }
            return "values must be in \(values.lowerBound)…\(values.upperBound), got \(bad)"
        }
    }

    static func host(_ path: KeyPath<MarqueeConfig, String>, _ key: String) -> ConfigRule {
        ConfigRule(key: key, limit: "a host name or IP address (letters, digits, '.', '-', ':')", keyPath: path) { c in
            let host = c[keyPath: path]
            let allowed = host.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || ".-:".unicodeScalars.contains($0)) }
            return !host.isEmpty && host.count <= 253 && allowed ? nil : "must be a host name or IP address, got \(Echo.quote(host))"
        }
    }

    /// A bearer token (RFC 6750 `b64token` characters), or empty for none.
    static func token(_ path: KeyPath<MarqueeConfig, String>, _ key: String) -> ConfigRule {
        ConfigRule(key: key, limit: "empty (no token), or 8–512 of A–Z a–z 0–9 - . _ ~ + / =", keyPath: path) { c in
            let token = c[keyPath: path]
            if token.isEmpty { return nil }
            let allowed = token.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-._~+/=".unicodeScalars.contains($0)) }
            guard allowed else { return "must hold only A–Z a–z 0–9 - . _ ~ + / = (no spaces)" }
            return (8...512).contains(token.count) ? nil : "must be 8–512 characters long, got \(token.count)"
        }
    }

    static func servedModels(_ path: KeyPath<MarqueeConfig, [ModelKind]>, _ key: String) -> ConfigRule {
        let names = ModelKind.names(ModelKind.withVectors)
        return ConfigRule(key: key, limit: "a non-empty list of distinct names among \(names)", keyPath: path) { c in
            let list = c[keyPath: path]
            if list.isEmpty { return "names no model (served: \(names))" }
            if Set(list).count != list.count { return "names a model twice: \(list.map(\.rawValue).joined(separator: ","))" }
            if let bad = list.first(where: { !$0.capabilities.hasVectors }) {
                return "names \(bad.rawValue), which has no vectors to retrieve with (served: \(names))"
            }
            return nil
        }
    }

    static func layers(_ path: KeyPath<MarqueeConfig, [Int]>, _ key: String) -> ConfigRule {
        ConfigRule(key: key, limit: "1–16 widths in 1…4096, the first even (e.g. 64,32,16,8)", keyPath: path) { c in
            let layers = c[keyPath: path]
            let shown = layers.map(String.init).joined(separator: ",")
            guard (1...16).contains(layers.count) else { return "must list 1–16 widths, got \(layers.count)" }
            guard layers.allSatisfy({ (1...4096).contains($0) }) else { return "widths must be in 1…4096, got \(shown)" }
            guard layers[0] >= 2, layers[0] % 2 == 0 else {
                return "starts with the concatenated user+item embedding width, which must be even, got \(shown)"
            }
            return nil
        }
    }
}
