import Foundation

/// Where an axis puts its ticks: "nice" values a reader can add up in their head.
///
/// - Linear axes step by 1, 2 or 5 times a power of ten, and a domain taken from data is widened to
///   whole steps.
/// - Log axes tick at decades (1, 10, 100, …; every second or fifth decade when there are many), with
///   unlabelled minor ticks at 2…9 × 10ᵏ; a domain spanning less than a decade ticks at 1, 2 and 5 × 10ᵏ.
/// - Time axes (Unix seconds) tick at the first of a month: every 1, 2, 3 or 6 months, or every 1, 2, 5,
///   10, 20 or 50 years; a domain from data is widened to whole months.
public enum Ticks {
    /// A step of 1, 2 or 5 × 10^exponent, kept as integers so that its multiples are the closest Doubles
    /// to the decimal values (3 × 0.05 is 0.15, not 0.15000000000000002).
    public struct Step: Sendable, Equatable {
        /// 1, 2 or 5.
        public var mantissa: Int
        /// The power of ten.
        public var exponent: Int

        /// The step as a number.
        public var value: Double { multiple(1) }

        /// `i` × the step, rounded once.
        public func multiple(_ i: Int) -> Double {
            exponent >= 0 ? Double(i * mantissa) * Format.powerOfTen(exponent)
                          : Double(i * mantissa) / Format.powerOfTen(-exponent)
        }
    }

    /// The smallest 1-2-5 step that covers `span` in at most `count` intervals.
    /// - Precondition: `span` > 0 and finite, `count` ≥ 1.
    public static func niceStep(span: Double, count: Int) -> Step {
        precondition(span > 0 && span.isFinite && count >= 1)
        let raw = span / Double(count)
        var exponent = Int(Format.floorLog10(raw))
        let fraction = raw / Format.powerOfTen(exponent)
        let mantissa: Int
        if fraction <= 1 + 1e-9 { mantissa = 1 } else if fraction <= 2 + 1e-9 { mantissa = 2 } else if fraction <= 5 + 1e-9 {
            mantissa = 5
        } else {
            mantissa = 1
            exponent += 1
        }
        return Step(mantissa: mantissa, exponent: exponent)
    }

    /// `domain` widened to whole multiples of a 1-2-5 step with at most `count` intervals; a single value
    /// is widened to a unit around it first.
    ///
    /// For example 0.03…0.87 with 5 intervals becomes 0…1 (step 0.2), and 3…97 becomes 0…100 (step 20).
    public static func niceDomain(_ domain: ClosedRange<Double>, count: Int) -> ClosedRange<Double> {
        var lo = domain.lowerBound, hi = domain.upperBound
        if lo == hi {
            let pad = lo == 0 ? 1 : abs(lo) * 0.1
            lo -= pad
            hi += pad
        }
        var step = niceStep(span: hi - lo, count: count)
        // Widening can call for a larger step; a larger step's multiples still contain the data.
        for _ in 0..<4 {
            let first = Int((lo / step.value + 1e-9).rounded(.down)), last = Int((hi / step.value - 1e-9).rounded(.up))
            lo = step.multiple(first)
            hi = step.multiple(last)
            let next = niceStep(span: hi - lo, count: count)
            if next == step { break }
            step = next
        }
        return lo...hi
    }

    /// The multiples of a 1-2-5 step inside `domain` (at most `count` intervals between them) and the
    /// step used.
    ///
    /// 0…1 with count 5 gives 0, 0.2, 0.4, 0.6, 0.8, 1 (step 0.2).
    public static func linear(_ domain: ClosedRange<Double>, count: Int) -> (values: [Double], step: Double) {
        let span = domain.upperBound - domain.lowerBound
        guard span > 0, span.isFinite else { return ([domain.lowerBound], 1) }
        let step = niceStep(span: span, count: max(1, count))
        let tolerance = 1e-9
        let first = Int((domain.lowerBound / step.value - tolerance).rounded(.up))
        let last = Int((domain.upperBound / step.value + tolerance).rounded(.down))
        guard first <= last else { return ([], step.value) }
        return ((first...last).map { step.multiple($0) }, step.value)
    }

    /// `domain` (positive) widened to whole decades: 3…470 becomes 1…1000.
    /// - Precondition: `domain.lowerBound` > 0.
    public static func niceLogDomain(_ domain: ClosedRange<Double>) -> ClosedRange<Double> {
        precondition(domain.lowerBound > 0, "a log domain must be positive")
        let lo = Format.floorLog10(domain.lowerBound)
        var hi = Format.floorLog10(domain.upperBound)
        if Format.powerOfTen(Int(hi)) < domain.upperBound * (1 - 1e-12) { hi += 1 }
        if hi <= lo { hi = lo + 1 }
        return Format.powerOfTen(Int(lo))...Format.powerOfTen(Int(hi))
    }

