import Dataset
import Foundation
import Models
import Support

/// The settings of a run (the `simulation:` section of `config.yaml`, flags applied).
public struct SimulationSettings: Sendable, Equatable {
    /// Candidates per event.
    public var pool: PoolSize = .sampled(100)
    /// Movies shown per event (the slate).
    public var slate = 10
    /// One full replay per seed (pools, tie-breaks and coins all follow the seed).
    public var seeds: [UInt64] = [1]
    /// The policy every other is compared with, event by event.
    public var control = "popularity"
    /// Events per window of the series (0: about 100 windows).
    public var window = 0
    /// ε of the `egreedy:` bandit over arms.
    public var armEpsilon = 0.1
    /// ε of the `item-egreedy` learner.
    public var banditEpsilon = 0.1
    /// τ of the decaying exploration `X+epsE/decay`: ε·τ/(τ + t).
    public var decayEvents = 10_000
    /// ε of the logging policy of the off-policy estimates (ε-greedy over popularity).
    public var opeEpsilon = 0.1
    /// Worker threads (the result does not depend on them).
    public var threads = Threads.count

    public init() {}

    /// Refuses values the simulator cannot use (the CLI checks the same rules on flags and the file).
    /// - Throws: `SimulationError.badSetting`.
    public func validate() throws {
        if case let .sampled(n) = pool, n < 2 { throw SimulationError.badSetting(name: "pool", problem: "must be at least 2 or 'all', got \(n)") }
        guard slate >= 1 else { throw SimulationError.badSetting(name: "slate", problem: "must be at least 1, got \(slate)") }
        if case let .sampled(n) = pool, slate >= n {
            throw SimulationError.badSetting(name: "slate", problem: "must be smaller than the pool (\(n)), got \(slate)")
        }
        guard !seeds.isEmpty else { throw SimulationError.badSetting(name: "seeds", problem: "must name at least one seed") }
        guard window >= 0 else { throw SimulationError.badSetting(name: "window", problem: "must be 0 (auto) or more, got \(window)") }
        for (name, x) in [("arm_epsilon", armEpsilon), ("bandit_epsilon", banditEpsilon)] where !(0...1).contains(x) {
            throw SimulationError.badSetting(name: name, problem: "must be in [0, 1], got \(x)")
        }
        guard opeEpsilon > 0 && opeEpsilon <= 1 else { throw SimulationError.badSetting(name: "ope_epsilon", problem: "must be in (0, 1], got \(opeEpsilon)") }
        guard decayEvents >= 1 else { throw SimulationError.badSetting(name: "decay_events", problem: "must be at least 1, got \(decayEvents)") }
    }
}

/// What one policy did in one seed's replay.
public struct PolicyRun: Sendable {
    public var name: String
    public var spec: PolicySpec
    public var events = 0
    public var clicks = 0
    /// Clicks on events of users with a positive before the cut.
    public var warmClicks = 0
    /// Events both this policy and the control clicked.
    public var bothWithControl = 0
    /// Clicks per window.
    public var windowClicks: [Int]
    /// Thread seconds of its own steps, plus the shared pool draws and the scoring of the models it uses.
    public var seconds = 0.0
    /// Arm bandits: arm names, events and clicks per arm, distinct users per arm (A/B), and windows × arms.
    public var armNames: [String] = []
    public var armPulls: [Int] = []
    public var armClicks: [Int] = []
    public var armUsers: [Int] = []
    public var allocation: [Int] = []
}

/// One seed's replay.
public struct SeedRun: Sendable {
    public var seed: UInt64
    public var policies: [PolicyRun]
    /// Events per window.
    public var windowEvents: [Int]
    /// Off-policy estimates by target policy name.
    public var ope: [String: OffPolicyAccumulator]
    public var logging = LoggingCounts()
    /// Wall seconds of this seed's replay.
    public var seconds = 0.0
}

/// Everything a simulation measured, before it is summarised.
public struct SimulationResult: Sendable {
    public var settings: SimulationSettings
    public var names: [String]
    public var specs: [PolicySpec]
    public var windowSize: Int
    public var seeds: [SeedRun]
    /// The static policies run at the top level, the candidates of "best static arm in hindsight".
    public var staticNames: [String]
    /// Targets of the off-policy estimates.
    public var opeTargets: [String]
}

