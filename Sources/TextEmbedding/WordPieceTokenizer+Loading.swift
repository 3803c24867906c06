import Foundation

/// Reading a tokenizer from the files a Hugging Face model ships.
extension WordPieceTokenizer {
    /// The tokenizer of the model in `directory`: the vocabulary from `vocab.txt`, the normaliser and
    /// WordPiece settings and the special tokens from `tokenizer.json`, and the sequence limit from
    /// `sentence_bert_config.json`'s `max_seq_length` (what sentence-transformers applies).
    /// - Parameters:
    ///   - directory: the model folder.
    ///   - maxLength: the longest sequence, special tokens included; overrides the files. Without it and
    ///     without `sentence_bert_config.json`, 512 (BERT's position limit).
    /// - Throws: `TextEmbeddingError.cannotRead` for a missing file, `.badConfiguration` naming the
    ///   field that is wrong, `.missingToken` when a special token is not in the vocabulary.
    public init(directory: URL, maxLength: Int? = nil) throws {
        let vocabularyURL = directory.appendingPathComponent("vocab.txt")
        let vocabulary = try Self.readVocabulary(vocabularyURL)
        let settings = try Self.readSettings(directory.appendingPathComponent("tokenizer.json"))
        let limit = try maxLength ?? ModelFiles.maxSequenceLength(in: directory) ?? 512
        try self.init(vocabulary: vocabulary, settings: settings, maxLength: limit, source: vocabularyURL.path)
    }

    /// The tokens of a `vocab.txt` file, one a line; line `i` (from 0) is id `i`.
    /// - Throws: `TextEmbeddingError.cannotRead`, or `.badConfiguration` for an empty file.
    static func readVocabulary(_ url: URL) throws -> [String] {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw TextEmbeddingError.cannotRead(path: url.path, reason: error.localizedDescription)
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
        if lines.last == "" { lines.removeLast() }
        guard !lines.isEmpty else { throw TextEmbeddingError.badConfiguration(path: url.path, field: "vocabulary", reason: "is empty") }
        return lines
    }

    /// The settings in a `tokenizer.json` (tokenizers' serialisation): `normalizer` (a `BertNormalizer`),
    /// `pre_tokenizer` (a `BertPreTokenizer`), `model` (a `WordPiece`), the `post_processor`'s
    /// `[CLS]`/`[SEP]` and the special `added_tokens`.
    /// - Throws: `TextEmbeddingError.cannotRead` or `.badConfiguration` naming the field.
    static func readSettings(_ url: URL) throws -> Settings {
        let json = try ModelFiles.readJSONObject(url)
        func bad(_ field: String, _ reason: String) -> TextEmbeddingError {
            .badConfiguration(path: url.path, field: field, reason: reason)
        }
        var settings = Settings()
        guard let normalizer = json["normalizer"] as? [String: Any], normalizer["type"] as? String == "BertNormalizer" else {
            throw bad("normalizer", "must be a BertNormalizer (found \(String(describing: (json["normalizer"] as? [String: Any])?["type"] ?? "none")))")
        }
        settings.cleanText = normalizer["clean_text"] as? Bool ?? true
        settings.handleChineseChars = normalizer["handle_chinese_chars"] as? Bool ?? true
        settings.lowercase = normalizer["lowercase"] as? Bool ?? true
        // `strip_accents: null` follows `lowercase`, as in tokenizers.
        settings.stripAccents = normalizer["strip_accents"] as? Bool ?? settings.lowercase
        if let pre = json["pre_tokenizer"] as? [String: Any], pre["type"] as? String != "BertPreTokenizer" {
            throw bad("pre_tokenizer", "must be a BertPreTokenizer (found \(pre["type"] ?? "none"))")
        }
        guard let model = json["model"] as? [String: Any], model["type"] as? String == "WordPiece" else {
            throw bad("model", "must be a WordPiece model")
        }
        if let unk = model["unk_token"] as? String { settings.unknownToken = unk }
        if let prefix = model["continuing_subword_prefix"] as? String { settings.continuingSubwordPrefix = prefix }
        if let limit = model["max_input_chars_per_word"] as? Int {
            guard limit > 0 else { throw bad("model.max_input_chars_per_word", "must be positive, got \(limit)") }
            settings.maxInputCharsPerWord = limit
        }
        if let post = json["post_processor"] as? [String: Any], let single = post["single"] as? [[String: Any]] {
            let specials = single.compactMap { ($0["SpecialToken"] as? [String: Any])?["id"] as? String }
            guard specials.count == 2, single.count == 3,
                  (single.first?["SpecialToken"]) != nil, (single.last?["SpecialToken"]) != nil
            else { throw bad("post_processor.single", "must be the BERT template [CLS] $A [SEP]") }
            settings.classifierToken = specials[0]
            settings.separatorToken = specials[1]
        }
        if let added = json["added_tokens"] as? [[String: Any]] {
            settings.specialTokens = try added.compactMap { entry in
                guard entry["special"] as? Bool ?? false, entry["normalized"] as? Bool != true else { return nil }
                let content = entry["content"] as? String ?? ""
                for flag in ["single_word", "lstrip", "rstrip"] where entry[flag] as? Bool == true {
                    throw bad("added_tokens", "\(content) sets \(flag), which this tokenizer does not support")
                }
                return content
            }
        }
        return settings
    }
}
