import Foundation
import Simulation
import Testing
@testable import Workspace
#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite struct SimulateTests {
    func settings() -> MarqueeConfig {
        var c = smallConfig()
        c.simulation.timeCut = 0.5
        c.simulation.pool = .sampled(5)
        c.simulation.slate = 2
        c.simulation.policies = ["random", "popularity", "als", "online-popularity", "thompson:popularity:als"]
        c.simulation.seeds = [1, 2]
        c.simulation.window = 4
        return c
    }

    @Test func aRunIsSavedAndItsSeriesAddsUpToItsTotals() throws {
        let root = try temporaryFolder("simulate")
        defer { try? FileManager.default.removeItem(at: root) }
        let workspace = try openTwoGroups(root, config: settings())
        let run = try workspace.simulate(threads: 1)
        let r = run.report
        #expect(r.order == ["random", "popularity", "als", "online-popularity", "thompson:popularity:als"])
        #expect(r.config.seeds == [1, 2])
        // Every event is replayed once per seed by every policy.
        for name in r.order { #expect(r.policies[name]?.events == 2 * r.config.events) }
        // The best static policy in hindsight has no regret.
        let best = try #require(r.bestStatic)
        #expect(r.policies[best]?.regret == 0)
        // The offline metrics of the static models trained before the cut.
        #expect(Set(r.offline?.keys.map { $0 } ?? []) == ["popularity", "als"])

        // series.csv: the last window's cumulative reward of each seed sums to the policy's clicks.
        let csv = SimulationOutput.csv(run).split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let windows = run.result.seeds[0].windowEvents.count
        #expect(csv.count == 2 * windows * r.order.count)
        for name in r.order {
            let last = csv.filter { $0[3] == Substring(name) && Int($0[1]) == windows - 1 }
            #expect(last.count == 2)
            #expect(last.map { Int($0[6])! }.reduce(0, +) == r.policies[name]!.clicks)
            #expect(last.allSatisfy { Int($0[2]) == r.config.events })
        }

        // Saved where `marquee report` and the server read it, with the charts beside it.
        let saved = try Data(contentsOf: workspace.store.reportURL(.simulation))
        let decoded = try SimulationReport.decoder().decode(SimulationReport.self, from: saved)
        #expect(decoded.policies.mapValues(\.clicks) == r.policies.mapValues(\.clicks))
        let folder = workspace.store.reportFolder("simulation")
        for name in ["reward.svg", "ctr.svg", "regret.svg", "allocation.svg", "series.csv"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path), "\(name)")
        }
        let svg = try XMLDocument(contentsOf: folder.appendingPathComponent("reward.svg"))
        #expect(svg.rootElement()?.name == "svg")
    }

    @Test func theSameSeedGivesTheSameFigures() throws {
        let root = try temporaryFolder("simulate-seed")
        defer { try? FileManager.default.removeItem(at: root) }
        let workspace = try openTwoGroups(root, config: settings())
        let a = try workspace.simulate(threads: 1).report, b = try workspace.simulate(threads: 2).report
        #expect(a.policies.mapValues(\.clicks) == b.policies.mapValues(\.clicks))
        #expect(a.policies.mapValues(\.regret) == b.policies.mapValues(\.regret))
        #expect(a.ope?.targets.mapValues(\.ips) == b.ope?.targets.mapValues(\.ips))
    }
}
