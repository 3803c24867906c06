import Foundation

/// The summary of a simulation: what `marquee simulate --json` prints and `simulation.json` holds.
///
/// Keys are snake_case in JSON (`ctr_low`, `vs_control`). Figures over several seeds pool the seeds'
/// events (a CTR is all clicks over all events; intervals use every event); `ctr_seeds` lists each seed's.
public struct SimulationReport: Codable, Sendable, Equatable {
    /// The run's settings and the stream's counts.
    public struct Config: Codable, Sendable, Equatable {
        public var dataset: String
        public var timeCut: Double
        public var cutTimestamp: Int64
        public var pool: PoolSize
        public var slate: Int
        public var seeds: [UInt64]
        public var control: String
        public var threshold: Float
        public var window: Int
        public var events: Int
        public var positiveEvents: Int
        public var warmEvents: Int
        public var coldEvents: Int
        public var streamUsers: Int
        public var coldUsers: Int
        public var trainRatings: Int
        public var items: Int
        public var policies: [String]
        public var armEpsilon: Double
        public var banditEpsilon: Double
        public var decayEvents: Int
        public var opeEpsilon: Double
    }

    /// A paired difference against the control, with its 95 % interval.
    public struct Difference: Codable, Sendable, Equatable {
        public var diff: Double
        public var low: Double
        public var high: Double
    }

    /// One policy's figures.
    public struct Policy: Codable, Sendable, Equatable {
        /// `static`, `learner` or `arms`.
        public var kind: String
        public var events: Int
        public var clicks: Int
        public var ctr: Double
        public var ctrLow: Double
        public var ctrHigh: Double
        /// CTR on events of users with a positive before the cut, and of the others (nil without such events).
        public var ctrWarm: Double?
        public var ctrCold: Double?
        /// Cumulative reward: clicks per seed (mean over seeds).
        public var reward: Double
        /// Clicks the best static policy in hindsight got more, per seed (mean over seeds); nil without static policies.
        public var regret: Double?
        /// Paired difference of per-event rewards against the control (nil for the control itself).
        public var vsControl: Difference?
        public var ctrSeeds: [Double]
        /// Events per second of this policy on one thread (its steps, the pool draws and its models' scoring).
        public var eventsPerSecond: Double
        /// Arm bandits: share of the events each arm served.
        public var allocation: [String: Double]?
    }

    /// An A/B test's figures.
    public struct ABTest: Codable, Sendable, Equatable {
        public struct Arm: Codable, Sendable, Equatable {
            public var name: String
            public var users: Int
            public var events: Int
            public var clicks: Int
            public var ctr: Double
        }
        public struct Comparison: Codable, Sendable, Equatable {
            /// `arm` against `baseline` (the first arm): difference of CTRs, its 95 % interval, z, p-value.
            public var arm: String
            public var baseline: String
            public var diff: Double
            public var low: Double
            public var high: Double
            public var z: Double
            public var pValue: Double
            /// Events per arm to detect the observed difference at 5 % (two-sided) and 80 % power.
            public var sampleSizePerArm: Int?
        }
        public var arms: [Arm]
        public var comparisons: [Comparison]
    }

    /// Full-ranking metrics of a static model on the streamed period.
    public struct Offline: Codable, Sendable, Equatable {
        public var ndcg: Double
        public var hitRate: Double

        public init(ndcg: Double, hitRate: Double) {
            self.ndcg = ndcg
            self.hitRate = hitRate
        }
    }

    /// Offline and online orders side by side.
    public struct Orders: Codable, Sendable, Equatable {
        public var k: Int
        public var users: Int
        public var pool: PoolSize
        /// Static models by NDCG@K (best first), and by online CTR.
        public var offlineOrder: [String]
        public var onlineOrder: [String]
    }

    /// Off-policy estimates of one target.
    public struct Estimate: Codable, Sendable, Equatable {
        public var measured: Double
        public var ips: Double
        public var ipsStandardError: Double
        public var snips: Double
        public var dr: Double
        public var ipsError: Double
        public var snipsError: Double
        public var drError: Double
    }

