import Testing
@testable import Charts

@Test func chartsTargetLinks() { #expect(Bool(true)) }
