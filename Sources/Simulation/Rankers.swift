import Dataset
import LinearAlgebra
import Models
import Support

/// What every policy of one run shares: the slate size, the models, the stream and the settings.
final class RunContext: @unchecked Sendable {   // read-only once made
    let k: Int
    let stream: ReplayStream
    let models: [StaticModel]
    /// Index of `popularity` in `models`: the cold-start fallback.
    let popularity: Int
    let settings: SimulationSettings
    /// Per dense user: a positive before the cut.
    let warmUser: [Bool]
    /// Positives per movie before the cut.
    let trainCounts: [Float]

    init(stream: ReplayStream, models: [StaticModel], settings: SimulationSettings) throws {
        guard let popularity = models.firstIndex(where: { $0.name == "popularity" }) else {
            throw SimulationError.missingModel(policy: "(cold-start fallback)", model: "popularity")
        }
        self.k = settings.slate
        self.stream = stream
        self.models = models
        self.popularity = popularity
        self.settings = settings
        var warm = [Bool](repeating: false, count: stream.data.userCount)
        let train = stream.train
        let m = train.byUser
        for u in 0..<m.rows { for p in m.range(ofRow: u) where m.values[p] >= train.threshold { warm[u] = true; break } }
        warmUser = warm
        trainCounts = Popularity(training: train).counts
    }

    func modelIndex(_ name: String) -> Int? { models.firstIndex { $0.name == name } }
}

/// A base policy: it picks a slate of the event's pool, and learns from the slate that was shown.
protocol Ranker: AnyObject {
    /// Picks its slate for local event `e`; returns whether the slate holds the logged movie.
    func holds(_ b: EventBlock, _ e: Int) -> Bool
    /// Feedback for event `e`: the slate shown was its own (or, when `explored`, the random slate), and
    /// the logged movie was clicked or not. Only what was shown is learnt from.
    func learn(_ b: EventBlock, _ e: Int, explored: Bool, click: Bool)
}

extension Ranker {
    func learn(_ b: EventBlock, _ e: Int, explored: Bool, click: Bool) {}
}

/// Uniformly random slates: every score equal, the tie keys decide.
final class RandomRanker: Ranker {
    let k: Int
    init(k: Int) { self.k = k }
    func holds(_ b: EventBlock, _ e: Int) -> Bool {
        let r = b.range(e)
        return b.keys.withUnsafeBufferPointer { Slate.randomHoldsLogged(keys: $0.baseAddress! + r.lowerBound, count: r.count, k: k) }
    }
}

/// A model trained before the cut; users without a positive before the cut get popularity.
final class StaticRanker: Ranker {
    let k: Int, model: Int, fallback: Int
    let warmUser: [Bool]
    init(context: RunContext, model: Int) {
        k = context.k; self.model = model; fallback = context.popularity; warmUser = context.warmUser
    }
    func holds(_ b: EventBlock, _ e: Int) -> Bool {
        let r = b.range(e)
        let source = warmUser[Int(b.users[e])] ? model : fallback
        return b.scores[source].withUnsafeBufferPointer { s in
            b.keys.withUnsafeBufferPointer { keys in
                Slate.holdsLogged(scores: s.baseAddress! + r.lowerBound, keys: keys.baseAddress! + r.lowerBound, count: r.count, k: k)
            }
        }
    }
}

/// Movies ranked by the clicks they got in the stream (from zero, or on top of the train counts).
final class OnlinePopularityRanker: Ranker {
    let k: Int
    var counts: [Float]
    var scratch: [Float]
    init(context: RunContext, warm: Bool, poolCapacity: Int) {
        k = context.k
        counts = warm ? context.trainCounts : [Float](repeating: 0, count: context.stream.data.itemCount)
        scratch = [Float](repeating: 0, count: max(1, poolCapacity))
    }
    func holds(_ b: EventBlock, _ e: Int) -> Bool {
        let r = b.range(e)
        if scratch.count < r.count { scratch = [Float](repeating: 0, count: r.count) }
        return counts.withUnsafeBufferPointer { c in
            scratch.withUnsafeMutableBufferPointer { s in
                b.pool.withUnsafeBufferPointer { pool in
                    b.keys.withUnsafeBufferPointer { keys in
                        let p = pool.baseAddress! + r.lowerBound
                        for j in 0..<r.count { s[j] = c[Int(p[j])] }
                        return Slate.holdsLogged(scores: s.baseAddress!, keys: keys.baseAddress! + r.lowerBound, count: r.count, k: k)
                    }
                }
            }
        }
    }
    func learn(_ b: EventBlock, _ e: Int, explored: Bool, click: Bool) {
        if click { counts[Int(b.items[e])] += 1 }
    }
}