    public struct OffPolicy: Codable, Sendable, Equatable {
        /// The logging policy, e.g. `popularity+eps0.1`.
        public var logging: String
        public var loggingCtr: Double
        public var rewardModel: Double
        public var targets: [String: Estimate]
    }

    public var config: Config
    public var policies: [String: Policy]
    /// Policy names in the order they were given.
    public var order: [String]
    public var bestStatic: String?
    public var ab: [String: ABTest]?
    public var offline: [String: Offline]?
    public var orders: Orders?
    public var ope: OffPolicy?
    public var seconds: Double

    /// A JSON encoder with the report's conventions (snake_case keys, sorted, pretty when asked).
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted] : [.sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }

    /// The matching decoder.
    public static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }
}

extension SimulationReport {
    /// Summarises `result` (plus the offline metrics, when measured).
    /// - Parameters:
    ///   - offline: model name → full-ranking NDCG@K / HR@K on the streamed period.
    ///   - offlineUsers: users those metrics averaged over.
    public init(result: SimulationResult, stream: ReplayStream, dataset: String, timeCut: Double,
                offline: [String: Offline]? = nil, offlineK: Int = 10, offlineUsers: Int = 0, seconds: Double) {
        let s = result.settings
        let seedCount = Double(result.seeds.count)
        let users = stream.userCounts
        let warmEvents = stream.warmEvents
        config = Config(dataset: dataset, timeCut: timeCut, cutTimestamp: stream.cutTimestamp, pool: s.pool, slate: s.slate, seeds: s.seeds,
                        control: s.control, threshold: stream.threshold, window: result.windowSize, events: stream.count,
                        positiveEvents: stream.positiveEvents, warmEvents: warmEvents, coldEvents: stream.count - warmEvents,
                        streamUsers: users.all, coldUsers: users.cold, trainRatings: stream.train.ratingCount, items: stream.data.itemCount,
                        policies: result.names, armEpsilon: s.armEpsilon, banditEpsilon: s.banditEpsilon, decayEvents: s.decayEvents,
                        opeEpsilon: s.opeEpsilon)
        order = result.names
        let control = result.names.firstIndex(of: s.control)!

        // Best static policy in hindsight: the most clicks over all seeds.
        var best: Int? = nil
        for (i, name) in result.names.enumerated() where result.staticNames.contains(name) {
            let c = result.seeds.reduce(0) { $0 + $1.policies[i].clicks }
            if best == nil || c > result.seeds.reduce(0, { $0 + $1.policies[best!].clicks }) { best = i }
        }
        bestStatic = best.map { result.names[$0] }

        var policies: [String: Policy] = [:]
        var abTests: [String: ABTest] = [:]
        for (i, name) in result.names.enumerated() {
            let runs = result.seeds.map { $0.policies[i] }
            let events = runs.reduce(0) { $0 + $1.events }, clicks = runs.reduce(0) { $0 + $1.clicks }
            let warmClicks = runs.reduce(0) { $0 + $1.warmClicks }
            let warmN = warmEvents * result.seeds.count, coldN = events - warmN
            let ci = ClickStatistics.wilson(clicks: clicks, events: events)
            var vs: Difference? = nil
            if i != control {
                let cc = result.seeds.reduce(0) { $0 + $1.policies[control].clicks }
                let both = runs.reduce(0) { $0 + $1.bothWithControl }
                let d = ClickStatistics.pairedDifference(clicks: clicks, controlClicks: cc, both: both, events: events)
                vs = Difference(diff: d.diff, low: d.low, high: d.high)
            }
            let regret = best.map { b in Double(result.seeds.reduce(0) { $0 + $1.policies[b].clicks } - clicks) / seedCount }
            let seconds = runs.reduce(0) { $0 + $1.seconds }
            var allocation: [String: Double]? = nil
            if !runs[0].armNames.isEmpty {
                var shares: [String: Double] = [:]
                let total = Double(runs.reduce(0) { $0 + $1.armPulls.reduce(0, +) })
                for (a, arm) in runs[0].armNames.enumerated() {
                    shares[arm] = Double(runs.reduce(0) { $0 + $1.armPulls[a] }) / max(1, total)
                }
                allocation = shares
                if case .arms(.ab, _) = result.specs[i] {
                    let arms = runs[0].armNames.enumerated().map { a, arm in
                        let n = runs.reduce(0) { $0 + $1.armPulls[a] }, c = runs.reduce(0) { $0 + $1.armClicks[a] }
                        return ABTest.Arm(name: arm, users: runs[0].armUsers[a], events: n, clicks: c, ctr: n > 0 ? Double(c) / Double(n) : 0)
                    }
                    let comparisons = arms.dropFirst().map { arm in
                        let t = ClickStatistics.twoProportion(clicksA: arms[0].clicks, eventsA: arms[0].events, clicksB: arm.clicks, eventsB: arm.events)
                        return ABTest.Comparison(arm: arm.name, baseline: arms[0].name, diff: t.diff, low: t.low, high: t.high, z: t.z, pValue: t.p,
                                                 sampleSizePerArm: ClickStatistics.sampleSize(pa: arms[0].ctr, pb: arm.ctr))
                    }
                    abTests[name] = ABTest(arms: arms, comparisons: Array(comparisons))
                }
            }
            policies[name] = Policy(
                kind: result.specs[i].kind, events: events, clicks: clicks, ctr: events > 0 ? Double(clicks) / Double(events) : 0,
                ctrLow: ci.low, ctrHigh: ci.high, ctrWarm: warmN > 0 ? Double(warmClicks) / Double(warmN) : nil,
                ctrCold: coldN > 0 ? Double(clicks - warmClicks) / Double(coldN) : nil, reward: Double(clicks) / seedCount, regret: regret,
                vsControl: vs, ctrSeeds: runs.map { $0.events > 0 ? Double($0.clicks) / Double($0.events) : 0 },
                eventsPerSecond: seconds > 0 ? Double(events) / seconds : 0, allocation: allocation)
        }
        self.policies = policies
        ab = abTests.isEmpty ? nil : abTests
        self.offline = offline
        if let offline, !offline.isEmpty {
            let names = offline.keys.sorted()
            let offlineOrder = names.sorted { (offline[$0]!.ndcg, $1) > (offline[$1]!.ndcg, $0) }
            let onlineOrder = names.filter { policies[$0] != nil }.sorted { (policies[$0]!.ctr, $1) > (policies[$1]!.ctr, $0) }
            orders = Orders(k: offlineK, users: offlineUsers, pool: s.pool, offlineOrder: offlineOrder, onlineOrder: onlineOrder)
        } else {
            orders = nil
        }
        if !result.opeTargets.isEmpty {
            var logging = LoggingCounts()
            for seed in result.seeds { logging.merge(seed.logging) }
            let rewardModel = logging.rewardModel
            var targets: [String: Estimate] = [:]
            for name in result.opeTargets {
                var acc = OffPolicyAccumulator()
                for seed in result.seeds { acc.merge(seed.ope[name]!) }
                let measured = policies[name]!.ctr
                let dr = acc.doublyRobust(rewardModel: rewardModel)
                targets[name] = Estimate(measured: measured, ips: acc.ips, ipsStandardError: acc.ipsStandardError, snips: acc.snips, dr: dr,
                                         ipsError: acc.ips - measured, snipsError: acc.snips - measured, drError: dr - measured)
            }
            ope = OffPolicy(logging: "popularity+eps\(PolicySpec.format(s.opeEpsilon))",
                            loggingCtr: logging.events > 0 ? Double(logging.clicks) / Double(logging.events) : 0,
                            rewardModel: rewardModel, targets: targets)
        } else {
            ope = nil
        }
        self.seconds = seconds
    }
}