    /// Ticks of a log10 axis over a positive `domain`: labelled `major` ticks (at most `count` + 1) and
    /// unlabelled `minor` ticks.
    ///
    /// - Decades 10ᵏ inside the domain, every n-th decade when more than `count` + 1 would fit (the
    ///   skipped decades become minor ticks); with every decade shown and no more than 6 of them, minor
    ///   ticks at 2…9 × 10ᵏ.
    /// - Fewer than two decades inside the domain: 1, 2 and 5 × 10ᵏ, or a linear 1-2-5 step if those are
    ///   too few or too many.
    /// - Precondition: `domain.lowerBound` > 0.
    public static func log(_ domain: ClosedRange<Double>, count: Int) -> (major: [Double], minor: [Double]) {
        precondition(domain.lowerBound > 0, "a log domain must be positive")
        let count = max(1, count)
        let lo = domain.lowerBound * (1 - 1e-12), hi = domain.upperBound * (1 + 1e-12)
        var eMin = Int(Format.floorLog10(domain.lowerBound))
        if Format.powerOfTen(eMin) < lo { eMin += 1 }
        let eMax = Int(Format.floorLog10(domain.upperBound))
        if eMax - eMin >= 1 {
            let stride = max(1, Int((Double(eMax - eMin) / Double(count)).rounded(.up)))
            var major: [Double] = [], minor: [Double] = []
            for e in eMin...eMax {
                if (e - eMin) % stride == 0 { major.append(Format.powerOfTen(e)) } else { minor.append(Format.powerOfTen(e)) }
            }
            if stride == 1 && eMax - eMin <= 6 {
                for e in (eMin - 1)...eMax {
                    for m in 2...9 {
                        let v = Double(m) * Format.powerOfTen(e)
                        if v >= lo && v <= hi { minor.append(v) }
                    }
                }
                minor.sort()
            }
            return (major, minor)
        }
        // Under two decades: 1-2-5 multiples.
        var candidates: [Double] = []
        for e in (eMin - 1)...(eMax + 1) {
            for m in [1, 2, 5] {
                let v = Double(m) * Format.powerOfTen(e)
                if v >= lo && v <= hi { candidates.append(v) }
            }
        }
        if candidates.count >= 2 && candidates.count <= count + 1 { return (candidates, []) }
        return (linear(domain, count: count).values.filter { $0 > 0 }, [])
    }

    /// Ticks of a time axis: the first day of every `months`-th month inside `domain` (Unix seconds),
    /// with `months` the smallest of 1, 2, 3, 6, 12, 24, 60, 120, 240, 600 that gives at most `count`
    /// intervals over the domain. Steps of a year or more fall on years divisible by the step in years
    /// (2000, 2005, 2010); month steps on months that divide the year (January, April, July, October).
    public static func dates(_ domain: ClosedRange<Double>, count: Int) -> (values: [Double], months: Int) {
        let months = monthStep(domain, count: count)
        var values: [Double] = []
        var index = firstAligned(atOrAfter: CivilDate(unixSeconds: domain.lowerBound), months: months,
                                 exactStart: domain.lowerBound)
        while true {
            let t = CivilDate(monthIndex: index).unixSeconds
            if t > domain.upperBound { break }
            values.append(t)
            index += months
        }
        return (values, months)
    }

    /// `domain` (Unix seconds) widened to whole UTC months: from the first of its first month to the first
    /// of the month after its last (a single instant becomes its month). Ticks then fall inside; widening
    /// to whole tick steps would waste up to a step (five years) of width.
    public static func niceDateDomain(_ domain: ClosedRange<Double>) -> ClosedRange<Double> {
        let first = CivilDate(unixSeconds: domain.lowerBound), last = CivilDate(unixSeconds: domain.upperBound)
        let lo = CivilDate(monthIndex: first.monthIndex).unixSeconds
        var hi = CivilDate(monthIndex: last.monthIndex).unixSeconds
        if hi < domain.upperBound || hi <= lo { hi = CivilDate(monthIndex: last.monthIndex + 1).unixSeconds }
        return lo...hi
    }

    static let monthSteps = [1, 2, 3, 6, 12, 24, 60, 120, 240, 600]

    private static func monthStep(_ domain: ClosedRange<Double>, count: Int) -> Int {
        let spanMonths = (domain.upperBound - domain.lowerBound) / (30.436875 * 86_400)
        return monthSteps.first { spanMonths / Double($0) <= Double(max(1, count)) } ?? monthSteps.last!
    }

    private static func isAligned(_ monthIndex: Int, months: Int) -> Bool {
        let date = CivilDate(monthIndex: monthIndex)
        if months < 12 { return (date.month - 1) % months == 0 }
        return date.month == 1 && date.year % (months / 12) == 0
    }

    /// The first aligned month whose first day is at or after `exactStart`.
    private static func firstAligned(atOrAfter date: CivilDate, months: Int, exactStart: Double) -> Int {
        var index = date.monthIndex
        if CivilDate(monthIndex: index).unixSeconds < exactStart { index += 1 }
        while !isAligned(index, months: months) { index += 1 }
        return index
    }
}
