import Testing
@testable import Simulation

@Test func simulationTargetLinks() { #expect(Bool(true)) }
