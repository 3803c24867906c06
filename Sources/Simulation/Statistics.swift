#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The statistics of click rates: confidence intervals, paired differences, the two-proportion z-test and
/// the sample size of an A/B test. Normal approximations at the 95 % level throughout.
public enum ClickStatistics {
    /// z of a two-sided 95 % interval.
    public static let z95 = 1.959963984540054
    /// z of 80 % power (one-sided).
    public static let z80 = 0.8416212335729143

    /// Wilson's score interval of a proportion `clicks / events` (well-behaved near 0 and 1).
    /// - Returns: (low, high); (0, 1) when there are no events.
    public static func wilson(clicks: Int, events: Int) -> (low: Double, high: Double) {
        guard events > 0 else { return (0, 1) }
        let n = Double(events), p = Double(clicks) / n, z = z95
        let center = (p + z * z / (2 * n)) / (1 + z * z / n)
        let half = z * (p * (1 - p) / n + z * z / (4 * n * n)).squareRoot() / (1 + z * z / n)
        return (max(0, center - half), min(1, center + half))
    }

    /// The mean difference of paired 0/1 rewards (policy − control on the same events) with its 95 %
    /// interval: d̄ ± z·s/√n, where s² is the sample variance of the per-event differences.
    /// - Parameters: clicks of each, and the events both clicked.
    public static func pairedDifference(clicks: Int, controlClicks: Int, both: Int, events: Int) -> (diff: Double, low: Double, high: Double) {
        guard events > 1 else { return (0, 0, 0) }
        let n = Double(events)
        let mean = Double(clicks - controlClicks) / n
        let squares = Double(clicks + controlClicks - 2 * both)   // Σ d² (d ∈ {−1, 0, 1})
        let variance = max(0, (squares - n * mean * mean) / (n - 1))
        let half = z95 * (variance / n).squareRoot()
        return (mean, mean - half, mean + half)
    }

    /// The two-proportion z-test of an A/B test (pooled variance), two-sided.
    /// - Returns: the difference p_b − p_a, its 95 % interval (unpooled), z and the p-value.
    public static func twoProportion(clicksA: Int, eventsA: Int, clicksB: Int, eventsB: Int)
        -> (diff: Double, low: Double, high: Double, z: Double, p: Double)
    {
        guard eventsA > 0, eventsB > 0 else { return (0, 0, 0, 0, 1) }
        let na = Double(eventsA), nb = Double(eventsB)
        let pa = Double(clicksA) / na, pb = Double(clicksB) / nb
        let diff = pb - pa
        let se = (pa * (1 - pa) / na + pb * (1 - pb) / nb).squareRoot()
        let pooled = Double(clicksA + clicksB) / (na + nb)
        let sePooled = (pooled * (1 - pooled) * (1 / na + 1 / nb)).squareRoot()
        let z = sePooled > 0 ? diff / sePooled : 0
        let p = erfc(abs(z) / 2.0.squareRoot())
        return (diff, diff - z95 * se, diff + z95 * se, z, p)
    }

    /// Events per arm needed to detect the difference between rates `pa` and `pb` with a two-sided test at
    /// 5 % and 80 % power: n = (z_{α/2}·√(2p̄(1−p̄)) + z_β·√(pa(1−pa) + pb(1−pb)))² / (pa − pb)².
    /// - Returns: nil when the rates are equal.
    public static func sampleSize(pa: Double, pb: Double) -> Int? {
        let delta = abs(pa - pb)
        guard delta > 0 else { return nil }
        let mean = (pa + pb) / 2
        let a = z95 * (2 * mean * (1 - mean)).squareRoot() + z80 * (pa * (1 - pa) + pb * (1 - pb)).squareRoot()
        return Int((a * a / (delta * delta)).rounded(.up))
    }
}
