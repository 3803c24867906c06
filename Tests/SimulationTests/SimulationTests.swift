import Dataset
import Foundation
import Models
import Support
import Testing
@testable import Simulation

/// A small random dataset: 60 users, 80 movies, timestamps spread so that a fifth comes after the cut.
func smallData(seed: UInt64 = 7) -> Interactions {
    var g = SeededGenerator(seed: seed)
    var table = RatingTable()
    for u in 1...60 {
        for _ in 0..<(5 + g.nextInt(below: 25)) {
            let m = Int32(1 + g.nextInt(below: 80))
            let popular = m <= 20
            let rating: Float = popular ? (g.nextDouble() < 0.8 ? 4.5 : 2) : (g.nextDouble() < 0.4 ? 4 : 1.5)
            table.append(user: Int32(u), movie: m, rating: rating, timestamp: Int64(1000 + g.nextInt(below: 100_000)))
        }
    }
    return Interactions.build(from: table, threshold: 4).0
}

func simulator(_ stream: ReplayStream, pool: Int = 20, slate: Int = 3, seeds: [UInt64] = [1], threads: Int = 1, window: Int = 0) throws -> Simulator {
    var s = SimulationSettings()
    s.pool = .sampled(pool); s.slate = slate; s.seeds = seeds; s.threads = threads; s.window = window
    let popularity = StaticModel(name: "popularity", model: Popularity(training: stream.train))
    return try Simulator(stream: stream, models: [popularity], settings: s)
}

@Test func poolsHoldTheLoggedMovieAndNothingSeen() throws {
    let stream = try ReplayStream(data: smallData(), quantile: 0.8)
    let block = EventBlock(capacity: stream.count, poolCapacity: stream.count * 20, models: 1)
    block.fill(stream: stream, seed: 3, start: 0, count: stream.count, pool: .sampled(20), threads: 2,
               scratch: PoolScratch(workers: 2, items: stream.data.itemCount))
    // Seen movies, recomputed by brute force from the timestamps and the stream order.
    let m = stream.data.byUser
    for e in 0..<stream.count {
        let u = Int(stream.users[e])
        let pool = Array(block.pool[block.range(e)])
        #expect(pool[0] == stream.items[e])
        #expect(Set(pool).count == pool.count)
        var seen = Set<Int32>()
        for p in m.range(ofRow: u) where m.timestamps[p] <= stream.cutTimestamp || (Int(stream.order[p]) < e) { seen.insert(m.columnIndex[p]) }
        #expect(seen.isDisjoint(with: pool))
        #expect(pool.count == min(20, stream.data.itemCount - seen.count))
    }
}

@Test func randomHitsSlateOverPoolAndStaticRewardIsItsSampledHitRate() throws {
    let stream = try ReplayStream(data: smallData(), quantile: 0.5)
    let sim = try simulator(stream, pool: 10, slate: 2, seeds: [1, 2, 3, 4, 5, 6, 7, 8])
    let result = try sim.run([.model("popularity"), .random])
    let report = SimulationReport(result: result, stream: stream, dataset: "t", timeCut: 0.5, seconds: 0)
    // random: each positive event is a hit with probability slate/pool (pools here are full: 10 movies).
    let expected = Double(stream.positiveEvents) / Double(stream.count) * 2 / 10
    let r = report.policies["random"]!
    let se = (expected * (1 - expected) / Double(r.events)).squareRoot()
    #expect(abs(r.ctr - expected) < 4 * se)
    // popularity: recompute each event's hit from the same pools by sorting (score, tie key).
    let counts = Popularity(training: stream.train).counts
    var hits = 0
    for seed: UInt64 in [1, 2, 3, 4, 5, 6, 7, 8] {
        let block = EventBlock(capacity: stream.count, poolCapacity: 0, models: 1)
        block.fill(stream: stream, seed: seed, start: 0, count: stream.count, pool: .sampled(10), threads: 1,
                   scratch: PoolScratch(workers: 1, items: stream.data.itemCount))
        for e in 0..<stream.count where stream.ratings[e] >= 4 {
            let slots = Array(block.range(e))
            let ranked = slots.sorted { (counts[Int(block.pool[$0])], block.keys[$0]) > (counts[Int(block.pool[$1])], block.keys[$1]) }
            if ranked.prefix(2).contains(slots[0]) { hits += 1 }
        }
    }
    #expect(report.policies["popularity"]!.clicks == hits)
}

@Test func zeroEpsilonIsTheBaseEventForEventAndBestStaticHasNoRegret() throws {
    let stream = try ReplayStream(data: smallData(), quantile: 0.6)
    let sim = try simulator(stream, window: 1)
    let specs: [PolicySpec] = [.model("popularity"), .exploring(.model("popularity"), epsilon: 0, decay: false), .random,
                               .learner(.onlinePopularity), .exploring(.learner(.onlinePopularity), epsilon: 0, decay: true)]
    let result = try sim.run(specs)
    let runs = result.seeds[0].policies
    #expect(runs[0].windowClicks == runs[1].windowClicks)
    #expect(runs[3].windowClicks == runs[4].windowClicks)
    let report = SimulationReport(result: result, stream: stream, dataset: "t", timeCut: 0.6, seconds: 0)
    let best = report.bestStatic!
    #expect(report.policies[best]!.regret == 0)
    #expect(report.policies.values.filter { $0.kind == "static" }.allSatisfy { $0.regret! >= 0 })
}

