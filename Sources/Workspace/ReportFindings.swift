import Evaluation
import Foundation

/// The report's findings: short sentences computed from one run's numbers, never fixed text. Each
/// sentence is written only when the numbers it needs are there.
public enum ReportFindings {
    /// The findings of `report`, in page order: data, models, vector search, online.
    public static func sentences(_ report: Report) -> [String] {
        var out: [String] = []
        let d = report.data
        out.append("The top 1 % of movies take \(percent(d.top1Share)) of the positives and the top 10 % take \(percent(d.top10Share)) (Gini \(fixed(d.gini, 2))); \(d.moviesWithoutPositives) of \(d.items) rated movies have no positive at all.")

        let e = report.evaluation
        let k = e.k
        let full = e.order.compactMap { name -> (String, RankingMetrics)? in e.models[name]?.fullMetrics.map { (name, $0) } }
        if let best = full.max(by: { $0.1.ndcg < $1.1.ndcg }) {
            if let pop = full.first(where: { $0.0 == ModelKind.popularity.rawValue }), best.0 != pop.0, best.1.ndcg > 0 {
                let share = pop.1.ndcg / best.1.ndcg
                out.append("Popularity reaches \(percent(share)) of the NDCG@\(k) of the best model, \(best.0) (\(fixed(pop.1.ndcg, 4)) against \(fixed(best.1.ndcg, 4))), but covers \(percent(pop.1.coverage)) of the catalogue against \(percent(best.1.coverage)).")
            } else if full.count > 1 {
                out.append("\(best.0) ranks best offline, NDCG@\(k) \(fixed(best.1.ndcg, 4)).")
            } else if best.0 == ModelKind.popularity.rawValue {
                out.append("Popularity alone reaches NDCG@\(k) \(fixed(best.1.ndcg, 4)), covering \(percent(best.1.coverage)) of the catalogue.")
            }
        }
        let beyond = full.compactMap { name, m in m.beyondAccuracy.map { (name, $0) } }
        if beyond.count > 1, let personal = beyond.min(by: { $0.1.arp < $1.1.arp }), let popular = beyond.max(by: { $0.1.arp < $1.1.arp }),
           personal.0 != popular.0 {
            out.append("\(personal.0) recommends the least popular movies (ARP \(compact(personal.1.arp)) train positives, \(percent(personal.1.tailShare)) from the long tail); \(popular.0) the most (ARP \(compact(popular.1.arp)), \(percent(popular.1.tailShare)) from the tail).")
        }
        if let sampled = report.evaluationSampled {
            let bestFull = full.max(by: { $0.1.ndcg < $1.1.ndcg })?.0
            let bestSampled = sampled.order.compactMap { name in sampled.models[name].map { (name, $0.ndcg) } }.max(by: { $0.1 < $1.1 })?.0
            if let bestFull, let bestSampled {
                out.append(bestFull == bestSampled
                           ? "Both protocols agree on the best model: \(bestFull) (full ranking and leave-one-out among \(sampled.negatives ?? 0) sampled negatives)."
                           : "The protocols disagree: \(bestFull) ranks best over the full catalogue, \(bestSampled) among \(sampled.negatives ?? 0) sampled negatives (Krichene & Rendle 2020).")
            }
        }
        if let curves = e.curves, let best = full.max(by: { $0.1.ndcg < $1.1.ndcg }), let c = curves[best.0], let last = c.recall.last {
            let at10 = c.recall.count >= 10 ? c.recall[9] : nil
            out.append("Recall of \(best.0) grows from \(percent(c.recall[0])) at K = 1\(at10.map { " to \(percent($0)) at K = 10" } ?? "") and \(percent(last)) at K = \(c.k.last ?? 0).")
        }

        if let v = report.vectorSearch {
            if let good = v.points.first(where: { $0.recall >= 0.95 }) {
                out.append("The HNSW index of \(v.model) finds \(percent(good.recall)) of the exact 10 nearest movies at ef \(good.ef), at \(compact(good.qps)) queries/s: \(compact(good.qps / v.exactQPS))× the exact scan of \(v.items) movies.")
            } else if let best = v.points.max(by: { $0.recall < $1.recall }) {
                out.append("The HNSW index of \(v.model) reaches at most \(percent(best.recall)) recall@10 (ef \(best.ef)), at \(compact(best.qps)) queries/s against \(compact(v.exactQPS)) for the exact scan.")
            }
        }
        if let rows = e.retrieval, !rows.isEmpty {
            let losses = rows.compactMap { row in row.ndcgLoss.map { (row, $0) } }
            if let worst = losses.max(by: { $0.1 < $1.1 }), worst.1 < 0.0005 {
                out.append("Retrieving candidates through HNSW instead of exactly costs no measurable NDCG@\(k) at any ef measured (worst: \(worst.0.model) at ef \(worst.0.ef ?? 0), \(String(format: "%+.3f", worst.1 * 100)) %).")
            } else if let worst = losses.max(by: { $0.1 < $1.1 }) {
                out.append("Retrieving candidates through HNSW instead of exactly costs at most \(percent(worst.1)) of NDCG@\(k) (\(worst.0.model), ef \(worst.0.ef ?? 0)).")
            }
        }

        if let s = report.simulation, let online = s.policies.first {
            let pool = s.pool.map { " (pool \($0))" } ?? ""
            if let offline = s.offline.first {
                let staticOnline = s.policies.first { p in s.offline.contains { $0.model == p.name } }
                var sentence = "Offline, \(offline.model) ranks the streamed period best (NDCG@10 \(fixed(offline.ndcg, 4))); online\(pool), the best policy is \(online.name) with CTR \(percent(online.ctr))"
                if let staticOnline, staticOnline.name != offline.model {
                    sentence += ", and among the static models \(staticOnline.name) earns most: offline gains do not carry over online here."
                } else {
                    sentence += "."
                }
                out.append(sentence)
            } else {
                out.append("Online\(pool), the best policy is \(online.name) with CTR \(percent(online.ctr)).")
            }
        }
        return out
    }

    static func percent(_ share: Double) -> String {
        let value = share * 100
        return (value >= 10 ? String(format: "%.0f", value) : value >= 1 ? String(format: "%.1f", value) : String(format: "%.2f", value)) + " %"
    }

    static func fixed(_ x: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", x) }

    static func compact(_ x: Double) -> String {
        x >= 100 ? String(format: "%.0f", x) : x >= 10 ? String(format: "%.1f", x) : String(format: "%.2f", x)
    }
}
