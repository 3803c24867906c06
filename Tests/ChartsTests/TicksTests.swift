import Testing
@testable import Charts

private func close(_ a: [Double], _ b: [Double]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) }
}

@Test func niceStepsAreOneTwoOrFiveTimesAPowerOfTen() {
    #expect(Ticks.niceStep(span: 1, count: 5).value == 0.2)
    #expect(Ticks.niceStep(span: 100, count: 5).value == 20)
    #expect(Ticks.niceStep(span: 100, count: 10).value == 10)
    #expect(Ticks.niceStep(span: 0.37, count: 5).value == 0.1)
    #expect(Ticks.niceStep(span: 7, count: 3).value == 5)
    #expect(Ticks.niceStep(span: 49, count: 8).value == 10)
    #expect(Ticks.niceStep(span: 12_000, count: 4).value == 5000)
}

@Test func linearTicksOnKnownRanges() {
    let a = Ticks.linear(0...1, count: 5)
    #expect(a.values == [0, 0.2, 0.4, 0.6, 0.8, 1] && a.step == 0.2)
    #expect(Ticks.linear(0...50, count: 5).values == [0, 10, 20, 30, 40, 50])
    #expect(Ticks.linear(0.03...0.87, count: 5).values == [0.2, 0.4, 0.6, 0.8])
    #expect(Ticks.linear(-7...7, count: 4).values == [-5, 0, 5])
    // The multiples are the closest Doubles to the decimals (3 × 0.05 would be 0.15000000000000002).
    #expect(Ticks.linear(0...0.3, count: 6).values == [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3])
    #expect(Ticks.niceDomain(0.03...0.87, count: 5) == 0...1)
    #expect(Ticks.niceDomain(3...97, count: 5) == 0...100)
    #expect(Ticks.niceDomain(1...50, count: 6) == 0...50)
    #expect(Ticks.niceDomain(5...5, count: 5) == 4...6)      // widened to 4.5…5.5, then to whole steps
}

@Test func logTicksAreDecadesWithMinorTicks() {
    let small = Ticks.log(1...1000, count: 6)
    #expect(small.major == [1, 10, 100, 1000])
    #expect(small.minor.count == 24)                         // 2…9 in each of three decades
    #expect(small.minor.first == 2 && small.minor.last == 900)
    // Ten decades in room for five labels: every second decade, the others minor.
    let wide = Ticks.log(1...1e10, count: 5)
    #expect(wide.major == [1, 100, 1e4, 1e6, 1e8, 1e10])
    #expect(wide.minor == [10, 1000, 1e5, 1e7, 1e9])
    // Under two decades: 1-2-5.
    #expect(Ticks.log(20...300, count: 6).major == [20, 50, 100, 200])
    #expect(Ticks.niceLogDomain(3...470) == 1...1000)
    #expect(Ticks.niceLogDomain(1...10_000) == 1...10_000)
    #expect(Ticks.niceLogDomain(0.02...0.5) == 0.01...1)
}

@Test func civilDatesConvertBothWays() {
    #expect(CivilDate(unixSeconds: 0) == CivilDate(year: 1970, month: 1, day: 1))
    #expect(CivilDate(unixSeconds: 951_782_400) == CivilDate(year: 2000, month: 2, day: 29))   // leap day
    #expect(CivilDate(unixSeconds: 1_537_799_250) == CivilDate(year: 2018, month: 9, day: 24))
    #expect(CivilDate(unixSeconds: -1) == CivilDate(year: 1969, month: 12, day: 31))
    #expect(CivilDate(year: 2000, month: 3).unixSeconds == 951_868_800)
    for index in [-25, -1, 0, 1, 11, 12, 313, 586] {
        #expect(CivilDate(monthIndex: index).monthIndex == index)
        #expect(CivilDate(unixSeconds: CivilDate(monthIndex: index).unixSeconds).monthIndex == index)
    }
    #expect(CivilDate(year: 1996, month: 3).yearMonthLabel == "1996-03" && CivilDate(year: 2015, month: 11).yearMonthLabel == "2015-11")
}

@Test func dateTicksFallOnMonthsOrYears() {
    // 1996-03-29 … 2018-09-24: 22.5 years in 6 intervals → every 5 years.
    let long = Ticks.dates(828_054_000...1_537_799_250, count: 6)
    #expect(long.months == 60)
    #expect(long.values.map { CivilDate(unixSeconds: $0).yearLabel } == ["2000", "2005", "2010", "2015"])
    // 2015-01-10 … 2015-12-20 in 4 intervals → quarters.
    let year = Ticks.dates(CivilDate(year: 2015, month: 1, day: 10).unixSeconds...CivilDate(year: 2015, month: 12, day: 20).unixSeconds, count: 4)
    #expect(year.months == 3)
    #expect(year.values.map { CivilDate(unixSeconds: $0).yearMonthLabel } == ["2015-04", "2015-07", "2015-10"])
    // Widened to whole months: 1996-03-28T23:00 … 2018-09-24 becomes 1996-03-01 … 2018-10-01.
    let nice = Ticks.niceDateDomain(828_054_000...1_537_799_250)
    #expect(CivilDate(unixSeconds: nice.lowerBound) == CivilDate(year: 1996, month: 3))
    #expect(CivilDate(unixSeconds: nice.upperBound) == CivilDate(year: 2018, month: 10))
    let instant = Ticks.niceDateDomain(CivilDate(year: 2000, month: 5).unixSeconds...CivilDate(year: 2000, month: 5).unixSeconds)
    #expect(instant == CivilDate(year: 2000, month: 5).unixSeconds...CivilDate(year: 2000, month: 6).unixSeconds)
}

@Test func resolvedAxisLabelsTicksByStyle() {
    let percent = ResolvedAxis(.percent(), extent: nil, count: 5, forceZero: false, start: 0, end: 100)
    #expect(percent.ticks.map(\.label) == ["0%", "20%", "40%", "60%", "80%", "100%"])
    // Room for four intervals only: 1-2-5 steps allow 50 %, not 25 %.
    let coarse = ResolvedAxis(.percent(), extent: nil, count: 4, forceZero: false, start: 0, end: 100)
    #expect(coarse.ticks.map(\.label) == ["0%", "50%", "100%"])
    let log = ResolvedAxis(.log(), extent: 1...9_742, count: 6, forceZero: false, start: 0, end: 100)
    #expect(log.domain == 1...10_000)
    #expect(log.ticks.map(\.label) == ["1", "10", "100", "1k", "10k"])
    #expect(abs(log.position(100) - 50) < 1e-9)
    let linear = ResolvedAxis(Axis(), extent: 0...48_000, count: 5, forceZero: false, start: 0, end: 100)
    #expect(linear.ticks.map(\.label) == ["0", "10k", "20k", "30k", "40k", "50k"])
}