/// Replays a stream for a list of policies.
///
/// Per seed, events go by blocks: the block's pools, tie keys and coins are drawn (in parallel over
/// events), every static model scores the block's pools (in parallel), then every policy steps through the
/// block's events in order (the policies in parallel: each is sequential in itself, and reads only the
/// shared block), so the result is the same with any number of threads.
public struct Simulator: Sendable {
    public let stream: ReplayStream
    public let models: [StaticModel]
    public let settings: SimulationSettings

    /// - Parameters:
    ///   - models: the trained models static policies and learners may use; `popularity` is required (the
    ///     cold-start fallback, the warm online popularity and the off-policy logging policy).
    /// - Throws: `SimulationError.badSetting`.
    public init(stream: ReplayStream, models: [StaticModel], settings: SimulationSettings) throws {
        try settings.validate()
        self.stream = stream
        self.models = models
        self.settings = settings
    }

    /// The window of the series: `settings.window`, or about 100 windows.
    public var windowSize: Int { settings.window > 0 ? settings.window : max(1, (stream.count + 99) / 100) }

    /// Runs every policy over the stream once per seed.
    /// - Throws: `SimulationError` for a policy that needs a model not given, or an unknown control.
    public func run(_ specs: [PolicySpec], progress: ProgressReporter? = nil) throws -> SimulationResult {
        let names = specs.map(\.description)
        guard let control = names.firstIndex(of: settings.control) else {
            throw SimulationError.unknownControl(settings.control, policies: names)
        }
        let context = try RunContext(stream: stream, models: models, settings: settings)
        for spec in specs { for model in spec.models where context.modelIndex(model) == nil {
            throw SimulationError.missingModel(policy: spec.description, model: model)
        }}
        let staticNames = specs.filter { $0.isStatic && $0.kind == "static" }.map(\.description)
        let opeTargets = staticNames
        let window = windowSize
        let windows = (stream.count + window - 1) / window
        // Models that must score the pools: those the static policies name, and popularity.
        var used = Set([context.popularity])
        func collect(_ spec: PolicySpec) {
            switch spec {
            case let .model(name): used.insert(context.modelIndex(name)!)
            case let .exploring(base, _, _): collect(base)
            case let .arms(_, arms): arms.forEach(collect)
            default: break
            }
        }
        specs.forEach(collect)
        let scoredModels = used.sorted()

        let poolGuess: Int
        switch settings.pool {
        case let .sampled(n): poolGuess = n
        case .all: poolGuess = stream.data.itemCount
        }
        let blockEvents = max(16, min(8192, 2_000_000 / max(1, poolGuess)))
        progress?.total = stream.count * settings.seeds.count
        var seedRuns: [SeedRun] = []
        for seed in settings.seeds {
            let started = DispatchTime.now().uptimeNanoseconds
            let runners = try specs.map { try makeRunner($0, context: context, poolCapacity: min(poolGuess, stream.data.itemCount), windows: windows) }
            var runs = specs.map { PolicyRun(name: $0.description, spec: $0, windowClicks: [Int](repeating: 0, count: windows)) }
            var windowEvents = [Int](repeating: 0, count: windows)
            var ope = [OffPolicyAccumulator](repeating: OffPolicyAccumulator(), count: opeTargets.count)
            var logging = LoggingCounts()
            let block = EventBlock(capacity: blockEvents, poolCapacity: blockEvents * poolGuess, models: models.count)
            let scratch = PoolScratch(workers: settings.threads, items: stream.data.itemCount)
            var clicks = [[UInt8]](repeating: [UInt8](repeating: 0, count: blockEvents), count: specs.count)
            var modelSeconds = [Double](repeating: 0, count: models.count)
            var poolSeconds = 0.0
            var stepSeconds = [Double](repeating: 0, count: specs.count)
            var start = 0
            while start < stream.count {
                let count = min(blockEvents, stream.count - start)
                var t0 = DispatchTime.now().uptimeNanoseconds
                block.fill(stream: stream, seed: seed, start: start, count: count, pool: settings.pool, threads: settings.threads, scratch: scratch)
                poolSeconds += seconds(since: t0)
                for m in scoredModels {
                    t0 = DispatchTime.now().uptimeNanoseconds
                    score(model: m, block: block)
                    modelSeconds[m] += seconds(since: t0)
                }
                let times = UnsafeSendable(stepSeconds.withUnsafeMutableBufferPointer { $0.baseAddress! })
                clicks.withUnsafeMutableBufferPointer { cb in
                    let out = UnsafeSendable(cb.baseAddress!)
                    let shared = UnsafeSendable(runners)
                    parallelFor(specs.count, threads: settings.threads, grain: 1) { range, _ in
                        for r in range {
                            let t = DispatchTime.now().uptimeNanoseconds
                            let runner = shared.value[r]
                            out.value[r].withUnsafeMutableBufferPointer { c in
                                for e in 0..<count { c[e] = runner.step(block, e) ? 1 : 0 }
                            }
                            times.value[r] += Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9
                        }
                    }
                }
                // Totals, the paired counts against the control, the windows.
                for e in 0..<count { windowEvents[(start + e) / window] += 1 }
                for r in 0..<specs.count {
                    var n = 0, warm = 0, both = 0
                    let c = clicks[r], cc = clicks[control]
                    for e in 0..<count where c[e] != 0 {
                        n += 1
                        if context.warmUser[Int(block.users[e])] { warm += 1 }
                        if cc[e] != 0 { both += 1 }
                        runs[r].windowClicks[(start + e) / window] += 1
                    }
                    runs[r].events += count
                    runs[r].clicks += n
                    runs[r].warmClicks += warm
                    runs[r].bothWithControl += both
                }
                offPolicy(block: block, context: context, specs: specs, targets: opeTargets, into: &ope, logging: &logging)
                progress?.advance(by: count)
                start += count
            }
            for r in 0..<specs.count {
                var modelsUsed = Set<Int>([context.popularity])
                func add(_ s: PolicySpec) {
                    switch s {
                    case let .model(name): modelsUsed.insert(context.modelIndex(name)!)
                    case let .exploring(base, _, _): add(base)
                    case let .arms(_, arms): arms.forEach(add)
                    default: break
                    }
                }
                add(specs[r])
                runs[r].seconds = stepSeconds[r] + poolSeconds + modelsUsed.reduce(0) { $0 + modelSeconds[$1] }
                if let arms = runners[r] as? ArmRunner, case let .arms(_, armSpecs) = specs[r] {
                    runs[r].armNames = armSpecs.map(\.description)
                    runs[r].armPulls = arms.pulls
                    runs[r].armClicks = arms.clicks
                    runs[r].armUsers = arms.users.map(\.count)
                    runs[r].allocation = arms.allocation
                }
            }
            var opeByName: [String: OffPolicyAccumulator] = [:]
            for (i, name) in opeTargets.enumerated() { opeByName[name] = ope[i] }
            seedRuns.append(SeedRun(seed: seed, policies: runs, windowEvents: windowEvents, ope: opeByName, logging: logging,
                                    seconds: seconds(since: started)))
        }
        progress?.finish()
        return SimulationResult(settings: settings, names: names, specs: specs, windowSize: window, seeds: seedRuns,
                                staticNames: staticNames, opeTargets: opeTargets)
    }

