import Foundation

/// BERT's normaliser and pre-tokeniser, per Unicode scalar, as `tokenizers`' `BertNormalizer` and
/// `BertPreTokenizer` define them.
extension WordPieceTokenizer {
    /// The normalised scalars of `text` (clean, CJK spacing, accent stripping, lowercasing, in that order).
    func normalize<C: Collection>(_ text: C) -> [Unicode.Scalar] where C.Element == Unicode.Scalar {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.count + 8)
        for s in text {
            if settings.cleanText {
                if s.value == 0 || s.value == 0xFFFD || Self.isControl(s) { continue }
                if Self.isWhitespace(s) {
                    scalars.append(" ")
                    continue
                }
            }
            if settings.handleChineseChars, Self.isChineseCharacter(s) {
                scalars.append(" ")
                scalars.append(s)
                scalars.append(" ")
            } else {
                scalars.append(s)
            }
        }
        if settings.stripAccents, scalars.contains(where: { !$0.isASCII }) {
            var text = String.UnicodeScalarView()
            text.append(contentsOf: scalars)
            scalars = String(text).decomposedStringWithCanonicalMapping.unicodeScalars
                .filter { $0.properties.generalCategory != .nonspacingMark }
        }
        if settings.lowercase {
            var lowered: [Unicode.Scalar] = []
            lowered.reserveCapacity(scalars.count)
            for s in scalars {
                if s.isASCII {
                    lowered.append(s.value >= 0x41 && s.value <= 0x5A ? Unicode.Scalar(s.value + 32)! : s)
                } else {
                    lowered.append(contentsOf: s.properties.lowercaseMapping.unicodeScalars)
                }
            }
            scalars = lowered
        }
        return scalars
    }

    /// The words of normalised text, as index ranges: split on whitespace (dropped) and around every
    /// punctuation character (kept as a word of its own).
    func preTokenize(_ scalars: [Unicode.Scalar]) -> [Range<Int>] {
        var words: [Range<Int>] = []
        var start = 0
        for (i, s) in scalars.enumerated() {
            if s.properties.isWhitespace {
                if start < i { words.append(start..<i) }
                start = i + 1
            } else if Self.isPunctuation(s) {
                if start < i { words.append(start..<i) }
                words.append(i..<(i + 1))
                start = i + 1
            }
        }
        if start < scalars.count { words.append(start..<scalars.count) }
        return words
    }

    /// Tab, newline, carriage return and Unicode White_Space.
    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        s == "\t" || s == "\n" || s == "\r" || s.properties.isWhitespace
    }

    /// General category C* (control, format, surrogate, private use, unassigned), except tab, newline
    /// and carriage return, which count as whitespace.
    static func isControl(_ s: Unicode.Scalar) -> Bool {
        if s == "\t" || s == "\n" || s == "\r" { return false }
        switch s.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }

    /// ASCII punctuation (which includes symbols such as `$`, `+`, `^`) or general category P*.
    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if (v >= 33 && v <= 47) || (v >= 58 && v <= 64) || (v >= 91 && v <= 96) || (v >= 123 && v <= 126) { return true }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default: return false
        }
    }

    /// The CJK Unified Ideographs blocks (and their extensions and compatibility forms), as BERT
    /// defines "Chinese characters". Hiragana, Katakana and Hangul are not among them.
    static func isChineseCharacter(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default: return false
        }
    }
}
