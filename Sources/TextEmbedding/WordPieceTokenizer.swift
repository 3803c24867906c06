/// BERT's tokenizer: text → normalised words → WordPiece sub-word ids, framed by `[CLS]` … `[SEP]`.
///
/// It reproduces what Hugging Face's `tokenizers` library does for a `BertNormalizer` +
/// `BertPreTokenizer` + `WordPiece` model with the usual BERT template (Devlin et al. 2019; WordPiece
/// from Wu et al. 2016), so the ids match the reference implementation one for one:
/// 1. **Special tokens** written in the text (`[CLS]`, `[MASK]`, …) are matched on the raw text first,
///    leftmost-longest, and become their own ids.
/// 2. **Normalisation** (per Unicode scalar): drop NUL, U+FFFD and control characters (general
///    category C*, except tab, newline and carriage return), turn whitespace into a space; put spaces
///    around CJK ideographs; strip accents (canonical decomposition, NFD, then drop non-spacing marks,
///    Mn); lowercase (full Unicode lowercase mapping).
/// 3. **Pre-tokenisation**: split on whitespace, and make every punctuation character (ASCII
///    punctuation or Unicode category P*) a word of its own.
/// 4. **WordPiece**: each word becomes the longest vocabulary prefix, then the longest `##`-prefixed
///    continuation, and so on; a word that cannot be covered, or is longer than
///    ``Settings/maxInputCharsPerWord`` scalars, becomes `[UNK]` as a whole.
/// 5. **Truncation** to ``maxLength`` ids in all, `[CLS]` and `[SEP]` included (the `[SEP]` is kept).
///
/// A tokenizer is immutable and safe to share between threads.
public struct WordPieceTokenizer: Sendable {
    /// The tokenizer's switches and special tokens, as `tokenizer.json` states them.
    public struct Settings: Sendable, Equatable {
        /// Remove control characters and map every whitespace character to a space.
        public var cleanText = true
        /// Put spaces around CJK ideographs, so each becomes a word.
        public var handleChineseChars = true
        /// Strip accents (NFD, then drop non-spacing marks).
        public var stripAccents = true
        /// Lowercase the text.
        public var lowercase = true
        /// The token for a word the vocabulary cannot cover.
        public var unknownToken = "[UNK]"
        /// The prefix that marks a piece continuing a word.
        public var continuingSubwordPrefix = "##"
        /// Words longer than this (in Unicode scalars, after normalisation) become `[UNK]`.
        public var maxInputCharsPerWord = 100
        /// The token that opens every sequence.
        public var classifierToken = "[CLS]"
        /// The token that closes every sequence.
        public var separatorToken = "[SEP]"
        /// Tokens matched verbatim in the raw text before normalisation (`tokenizer.json`'s added tokens).
        public var specialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

        /// The settings of BERT's uncased tokenizers (those of all-MiniLM-L6-v2).
        public init() {}
    }

    /// The settings in force.
    public let settings: Settings
    /// The longest sequence produced, `[CLS]` and `[SEP]` included.
    public let maxLength: Int
    /// The vocabulary, by id.
    public let tokens: [String]
    let ids: [String: Int32]
    let specialIds: [(scalars: [Unicode.Scalar], id: Int32)]
    /// Id of ``Settings/unknownToken``.
    public let unknownId: Int32
    /// Id of ``Settings/classifierToken``.
    public let classifierId: Int32
    /// Id of ``Settings/separatorToken``.
    public let separatorId: Int32

