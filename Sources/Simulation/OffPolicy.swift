/// Off-policy estimates of a target policy's click rate from a log made by another policy.
///
/// The log: at each event the logging policy (ε-greedy over popularity) shows a slate, and the log keeps
/// the action a = "the slate holds the logged movie" with its propensity π₀(a), and the reward r = a ·
/// positive. In replay the reward depends on the slate only through a, so a is the action the estimators
/// weigh: a target's value is E[π(1) · positive]. With w = π(a)/π₀(a):
///
/// - IPS (Horvitz–Thompson): V̂ = (1/n) Σ w r — unbiased when π₀ > 0 wherever π > 0;
/// - SNIPS: Σ w r / Σ w — self-normalised, a little biased, less variance;
/// - DR (Dudík et al. 2011): V̂ = (1/n) Σ [π(1) r̂ + w (r − a r̂)], with the reward model r̂ = P(click | the
///   logged movie shown), a constant fitted on the log (r̂(a = 0) = 0 is exact).
///
/// Open Bandit Pipeline (Saito et al. 2020) implements the same estimators.
public struct OffPolicyAccumulator: Sendable {
    public private(set) var events = 0
    var sumWR = 0.0, sumW = 0.0, sumWR2 = 0.0, sumPi1 = 0.0, sumWA = 0.0

    public init() {}

    /// Adds one logged event: the logged action and its propensity under the logging policy, the reward,
    /// and the target's probability of the action a = 1.
    @inline(__always)
    public mutating func add(loggedAction a: Bool, propensity: Double, reward r: Bool, targetProbability pi1: Double) {
        events += 1
        let w = (a ? pi1 : 1 - pi1) / propensity
        let wr = r ? w : 0
        sumWR += wr; sumWR2 += wr * wr; sumW += w; sumPi1 += pi1
        if a { sumWA += w }
    }

    public mutating func merge(_ other: OffPolicyAccumulator) {
        events += other.events
        sumWR += other.sumWR; sumW += other.sumW; sumWR2 += other.sumWR2; sumPi1 += other.sumPi1; sumWA += other.sumWA
    }

    public var ips: Double { events > 0 ? sumWR / Double(events) : 0 }
    /// The standard error of IPS.
    public var ipsStandardError: Double {
        guard events > 1 else { return 0 }
        let n = Double(events), mean = sumWR / n
        return (max(0, (sumWR2 - n * mean * mean) / (n - 1)) / n).squareRoot()
    }
    public var snips: Double { sumW > 0 ? sumWR / sumW : 0 }
    /// DR with the constant reward model `rewardModel` = P(r = 1 | a = 1).
    public func doublyRobust(rewardModel: Double) -> Double {
        events > 0 ? (rewardModel * sumPi1 + sumWR - rewardModel * sumWA) / Double(events) : 0
    }
}

/// The log's own counts: for the reward model and the logging policy's value.
public struct LoggingCounts: Sendable {
    public var events = 0, shown = 0, clicks = 0
    public init() {}
    /// P(click | the logged movie shown) on the log.
    public var rewardModel: Double { shown > 0 ? Double(clicks) / Double(shown) : 0 }
    public mutating func merge(_ o: LoggingCounts) { events += o.events; shown += o.shown; clicks += o.clicks }
}
