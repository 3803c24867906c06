import Foundation
import Testing
@testable import TextEmbedding

/// Expected ids worked out by hand from `testVocabulary` (2 = [CLS], 3 = [SEP], 1 = [UNK]).
@Suite struct WordPieceTokenizerTests {
    let tokenizer = try! WordPieceTokenizer(vocabulary: testVocabulary, maxLength: 32)

    @Test func accentsAreStrippedAndCaseFolded() {
        #expect(tokenizer.encode("Café Déjà vu") == [2, 5, 6, 7, 8, 3])
        #expect(tokenizer.encode("DÉJÀ") == [2, 6, 7, 3])
        #expect(tokenizer.encode("Cafe\u{0301}") == [2, 5, 3])       // already decomposed
        #expect(tokenizer.tokenize("Déjà vu") == ["de", "##ja", "vu"])
    }

    @Test func punctuationIsSplitOff() {
        #expect(tokenizer.encode("Don't stop!") == [2, 9, 10, 11, 12, 13, 3])
        #expect(tokenizer.encode("a$b") == [2, 19, 26, 20, 3])        // ASCII symbols count as punctuation
        #expect(tokenizer.encode("stop—stop") == [2, 12, 27, 12, 3])  // em dash, Unicode Pd
        #expect(tokenizer.encode("Toy Story (1995)") == [2, 29, 30, 31, 32, 33, 3])
    }

    @Test func wordPiecesAndUnknownWords() {
        #expect(tokenizer.encode("unaffable") == [2, 14, 15, 16, 3])
        #expect(tokenizer.encode("toys") == [2, 29, 34, 3])
        #expect(tokenizer.encode("xyzzy") == [2, 1, 3])               // "x" fits, the rest does not: the whole word is [UNK]
        #expect(tokenizer.encode("stop xyzzy stop") == [2, 12, 1, 12, 3])
        #expect(tokenizer.tokenize("unaffable toys") == ["un", "##aff", "##able", "toy", "##s"])
    }

    @Test func cjkIdeographsBecomeWords() {
        #expect(tokenizer.encode("北京") == [2, 17, 18, 3])
        #expect(tokenizer.encode("x北京x") == [2, 28, 17, 18, 28, 3])
        #expect(tokenizer.encode("东京") == [2, 1, 18, 3])            // an ideograph outside the vocabulary
    }

    @Test func controlsAndWhitespaceAreCleaned() {
        #expect(tokenizer.encode("") == [2, 3])
        #expect(tokenizer.encode(" \t\n\u{0007}\u{200B} \r\n") == [2, 3])
        #expect(tokenizer.encode("st\u{0000}op") == [2, 12, 3])
        #expect(tokenizer.encode("sto\u{200B}p\u{FFFD}") == [2, 12, 3])  // zero-width space is a format character
        #expect(tokenizer.encode("a\u{00A0}b\u{3000}c") == [2, 19, 20, 21, 3])
    }

    @Test func specialTokensInTheTextAreKept() {
        #expect(tokenizer.encode("[MASK] stop") == [2, 4, 12, 3])
        #expect(tokenizer.encode("x[SEP]x") == [2, 28, 3, 28, 3])
        #expect(tokenizer.encode("[mask]") == [2, 1, 1, 1, 3])        // not the special token: "[", "mask", "]"
    }

    @Test func longInputsAreTruncatedKeepingSep() throws {
        let short = try WordPieceTokenizer(vocabulary: testVocabulary, maxLength: 6)
        #expect(short.encode("a b c d e f g") == [2, 19, 20, 21, 22, 3])
        let shorter = try WordPieceTokenizer(vocabulary: testVocabulary, maxLength: 4)
        #expect(shorter.encode("unaffable") == [2, 14, 15, 3])        // cut between the pieces of a word
        #expect(shorter.encode("[MASK] [MASK] [MASK]") == [2, 4, 4, 3])
        let long = String(repeating: "a ", count: 5000)
        #expect(tokenizer.encode(long).count == 32)
        #expect(tokenizer.encode(long).last == 3)
    }

    @Test func overlongWordsBecomeUnknown() throws {
        var settings = WordPieceTokenizer.Settings()
        settings.maxInputCharsPerWord = 4
        let strict = try WordPieceTokenizer(vocabulary: testVocabulary, settings: settings, maxLength: 32)
        #expect(strict.encode("stop cafes") == [2, 12, 1, 3])
        #expect(tokenizer.encode("stop cafes") == [2, 12, 5, 34, 3])
        #expect(tokenizer.encode(String(repeating: "a", count: 101)) == [2, 1, 3])
    }

    @Test func switchesChangeNormalisation() throws {
        var settings = WordPieceTokenizer.Settings()
        settings.lowercase = false
        settings.stripAccents = false
        let cased = try WordPieceTokenizer(vocabulary: testVocabulary, settings: settings, maxLength: 32)
        #expect(cased.encode("Cafe cafe café") == [2, 1, 5, 1, 3])
    }

    @Test func loadsFromModelFilesAndNamesBadOnes() throws {
        let model = try TinyModel(seed: 1)
        defer { model.remove() }
        let loaded = try WordPieceTokenizer(directory: model.directory)
        #expect(loaded.settings == WordPieceTokenizer.Settings())
        #expect(loaded.maxLength == 12)
        #expect(loaded.encode("Don't stop!") == tokenizer.encode("Don't stop!"))
        #expect(try WordPieceTokenizer(directory: model.directory, maxLength: 5).maxLength == 5)

        try model.writeText(model.tokenizerJSON(lowercase: false), "tokenizer.json")
        let cased = try WordPieceTokenizer(directory: model.directory)
        #expect(!cased.settings.lowercase && !cased.settings.stripAccents)

        try model.writeText(#"{"normalizer": {"type": "NFKC"}, "model": {"type": "WordPiece"}}"#, "tokenizer.json")
        #expect(throws: TextEmbeddingError.badConfiguration(path: model.directory.appendingPathComponent("tokenizer.json").path,
                                                            field: "normalizer", reason: "must be a BertNormalizer (found NFKC)")) {
            try WordPieceTokenizer(directory: model.directory)
        }
        #expect(throws: TextEmbeddingError.missingToken(path: "vocabulary", token: "[UNK]")) {
            try WordPieceTokenizer(vocabulary: ["[CLS]", "[SEP]", "a"], maxLength: 8)
        }
    }
}
