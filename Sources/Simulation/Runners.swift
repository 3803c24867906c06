import Support

/// One policy of a run as the simulator drives it: one step per event, returning the click.
protocol Runner: AnyObject {
    /// Serves local event `e` of `b`, learns from the feedback, and returns whether the user clicked.
    func step(_ b: EventBlock, _ e: Int) -> Bool
}

/// A base policy, optionally exploring: with probability ε (the event's shared coin) the random slate of
/// the pool, else the base's own. ε is constant, or ε·τ/(τ + t) at the t-th event served when decaying.
final class RankerRunner: Runner {
    let ranker: Ranker
    let epsilon: Double
    let decay: Bool
    let tau: Double
    let k: Int
    var served = 0

    init(ranker: Ranker, epsilon: Double = 0, decay: Bool = false, tau: Double, k: Int) {
        self.ranker = ranker
        self.epsilon = epsilon
        self.decay = decay
        self.tau = tau
        self.k = k
    }

    /// The exploration probability at the t-th event served.
    @inline(__always) static func epsilon(_ epsilon: Double, decay: Bool, tau: Double, t: Int) -> Double {
        decay ? epsilon * tau / (tau + Double(t)) : epsilon
    }

    func step(_ b: EventBlock, _ e: Int) -> Bool {
        let eps = Self.epsilon(epsilon, decay: decay, tau: tau, t: served)
        served += 1
        let explore = eps > 0 && b.coin[e] < eps
        let hit: Bool
        if explore {
            let r = b.range(e)
            hit = b.keys.withUnsafeBufferPointer { Slate.randomHoldsLogged(keys: $0.baseAddress! + r.lowerBound, count: r.count, k: k) }
        } else {
            hit = ranker.holds(b, e)
        }
        let click = hit && b.positive[e]
        ranker.learn(b, e, explored: explore, click: click)
        return click
    }
}

/// A bandit whose arms are whole policies: each event goes to one arm, which serves it and alone learns
/// from it.
///
/// - `ab`: a classic A/B test — a user always sees the arm chosen by a hash of their dataset user id
///   (equal shares).
/// - `egreedy`: ε-greedy over arms (ε = `arm_epsilon`): every arm once, then with probability ε a random
///   arm, else the best click rate so far.
/// - `ucb1`: Auer et al. (2002): every arm once, then the largest mean + √(2 ln t / n_a).
/// - `thompson`: Beta(1 + clicks, 1 + non-clicks) per arm, the largest sample wins (Marsaglia–Tsang gamma
///   draws from the event's auxiliary bits).
final class ArmRunner: Runner {
    let strategy: PolicySpec.ArmStrategy
    let arms: [Runner]
    let armEpsilon: Double
    let userIds: [Int32]
    let windowSize: Int
    var pulls: [Int], clicks: [Int]
    /// Per arm, its users' events (the A/B test's per-arm counts are pulls and clicks).
    var users: [Set<Int32>]
    /// Windows × arms: events given to each arm per window.
    var allocation: [Int]
    var t = 0

    init(strategy: PolicySpec.ArmStrategy, arms: [Runner], armEpsilon: Double, userIds: [Int32], windowSize: Int, windows: Int) {
        self.strategy = strategy
        self.arms = arms
        self.armEpsilon = armEpsilon
        self.userIds = userIds
        self.windowSize = windowSize
        pulls = [Int](repeating: 0, count: arms.count)
        clicks = [Int](repeating: 0, count: arms.count)
        users = strategy == .ab ? [Set<Int32>](repeating: [], count: arms.count) : []
        allocation = [Int](repeating: 0, count: windows * arms.count)
    }

    /// The arm of a user in the A/B test.
    static func abArm(userId: Int32, arms: Int) -> Int {
        Int(mix64(UInt64(UInt32(bitPattern: userId)) ^ 0xAB7E_57AB) % UInt64(arms))
    }

    func choose(_ b: EventBlock, _ e: Int) -> Int {
        let n = arms.count
        switch strategy {
        case .ab:
            return Self.abArm(userId: userIds[Int(b.users[e])], arms: n)
        case .egreedy:
            if let first = pulls.firstIndex(of: 0) { return first }
            let bits = b.aux[e]
            if unit(mix64(bits ^ 0xE9)) < armEpsilon { return Int(mix64(bits ^ 0xEA) % UInt64(n)) }
            return best { Double(clicks[$0]) / Double(pulls[$0]) }
        case .ucb1:
            if let first = pulls.firstIndex(of: 0) { return first }
            let logT = log(Double(t))
            return best { Double(clicks[$0]) / Double(pulls[$0]) + (2 * logT / Double(pulls[$0])).squareRoot() }
        case .thompson:
            var generator = SeededGenerator(seed: b.aux[e] ^ 0x7405)
            return best { Beta.sample(alpha: 1 + Double(clicks[$0]), beta: 1 + Double(pulls[$0] - clicks[$0]), &generator) }
        }
    }

    /// The arm with the largest value (the first on ties).
    @inline(__always) private func best(_ value: (Int) -> Double) -> Int {
        var arm = 0, top = -Double.infinity
        for a in 0..<arms.count {
            let v = value(a)
            if v > top { top = v; arm = a }
        }
        return arm
    }

    func step(_ b: EventBlock, _ e: Int) -> Bool {
        let arm = choose(b, e)
        t += 1
        let click = arms[arm].step(b, e)
        pulls[arm] += 1
        if click { clicks[arm] += 1 }
        if strategy == .ab { users[arm].insert(b.users[e]) }
        let window = (b.start + e) / windowSize
        allocation[window * arms.count + arm] += 1
        return click
    }
}

/// Beta and gamma draws (Marsaglia & Tsang 2000, for shape ≥ 1).
enum Beta {
    static func sample(alpha: Double, beta: Double, _ g: inout SeededGenerator) -> Double {
        let x = gamma(alpha, &g), y = gamma(beta, &g)
        return x / (x + y)
    }

    static func gamma(_ shape: Double, _ g: inout SeededGenerator) -> Double {
        precondition(shape >= 1)
        let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double, v: Double
            repeat {
                x = Double(g.nextGaussian())
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = g.nextDouble()
            if u < 1 - 0.0331 * x * x * x * x { return d * v }
            if log(max(u, 1e-300)) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v }
        }
    }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
