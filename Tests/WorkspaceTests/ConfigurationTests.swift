import Foundation
import Testing
@testable import Workspace

/// One value outside the key's limits and one inside, for every key (`MarqueeConfig.rules`).
/// A key added to the rules without a line here fails `everyKeyHasARangeCase`.
private let cases: [(key: String, bad: String, good: String)] = [
    ("data.path", "''", "Data/x"),
    ("data.threshold", "6", "3.5"), ("data.threshold", ".nan", "0.5"), ("data.threshold", "0.4", "5"),
    ("data.skip_bad_lines", "maybe", "true"),
    ("data.use_cache", "3", "false"),
    ("paths.models_dir", "''", "/tmp/m"),
    ("evaluation.split", "weekly", "leave-last"),
    ("evaluation.test_fraction", "1", "0.5"), ("evaluation.test_fraction", "0", "0.01"),
    ("evaluation.leave_last", "0", "3"),
    ("evaluation.time_cut", "1.0", "0.9"),
    ("evaluation.seed", "-1", "7"),
    ("evaluation.k", "0", "50"), ("evaluation.k", "10001", "10000"),
    ("evaluation.models", "[]", "[als, gmf]"), ("evaluation.models", "[als, als]", "[popularity]"), ("evaluation.models", "[svd]", "[mlp]"),
    ("evaluation.protocol", "sampled", "loo-sampled"),
    ("evaluation.negatives", "9223372036854775807", "99"), ("evaluation.negatives", "0", "1"),
    ("evaluation.batch_size", "0", "128"),
    ("hnsw.m", "1", "2"), ("hnsw.m", "201", "200"),
    ("hnsw.ef_construction", "0", "1"),
    ("hnsw.ef_search", "0", "500"),
    ("hnsw.metric", "manhattan", "ip"),
    ("als.factors", "0", "128"), ("als.factors", "5000", "4096"),
    ("als.regularization", "-1", "0"), ("als.regularization", ".inf", "1000000.0"),
    ("als.alpha", "-0.5", "40"),
    ("als.iterations", "0", "1"),
    ("als.solver", "lu", "cholesky"),
    ("als.cg_steps", "0", "100"),
    ("als.confidence", "weighted", "rating"),
    ("als.seed", "x", "0"),
    ("ncf.factors", "0", "16"),
    ("ncf.layers", "[]", "[2]"), ("ncf.layers", "[63, 32]", "[64, 32]"), ("ncf.layers", "[64, 0]", "[64, 1]"),
    ("ncf.epochs", "0", "1"),
    ("ncf.batch_size", "0", "1"),
    ("ncf.learning_rate", "0", "10"), ("ncf.learning_rate", ".nan", "0.01"),
    ("ncf.negatives", "0", "1000"),
    ("ncf.regularization", "-0.1", "0.1"),
    ("ncf.seed", "1.5", "3"),
    ("ncf.patience", "-1", "0"),
    ("ncf.validation", "yes please", "false"),
    ("ncf.validation_users", "-5", "0"),
    ("ncf.alpha", "1.5", "1"),
    ("retrieval.candidates", "0", "100000"),
    ("retrieval.ef", "100001", "1"),
    ("retrieval.scorer", "cosine", "blend"),
    ("retrieval.popularity_weight", "1.01", "0"),
    ("retrieval.min_interactions", "-1", "0"),
    ("retrieval.explain", "101", "100"),
    ("server.host", "''", "0.0.0.0"), ("server.host", "'local host'", "localhost"),
    ("server.port", "65536", "65535"), ("server.port", "-1", "0"),
    ("server.max_body_bytes", "0", "1"), ("server.max_body_bytes", "67108865", "67108864"),
    ("server.admin_token", "'has space 123'", "s3cret-token"), ("server.admin_token", "short", "''"),
    ("server.models", "[popularity]", "[als, neumf]"), ("server.models", "[]", "[gmf]"), ("server.models", "[als, als]", "[als]"),
    ("server.access_log", "loud", "false"),
    ("simulation.time_cut", "1", "0.5"),
    ("simulation.pool", "1", "all"), ("simulation.pool", "lots", "50"),
    ("simulation.slate", "100", "99"), ("simulation.slate", "0", "1"),
    ("simulation.policies", "[popularity, bogus]", "[popularity, als+eps0.2/decay, 'ucb1:als:neumf']"),
    ("simulation.policies", "[]", "[popularity]"), ("simulation.policies", "[popularity, popularity]", "[popularity, random]"),
    ("simulation.seeds", "[]", "[1, 2, 3]"), ("simulation.seeds", "[1, 1]", "[7]"),
    ("simulation.control", "nobody", "random"),
    ("simulation.window", "-1", "1000"),
    ("simulation.arm_epsilon", "1.5", "0"),
    ("simulation.bandit_epsilon", "-0.1", "1"),
    ("simulation.decay_events", "0", "1"),
    ("simulation.ope_epsilon", "0", "1"),
    ("report.models", "[]", "[popularity, als]"), ("report.models", "[knn]", "[neumf]"),
    ("report.max_k", "0", "1000"), ("report.max_k", "1001", "1"),
    ("report.ef", "[]", "[10]"), ("report.ef", "[10, 0]", "[1, 100000]"), ("report.ef", "[100001]", "[64]"),
    ("report.queries", "0", "1"),
    ("report.pipeline_users", "-1", "0"),
]