    /// A tokenizer over `vocabulary` (token of id `i` at index `i`, as in `vocab.txt`).
    /// - Parameters:
    ///   - vocabulary: the tokens, by id. A token listed twice keeps its later id, as Hugging Face does.
    ///   - settings: normalisation switches and special tokens.
    ///   - maxLength: the longest sequence, special tokens included (≥ 2).
    ///   - source: a file name for error messages.
    /// - Throws: `TextEmbeddingError.missingToken` when `[UNK]`, `[CLS]` or `[SEP]` is not in the
    ///   vocabulary, `.invalidArgument` for `maxLength` < 2.
    public init(vocabulary: [String], settings: Settings = Settings(), maxLength: Int, source: String = "vocabulary") throws {
        guard maxLength >= 2 else { throw TextEmbeddingError.invalidArgument(name: "maxLength", reason: "must be at least 2, got \(maxLength)") }
        var ids: [String: Int32] = [:]
        ids.reserveCapacity(vocabulary.count)
        for (i, token) in vocabulary.enumerated() { ids[token] = Int32(i) }
        func id(_ token: String) throws -> Int32 {
            guard let id = ids[token] else { throw TextEmbeddingError.missingToken(path: source, token: token) }
            return id
        }
        self.settings = settings
        self.maxLength = maxLength
        self.tokens = vocabulary
        self.ids = ids
        unknownId = try id(settings.unknownToken)
        classifierId = try id(settings.classifierToken)
        separatorId = try id(settings.separatorToken)
        // Longest first, so that a scan taking the first match finds the longest one.
        specialIds = try settings.specialTokens.filter { !$0.isEmpty }
            .map { (scalars: Array($0.unicodeScalars), id: try id($0)) }
            .sorted { $0.scalars.count > $1.scalars.count }
    }

    /// The ids of `text`: `[CLS]`, its word pieces, `[SEP]`, truncated to ``maxLength``.
    /// - Complexity: O(n · w) for n scalars and words of at most w scalars.
    public func encode(_ text: String) -> [Int32] {
        var out: [Int32] = [classifierId]
        appendPieces(of: text, to: &out, limit: maxLength - 1)
        out.append(separatorId)
        return out
    }

    /// The word pieces of `text` as strings, without `[CLS]`/`[SEP]` and without truncation
    /// (for inspection and tests).
    public func tokenize(_ text: String) -> [String] {
        var out: [Int32] = []
        appendPieces(of: text, to: &out, limit: .max)
        return out.map { tokens[Int($0)] }
    }

    /// The id of `token`, or nil when it is not in the vocabulary.
    public func id(of token: String) -> Int32? { ids[token] }

    /// Appends the ids of `text` to `out` until `out` holds `limit` ids.
    private func appendPieces(of text: String, to out: inout [Int32], limit: Int) {
        let scalars = Array(text.unicodeScalars)
        var segmentStart = 0
        var i = 0
        while i < scalars.count, out.count < limit {
            if let (length, id) = specialMatch(scalars, at: i) {
                appendSegment(scalars[segmentStart..<i], to: &out, limit: limit)
                if out.count < limit { out.append(id) }
                i += length
                segmentStart = i
            } else {
                i += 1
            }
        }
        appendSegment(scalars[segmentStart..<scalars.count], to: &out, limit: limit)
    }

    /// The longest special token that starts at `scalars[i]`, if any.
    private func specialMatch(_ scalars: [Unicode.Scalar], at i: Int) -> (length: Int, id: Int32)? {
        for special in specialIds where special.scalars.count <= scalars.count - i {
            var matches = true
            for (j, s) in special.scalars.enumerated() where scalars[i + j] != s {
                matches = false
                break
            }
            if matches { return (special.scalars.count, special.id) }
        }
        return nil
    }

    private func appendSegment(_ segment: ArraySlice<Unicode.Scalar>, to out: inout [Int32], limit: Int) {
        guard !segment.isEmpty, out.count < limit else { return }
        let normalized = normalize(segment)
        for word in preTokenize(normalized) {
            appendWordPieces(normalized[word], to: &out)
            if out.count >= limit {
                out.removeLast(out.count - limit)
                return
            }
        }
    }

    /// Greedy longest-match-first WordPiece of one word.
    private func appendWordPieces(_ word: ArraySlice<Unicode.Scalar>, to out: inout [Int32]) {
        if word.count > settings.maxInputCharsPerWord {
            out.append(unknownId)
            return
        }
        let mark = out.count
        var start = word.startIndex
        while start < word.endIndex {
            var end = word.endIndex
            var found: Int32?
            while end > start {
                var piece = start == word.startIndex ? "" : settings.continuingSubwordPrefix
                piece.unicodeScalars.append(contentsOf: word[start..<end])
                if let id = ids[piece] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let found else {
                out.removeLast(out.count - mark)
                out.append(unknownId)
                return
            }
            out.append(found)
            start = end
        }
    }
}
