import Charts
import Dataset
import Evaluation
import Foundation
import Models
import Simulation
import Support

/// A finished `marquee simulate` run: the summary every front end shows, and the per-window series the
/// charts and `series.csv` are drawn from.
public struct SimulationRun: Sendable {
    /// What `--json` prints and `simulation.json` holds.
    public var report: SimulationReport
    /// Every seed's raw counts (windows, arms), before they were summarised.
    public var result: SimulationResult
}

extension Workspace {
    /// Replays the ratings after `config.simulation.time_cut` as a live stream for every policy of
    /// `config.simulation.policies`, with the static models trained on the ratings before the cut, and
    /// measures the same models offline (full-ranking NDCG@10 and HR@10 on the streamed period: the `time`
    /// split's test users) so both orders can be read side by side.
    ///
    /// The run is saved for `marquee report` and the server (`SavedReport.simulation`, charts in
    /// `store.reportFolder("simulation")`); a run that cannot be saved is still returned.
    /// - Parameter maxEvents: replay only the first events (nil: all).
    /// - Throws: `SimulationError` (unknown policy or control, bad setting), training errors.
    public func simulate(threads: Int = Threads.count, maxEvents: Int? = nil) throws -> SimulationRun {
        let section = config.simulation
        let start = DispatchTime.now().uptimeNanoseconds
        let stream = try ReplayStream(data: interactions, quantile: section.timeCut, maxEvents: maxEvents)
        let modelNames = ModelKind.allCases.map(\.rawValue)
        let specs = try section.policies.map { try PolicySpec.parse($0, models: modelNames) }
        var needed: [ModelKind] = [.popularity]
        for spec in specs { for name in spec.models { if let kind = ModelKind(rawValue: name), !needed.contains(kind) { needed.append(kind) } } }
        logger.info("stream: \(stream.count) events after the cut at quantile \(section.timeCut), \(stream.train.ratingCount) ratings before it")

        // The static models, trained on what came before the cut; the same models measured offline.
        let partition = try Split.time(interactions, quantile: section.timeCut)
        var models: [StaticModel] = []
        var offline: [String: SimulationReport.Offline] = [:]
        var offlineUsers = 0
        let offlineK = 10
        for kind in needed {
            logger.info("training \(kind) on the ratings before the cut")
            let trained = try kind.train(TrainingRequest(data: stream.train, config: config, threads: threads, logger: logger))
            let model = trained.model.recommender
            models.append(StaticModel(name: kind.rawValue, model: model))
            guard partition.testUserCount > 0 else { continue }
            let metrics = FullRankingProtocol(k: offlineK, batchSize: config.evaluation.batchSize)
                .evaluate(model, train: partition.train, test: partition.test,
                          progress: ProgressReporter("offline NDCG@\(offlineK) of \(kind)", total: 0))
            offline[kind.rawValue] = SimulationReport.Offline(ndcg: metrics.ndcg, hitRate: metrics.hitRate)
            offlineUsers = metrics.usersEvaluated
        }

        let simulator = try Simulator(stream: stream, models: models, settings: section.settings(threads: threads))
        let result = try simulator.run(specs, progress: ProgressReporter("replaying \(stream.count) events", total: 0))
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let report = SimulationReport(result: result, stream: stream, dataset: datasetName, timeCut: section.timeCut,
                                      offline: offline, offlineK: offlineK, offlineUsers: offlineUsers, seconds: seconds)
        let run = SimulationRun(report: report, result: result)
        do {
            try store.saveReport(SimulationReport.encoder().encode(report), as: .simulation)
            try SimulationOutput.write(run, to: store.reportFolder("simulation"), includeJSON: false)
        } catch {
            logger.warning("could not save the simulation under \(store.reportsDirectory.path): \(error)")
        }
        return run
    }
}

