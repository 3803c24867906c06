import Charts
import Evaluation
import Foundation

/// The report's figures, drawn from its numbers: the Data section from a `DatasetAnalysis`, the Models
/// and Vector-search sections from plain per-model values. Data and drawing stay apart: Evaluation
/// computes, Charts draws, and this file — in the first target that sees both — maps one onto the other.
///
/// Models get palette colours by their position in the list given (the first model colour 0, …): pass
/// the models in the same order to every function and each keeps its colour across the report.
public enum ReportFigures {
    /// A figure with the file stem it is saved under (`NAME.svg`) and its caption.
    public struct NamedFigure: Sendable {
        /// File stem, e.g. `long-tail`.
        public var name: String
        /// The chart.
        public var figure: any SVGFigure
        /// One or two sentences for the page.
        public var caption: String
    }

    // MARK: - Data

    /// Every figure of the Data section, in page order.
    public static func data(_ a: DatasetAnalysis) -> [NamedFigure] {
        [
            NamedFigure(name: "ratings", figure: ratings(a), caption: "Every rating on half-star bins; ratings of \(Format.compact(Double(a.threshold))) stars and more are positives."),
            NamedFigure(name: "long-tail", figure: longTail(a),
                        caption: "Positives per movie against the movie's rank, both on log scales. The top 1 % of movies take \(percent(a.top1Share)) of positives, the top 10 % take \(percent(a.top10Share)); \(a.moviesWithoutPositives) rated movies have none (not drawn on a log axis)."),
            NamedFigure(name: "lorenz", figure: lorenz(a),
                        caption: "Share of positives held by the least-liked share of movies. The further below the diagonal, the more concentrated; Gini \(Format.fixed(a.gini, decimals: 3))."),
            NamedFigure(name: "user-activity", figure: userActivity(a),
                        caption: "Users by number of positives, on bins that double; the median user has \(Format.compact(a.medianUserPositives)) positives\(a.usersWithoutPositives > 0 ? ", \(a.usersWithoutPositives) users have none" : "")."),
            NamedFigure(name: "positives-over-time", figure: positivesOverTime(a),
                        caption: a.timeCut.map { "Positives per calendar month (UTC). The dashed line is the time split's cut at quantile \(Format.compact($0.quantile)): \(Format.compact(Double($0.positivesAfter))) positives come after it." }
                            ?? "Positives per calendar month (UTC)."),
        ]
    }

    /// The ratings histogram on half-star bins.
    public static func ratings(_ a: DatasetAnalysis) -> Chart {
        let bins = a.ratingHistogram.map { Bin(lower: $0.rating - 0.25, upper: $0.rating + 0.25, value: Double($0.count)) }
        return Chart(title: "Ratings", x: Axis("rating (stars)"), y: Axis("ratings"), marks: [.bars("ratings", bins: bins)])
    }

    /// Positives per movie by rank on log-log axes (movies without positives cannot be drawn there).
    public static func longTail(_ a: DatasetAnalysis) -> Chart {
        let positive = a.positivesByRank.prefix { $0 > 0 }
        var chart = Chart(title: "The long tail: positives per movie by rank", x: .log("rank of the movie"), y: .log("positives"),
                          legend: .hidden)
        chart.add(.line("movies", x: positive.indices.map { Double($0 + 1) }, y: positive.map(Double.init),
                        interpolation: .step))
        let top1 = max(1, Int((0.01 * Double(a.items)).rounded(.up))), top10 = max(1, Int((0.1 * Double(a.items)).rounded(.up)))
        if top1 <= positive.count { chart.add(.verticalRule(at: Double(top1), label: "top 1 %: \(percent(a.top1Share))")) }
        if top10 <= positive.count && top10 != top1 { chart.add(.verticalRule(at: Double(top10), label: "top 10 %: \(percent(a.top10Share))")) }
        return chart
    }

    /// The Lorenz curve of positives per movie, with the line of equality.
    public static func lorenz(_ a: DatasetAnalysis) -> Chart {
        Chart(title: "Lorenz curve of positives per movie (Gini \(Format.fixed(a.gini, decimals: 2)))",
              x: .percent("share of movies, least liked first"), y: .percent("share of positives"),
              marks: [.diagonal(label: "equality"), .line("positives", x: a.lorenz.map(\.items), y: a.lorenz.map(\.share))])
    }

    /// Users by positives on doubling bins, log x.
    public static func userActivity(_ a: DatasetAnalysis) -> Chart {
        let bins = a.userActivity.map { Bin(lower: Double($0.lower), upper: Double($0.upper), value: Double($0.users)) }
        return Chart(title: "User activity", x: .log("positives per user"), y: Axis("users"), marks: [.bars("users", bins: bins)])
    }

