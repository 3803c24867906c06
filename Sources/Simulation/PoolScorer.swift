import Dataset
import LinearAlgebra
import Models
import Support

/// Scores the candidates of many events at once for one static model: what a trained model thinks of
/// each movie of each pool.
public protocol PoolScorer: Sendable {
    /// Writes, for each event `e` in `events`, the score of movie `pool[j]` for user `users[e]` into
    /// `scores[j]` for every slot `j` of the event's pool (`offsets[e]..<offsets[e + 1]`).
    func score(events: Range<Int>, users: UnsafePointer<Int32>, offsets: UnsafePointer<Int>, pool: UnsafePointer<Int32>,
               into scores: UnsafeMutablePointer<Float>)
}

/// The score of a movie is its number of positives before the cut.
public struct PopularityScorer: PoolScorer {
    public let counts: [Float]
    public init(counts: [Float]) { self.counts = counts }

    public func score(events: Range<Int>, users: UnsafePointer<Int32>, offsets: UnsafePointer<Int>, pool: UnsafePointer<Int32>,
                      into scores: UnsafeMutablePointer<Float>) {
        counts.withUnsafeBufferPointer { c in
            for j in offsets[events.lowerBound]..<offsets[events.upperBound] { scores[j] = c[Int(pool[j])] }
        }
    }
}

/// The inner product of a user vector and a movie vector (ALS factors, GMF's retrieval vectors).
public struct FactorScorer: PoolScorer {
    public let factors: Int
    public let userVectors: [Float]
    public let itemVectors: [Float]

    public init(factors: Int, userVectors: [Float], itemVectors: [Float]) {
        self.factors = factors
        self.userVectors = userVectors
        self.itemVectors = itemVectors
    }

    public func score(events: Range<Int>, users: UnsafePointer<Int32>, offsets: UnsafePointer<Int>, pool: UnsafePointer<Int32>,
                      into scores: UnsafeMutablePointer<Float>) {
        let f = factors
        userVectors.withUnsafeBufferPointer { ub in
        itemVectors.withUnsafeBufferPointer { ib in
            let u0 = ub.baseAddress!, i0 = ib.baseAddress!
            for e in events {
                let x = u0 + Int(users[e]) * f
                for j in offsets[e]..<offsets[e + 1] {
                    scores[j] = Kernels.dot(x, i0 + Int(pool[j]) * f, count: f)
                }
            }
        }}
    }
}

/// A neural model's output logit for each (user, movie) pair, by its batched forward pass.
public struct NeuralScorer: PoolScorer {
    public let model: NeuralCF
    public init(model: NeuralCF) { self.model = model }

    public func score(events: Range<Int>, users: UnsafePointer<Int32>, offsets: UnsafePointer<Int>, pool: UnsafePointer<Int32>,
                      into scores: UnsafeMutablePointer<Float>) {
        let first = offsets[events.lowerBound], end = offsets[events.upperBound]
        var pairUsers = [Int32](repeating: 0, count: end - first)
        for e in events { for j in offsets[e]..<offsets[e + 1] { pairUsers[j - first] = users[e] } }
        let items = Array(UnsafeBufferPointer(start: pool + first, count: end - first))
        let out = model.scores(users: pairUsers, items: items)
        for j in 0..<out.count { scores[first + j] = out[j] }
    }
}

/// Any `Recommender`: the user's whole score vector, then the pool's entries (slow; for models without a
/// pair scorer).
public struct FullVectorScorer: PoolScorer {
    public let model: any Recommender
    public init(model: any Recommender) { self.model = model }

    public func score(events: Range<Int>, users: UnsafePointer<Int32>, offsets: UnsafePointer<Int>, pool: UnsafePointer<Int32>,
                      into scores: UnsafeMutablePointer<Float>) {
        var all = [Float](repeating: 0, count: model.itemCount)
        all.withUnsafeMutableBufferPointer { buffer in
            var last: Int32 = -1
            for e in events {
                if users[e] != last { model.scores(forUser: Int(users[e]), into: buffer); last = users[e] }
                for j in offsets[e]..<offsets[e + 1] { scores[j] = buffer[Int(pool[j])] }
            }
        }
    }
}

/// A trained model as the simulator uses it: its name and how it scores a pool.
public struct StaticModel: Sendable {
    /// The policy name (`popularity`, `als`, `neumf`, …).
    public let name: String
    public let scorer: any PoolScorer
    /// The ALS model itself, for `als-online` (which re-solves user vectors against its item factors).
    public let als: ALS?

    public init(name: String, scorer: any PoolScorer, als: ALS? = nil) {
        self.name = name
        self.scorer = scorer
        self.als = als
    }

    /// The fastest scorer for `model`: counts for popularity, factors for ALS, the batched forward pass
    /// for NCF models, else the model's full score vector.
    public init(name: String, model: any Recommender) {
        switch model {
        case let p as Popularity: self.init(name: name, scorer: PopularityScorer(counts: p.counts))
        case let a as ALS:
            self.init(name: name, scorer: FactorScorer(factors: a.factors, userVectors: a.userFactors, itemVectors: a.itemFactors), als: a)
        case let n as NeuralCF: self.init(name: name, scorer: NeuralScorer(model: n))
        default: self.init(name: name, scorer: FullVectorScorer(model: model))
        }
    }
}
