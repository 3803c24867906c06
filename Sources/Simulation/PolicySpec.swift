/// A policy as named in `--policies` and `simulation.policies`, parsed.
///
/// Grammar (no spaces):
/// - a base: `random`, `popularity`, any model kind (`als`, `neumf`, `gmf`, `mlp` — static: trained before
///   the cut, never updated), or a learner: `online-popularity`, `online-popularity-warm`, `als-online`,
///   `item-egreedy`;
/// - an exploring base: `X+eps0.1` (a random slate of the pool with probability 0.1, else X's) or
///   `X+eps0.1/decay` (probability 0.1 · τ/(τ + t) at the policy's t-th event, τ = `decay_events`);
/// - a bandit over arms (each arm a base or an exploring base): `ab:A:B[:C…]` (classic A/B test: users
///   split by a hash of their id), `egreedy:A:B…` (ε-greedy over arms), `ucb1:A:B…`, `thompson:A:B…`
///   (Beta-Bernoulli Thompson sampling).
public indirect enum PolicySpec: Sendable, Equatable, CustomStringConvertible {
    /// The learners Marquee knows.
    public enum Learner: String, Sendable, CaseIterable {
        case onlinePopularity = "online-popularity"
        case onlinePopularityWarm = "online-popularity-warm"
        case alsOnline = "als-online"
        case itemEGreedy = "item-egreedy"
    }
    /// The bandits over arms.
    public enum ArmStrategy: String, Sendable, CaseIterable {
        case ab, egreedy, ucb1, thompson
    }

    /// Uniformly random slates (every score equal; the per-event tie-break decides).
    case random
    /// A model trained before the cut, by name (`popularity`, `als`, `neumf`, …).
    case model(String)
    case learner(Learner)
    /// `base` with exploration probability `epsilon`, decaying when `decay`.
    case exploring(PolicySpec, epsilon: Double, decay: Bool)
    case arms(ArmStrategy, [PolicySpec])

    /// Parses `text`. `models` are the model names the run can load (`popularity` among them).
    /// - Throws: `SimulationError.badPolicy` naming the text and what is wrong.
    public static func parse(_ text: String, models: [String]) throws -> PolicySpec {
        let known = ["random"] + models + Learner.allCases.map(\.rawValue)
        func fail(_ reason: String) -> SimulationError { .badPolicy(name: text, reason: reason, known: known) }
        if let colon = text.firstIndex(of: ":") {
            let head = String(text[..<colon])
            guard let strategy = ArmStrategy(rawValue: head) else { throw fail("unknown bandit '\(head)' (ab, egreedy, ucb1, thompson)") }
            let parts = text[text.index(after: colon)...].split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 2 else { throw fail("a bandit needs at least two arms") }
            guard parts.count <= 64 else { throw fail("at most 64 arms") }
            let arms = try parts.map { part -> PolicySpec in
                guard !part.isEmpty else { throw fail("an empty arm") }
                return try parseArm(part, models: models, fail: fail)
            }
            return .arms(strategy, arms)
        }
        return try parseArm(text, models: models, fail: fail)
    }

    private static func parseArm(_ text: String, models: [String], fail: (String) -> SimulationError) throws -> PolicySpec {
        if let plus = text.range(of: "+eps") {
            let base = try parseBase(String(text[..<plus.lowerBound]), models: models, fail: fail)
            var rest = String(text[plus.upperBound...])
            var decay = false
            if rest.hasSuffix("/decay") { decay = true; rest.removeLast("/decay".count) }
            guard let epsilon = Double(rest), epsilon.isFinite, epsilon >= 0, epsilon <= 1 else {
                throw fail("the exploration probability after +eps must be a number in [0, 1], got '\(rest)'")
            }
            return .exploring(base, epsilon: epsilon, decay: decay)
        }
        return try parseBase(text, models: models, fail: fail)
    }

    private static func parseBase(_ text: String, models: [String], fail: (String) -> SimulationError) throws -> PolicySpec {
        if text == "random" { return .random }
        if let learner = Learner(rawValue: text) { return .learner(learner) }
        if models.contains(text) { return .model(text) }
        throw fail("unknown policy '\(text)'")
    }

    /// The name it parses from.
    public var description: String {
        switch self {
        case .random: return "random"
        case let .model(name): return name
        case let .learner(l): return l.rawValue
        case let .exploring(base, epsilon, decay): return "\(base)+eps\(Self.format(epsilon))\(decay ? "/decay" : "")"
        case let .arms(strategy, arms): return ([strategy.rawValue] + arms.map(\.description)).joined(separator: ":")
        }
    }

    static func format(_ x: Double) -> String {
        var s = String(x)
        if s.hasSuffix(".0") { s.removeLast(2) }
        return s
    }

    /// The models it needs loaded (static policies, arms; `als-online` needs `als`, warm popularity and
    /// the cold-start fallback need `popularity`).
    public var models: [String] {
        switch self {
        case .random: return []
        case let .model(name): return [name]
        case let .learner(l):
            switch l {
            case .alsOnline: return ["als", "popularity"]
            case .onlinePopularityWarm: return ["popularity"]
            case .onlinePopularity, .itemEGreedy: return []
            }
        case let .exploring(base, _, _): return base.models
        case let .arms(_, arms): return arms.flatMap(\.models)
        }
    }

    /// Whether its slates never depend on what it has seen (random, a trained model, and those with exploration).
    public var isStatic: Bool {
        switch self {
        case .random, .model: return true
        case .learner, .arms: return false
        case let .exploring(base, _, _): return base.isStatic
        }
    }

    /// The kind shown in tables and JSON: `static`, `learner` or `arms`.
    public var kind: String {
        switch self {
        case .arms: return "arms"
        case let .exploring(base, _, _): return base.kind
        case .learner: return "learner"
        case .random, .model: return "static"
        }
    }
}