    private func seconds(since t: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9 }

    /// Scores the block's pools with model `m` (in parallel over events).
    private func score(model m: Int, block: EventBlock) {
        let total = block.offsets[block.count]
        if block.scores[m].count != total { block.scores[m] = [Float](repeating: 0, count: total) }
        let scorer = models[m].scorer
        let grain = max(1, 65_536 / max(1, total / max(1, block.count)))
        block.users.withUnsafeBufferPointer { users in
        block.offsets.withUnsafeBufferPointer { offsets in
        block.pool.withUnsafeBufferPointer { pool in
        block.scores[m].withUnsafeMutableBufferPointer { out in
            let p = UnsafeSendable((users.baseAddress!, offsets.baseAddress!, pool.baseAddress!, out.baseAddress!))
            parallelFor(block.count, threads: settings.threads, grain: grain) { range, _ in
                let (u, o, pl, s) = p.value
                scorer.score(events: range, users: u, offsets: o, pool: pl, into: s)
            }
        }}}}
    }

    private func makeRunner(_ spec: PolicySpec, context: RunContext, poolCapacity: Int, windows: Int) throws -> Runner {
        let tau = Double(settings.decayEvents)
        switch spec {
        case let .arms(strategy, arms):
            return ArmRunner(strategy: strategy, arms: try arms.map { try makeRunner($0, context: context, poolCapacity: poolCapacity, windows: windows) },
                             armEpsilon: settings.armEpsilon, userIds: stream.data.users.externalIds, windowSize: windowSize, windows: windows)
        case let .exploring(base, epsilon, decay):
            return RankerRunner(ranker: try makeRanker(base, context: context, poolCapacity: poolCapacity), epsilon: epsilon, decay: decay,
                                tau: tau, k: context.k)
        default:
            return RankerRunner(ranker: try makeRanker(spec, context: context, poolCapacity: poolCapacity), tau: tau, k: context.k)
        }
    }