/// An arm whose click probability is known.
final class CoinArm: Runner {
    let p: Double
    var g: SeededGenerator
    init(p: Double, seed: UInt64) { self.p = p; g = SeededGenerator(seed: seed) }
    func step(_ b: EventBlock, _ e: Int) -> Bool { g.nextDouble() < p }
}

@Test(arguments: [PolicySpec.ArmStrategy.ucb1, .thompson])
func armBanditsConcentrateOnTheBetterArm(_ strategy: PolicySpec.ArmStrategy) {
    let n = 20_000
    let block = EventBlock(capacity: n, poolCapacity: 0, models: 0)
    block.count = n
    for e in 0..<n { block.aux[e] = mix64(UInt64(e) ^ 99) }
    let bandit = ArmRunner(strategy: strategy, arms: [CoinArm(p: 0.1, seed: 1), CoinArm(p: 0.2, seed: 2)], armEpsilon: 0.1,
                           userIds: [], windowSize: n, windows: 1)
    for e in 0..<n { _ = bandit.step(block, e) }
    #expect(Double(bandit.pulls[1]) / Double(n) > 0.85)
}

@Test func ipsIsUnbiasedOnASyntheticLog() {
    // 2,000 events with known positives and a known target action; logging = ε-greedy over a "popularity"
    // action with a random-slate probability q of showing the logged movie.
    var g = SeededGenerator(seed: 5)
    let n = 2000
    let positive = (0..<n).map { _ in g.nextDouble() < 0.5 }
    let popHit = (0..<n).map { _ in g.nextDouble() < 0.3 }
    let target = (0..<n).map { _ in g.nextDouble() < 0.6 }
    let truth = Double(zip(positive, target).filter { $0 && $1 }.count) / Double(n)
    let eps = 0.2, q = 0.1
    var estimates: [Double] = [], errors: [Double] = []
    for seed in 0..<200 {
        var rng = SeededGenerator(seed: UInt64(seed) + 100)
        var acc = OffPolicyAccumulator()
        for e in 0..<n {
            let explore = rng.nextDouble() < eps
            let a = explore ? rng.nextDouble() < q : popHit[e]
            let pi1 = (1 - eps) * (popHit[e] ? 1 : 0) + eps * q
            acc.add(loggedAction: a, propensity: a ? pi1 : 1 - pi1, reward: a && positive[e], targetProbability: target[e] ? 1 : 0)
        }
        estimates.append(acc.ips); errors.append(acc.ipsStandardError)
    }
    let mean = estimates.reduce(0, +) / Double(estimates.count)
    let se = errors.reduce(0, +) / Double(errors.count) / Double(estimates.count).squareRoot()
    #expect(abs(mean - truth) < 3 * se)
}

@Test func sameSeedSameJSONWithOneOrTwoThreads() throws {
    let stream = try ReplayStream(data: smallData(), quantile: 0.7)
    let specs: [PolicySpec] = [.model("popularity"), .random, .learner(.onlinePopularity), .learner(.itemEGreedy),
                               .arms(.ab, [.model("popularity"), .random]), .arms(.thompson, [.model("popularity"), .random]),
                               .arms(.ucb1, [.model("popularity"), .learner(.onlinePopularityWarm)]),
                               .arms(.egreedy, [.model("popularity"), .random])]
    var texts: [String] = []
    for threads in [1, 2] {
        let result = try simulator(stream, seeds: [4, 5], threads: threads).run(specs)
        var report = SimulationReport(result: result, stream: stream, dataset: "t", timeCut: 0.7, seconds: 0)
        for name in report.policies.keys { report.policies[name]!.eventsPerSecond = 0 }
        texts.append(String(decoding: try SimulationReport.encoder().encode(report), as: UTF8.self))
    }
    #expect(texts[0] == texts[1])
}

@Test func statisticsMatchHandComputedValues() {
    // Two-proportion test: 100/1000 vs 130/1000.
    let t = ClickStatistics.twoProportion(clicksA: 100, eventsA: 1000, clicksB: 130, eventsB: 1000)
    #expect(abs(t.diff - 0.03) < 1e-12)
    let pooled = 0.115, se = (pooled * (1 - pooled) * 0.002).squareRoot()
    #expect(abs(t.z - 0.03 / se) < 1e-9)
    // Sample size for 0.10 vs 0.13: (1.95996·√(2·0.115·0.885) + 0.84162·√(0.09 + 0.1131))² / 0.03² = 1773.97 → 1,774 per arm.
    #expect(ClickStatistics.sampleSize(pa: 0.10, pb: 0.13) == 1774)
    // Paired: d = (1, 0, -1, 1): mean 0.25, sample variance (3 − 4·0.0625)/3.
    let d = ClickStatistics.pairedDifference(clicks: 2, controlClicks: 1, both: 0, events: 4)
    #expect(abs(d.diff - 0.25) < 1e-12)
    #expect(abs((d.high - d.low) / 2 - ClickStatistics.z95 * ((3 - 0.25) / 3 / 4).squareRoot()) < 1e-12)
}

@Test func policyNamesRoundTrip() throws {
    let models = ["popularity", "als", "neumf"]
    for text in ["random", "als", "als+eps0.1", "als+eps0.1/decay", "online-popularity-warm", "ab:popularity:als", "thompson:als:neumf+eps0.05"] {
        #expect(try PolicySpec.parse(text, models: models).description == text)
    }
    #expect(throws: SimulationError.self) { try PolicySpec.parse("bogus", models: models) }
    #expect(throws: SimulationError.self) { try PolicySpec.parse("ucb1:als", models: models) }
    #expect(throws: SimulationError.self) { try PolicySpec.parse("als+eps2", models: models) }
}