/// The files of a simulation: `simulation.json`, `series.csv` and the SVG charts.
public enum SimulationOutput {
    /// One row of the series: a window of events and one policy's figures in it.
    public struct Row: Sendable, Equatable {
        public var seed: UInt64
        public var window: Int
        /// Events replayed up to the end of this window.
        public var events: Int
        public var policy: String
        public var clicks: Int
        public var ctr: Double
        public var cumulativeReward: Int
        /// Clicks the best static policy in hindsight had by then, minus this policy's (nil: no static policy).
        public var regret: Int?
        /// Arm bandits: share of this window's events each arm served ("arm=share;…"; empty otherwise).
        public var allocation: String
    }

    /// The series, seed by seed, window by window, policy by policy.
    public static func rows(_ run: SimulationRun) -> [Row] {
        let best = run.report.bestStatic.flatMap { run.result.names.firstIndex(of: $0) }
        var rows: [Row] = []
        for seed in run.result.seeds {
            var cumulative = [Int](repeating: 0, count: seed.policies.count)
            var events = 0
            for (w, n) in seed.windowEvents.enumerated() {
                events += n
                for (i, p) in seed.policies.enumerated() { cumulative[i] += p.windowClicks[w] }
                for (i, p) in seed.policies.enumerated() {
                    var allocation = ""
                    if !p.armNames.isEmpty {
                        let arms = p.armNames.count
                        let pulls = (0..<arms).map { p.allocation[w * arms + $0] }
                        let total = max(1, pulls.reduce(0, +))
                        allocation = zip(p.armNames, pulls).map { "\($0)=\(String(format: "%.4f", Double($1) / Double(total)))" }
                            .joined(separator: ";")
                    }
                    rows.append(Row(seed: seed.seed, window: w, events: events, policy: p.name, clicks: p.windowClicks[w],
                                    ctr: n > 0 ? Double(p.windowClicks[w]) / Double(n) : 0, cumulativeReward: cumulative[i],
                                    regret: best.map { cumulative[$0] - cumulative[i] }, allocation: allocation))
                }
            }
        }
        return rows
    }

