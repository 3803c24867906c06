import ArgumentParser
import Foundation
import MarqueeCLI
import Simulation
import Workspace

/// `marquee simulate`: replay the ratings after the time cut as a live stream for every policy, and set
/// the online reward beside the offline metrics of the same models.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Replay the logged ratings as a live stream: bandits, A/B tests, offline against online.",
        discussion: """
        Models train on the ratings before the time cut (simulation.time_cut, a quantile of all timestamps); \
        the later ratings are replayed in (timestamp, file line) order, each one a visit of its user. A policy \
        ranks a pool (the logged movie plus N - 1 movies the user had not rated yet, or every unseen movie \
        with --pool all) and shows the top --slate; a click is the logged movie in the slate with a rating at \
        or above the threshold. Policies learn only from what they showed. Pools, tie-breaks and exploration \
        coins are drawn once per event from the seed and shared, so differences between policies are paired. \
        Prints per policy events, clicks, CTR with a 95 % interval, CTR of users with and without a history \
        before the cut, regret against the best static policy in hindsight and the difference against \
        --control; the A/B tests; the offline (full-ranking NDCG@10) and online orders side by side; and the \
        off-policy estimates. Policies: random, popularity, any model kind, online-popularity[-warm], \
        als-online, item-egreedy, X+eps0.1[/decay], ab:A:B, egreedy:A:B…, ucb1:A:B…, thompson:A:B…. \
        Defaults come from the simulation: section of config.yaml. The run is saved for `marquee report` \
        and the server.
        """
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "Comma-separated policies (default: simulation.policies, 16 of them).")
    var policies: String?

    @Option(help: "Candidates per event: an integer N ≥ 2 (the logged movie and N - 1 unseen ones) or 'all'.")
    var pool: String?

    @Option(help: "Movies shown per event.")
    var slate: Int?

    @Option(help: "Comma-separated seeds: one full replay each (mean and band across them).")
    var seeds: String?

    @Option(help: "The policy every other is compared with, event by event (one of the policies run).")
    var control: String?

    @Option(help: "Also write simulation.json, series.csv and the SVG charts to this folder.", completion: .directory)
    var out: String?

    @Flag(help: "Print the run as one JSON object instead of the tables.")
    var json = false

    func settings() throws -> MarqueeConfig {
        var config = try common.loadConfig()
        if let policies {
            let names = nameList(policies)
            guard !names.isEmpty else { throw ValidationError("--policies must name at least one policy") }
            config.set(\.simulation.policies, names, flag: "--policies")
        }
        if let pool {
            guard let size = PoolSize(pool) else { throw ValidationError("--pool must be an integer ≥ 2 or 'all', got '\(pool.prefix(50))'") }
            config.set(\.simulation.pool, size, flag: "--pool")
        }
        config.set(\.simulation.slate, slate, flag: "--slate")
        if let seeds {
            let parts = seeds.split(separator: ",", omittingEmptySubsequences: false).map { UInt64($0.trimmingCharacters(in: .whitespaces)) }
            guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else {
                throw ValidationError("--seeds must be comma-separated non-negative integers, got '\(seeds.prefix(50))'")
            }
            config.set(\.simulation.seeds, parts.map { $0! }, flag: "--seeds")
        }
        config.set(\.simulation.control, control, flag: "--control")
        try config.validate()
        return config
    }

    func run() throws {
        let config = try settings()
        let workspace = try common.openWorkspace(config)
        let run = try workspace.simulate()
        if let out { try SimulationOutput.write(run, to: URL(fileURLWithPath: out)) }
        if json {
            print(String(decoding: try SimulationReport.encoder(pretty: true).encode(run.report), as: UTF8.self))
        } else {
            print(SimulationTables.render(run.report))
            if let out { print("wrote simulation.json, series.csv and the charts to \(out)") }
        }
    }
}

