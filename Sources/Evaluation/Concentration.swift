/// How unevenly a quantity is spread over items: the Gini index, the Lorenz curve, the head that takes a
/// given share, and the share the top items take. The one implementation behind the beyond-accuracy
/// metrics (how often each item is recommended) and the dataset analysis (positives per movie).
public enum Concentration {
    /// The Gini index of non-negative `values` (any order):
    ///
    ///     G = Σᵢ (2i − n − 1) · x₍ᵢ₎ / (n · Σ x),   x₍₁₎ ≤ … ≤ x₍ₙ₎ sorted ascending, i = 1…n,
    ///
    /// which equals the mean absolute difference over all ordered pairs divided by twice the mean,
    /// Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² x̄). 0 when every value is equal, (n − 1)/n when one item holds everything;
    /// 0 for no values or an all-zero total.
    /// - Complexity: O(n log n).
    public static func gini(_ values: [Double]) -> Double {
        gini(ascending: values.sorted())
    }

    /// The Gini index of values already sorted ascending (the formula of ``gini(_:)`` without the sort).
    /// - Complexity: O(n).
    public static func gini(ascending sorted: [Double]) -> Double {
        let n = sorted.count
        guard n > 0 else { return 0 }
        var total = 0.0, weighted = 0.0
        for (i, x) in sorted.enumerated() {
            total += x
            weighted += Double(2 * (i + 1) - n - 1) * x
        }
        return total > 0 ? weighted / (Double(n) * total) : 0
    }

    /// A point of a Lorenz curve: the `items` share of items with the least, and the `share` of the total
    /// they hold.
    public struct LorenzPoint: Sendable, Equatable, Codable {
        /// Cumulative share of items, 0…1.
        public var items: Double
        /// Cumulative share of the total, 0…1.
        public var share: Double

        /// A point at item share `items` holding `share` of the total.
        public init(items: Double, share: Double) {
            self.items = items
            self.share = share
        }
    }

    /// The Lorenz curve of `values` at `resolution` + 1 evenly spaced item shares (0, 1/resolution, …, 1;
    /// fewer when there are fewer items): exact points of the curve, so the polyline through them lies on
    /// or above the true curve between them. The values are sorted ascending; an all-zero total gives the
    /// diagonal.
    public static func lorenz(_ values: [Double], resolution: Int = 200) -> [LorenzPoint] {
        precondition(resolution >= 1)
        let sorted = values.sorted()
        let n = sorted.count
        guard n > 0 else { return [LorenzPoint(items: 0, share: 0), LorenzPoint(items: 1, share: 1)] }
        var prefix = [Double](repeating: 0, count: n + 1)
        for i in 0..<n { prefix[i + 1] = prefix[i] + sorted[i] }
        let total = prefix[n]
        var points: [LorenzPoint] = []
        var last = -1
        for j in 0...resolution {
            let count = Int((Double(j) * Double(n) / Double(resolution)).rounded())
            guard count != last else { continue }
            last = count
            points.append(LorenzPoint(items: Double(count) / Double(n), share: total > 0 ? prefix[count] / total : Double(count) / Double(n)))
        }
        return points
    }

    /// The share of the total held by the top `fraction` of items: the ⌈fraction · n⌉ largest values (at
    /// least one) over the sum of all. 0 when the total is 0.
    public static func topShare(_ values: [Double], fraction: Double) -> Double {
        precondition(fraction > 0 && fraction <= 1)
        let sorted = values.sorted(by: >)
        let total = sorted.reduce(0, +)
        guard total > 0 else { return 0 }
        let top = max(1, Int((fraction * Double(sorted.count)).rounded(.up)))
        return sorted.prefix(top).reduce(0, +) / total
    }

    /// The head: the fewest items, taken from the most popular down (`order`, e.g.
    /// `Popularity.ranking()`), whose `counts` together reach `share` of the total. Empty when the total
    /// is 0.
    /// - Parameters:
    ///   - counts: the quantity per item.
    ///   - order: item indices from most to least popular.
    ///   - share: the part of the total the head takes (0.8 for the 80 % head).
    public static func head(counts: [Float], order: [Int], share: Double) -> [Int] {
        let total = counts.reduce(0.0) { $0 + Double($1) }
        guard total > 0 else { return [] }
        var running = 0.0
        var head: [Int] = []
        for item in order {
            guard running < share * total * (1 - 1e-12) else { break }
            running += Double(counts[item])
            head.append(item)
        }
        return head
    }
}