    private func makeRanker(_ spec: PolicySpec, context: RunContext, poolCapacity: Int) throws -> Ranker {
        switch spec {
        case .random: return RandomRanker(k: context.k)
        case let .model(name):
            guard let m = context.modelIndex(name) else { throw SimulationError.missingModel(policy: name, model: name) }
            return StaticRanker(context: context, model: m)
        case let .learner(learner):
            switch learner {
            case .onlinePopularity: return OnlinePopularityRanker(context: context, warm: false, poolCapacity: poolCapacity)
            case .onlinePopularityWarm: return OnlinePopularityRanker(context: context, warm: true, poolCapacity: poolCapacity)
            case .itemEGreedy: return ItemEGreedyRanker(context: context, poolCapacity: poolCapacity)
            case .alsOnline:
                guard let m = context.modelIndex("als"), let als = context.models[m].als else {
                    throw SimulationError.missingModel(policy: spec.description, model: "als")
                }
                return ALSOnlineRanker(context: context, als: als, poolCapacity: poolCapacity)
            }
        case .exploring, .arms:
            throw SimulationError.badPolicy(name: spec.description, reason: "exploration and bandits cannot be nested", known: [])
        }
    }

    /// The off-policy pass over a block: the logging policy (popularity with its own ε coin) makes the
    /// log, and each static target is weighed against it.
    private func offPolicy(block b: EventBlock, context: RunContext, specs: [PolicySpec], targets: [String],
                           into ope: inout [OffPolicyAccumulator], logging: inout LoggingCounts) {
        let k = context.k
        let eps = settings.opeEpsilon
        let targetSpecs = targets.map { name in specs.first { $0.description == name }! }
        let tau = Double(settings.decayEvents)
        b.keys.withUnsafeBufferPointer { keys in
            for e in 0..<b.count {
                let r = b.range(e)
                let kp = keys.baseAddress! + r.lowerBound
                let randomHit = Slate.randomHoldsLogged(keys: kp, count: r.count, k: k)
                let q = Double(min(k, r.count)) / Double(r.count)   // P(random slate holds the logged movie)
                func modelHit(_ m: Int) -> Bool {
                    let source = context.warmUser[Int(b.users[e])] ? m : context.popularity
                    return b.scores[source].withUnsafeBufferPointer {
                        Slate.holdsLogged(scores: $0.baseAddress! + r.lowerBound, keys: kp, count: r.count, k: k)
                    }
                }
                let popHit = modelHit(context.popularity)
                let explore = unit(mix64(b.aux[e] ^ 0x0FF_F011C7)) < eps
                let a = explore ? randomHit : popHit
                let pi1 = (1 - eps) * (popHit ? 1 : 0) + eps * q
                let propensity = a ? pi1 : 1 - pi1
                let reward = a && b.positive[e]
                logging.events += 1
                if a { logging.shown += 1 }
                if reward { logging.clicks += 1 }
                for (t, spec) in targetSpecs.enumerated() {
                    func hit(_ s: PolicySpec) -> Bool {
                        switch s {
                        case .random: return randomHit
                        case let .model(name): return modelHit(context.modelIndex(name)!)
                        default: return false
                        }
                    }
                    var target: Double
                    switch spec {
                    case let .exploring(base, epsilon, decay):
                        let et = RankerRunner.epsilon(epsilon, decay: decay, tau: tau, t: b.start + e)
                        target = (1 - et) * (hit(base) ? 1 : 0) + et * q
                    default:
                        target = hit(spec) ? 1 : 0
                    }
                    ope[t].add(loggedAction: a, propensity: propensity, reward: reward, targetProbability: target)
                }
            }
        }
    }
}
