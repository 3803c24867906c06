import Dataset
import Foundation
import Models

/// Beyond-accuracy metrics of all users' top-K lists: how popular, how concentrated, how far into the
/// long tail, how novel and how varied the recommendations are. Catalog coverage, the sixth, stays in
/// `RankingMetrics.coverage` (distinct recommended items / catalogue items).
///
/// With `c(i)` the number of train positives of item `i` (its popularity, as `Popularity` counts them),
/// `U` the number of users in the train data, `L_u` the list of user `u` (users with an empty list are
/// left out) and `f(i)` the number of lists that contain `i`:
/// - **ARP** (average recommended popularity) = mean over users of (1/|L_u|) Σ_{i∈L_u} c(i).
/// - **Gini** of `f` over *every* catalogue item (never-recommended items count as 0), see
///   `Concentration.gini`: 0 when every item is recommended equally often, near 1 when a few items fill
///   every list.
/// - **Tail share** = mean over users of |{i ∈ L_u : i ∉ H}| / |L_u|, where the head `H` is the fewest most
///   popular items (by `c`, ties to the smaller index) whose positives reach 80 % of all train
///   positives.
/// - **Novelty** = mean over users of (1/|L_u|) Σ_{i∈L_u} −log₂(max(c(i), 1) / U): the self-information of
///   an item a random user has liked with probability c(i)/U (Zhou et al. 2010). An item without train
///   positives counts as liked once, so its novelty is the largest finite value, log₂ U.
/// - **Diversity** (intra-list diversity by genre) = mean over users with |L_u| ≥ 2 of the mean Jaccard
///   distance 1 − |G_a ∩ G_b| / |G_a ∪ G_b| over the unordered pairs of items in L_u (two items without
///   genres are at distance 0). Absent (nil) when no genres are given.
public struct BeyondAccuracyMetrics: Sendable, Equatable, Codable {
    /// Average recommended popularity, in train positives.
    public var arp = 0.0
    /// Gini index of how often each catalogue item is recommended.
    public var gini = 0.0
    /// Share of recommendations from outside the 80 % head.
    public var tailShare = 0.0
    /// Mean self-information of the recommended items, in bits.
    public var novelty = 0.0
    /// Intra-list diversity by genre (nil without genres).
    public var diversity: Double?
    /// Items in the head (the most popular items that take 80 % of train positives).
    public var headItems = 0
    /// Users with a non-empty list (the averages are over these).
    public var usersMeasured = 0

    /// All zeros, no diversity.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case arp, gini, tailShare = "tail_share", novelty, diversity, headItems = "head_items", usersMeasured = "users_measured"
    }
}

/// What the beyond-accuracy metrics need from the training data (popularity, head, self-information, genre
/// sets), computed once and applied to any number of models' lists.
public struct BeyondAccuracy: Sendable {
    /// The share of all train positives the head takes.
    public static let headShare = 0.8

    /// Train positives per item, c(i).
    public let popularity: [Float]
    /// U: users in the train data.
    public let userCount: Int
    /// Whether each item is in the head.
    public let inHead: [Bool]
    /// |H|.
    public let headSize: Int
    /// The genre sets, for diversity (nil: no diversity).
    public let genres: ItemGenres?
    /// −log₂(max(c(i), 1) / U) per item.
    let selfInformation: [Double]

    /// The context of a train part: popularity counted as `Popularity` counts it.
    public init(train: Interactions, genres: ItemGenres? = nil) {
        self.init(popularity: Popularity(training: train).counts, userCount: train.userCount, genres: genres)
    }

    /// The context from item popularity counts directly.
    /// - Precondition: `genres` (when given) covers the same items; `userCount` ≥ 1.
    public init(popularity: [Float], userCount: Int, genres: ItemGenres? = nil) {
        precondition(userCount >= 1, "beyond-accuracy metrics need at least one user")
        precondition(genres == nil || genres!.itemCount == popularity.count,
                     "genres cover \(genres!.itemCount) items, popularity \(popularity.count)")
        self.popularity = popularity
        self.userCount = userCount
        self.genres = genres
        let order = (0..<popularity.count).sorted { popularity[$0] > popularity[$1] || (popularity[$0] == popularity[$1] && $0 < $1) }
        let head = Concentration.head(counts: popularity, order: order, share: Self.headShare)
        var inHead = [Bool](repeating: false, count: popularity.count)
        for i in head { inHead[i] = true }
        self.inHead = inHead
        headSize = head.count
        let users = Double(userCount)
        selfInformation = popularity.map { -log2(max(Double($0), 1) / users) }
    }

    /// The metrics of `lists` (item indices, best first; one list per user) and the number of distinct
    /// items in them (for coverage).
    /// - Complexity: O(Σ |L_u|²) with genres, O(Σ |L_u|) without, plus O(items log items) for the Gini.
    public func measure<L: Collection>(_ lists: [L]) -> (metrics: BeyondAccuracyMetrics, distinctItems: Int) where L.Element == Int32 {
        var frequency = [Int](repeating: 0, count: popularity.count)
        var m = BeyondAccuracyMetrics()
        m.headItems = headSize
        var arp = 0.0, novelty = 0.0, tail = 0.0, diversity = 0.0, diverseUsers = 0
        var items: [Int] = []
        for list in lists where !list.isEmpty {
            m.usersMeasured += 1
            var popular = 0.0, information = 0.0, outside = 0
            items.removeAll(keepingCapacity: true)
            for entry in list {
                let i = Int(entry)
                frequency[i] += 1
                popular += Double(popularity[i])
                information += selfInformation[i]
                if !inHead[i] { outside += 1 }
                items.append(i)
            }
            let n = Double(items.count)
            arp += popular / n
            novelty += information / n
            tail += Double(outside) / n
            if let genres, items.count >= 2 {
                var sum = 0.0
                for a in 0..<(items.count - 1) {
                    for b in (a + 1)..<items.count { sum += genres.jaccardDistance(items[a], items[b]) }
                }
                diversity += sum / (n * (n - 1) / 2)
                diverseUsers += 1
            }
        }
        if m.usersMeasured > 0 {
            let users = Double(m.usersMeasured)
            m.arp = arp / users
            m.novelty = novelty / users
            m.tailShare = tail / users
        }
        if genres != nil { m.diversity = diverseUsers > 0 ? diversity / Double(diverseUsers) : 0 }
        m.gini = Concentration.gini(frequency.map(Double.init))
        return (m, frequency.reduce(0) { $0 + ($1 > 0 ? 1 : 0) })
    }
}
