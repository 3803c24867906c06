import Charts
import Foundation

/// Every kind of figure the report and the simulation draw, on made-up but realistic data: the demo page
/// that `Tools/browser/test-charts` opens in Chromium, and the input of the well-formedness tests.
enum Gallery {
    /// A small deterministic generator (Knuth's MMIX linear congruential step, top 53 bits) so the
    /// gallery is the same on every run.
    struct Noise {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
    }

    static let models = ["popularity", "ALS", "GMF", "MLP", "NeuMF"]

    struct Figure {
        var name: String
        var figure: any SVGFigure
        var caption: String
    }

    static func figures() -> [Figure] {
        var noise = Noise(state: 42)
        var out: [Figure] = []

        // Ratings histogram, half-star bins.
        let ratingCounts: [Double] = [1370, 2811, 1791, 7551, 5550, 20047, 13136, 26818, 8551, 13211]
        let bins = ratingCounts.enumerated().map { i, n in
            let r = 0.5 * Double(i + 1)
            return Bin(lower: r - 0.25, upper: r + 0.25, value: n)
        }
        out.append(Figure(name: "ratings", figure: Chart(title: "Ratings", x: Axis("rating (stars)"), y: Axis("ratings"),
                                                          marks: [.bars("ratings", bins: bins)]),
                          caption: "Histogram on half-star bins."))

        // Long tail: positives per movie by rank, log-log (zeros omitted), with a Zipf-like fall.
        let movies = 9_700
        var counts: [Double] = (1...movies).map { r in (330 * pow(Double(r), -0.95) * (0.8 + 0.4 * noise.next())).rounded(.down) }
        counts.sort(by: >)
        out.append(Figure(name: "rank", figure: Chart(title: "Positives per movie by rank", x: .log("rank"), y: .log("positives"),
                                                      marks: [.line("movies", x: (1...movies).map(Double.init), y: counts)]),
                          caption: "Log-log; movies without positives cannot sit on a log axis and are left out."))

        // Lorenz curve and the diagonal.
        let ascending = counts.reversed() as [Double]
        let total = ascending.reduce(0, +)
        var lx: [Double] = [0], ly: [Double] = [0]
        var running = 0.0
        for (i, c) in ascending.enumerated() {
            running += c
            if (i + 1) % 97 == 0 || i == ascending.count - 1 {
                lx.append(Double(i + 1) / Double(ascending.count))
                ly.append(running / total)
            }
        }
        out.append(Figure(name: "lorenz", figure: Chart(title: "Lorenz curve (Gini 0.79)", x: .percent("share of movies"),
                                                        y: .percent("share of positives"),
                                                        marks: [.diagonal(label: "equality"), .line("positives", x: lx, y: ly)], height: 380),
                          caption: "Movies in ascending order of positives."))

        // User activity on log bins (powers of two).
        var activity: [Bin] = []
        for k in 0..<11 {
            let lower = pow(2, Double(k)), upper = pow(2, Double(k + 1))
            activity.append(Bin(lower: lower, upper: upper, value: k < 4 ? Double(10 * (k + 1)) : (800 / pow(1.7, Double(k - 3))).rounded()))
        }
        out.append(Figure(name: "activity", figure: Chart(title: "User activity", x: .log("positives per user"), y: Axis("users"),
                                                          marks: [.bars("users", bins: activity)]),
                          caption: "Log bins [2ᵏ, 2ᵏ⁺¹)."))

        // Positives per month with the time split's cut.
        var months: [Double] = [], perMonth: [Double] = []
        for m in 0..<270 {
            let date = CivilDate(monthIndex: CivilDate(year: 1996, month: 3).monthIndex + m)
            months.append(date.unixSeconds)
            perMonth.append((300 + 250 * sin(Double(m) / 9) + 400 * noise.next()).rounded())
        }
        let cut = CivilDate(year: 2015, month: 6, day: 14).unixSeconds
        out.append(Figure(name: "months", figure: Chart(title: "Positives per month", x: .time("month"), y: Axis("positives", includesZero: true),
                                                        marks: [.line("positives", x: months, y: perMonth), .verticalRule(at: cut, label: "time cut (80 %)")]),
                          caption: "The dashed line is the time split's cut."))

        // NDCG@K and Recall@K for K = 1…50.
        let ks = (1...50).map(Double.init)
        let strength: [Double] = [0.16, 0.28, 0.24, 0.2, 0.27]
        var ndcg = Chart(title: "NDCG@K", x: Axis("K"), y: Axis("NDCG@K", includesZero: true))
        var recall = Chart(title: "Recall@K", x: Axis("K"), y: Axis("Recall@K", includesZero: true))
        for (i, model) in models.enumerated() {
            ndcg.add(.line(model, x: ks, y: ks.map { strength[i] * (1 - exp(-$0 / 6)) + 0.02 * log($0) }, color: .palette(i)))
            recall.add(.line(model, x: ks, y: ks.map { min(1, strength[i] * 1.6 * log(1 + $0) / log(51)) }, color: .palette(i)))
        }
        ndcg.add(.verticalRule(at: 10, label: "K = 10"))
        out.append(Figure(name: "ndcg-k", figure: ndcg, caption: "Full ranking, random 80/20 split."))
        out.append(Figure(name: "recall-k", figure: recall, caption: "Full ranking, random 80/20 split."))

        // Accuracy against average recommended popularity.
        let arp: [Double] = [212, 95, 120, 140, 88], acc: [Double] = [0.16, 0.3, 0.25, 0.21, 0.29]
        var scatter = Chart(title: "NDCG@10 against popularity of what is recommended", x: .log("average recommended popularity (train positives)"),
                            y: Axis("NDCG@10", includesZero: true), legend: .hidden)
        for (i, model) in models.enumerated() {
            scatter.add(.points(model, x: [arp[i]], y: [acc[i]], labels: [model], color: .palette(i)))
        }
        out.append(Figure(name: "accuracy-arp", figure: scatter, caption: "Left is personal, right is popular."))

        // Recall@10 against queries per second over the ef sweep, the exact scan marked.
        let efs: [Double] = [10, 20, 40, 80, 160, 320]
        let recallHNSW: [Double] = [0.82, 0.9, 0.953, 0.981, 0.994, 0.999], qps: [Double] = [52_000, 34_000, 21_000, 12_500, 7_100, 3_900]
        out.append(Figure(name: "recall-qps", figure: Chart(
            title: "Vector search: recall@10 against speed", x: Axis("recall@10", domain: 0.8...1), y: .log("queries per second"),
            marks: [.line("HNSW", x: recallHNSW, y: qps, labels: efs.map { "ef \(Int($0))" }),
                    .points("exact scan", x: [1], y: [1_450], labels: ["exact"]),
                    .horizontalRule(at: 1_450, label: "exact scan 1.45k q/s")]),
                          caption: "Each point is one ef."))

        // NDCG with exact and with HNSW retrieval per ef.
        out.append(Figure(name: "ndcg-ef", figure: Chart(
            title: "NDCG@10: exact against HNSW retrieval", x: .log("ef"), y: Axis("NDCG@10"),
            marks: [.line("HNSW", x: efs, y: [0.281, 0.293, 0.298, 0.3, 0.301, 0.301], markers: true),
                    .horizontalRule(at: 0.301, label: "exact 0.301")]), caption: "ALS vectors, 200 candidates."))

        // Simulation: cumulative reward with min–max bands across seeds, CTR per window, regret, allocation.
        let policies = ["ε-greedy", "UCB1", "Thompson", "random"]
        let steps = (0...100).map { Double($0 * 1000) }
        var reward = Chart(title: "Cumulative reward", x: Axis("impressions"), y: Axis("clicks", includesZero: true))
        var regret = Chart(title: "Cumulative regret", x: Axis("impressions"), y: Axis("regret", includesZero: true))
        var ctr = Chart(title: "CTR per window", x: Axis("impressions"), y: .percent("click-through rate", domain: nil))
        let rates: [Double] = [0.041, 0.046, 0.048, 0.025]
        for (i, policy) in policies.enumerated() {
            let mean = steps.map { $0 * rates[i] * (1 - exp(-$0 / 8000) * 0.3) }
            let spread = steps.map { 1.5 * sqrt($0) }
            reward.add(.band(policy, x: steps, lower: zip(mean, spread).map { $0 - $1 }, upper: zip(mean, spread).map { $0 + $1 }))
            reward.add(.line(policy, x: steps, y: mean))
            let best = steps.map { $0 * 0.05 }
            regret.add(.band(policy, x: steps, lower: zip(best, mean).map { max(0, $0 - $1 - 20) }, upper: zip(best, mean).map { $0 - $1 + 20 }))
            regret.add(.line(policy, x: steps, y: zip(best, mean).map { $0 - $1 }))
            let windows = stride(from: 5000.0, through: 100_000, by: 5000).map { $0 }
            ctr.add(.line(policy, x: windows, y: windows.map { _ in rates[i] * (0.9 + 0.2 * noise.next()) }, markers: true))
        }
        out.append(Figure(name: "reward", figure: reward, caption: "Mean over 5 seeds; bands span the minimum and maximum."))
        out.append(Figure(name: "ctr", figure: ctr, caption: "Windows of 5,000 impressions."))
        out.append(Figure(name: "regret", figure: regret, caption: "Against the best arm in hindsight."))
        let arms = ["ALS", "NeuMF", "popularity"]
        var shares: [[Double]] = [[], [], []]
        for t in steps {
            let a = 0.33 + 0.5 * (1 - exp(-t / 20000)), b = 0.33 + 0.1 * (1 - exp(-t / 20000))
            shares[0].append(a / (a + b + 0.34))
            shares[1].append(b / (a + b + 0.34))
            shares[2].append(0.34 / (a + b + 0.34))
        }
        out.append(Figure(name: "allocation", figure: Chart(
            title: "Allocation (Thompson sampling)", x: Axis("impressions"), y: .percent("share of impressions"),
            marks: [.stack(x: steps, layers: zip(arms, shares).map { StackLayer($0, values: $1) })]), caption: "Stacked shares."))

        // Training time per model.
        out.append(Figure(name: "training", figure: BarChart(
            title: "Training time", categories: models, series: [BarSeries("train", values: [0.004, 1.9, 21, 25, 48])],
            valueAxis: .log("seconds"), valueLabel: { Format.compact($0) + " s" }), caption: "Log scale."))
        out.append(Figure(name: "grouped", figure: BarChart(
            title: "Offline and online", categories: models,
            series: [BarSeries("NDCG@10 × 100", values: [16, 30, 25, 21, 29]), BarSeries("CTR ‰", values: [31, 44, 38, 35, 47])],
            valueAxis: Axis("value")), caption: "Grouped bars."))

        // Many series (the palette wraps, dashed) and text that must be escaped.
        var many = Chart(title: "Twelve series & <escaped> \"text\" 'quoted'", x: Axis("x < 10 & y > 0"), y: Axis("value"))
        for s in 0..<12 {
            many.add(.line("s\(s) <&>", x: (0...20).map(Double.init), y: (0...20).map { Double(s) + sin(Double($0) / 3 + Double(s)) }))
        }
        out.append(Figure(name: "many", figure: many, caption: "Colours repeat dashed after eight."))

        // 10k points in each of three series, with a step line.
        let n = 10_000
        var big = Chart(title: "10,000 points per series", x: Axis("i"), y: Axis("value"))
        var walk = 0.0
        big.add(.line("random walk", x: (0..<n).map(Double.init), y: (0..<n).map { _ in walk += noise.next() - 0.5; return walk }))
        big.add(.line("sine", x: (0..<n).map(Double.init), y: (0..<n).map { 10 * sin(Double($0) / 500) }))
        big.add(.line("steps", x: (0..<n).map(Double.init), y: (0..<n).map { Double($0 / 1000) - 5 }, interpolation: .step))
        out.append(Figure(name: "big", figure: big, caption: "Rendering stays linear in points."))
        return out
    }

    /// The demo page with every figure.
    static func page(theme: ChartPage.PageTheme = .automatic) -> ChartPage {
        var page = ChartPage(title: "Marquee charts", theme: theme)
        page.addParagraph("Every figure kind the report and the simulation draw, on made-up data. Text such as <b>&amp; stays text.")
        page.addHeading("Data")
        let figures = figures()
        for f in figures.prefix(5) { page.addFigure(f.figure, caption: f.caption) }
        page.addHeading("Models")
        for f in figures[5..<10] { page.addFigure(f.figure, caption: f.caption) }
        page.addHeading("Online")
        for f in figures[10..<14] { page.addFigure(f.figure, caption: f.caption) }
        page.addHeading("Bars and stress")
        for f in figures[14...] { page.addFigure(f.figure, caption: f.caption) }
        return page
    }
}
