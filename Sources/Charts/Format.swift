import Foundation

/// Number formatting for tick labels, point labels and SVG coordinates: compact, locale-free and
/// deterministic (integer arithmetic, no `printf`), so the same input always gives the same bytes.
public enum Format {
    /// A compact label with about `significantDigits` significant digits and a k / M / B suffix for
    /// thousands, millions and billions: `0.346`, `12.3k`, `1.5M`, `−2`. Trailing zeros are dropped.
    ///
    /// Non-finite values print as `NaN`, `∞` and `−∞`.
    public static func compact(_ value: Double, significantDigits: Int = 3) -> String {
        guard value.isFinite else { return nonFinite(value) }
        if value == 0 { return "0" }
        var suffixIndex = suffixIndex(of: abs(value))
        while true {
            let scaled = abs(value) / suffixes[suffixIndex].divisor
            let magnitude = Int(floorLog10(scaled))
            let decimals = max(0, significantDigits - 1 - magnitude)
            let text = fixedDigits(scaled, decimals: decimals)
            // 999.7 rounds to "1000": say "1k" instead.
            if text.hasPrefix("1000"), !text.contains("."), suffixIndex + 1 < suffixes.count {
                suffixIndex += 1
                continue
            }
            return (value < 0 ? "−" : "") + text + suffixes[suffixIndex].symbol
        }
    }

    /// The label of a tick at `value` on an axis whose ticks are `step` apart: as many decimals as the
    /// step needs (`0.05` → `0.15`), and k / M / B once the value reaches a thousand (`1.5k`, `20k`).
    public static func tick(_ value: Double, step: Double) -> String {
        guard value.isFinite else { return nonFinite(value) }
        // Within a hair of zero (accumulated rounding) is zero.
        if abs(value) < abs(step) * 1e-9 || value == 0 { return "0" }
        let index = suffixIndex(of: abs(value))
        let divisor = suffixes[index].divisor
        let text = fixedDigits(abs(value) / divisor, decimals: decimals(for: abs(step) / divisor))
        return (value < 0 ? "−" : "") + text + suffixes[index].symbol
    }

    /// A share as a percentage whose decimals follow the step: `0.25` with step `0.05` → `25%`.
    public static func percent(_ value: Double, step: Double) -> String {
        guard value.isFinite else { return nonFinite(value) }
        let text = fixedDigits(abs(value) * 100, decimals: decimals(for: abs(step) * 100))
        return (value < 0 && text != "0" ? "−" : "") + text + "%"
    }

    /// `value` with exactly `decimals` digits after the point rounded half away from zero, then trailing
    /// zeros (and a bare point) removed: `fixed(2.50, decimals: 2)` → `2.5`.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return nonFinite(value) }
        let text = fixedDigits(abs(value), decimals: decimals)
        return (value < 0 && text != "0" ? "-" : "") + text
    }

    /// The fewest decimals (at most 8) that write `step` exactly: `0.25` → 2, `5` → 0, `0.1` → 1.
    public static func decimals(for step: Double) -> Int {
        guard step.isFinite, step > 0 else { return 0 }
        var scaled = step
        for d in 0...8 {
            if abs(scaled - scaled.rounded()) <= 1e-9 * max(1, scaled) { return d }
            scaled *= 10
        }
        return 8
    }

    /// An SVG coordinate: two decimals at most, no trailing zeros, ASCII minus. Appends to `out` so a
    /// path of many points costs no intermediate strings.
    @inline(__always)
    static func appendCoordinate(_ value: Double, to out: inout String) {
        let hundredths = (value * 100).rounded()
        guard hundredths.isFinite, abs(hundredths) < 9e15 else { out += "0"; return }
        var n = Int64(hundredths)
        if n < 0 { out += "-"; n = -n }
        out += String(n / 100)
        let fraction = Int(n % 100)
        if fraction == 0 { return }
        out += "."
        if fraction % 10 == 0 {
            out += String(fraction / 10)
        } else {
            if fraction < 10 { out += "0" }
            out += String(fraction)
        }
    }

    /// An SVG coordinate as a string.
    static func coordinate(_ value: Double) -> String {
        var s = ""
        appendCoordinate(value, to: &s)
        return s
    }

    // MARK: - Internals

    private static let suffixes: [(divisor: Double, symbol: String)] = [(1, ""), (1e3, "k"), (1e6, "M"), (1e9, "B")]

    private static func suffixIndex(of magnitude: Double) -> Int {
        var index = 0
        while index + 1 < suffixes.count && magnitude >= suffixes[index + 1].divisor { index += 1 }
        return index
    }

    private static func nonFinite(_ value: Double) -> String {
        value.isNaN ? "NaN" : (value > 0 ? "∞" : "−∞")
    }

    /// log10 rounded down, exact at powers of ten (where `log10` may land a hair below).
    static func floorLog10(_ x: Double) -> Double {
        var e = log10(x).rounded(.down)
        if powerOfTen(Int(e) + 1) <= x { e += 1 }
        return e
    }

    /// 10^e for an integer exponent, as exact as a Double allows (multiplication for e ≥ 0, one
    /// correctly rounded division for e < 0).
    static func powerOfTen(_ e: Int) -> Double {
        var p = 1.0
        for _ in 0..<abs(e) { p *= 10 }
        return e >= 0 ? p : 1 / p
    }

    /// A non-negative value with `decimals` digits after the point, rounded half away from zero, trailing
    /// zeros trimmed.
    private static func fixedDigits(_ value: Double, decimals: Int) -> String {
        let d = max(0, min(decimals, 12))
        let scale = powerOfTen(d)
        let scaled = (value * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9e15 else { return String(Int64(min(value.rounded(), 9e18))) }
        let n = Int64(scaled)
        let whole = n / Int64(scale), fraction = n % Int64(scale)
        guard fraction != 0 else { return String(whole) }
        var digits = String(fraction)
        digits = String(repeating: "0", count: d - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return String(whole) + "." + digits
    }
}
