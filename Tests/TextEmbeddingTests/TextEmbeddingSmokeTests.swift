import Testing
@testable import TextEmbedding

@Test func textEmbeddingTargetLinks() { #expect(Bool(true)) }