    /// Positives per month, with the time split's cut marked.
    public static func positivesOverTime(_ a: DatasetAnalysis) -> Chart {
        // Each month's count sits at the middle of its month.
        let months = a.positivesPerMonth
        let x = months.indices.map { i -> Double in
            let start = Double(months[i].start)
            let end = i + 1 < months.count ? Double(months[i + 1].start) : start + 30.44 * 86_400
            return (start + end) / 2
        }
        var chart = Chart(title: "Positives per month", x: .time("month"), y: Axis("positives", includesZero: true), legend: .hidden)
        chart.add(.line("positives", x: x, y: months.map { Double($0.positives) }))
        if let cut = a.timeCut { chart.add(.verticalRule(at: Double(cut.timestamp), label: "time cut (\(percent(cut.quantile)))")) }
        return chart
    }

    // MARK: - Models

    /// One line per model of a metric at K = 1…: NDCG@K or Recall@K.
    /// - Parameters:
    ///   - metric: the metric's name, e.g. `NDCG`.
    ///   - k: the cut-offs.
    ///   - models: per model, the metric at each cut-off.
    public static func metricByK(_ metric: String, k: [Int], models: [(name: String, values: [Double])]) -> Chart {
        var chart = Chart(title: "\(metric)@K", x: Axis("K"), y: Axis("\(metric)@K", includesZero: true))
        for (i, model) in models.enumerated() {
            chart.add(.line(model.name, x: k.map(Double.init), y: model.values, color: .palette(i)))
        }
        return chart
    }

    /// Where each model sits between "popular" and "personal": accuracy against average recommended
    /// popularity (log x), each point labelled with its model.
    public static func accuracyAgainstPopularity(_ models: [(name: String, ndcg: Double, arp: Double)], k: Int) -> Chart {
        var chart = Chart(title: "NDCG@\(k) against the popularity of what is recommended",
                          x: .log("average recommended popularity (train positives per item)"), y: Axis("NDCG@\(k)", includesZero: true),
                          legend: .hidden)
        for (i, model) in models.enumerated() {
            chart.add(.points(model.name, x: [model.arp], y: [model.ndcg], labels: [model.name], color: .palette(i)))
        }
        return chart
    }

    /// Training time per model, on a log axis when the times span more than a decade.
    public static func trainingTime(_ models: [(name: String, seconds: Double)]) -> BarChart {
        let positive = models.map(\.seconds).filter { $0 > 0 }
        let wide = (positive.max() ?? 1) / (positive.min() ?? 1) > 10
        return BarChart(title: "Training time", categories: models.map(\.name), series: [BarSeries("train", values: models.map(\.seconds))],
                        valueAxis: wide ? .log("seconds") : Axis("seconds"), valueLabel: { Format.compact($0) + " s" }, legend: .hidden)
    }

    // MARK: - Vector search

    /// Recall@10 against queries per second over an `ef` sweep (each point labelled with its `ef`), the
    /// exact scan's throughput marked.
    public static func recallAgainstSpeed(ef: [Int], recall: [Double], qps: [Double], exactQPS: Double?) -> Chart {
        var chart = Chart(title: "Vector search: recall@10 against speed", x: Axis("recall@10"), y: .log("queries per second"))
        chart.add(.line("HNSW", x: recall, y: qps, labels: ef.map { "ef \($0)" }))
        if let exactQPS {
            chart.add(.points("exact scan", x: [1], y: [exactQPS], labels: ["exact"]))
            chart.add(.horizontalRule(at: exactQPS, label: "exact scan \(Format.compact(exactQPS)) q/s"))
        }
        return chart
    }

    /// NDCG with HNSW retrieval per `ef` (log x) against exact retrieval, one line per model.
    public static func ndcgByEf(ef: [Int], models: [(name: String, hnsw: [Double], exact: Double)], k: Int) -> Chart {
        var chart = Chart(title: "NDCG@\(k): HNSW against exact retrieval", x: .log("ef"), y: Axis("NDCG@\(k)"))
        for (i, model) in models.enumerated() {
            chart.add(.line("\(model.name) HNSW", x: ef.map(Double.init), y: model.hnsw, markers: true, color: .palette(i)))
            chart.add(.line("\(model.name) exact", x: ef.map(Double.init), y: ef.map { _ in model.exact }, style: .dashed, color: .palette(i)))
        }
        return chart
    }

    private static func percent(_ share: Double) -> String {
        Format.compact(share * 100, significantDigits: 2) + " %"
    }
}