    /// `series.csv`: a header and one line per row (CSV-quoted where a field needs it).
    public static func csv(_ run: SimulationRun) -> String {
        func quote(_ s: String) -> String { s.contains(where: { ",\"\n".contains($0) }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s }
        var out = "seed,window,events,policy,clicks,ctr,cumulative_reward,regret,allocation\n"
        for r in rows(run) {
            out += "\(r.seed),\(r.window),\(r.events),\(quote(r.policy)),\(r.clicks),\(String(format: "%.6f", r.ctr)),\(r.cumulativeReward),"
            out += "\(r.regret.map(String.init) ?? ""),\(quote(r.allocation))\n"
        }
        return out
    }

    /// The charts, by file name: cumulative reward (mean across seeds, band from the lowest to the
    /// highest seed), CTR per window, regret against the best static policy, and the allocation share of
    /// the first arm bandit.
    public static func charts(_ run: SimulationRun) -> [(name: String, chart: Chart)] {
        let names = run.result.names
        let seeds = run.result.seeds
        guard let first = seeds.first, !first.windowEvents.isEmpty else { return [] }
        let windows = first.windowEvents.count
        var ends: [Double] = []
        var total = 0
        for n in first.windowEvents { total += n; ends.append(Double(total)) }
        let seedNote = seeds.count > 1 ? "Mean over \(seeds.count) seeds; bands span the lowest and the highest seed." : "One seed."
        func cumulative(_ seed: SeedRun, _ i: Int) -> [Double] {
            var c = 0.0
            return seed.policies[i].windowClicks.map { c += Double($0); return c }
        }
        var reward = Chart(title: "Cumulative reward", caption: seedNote, x: Axis("events"), y: Axis("clicks", includesZero: true))
        var ctr = Chart(title: "CTR per window", caption: "Windows of \(run.result.windowSize) events.", x: Axis("events"),
                        y: .percent("click-through rate", domain: nil))
        var regret = Chart(title: "Regret against \(run.report.bestStatic ?? "the best static policy")",
                           caption: "Clicks the best static policy in hindsight had minus the policy's. " + seedNote,
                           x: Axis("events"), y: Axis("regret (clicks)", includesZero: true))
        let best = run.report.bestStatic.flatMap { names.firstIndex(of: $0) }
        for (i, name) in names.enumerated() {
            let curves = seeds.map { cumulative($0, i) }
            let mean = (0..<windows).map { w in curves.reduce(0) { $0 + $1[w] } / Double(curves.count) }
            if seeds.count > 1 {
                reward.add(.band(name, x: ends, lower: (0..<windows).map { w in curves.map { $0[w] }.min()! },
                                 upper: (0..<windows).map { w in curves.map { $0[w] }.max()! }))
            }
            reward.add(.line(name, x: ends, y: mean))
            let rates = (0..<windows).map { w -> Double in
                let events = seeds.reduce(0) { $0 + $1.windowEvents[w] }, clicks = seeds.reduce(0) { $0 + $1.policies[i].windowClicks[w] }
                return events > 0 ? Double(clicks) / Double(events) : 0
            }
            ctr.add(.line(name, x: ends, y: rates))
            if let b = best {
                let gaps = seeds.map { s in zip(cumulative(s, b), cumulative(s, i)).map { $0 - $1 } }
                let meanGap = (0..<windows).map { w in gaps.reduce(0) { $0 + $1[w] } / Double(gaps.count) }
                if seeds.count > 1 {
                    regret.add(.band(name, x: ends, lower: (0..<windows).map { w in gaps.map { $0[w] }.min()! },
                                     upper: (0..<windows).map { w in gaps.map { $0[w] }.max()! }))
                }
                regret.add(.line(name, x: ends, y: meanGap))
            }
        }
        var out: [(String, Chart)] = [("reward", reward), ("ctr", ctr)]
        if best != nil { out.append(("regret", regret)) }
        if let bandit = first.policies.firstIndex(where: { !$0.armNames.isEmpty && !$0.name.hasPrefix("ab:") }) {
            let arms = first.policies[bandit].armNames
            var layers: [StackLayer] = []
            for (a, arm) in arms.enumerated() {
                let shares = (0..<windows).map { w -> Double in
                    let pulls = seeds.reduce(0) { $0 + $1.policies[bandit].allocation[w * arms.count + a] }
                    let all = seeds.reduce(0) { s, seed in s + (0..<arms.count).reduce(0) { $0 + seed.policies[bandit].allocation[w * arms.count + $1] } }
                    return all > 0 ? Double(pulls) / Double(all) : 0
                }
                layers.append(StackLayer(arm, values: shares))
            }
            out.append(("allocation", Chart(title: "Allocation of \(names[bandit])", caption: "Share of each window's events served by each arm.",
                                            x: Axis("events"), y: .percent("share of events"), marks: [.stack(x: ends, layers: layers)])))
        }
        return out
    }

    /// Publishes `simulation.json` (when `includeJSON`), `series.csv` and every chart as `NAME.svg` in
    /// `folder`, all at once (`AtomicDirectory`).
    /// - Returns: the files written.
    /// - Throws: `ArtifactError.writeFailed` and encoding errors.
    @discardableResult
    public static func write(_ run: SimulationRun, to folder: URL, includeJSON: Bool = true) throws -> [URL] {
        var names: [String] = []
        let json = try SimulationReport.encoder(pretty: true).encode(run.report)
        try AtomicDirectory.publish(to: folder) { staging in
            if includeJSON {
                try json.write(to: staging.appendingPathComponent("simulation.json"))
                names.append("simulation.json")
            }
            try csv(run).write(to: staging.appendingPathComponent("series.csv"), atomically: false, encoding: .utf8)
            names.append("series.csv")
            for (name, chart) in charts(run) {
                try chart.svg(includeStyle: true).write(to: staging.appendingPathComponent("\(name).svg"), atomically: false, encoding: .utf8)
                names.append("\(name).svg")
            }
        }
        return names.map { folder.appendingPathComponent($0) }
    }
}
