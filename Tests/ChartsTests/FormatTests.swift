import Testing
@testable import Charts

@Test func compactNumbersKeepThreeSignificantDigitsAndASuffix() {
    #expect(Format.compact(0) == "0")
    #expect(Format.compact(0.25) == "0.25")
    #expect(Format.compact(0.34567) == "0.346")
    #expect(Format.compact(1) == "1")
    #expect(Format.compact(12.5) == "12.5")
    #expect(Format.compact(999) == "999")
    #expect(Format.compact(999.7) == "1k")                  // rounds up into the next suffix
    #expect(Format.compact(1000) == "1k")
    #expect(Format.compact(1500) == "1.5k")
    #expect(Format.compact(12_345) == "12.3k")
    #expect(Format.compact(100_000) == "100k")
    #expect(Format.compact(2_500_000) == "2.5M")
    #expect(Format.compact(3e9) == "3B")
    #expect(Format.compact(-2) == "−2")
    #expect(Format.compact(.nan) == "NaN" && Format.compact(.infinity) == "∞")
}

@Test func tickLabelsTakeTheirDecimalsFromTheStep() {
    #expect(Format.tick(0.15, step: 0.05) == "0.15")
    #expect(Format.tick(0.2, step: 0.05) == "0.2")           // trailing zero trimmed
    #expect(Format.tick(0.30000000000000004, step: 0.1) == "0.3")
    #expect(Format.tick(1500, step: 500) == "1.5k")
    #expect(Format.tick(2000, step: 500) == "2k")
    #expect(Format.tick(1250, step: 250) == "1.25k")
    #expect(Format.tick(40, step: 20) == "40")
    #expect(Format.tick(-5, step: 5) == "−5")
    #expect(Format.tick(1e-17, step: 0.1) == "0")            // accumulated rounding is zero
    #expect(Format.percent(0.25, step: 0.05) == "25%")
    #expect(Format.percent(0.125, step: 0.025) == "12.5%")
    #expect(Format.fixed(2.5, decimals: 2) == "2.5" && Format.fixed(-0.004, decimals: 2) == "0")
    #expect(Format.decimals(for: 0.25) == 2 && Format.decimals(for: 5) == 0 && Format.decimals(for: 0.1) == 1)
}

@Test func coordinatesHaveAtMostTwoDecimals() {
    #expect(Format.coordinate(12) == "12")
    #expect(Format.coordinate(12.5) == "12.5")
    #expect(Format.coordinate(12.345) == "12.35" || Format.coordinate(12.345) == "12.34")
    #expect(Format.coordinate(0.05) == "0.05")
    #expect(Format.coordinate(-3.1) == "-3.1")
    #expect(Format.coordinate(.nan) == "0")
}

@Test func xmlSpecialCharactersAreEscaped() {
    #expect(escapeXML("a<b & c>\"d\" 'e'") == "a&lt;b &amp; c&gt;&quot;d&quot; &apos;e&apos;")
    #expect(escapeXML("plain ü ★") == "plain ü ★")
    #expect(escapeXML("bell\u{7}tab\tend") == "bell tab\tend")   // XML 1.0 forbids C0 controls
}
