import Dataset

/// The genre set of every item (dense index), as plain data for intra-list diversity: one bit set per
/// item over the genre names, so a Jaccard distance is a few popcounts.
public struct ItemGenres: Sendable, Equatable {
    /// Genre names; bit `g` of an item's set is `names[g]`.
    public let names: [String]
    /// Number of items.
    public let itemCount: Int
    /// 64-bit words per item.
    let words: Int
    /// `itemCount × words` bits, item-major.
    let bits: [UInt64]

    /// Genre sets from names per item (repeats are ignored; order of first appearance numbers the
    /// genres).
    /// - Parameter genres: the genre names of item 0, 1, …; empty for an item without genres.
    public init(_ genres: [[String]]) {
        var names: [String] = []
        var number: [String: Int] = [:]
        for list in genres {
            for g in list where number[g] == nil {
                number[g] = names.count
                names.append(g)
            }
        }
        let words = max(1, (names.count + 63) / 64)
        var bits = [UInt64](repeating: 0, count: genres.count * words)
        for (item, list) in genres.enumerated() {
            for g in list {
                let b = number[g]!
                bits[item * words + b / 64] |= 1 << UInt64(b % 64)
            }
        }
        self.names = names
        self.itemCount = genres.count
        self.words = words
        self.bits = bits
    }

    /// The genres of each item of `items` from `catalog` (an item the catalogue does not list has none).
    public init(catalog: Catalog, items: IdMap) {
        self.init(items.externalIds.map { catalog[$0]?.genres ?? [] })
    }

    /// The genre names of `item`.
    public func genres(of item: Int) -> [String] {
        var out: [String] = []
        for (g, name) in names.enumerated() where bits[item * words + g / 64] & (1 << UInt64(g % 64)) != 0 { out.append(name) }
        return out
    }

    /// The Jaccard distance of two items' genre sets, 1 − |A ∩ B| / |A ∪ B|; 0 when both sets are empty
    /// (nothing tells them apart).
    @inline(__always)
    public func jaccardDistance(_ a: Int, _ b: Int) -> Double {
        var common = 0, either = 0
        let pa = a * words, pb = b * words
        for w in 0..<words {
            let x = bits[pa + w], y = bits[pb + w]
            common += (x & y).nonzeroBitCount
            either += (x | y).nonzeroBitCount
        }
        return either == 0 ? 0 : 1 - Double(common) / Double(either)
    }
}
