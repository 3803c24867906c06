/// Input shown back to a person inside an error message: bounded in length, with control bytes escaped,
/// so a 5 MB line or a terminal escape sequence in a bad file never reaches the screen raw.
public enum Echo {
    /// The default bound: enough for a whole MovieLens line or header, short enough for a terminal.
    public static let defaultLimit = 200

    /// `text` with control characters escaped (`\n`, `\t`, `\r`, `\u{1B}`, …; invalid UTF-8 became U+FFFD
    /// when the string was made) and cut after `limit` UTF-8 bytes of output with "…" appended.
    public static func quote(_ text: some StringProtocol, limit: Int = defaultLimit) -> String {
        var out = ""
        out.reserveCapacity(min(text.utf8.count, limit) + 8)
        var bytes = 0
        for scalar in text.unicodeScalars {
            let piece: String
            switch scalar {
            case "\n": piece = "\\n"
            case "\r": piece = "\\r"
            case "\t": piece = "\\t"
            default:
                let v = scalar.value
                if v < 0x20 || v == 0x7F || (v >= 0x80 && v < 0xA0) || v == 0x2028 || v == 0x2029 {
                    piece = "\\u{" + String(v, radix: 16, uppercase: true) + "}"
                } else {
                    piece = String(scalar)
                }
            }
            let size = piece.utf8.count
            if bytes + size > limit {
                out += "…"
                return out
            }
            out += piece
            bytes += size
        }
        return out
    }

    /// The bytes of a raw line (not necessarily UTF-8), decoded with replacement, then quoted.
    public static func quote(bytes: UnsafeRawBufferPointer, limit: Int = defaultLimit) -> String {
        // Decode only a bounded prefix: a 5 MB line costs no more than a short one.
        let prefix = UnsafeRawBufferPointer(rebasing: bytes[0..<min(bytes.count, limit * 4 + 4)])
        let text = String(decoding: prefix, as: UTF8.self)
        let quoted = quote(text, limit: limit)
        if prefix.count < bytes.count && !quoted.hasSuffix("…") { return quoted + "…" }
        return quoted
    }

    /// Whether `text` is safe to print as an error: no raw control characters but newlines between
    /// lines of a multi-line message, and at most `limit` bytes (used by fuzz harnesses and tests).
    public static func isPrintable(_ text: String, limit: Int) -> Bool {
        guard text.utf8.count <= limit else { return false }
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v == 0x0A { continue }
            if v < 0x20 || v == 0x7F || (v >= 0x80 && v < 0xA0) { return false }
        }
        return true
    }
}