/// The tables `marquee simulate` prints.
enum SimulationTables {
    static func percent(_ x: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f %%", 100 * x) }
    static func signed(_ x: Double) -> String { String(format: "%+.2f", 100 * x) }

    static func render(_ r: SimulationReport) -> String {
        let c = r.config
        var lines: [String] = []
        lines.append("Simulation of \(c.dataset): \(c.events) events after the cut at quantile \(c.timeCut) "
                     + "(\(c.positiveEvents) positives; \(c.warmEvents) from users with a history before the cut, "
                     + "\(c.coldEvents) from \(c.coldUsers) of \(c.streamUsers) users without), pool \(c.pool), slate \(c.slate), "
                     + "seeds \(c.seeds.map(String.init).joined(separator: ",")), \(String(format: "%.1f", r.seconds)) s")
        lines.append("")
        var rows = [["policy", "events", "clicks", "CTR", "95 % CI", "CTR warm", "CTR cold", "regret", "vs \(c.control) (pp)", "events/s"]]
        for name in r.order {
            guard let p = r.policies[name] else { continue }
            rows.append([
                name, "\(p.events)", "\(p.clicks)", percent(p.ctr), "\(percent(p.ctrLow)) – \(percent(p.ctrHigh))",
                p.ctrWarm.map { percent($0) } ?? "–", p.ctrCold.map { percent($0) } ?? "–",
                p.regret.map { String(format: "%.0f", $0) } ?? "–",
                p.vsControl.map { "\(signed($0.diff)) [\(signed($0.low)), \(signed($0.high))]" } ?? "control",
                String(format: "%.0f", p.eventsPerSecond),
            ])
        }
        lines += table(rows, left: 1)
        if let best = r.bestStatic { lines.append("regret: clicks behind \(best), the best static policy in hindsight (per seed)") }
        if let ab = r.ab, !ab.isEmpty {
            lines.append("")
            lines.append("A/B tests (users split by a hash of their id)")
            var rows = [["test", "arm", "users", "events", "CTR", "diff (pp)", "95 % CI", "z", "p", "n per arm for 80 % power"]]
            for name in ab.keys.sorted() {
                let t = ab[name]!
                for arm in t.arms {
                    let cmp = t.comparisons.first { $0.arm == arm.name }
                    rows.append([name, arm.name, "\(arm.users)", "\(arm.events)", percent(arm.ctr),
                                 cmp.map { signed($0.diff) } ?? "baseline", cmp.map { "[\(signed($0.low)), \(signed($0.high))]" } ?? "",
                                 cmp.map { String(format: "%.2f", $0.z) } ?? "", cmp.map { String(format: "%.3g", $0.pValue) } ?? "",
                                 cmp.map { $0.sampleSizePerArm.map(String.init) ?? "–" } ?? ""])
                }
            }
            lines += table(rows, left: 2)
        }
        if let orders = r.orders, let offline = r.offline {
            lines.append("")
            lines.append("Offline against online: full-ranking NDCG@\(orders.k) and HR@\(orders.k) of \(orders.users) users of the streamed period, CTR with pool \(orders.pool)")
            var rows = [["rank", "offline", "NDCG@\(orders.k)", "HR@\(orders.k)", "online", "CTR"]]
            for i in 0..<max(orders.offlineOrder.count, orders.onlineOrder.count) {
                let off = i < orders.offlineOrder.count ? orders.offlineOrder[i] : ""
                let on = i < orders.onlineOrder.count ? orders.onlineOrder[i] : ""
                rows.append(["\(i + 1)", off, offline[off].map { String(format: "%.4f", $0.ndcg) } ?? "",
                             offline[off].map { String(format: "%.4f", $0.hitRate) } ?? "", on, r.policies[on].map { percent($0.ctr) } ?? ""])
            }
            lines += table(rows, left: 2)
            lines.append(orders.offlineOrder == orders.onlineOrder ? "the two orders agree" : "the two orders differ")
        }
        if let ope = r.ope, !ope.targets.isEmpty {
            lines.append("")
            lines.append("Off-policy estimates from a log of \(ope.logging) (logged CTR \(percent(ope.loggingCtr))): estimate (error against the value measured by running the policy)")
            var rows = [["target", "measured", "IPS", "SNIPS", "DR"]]
            for name in ope.targets.keys.sorted() {
                let e = ope.targets[name]!
                func cell(_ v: Double, _ err: Double) -> String { "\(percent(v, 3)) (\(String(format: "%+.3f", 100 * err)))" }
                rows.append([name, percent(e.measured, 3), cell(e.ips, e.ipsError), cell(e.snips, e.snipsError), cell(e.dr, e.drError)])
            }
            lines += table(rows, left: 1)
        }
        return lines.joined(separator: "\n")
    }

    /// Columns padded to their widest cell; the first `left` columns left-aligned, the rest right-aligned.
    static func table(_ rows: [[String]], left: Int) -> [String] {
        guard let header = rows.first else { return [] }
        let widths = (0..<header.count).map { col in rows.map { $0[col].count }.max() ?? 0 }
        func line(_ row: [String]) -> String {
            row.enumerated().map { col, cell in
                let pad = String(repeating: " ", count: widths[col] - cell.count)
                return col < left ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        return [line(header), String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1))] + rows.dropFirst().map(line)
    }
}
