import Testing
@testable import Workspace

@Test func workspaceTargetLinks() { #expect(Bool(true)) }