/// ALS with the user's vector re-solved after each click: the fold-in system
/// (YᵀY + λI + Σ_j (c_j − 1) y_j y_jᵀ) x = Σ_j c_j y_j over the user's positives before the cut and the
/// movies clicked since, against the fixed item factors Y. The system is kept per clicking user and
/// updated by one rank-one term per click, then solved by Cholesky (O(f³) per click). Until their first
/// click, users keep their trained vector; a user with no positive before the cut starts on popularity.
final class ALSOnlineRanker: Ranker {
    let k: Int
    let f: Int
    let als: ALS
    let threshold: Float
    let gram: [Float]               // YᵀY + λI
    var slotOf: [Int32]             // per user: its system's slot, −1 none
    var systems: [Float] = []       // per slot: f×f matrix then f right-hand side
    var vectors: [Float] = []       // per slot: the solved vector
    let warmUser: [Bool]
    let popularity: [Float]
    let train: Interactions
    var scratch: [Float]
    var solveA: [Float], solveB: [Float]

    init(context: RunContext, als: ALS, poolCapacity: Int) {
        k = context.k
        f = als.factors
        self.als = als
        threshold = context.stream.threshold
        var g = [Float](repeating: 0, count: als.factors * als.factors)
        als.itemFactors.withUnsafeBufferPointer { y in
            g.withUnsafeMutableBufferPointer { gb in
                BLAS.gram(n: als.factors, k: als.itemCount, a: y.baseAddress!, lda: als.factors, c: gb.baseAddress!)
            }
        }
        for j in 0..<als.factors { g[j * als.factors + j] += als.configuration.regularization }
        gram = g
        slotOf = [Int32](repeating: -1, count: context.stream.data.userCount)
        warmUser = context.warmUser
        popularity = context.trainCounts
        train = context.stream.train
        scratch = [Float](repeating: 0, count: max(1, poolCapacity))
        solveA = [Float](repeating: 0, count: f * f)
        solveB = [Float](repeating: 0, count: f)
    }

    func holds(_ b: EventBlock, _ e: Int) -> Bool {
        let r = b.range(e)
        if scratch.count < r.count { scratch = [Float](repeating: 0, count: r.count) }
        let user = Int(b.users[e])
        let slot = Int(slotOf[user])
        return scratch.withUnsafeMutableBufferPointer { s in
            b.pool.withUnsafeBufferPointer { pool in
                b.keys.withUnsafeBufferPointer { keys in
                    let p = pool.baseAddress! + r.lowerBound
                    if slot < 0 && !warmUser[user] {
                        popularity.withUnsafeBufferPointer { c in for j in 0..<r.count { s[j] = c[Int(p[j])] } }
                    } else {
                        let out = s.baseAddress!
                        als.itemFactors.withUnsafeBufferPointer { y in
                            if slot >= 0 {
                                vectors.withUnsafeBufferPointer { v in
                                    Self.score(v.baseAddress! + slot * f, items: y.baseAddress!, pool: p, count: r.count, f: f, into: out)
                                }
                            } else {
                                als.userFactors.withUnsafeBufferPointer { u in
                                    Self.score(u.baseAddress! + user * f, items: y.baseAddress!, pool: p, count: r.count, f: f, into: out)
                                }
                            }
                        }
                    }
                    return Slate.holdsLogged(scores: s.baseAddress!, keys: keys.baseAddress! + r.lowerBound, count: r.count, k: k)
                }
            }
        }
    }

    @inline(__always)
    static func score(_ x: UnsafePointer<Float>, items y: UnsafePointer<Float>, pool: UnsafePointer<Int32>, count: Int, f: Int,
                      into out: UnsafeMutablePointer<Float>) {
        for j in 0..<count { out[j] = Kernels.dot(x, y + Int(pool[j]) * f, count: f) }
    }

    func learn(_ b: EventBlock, _ e: Int, explored: Bool, click: Bool) {
        guard click else { return }
        let user = Int(b.users[e])
        var slot = Int(slotOf[user])
        if slot < 0 {
            slot = vectors.count / f
            slotOf[user] = Int32(slot)
            systems.append(contentsOf: gram)
            systems.append(contentsOf: repeatElement(0, count: f))
            vectors.append(contentsOf: repeatElement(0, count: f))
            let m = train.byUser
            for p in m.range(ofRow: user) where m.values[p] >= threshold {
                addTerm(slot: slot, item: Int(m.columnIndex[p]), rating: m.values[p])
            }
        }
        addTerm(slot: slot, item: Int(b.items[e]), rating: als.configuration.confidence == .rating ? b.rating(e) : 1)
        solve(slot: slot)
    }

