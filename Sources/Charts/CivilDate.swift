/// A day of the proleptic Gregorian calendar in UTC, converted to and from Unix time without Foundation
/// (so tick positions and labels never depend on the machine's time zone or locale).
///
/// The conversions are Howard Hinnant's `days_from_civil` / `civil_from_days` algorithms
/// (<https://howardhinnant.github.io/date_algorithms.html>).
public struct CivilDate: Sendable, Hashable, Comparable {
    /// The year, e.g. 1996.
    public var year: Int
    /// The month, 1…12.
    public var month: Int
    /// The day of the month, 1…31.
    public var day: Int

    /// A date from its parts (not checked beyond the month: day 31 of a 30-day month rolls over when
    /// converted to Unix time).
    public init(year: Int, month: Int, day: Int = 1) {
        precondition((1...12).contains(month), "month must be 1…12, got \(month)")
        self.year = year
        self.month = month
        self.day = day
    }

    /// The UTC date of a Unix time (seconds since 1970-01-01T00:00:00Z; fractions and negative times
    /// allowed).
    public init(unixSeconds: Double) {
        let days = Int((unixSeconds / 86_400).rounded(.down))
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// Days since 1970-01-01.
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Midnight UTC of this day as Unix seconds.
    public var unixSeconds: Double { Double(daysSinceEpoch) * 86_400 }

    /// Months since January 1970 (January 1970 is 0): the index used for monthly bins.
    public var monthIndex: Int { (year - 1970) * 12 + (month - 1) }

    /// The first day of the month with the given `monthIndex`.
    public init(monthIndex: Int) {
        let y = monthIndex >= 0 ? monthIndex / 12 : (monthIndex - 11) / 12
        self.init(year: 1970 + y, month: monthIndex - y * 12 + 1, day: 1)
    }

    /// `"YYYY"`.
    public var yearLabel: String { String(year) }

    /// `"YYYY-MM"`.
    public var yearMonthLabel: String { String(year) + (month < 10 ? "-0" : "-") + String(month) }

    public static func < (a: CivilDate, b: CivilDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }
}
