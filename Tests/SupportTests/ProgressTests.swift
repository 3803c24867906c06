import Testing
@testable import Support

/// A hand-driven clock and a captured output, so the tests check cadence and text without sleeping.
private final class FakeTerminal: Sendable {
    let time = Locked(100.0)
    let written = Locked<[String]>([])

    func reporter(_ label: String, total: Int, style: ProgressReporter.Style, interval: Double = 10) -> ProgressReporter {
        ProgressReporter(label, total: total, style: style, interval: interval,
                         clock: { [time] in time.current }, output: { [written] text in written.withLock { $0.append(text) } })
    }

    func advanceClock(by seconds: Double) { time.withLock { $0 += seconds } }
    var lines: [String] { written.current }
}

@Suite struct ProgressTests {
    @Test func linesComeAtMostOncePerIntervalWithPercentCountsAndETA() {
        let t = FakeTerminal()
        let p = t.reporter("training ALS", total: 2_741, style: .lines)
        // 2 s in: nothing yet (short work prints nothing).
        t.advanceClock(by: 2); p.update(to: 100)
        #expect(t.lines.isEmpty)
        // 12.5 s in, 1234 done: the first line; ETA = 12.5 · (2741 − 1234) / 1234 = 15.3 s.
        t.advanceClock(by: 10.5); p.update(to: 1_234)
        #expect(t.lines == ["training ALS: 45 % (1234/2741) 12.5 s, ETA 15 s\n"])
        // Many updates within the next 10 s: no new line.
        for step in 1...9 { t.advanceClock(by: 1); p.advance(by: step) }
        #expect(t.lines.count == 1)
        // 10 s after the first line: the second.
        t.advanceClock(by: 1); p.update(to: 2_000)
        #expect(t.lines.count == 2)
        // ETA = 22.5 · 741 / 2000 = 8.3 s.
        #expect(t.lines[1] == "training ALS: 72 % (2000/2741) 22.5 s, ETA 8 s\n")
        // Finishing after more than the interval: a last line.
        t.advanceClock(by: 3); p.update(to: 2_741); p.finish()
        #expect(t.lines.count == 3)
        #expect(t.lines[2] == "training ALS: done, 2741 in 25.5 s\n")
        // finish is idempotent and later updates are ignored.
        p.finish(); p.advance(by: 5)
        #expect(t.lines.count == 3)
    }

    @Test func shortWorkPrintsNothingAtAll() {
        let t = FakeTerminal()
        let p = t.reporter("building HNSW index", total: 500, style: .lines)
        for _ in 0..<500 { t.advanceClock(by: 0.01); p.advance() }
        p.finish()
        #expect(t.lines.isEmpty)
    }

    @Test func unknownTotalCountsUnitsWithoutPercent() {
        let t = FakeTerminal()
        let p = t.reporter("downloading", total: 0, style: .lines, interval: 5)
        t.advanceClock(by: 6); p.advance(by: 4_096)
        #expect(t.lines == ["downloading: 4096 6.0 s\n"])
        t.advanceClock(by: 120); p.advance(by: 4_096); p.finish()
        #expect(t.lines.last == "downloading: done, 8192 in 2 min 06 s\n")
    }

    @Test func totalSetLaterIsUsed() {
        let t = FakeTerminal()
        let p = t.reporter("training neumf", total: 0, style: .lines)
        p.total = 200
        t.advanceClock(by: 10); p.update(to: 50)
        // ETA = 10 · 150 / 50 = 30 s.
        #expect(t.lines == ["training neumf: 25 % (50/200) 10.0 s, ETA 30 s\n"])
        #expect(p.total == 200)
    }

    @Test func barRedrawsAtMostTenTimesASecondAndIsClearedAtTheEnd() {
        let t = FakeTerminal()
        let p = t.reporter("evaluating", total: 2_741, style: .bar)
        p.advance(by: 1)                      // at once: not drawn (less than 0.1 s of work)
        #expect(t.lines.isEmpty)
        // 1 s of updates every 1/16 s (exact in binary): a redraw every second update, 8 in all.
        for _ in 0..<16 { t.advanceClock(by: 0.0625); p.advance() }
        #expect(t.lines.count == 8)
        #expect(t.lines.allSatisfy { $0.hasPrefix("\r\u{1B}[Kevaluating [") })
        t.advanceClock(by: 11.5); p.update(to: 1_234)
        // 12.5 s in: 13 of 30 cells filled (45 %), the counts, elapsed and the ETA.
        let expected = "\r\u{1B}[Kevaluating [" + String(repeating: "#", count: 13) + String(repeating: ".", count: 17)
            + "]  45.0 % (1234/2741)  12.5 s, ETA 15 s"
        #expect(t.lines.last == expected)
        p.note("epoch 1: loss 0.5")
        #expect(t.lines.last == "\r\u{1B}[Kevaluating: epoch 1: loss 0.5\n")
        t.advanceClock(by: 1); p.advance()
        p.finish()
        #expect(t.lines.last == "\r\u{1B}[K")
    }

    @Test func notesGoToTerminalsOnly() {
        let t = FakeTerminal()
        let p = t.reporter("training gmf", total: 10, style: .lines)
        p.note("epoch 1: loss 0.7")
        #expect(t.lines.isEmpty)
    }

    @Test func disabledReporterIsSilent() {
        let t = FakeTerminal()
        let p = ProgressReporter("quiet", total: 10, enabled: false, style: .lines, interval: 1,
                                 clock: { [time = t.time] in time.current }, output: { [w = t.written] s in w.withLock { $0.append(s) } })
        #expect(p.style == .off)
        t.advanceClock(by: 100); p.advance(by: 10); p.note("x"); p.finish()
        #expect(t.lines.isEmpty)
    }

    @Test func durationsReadNaturally() {
        #expect(ProgressReporter.format(elapsed: 12.34) == "12.3 s")
        #expect(ProgressReporter.format(elapsed: 245) == "4 min 05 s")
        #expect(ProgressReporter.format(remaining: 15.02) == "15 s")
        #expect(ProgressReporter.format(remaining: 3_725) == "1 h 02 min")
    }
}