private func yaml(_ key: String, _ value: String) -> String {
    let parts = key.split(separator: ".")
    return "\(parts[0]):\n  \(parts[1]): \(value)\n"
}

@Test func everyKeyHasARangeCase() {
    let covered = Set(cases.map(\.key))
    let keys = Set(MarqueeConfig.rules.map(\.key))
    #expect(keys.subtracting(covered).isEmpty, "keys without a case: \(keys.subtracting(covered).sorted())")
    #expect(covered.subtracting(keys).isEmpty)
}

@Test(arguments: cases.indices)
func everyKeyRefusesValuesOutsideItsLimitAndTakesOnesInside(index: Int) throws {
    let (key, bad, good) = cases[index]
    do {
        _ = try MarqueeConfig.parse(yaml(key, bad), source: "test.yaml")
        Issue.record("\(key): \(bad) was accepted")
    } catch let error as ConfigError {
        #expect(error.description.contains("test.yaml") && error.description.contains(key), "\(key) = \(bad): \(error)")
    }
    let config = try MarqueeConfig.parse(yaml(key, good), source: "test.yaml")
    #expect(config.origins[key] == "test.yaml")
    let rule = try #require(MarqueeConfig.rule(for: key))
    let written = config.text(of: rule)
    if let number = Double(good) {
        #expect(Double(written) == number, "\(key): read \(written), wrote \(good)")
    } else if !good.hasPrefix("[") && !good.hasPrefix("'") {
        #expect(written == good, "\(key): read \(written), wrote \(good)")
    }
}

@Test func theFileIsLaidOverTheDefaults() throws {
    let config = try MarqueeConfig.parse("hnsw:\n  m: 32\nals:\n  solver: cholesky\n", source: "c.yaml")
    var expected = MarqueeConfig()
    expected.hnsw.m = 32
    expected.als.solver = .cholesky
    #expect(config == expected)
    #expect(config.origins == ["hnsw.m": "c.yaml", "als.solver": "c.yaml"])
    #expect(try MarqueeConfig.parse("", source: "empty.yaml") == MarqueeConfig())
    #expect(try MarqueeConfig.parse("# only a comment\n", source: "c.yaml") == MarqueeConfig())
}

@Test func unknownKeysAndShapesAreRefusedByName() {
    func message(_ text: String) -> String {
        do { _ = try MarqueeConfig.parse(text, source: "c.yaml"); return "accepted" } catch { return "\(error)" }
    }
    #expect(message("hnsw:\n  mm: 3\n").contains("unknown key 'hnsw.mm'"))
    #expect(message("hnsw:\n  mm: 3\n").contains("ef_construction, ef_search, m, metric"))
    #expect(message("modles:\n  x: 1\n").contains("unknown key 'modles'"))
    #expect(message("hnsw: 3\n").contains("hnsw: must be a section of keys"))
    #expect(message("- a\n- b\n").contains("expected sections"))
    #expect(message("hnsw:\n  m:\n").contains("hnsw.m") && message("hnsw:\n  m:\n").contains("no value"))
    #expect(message("hnsw: [1\n").contains("not valid YAML"))
}

@Test func flagsOverrideTheFileAndAreCheckedByTheSameRule() throws {
    var config = try MarqueeConfig.parse("hnsw:\n  m: 32\n", source: "c.yaml")
    config.set(\.hnsw.m, 24, flag: "--m")
    #expect(config.hnsw.m == 24 && config.origins["hnsw.m"] == "--m")
    try config.validate()
    config.set(\.hnsw.m, nil, flag: "--m")             // a flag not given changes nothing
    #expect(config.hnsw.m == 24)
    config.set(\.hnsw.m, 1, flag: "--m")
    #expect(throws: ConfigError.outOfRange(key: "hnsw.m", origin: "--m", problem: "must be an integer in 2…200, got 1")) { try config.validate() }
    #expect(ConfigError.outOfRange(key: "hnsw.m", origin: "--m", problem: "must be an integer in 2…200, got 1").description
            == "--m must be an integer in 2…200, got 1")
    var other = MarqueeConfig()
    other.set(\.ncf.batchSize, 0, flag: "--batch-size")
    #expect(throws: ConfigError.self) { try other.validate() }
    other.set(\.ncf.batchSize, 512, flag: "--batch-size")
    other.set(\.evaluation.negatives, Int.max, flag: "--negatives")
    do { try other.validate(); Issue.record("accepted Int.max negatives") } catch {
        #expect("\(error)".hasPrefix("--negatives must be an integer in 1…1000000"))
    }
}

@Test func aMissingConfigFileIsAnErrorOnlyWhenNamed() throws {
    #expect(throws: ConfigError.self) { try MarqueeConfig.load(path: "/nonexistent/marquee.yaml") }
    let folder = try temporaryFolder("marquee-config")
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("c.yaml")
    try Data([0xFF, 0xFE, 0x00]).write(to: file)
    #expect(throws: ConfigError.malformed(path: file.path, reason: "not UTF-8 text")) { try MarqueeConfig.load(path: file.path) }
}

@Test func theShippedConfigFileIsTheDefaults() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let shipped = try MarqueeConfig.load(path: root.appendingPathComponent("config.yaml").path)
    #expect(shipped == MarqueeConfig(), "config.yaml documents the defaults; a value there differs from the code's")
}