    /// Adds (c − 1) y yᵀ to the slot's matrix and c y to its right-hand side.
    private func addTerm(slot: Int, item: Int, rating: Float) {
        let c = als.configuration.confidence(ofRating: rating)
        let stride = f * f + f
        systems.withUnsafeMutableBufferPointer { sb in
            als.itemFactors.withUnsafeBufferPointer { yb in
                let a = sb.baseAddress! + slot * stride, rhs = a + f * f
                let y = yb.baseAddress! + item * f
                for r in 0..<f {
                    Kernels.axpy((c - 1) * y[r], y, a + r * f, count: f)
                    rhs[r] += c * y[r]
                }
            }
        }
    }

    private func solve(slot: Int) {
        let stride = f * f + f
        let ok = systems.withUnsafeBufferPointer { sb in
            solveA.withUnsafeMutableBufferPointer { a in
                solveB.withUnsafeMutableBufferPointer { x in
                    a.baseAddress!.update(from: sb.baseAddress! + slot * stride, count: f * f)
                    x.baseAddress!.update(from: sb.baseAddress! + slot * stride + f * f, count: f)
                    return BLAS.sposv(n: f, a: a.baseAddress!, b: x.baseAddress!)
                }
            }
        }
        guard ok else { return }   // keep the previous vector (λ > 0 makes this unreachable in practice)
        for j in 0..<f { vectors[slot * f + j] = solveB[j] }
    }
}

/// An ε-greedy bandit over movies: each movie's click rate (clicks / times shown) learnt from zero; with
/// probability ε (its own coin) a random slate, else the k best estimates (ties at random).
final class ItemEGreedyRanker: Ranker {
    let k: Int
    let epsilon: Double
    var clicks: [Float], shown: [Float]
    var scratch: [Float]
    var slots: [Int32], slotScores: [Float], slotKeys: [UInt64]
    var slateCount = 0

    init(context: RunContext, poolCapacity: Int) {
        k = context.k
        epsilon = context.settings.banditEpsilon
        let n = context.stream.data.itemCount
        clicks = [Float](repeating: 0, count: n)
        shown = [Float](repeating: 0, count: n)
        scratch = [Float](repeating: 0, count: max(1, poolCapacity))
        slots = [Int32](repeating: 0, count: k); slotScores = [Float](repeating: 0, count: k); slotKeys = [UInt64](repeating: 0, count: k)
    }

    func holds(_ b: EventBlock, _ e: Int) -> Bool {
        let explore = unit(mix64(b.aux[e] ^ 0x1733_0B17)) < epsilon
        select(b, e, random: explore)
        for j in 0..<slateCount where slots[j] == 0 { return true }
        return false
    }

    private func select(_ b: EventBlock, _ e: Int, random: Bool) {
        let r = b.range(e)
        if scratch.count < r.count { scratch = [Float](repeating: 0, count: r.count) }
        slateCount = scratch.withUnsafeMutableBufferPointer { s in
            b.pool.withUnsafeBufferPointer { pool in
                b.keys.withUnsafeBufferPointer { keys in
                    slots.withUnsafeMutableBufferPointer { out in
                        slotScores.withUnsafeMutableBufferPointer { os in
                            slotKeys.withUnsafeMutableBufferPointer { ok in
                                let p = pool.baseAddress! + r.lowerBound
                                if !random {
                                    clicks.withUnsafeBufferPointer { c in
                                        shown.withUnsafeBufferPointer { n in
                                            for j in 0..<r.count {
                                                let i = Int(p[j])
                                                s[j] = n[i] > 0 ? c[i] / n[i] : 0
                                            }
                                        }
                                    }
                                }
                                return Slate.top(scores: random ? nil : UnsafePointer(s.baseAddress!), keys: keys.baseAddress! + r.lowerBound,
                                                 count: r.count, k: k, into: out.baseAddress!, outScores: os.baseAddress!,
                                                 outKeys: ok.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
    }

    func learn(_ b: EventBlock, _ e: Int, explored: Bool, click: Bool) {
        if explored { select(b, e, random: true) }
        let start = b.offsets[e]
        for j in 0..<slateCount { shown[Int(b.pool[start + Int(slots[j])])] += 1 }
        if click { clicks[Int(b.items[e])] += 1 }
    }
}
