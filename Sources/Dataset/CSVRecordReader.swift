import Foundation

/// A reader of RFC 4180 comma-separated records, for the small files of a dataset (movies, tags,
/// links): quoted fields may hold commas, doubled quotes (`""` for `"`) and line breaks.
///
/// Lines end with "\n" or "\r\n"; a missing newline at the end of the file is fine. Lenient where
/// RFC 4180 is strict and no meaning is lost: a quote inside an unquoted field is kept as a character.
struct CSVRecordReader {
    let bytes: UnsafeRawBufferPointer
    let separator: UInt8
    private var position: Int
    /// 1-based line number where the next record starts.
    private(set) var line = 1

    /// - Parameters:
    ///   - offset: where to start reading; `line`: the line number there.
    init(_ bytes: UnsafeRawBufferPointer, separator: UInt8 = UInt8(ascii: ","), startingAt offset: Int = 0, line: Int = 1) {
        self.bytes = bytes
        self.separator = separator
        position = offset
        self.line = line
    }

    /// A problem with the record starting at `line`.
    struct Problem: Error { var line: Int; var reason: String }

    /// The next record's fields and the line it starts on, nil at the end of the file. Blank lines are
    /// skipped.
    /// - Throws: `Problem` for a quoted field that is never closed.
    mutating func next() throws -> (line: Int, fields: [[UInt8]])? {
        let quote = UInt8(ascii: "\""), newline = ByteText.newline, cr = ByteText.carriageReturn
        // Skip blank lines.
        while position < bytes.count {
            if bytes[position] == newline { position += 1; line += 1 }
            else if bytes[position] == cr && position + 1 < bytes.count && bytes[position + 1] == newline { position += 2; line += 1 }
            else { break }
        }
        guard position < bytes.count else { return nil }
        let startLine = line
        var fields: [[UInt8]] = []
        var field: [UInt8] = []
        var p = position
        let n = bytes.count
        while true {
            if p < n && bytes[p] == quote {
                // Quoted field.
                p += 1
                while true {
                    guard p < n else { throw Problem(line: startLine, reason: "quoted field is never closed") }
                    let b = bytes[p]
                    if b == quote {
                        if p + 1 < n && bytes[p + 1] == quote { field.append(quote); p += 2; continue }
                        p += 1
                        break
                    }
                    if b == newline { line += 1 }
                    field.append(b)
                    p += 1
                }
                // Anything up to the separator after the closing quote is kept (lenient).
                while p < n && bytes[p] != separator && bytes[p] != newline {
                    if !(bytes[p] == cr && p + 1 < n && bytes[p + 1] == newline) && !(bytes[p] == cr && p + 1 == n) { field.append(bytes[p]) }
                    p += 1
                }
            } else {
                let start = p
                while p < n && bytes[p] != separator && bytes[p] != newline { p += 1 }
                var end = p
                if end > start && bytes[end - 1] == cr && (p == n || bytes[p] == newline) { end -= 1 }
                field.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
            }
            fields.append(field)
            field = []
            if p < n && bytes[p] == separator { p += 1; continue }
            if p < n { p += 1; line += 1 }     // the newline
            break
        }
        position = p
        return (startLine, fields)
    }
}

extension [UInt8] {
    /// The bytes as UTF-8 text (the caller has validated the file).
    var utf8Text: String { String(decoding: self, as: UTF8.self) }

    /// The bytes as UTF-8 text without leading and trailing spaces and tabs.
    var trimmedText: String {
        var lo = startIndex, hi = endIndex
        while lo < hi && (self[lo] == 32 || self[lo] == 9) { lo += 1 }
        while hi > lo && (self[hi - 1] == 32 || self[hi - 1] == 9) { hi -= 1 }
        return String(decoding: self[lo..<hi], as: UTF8.self)
    }

    /// Genre names of an `Action|Comedy` field, each trimmed; "(no genres listed)" is no genre.
    var genreNames: [String] {
        split(separator: UInt8(ascii: "|")).compactMap { part in
            let name = Array(part).trimmedText
            return name.isEmpty || name == "(no genres listed)" ? nil : name
        }
    }

    /// The bytes as a non-negative integer, nil when not all digits (or empty, or too long).
    var nonNegativeInteger: Int? {
        guard !isEmpty, count <= 18 else { return nil }
        var v = 0
        for b in self {
            guard b >= 48 && b <= 57 else { return nil }
            v = v * 10 + Int(b - 48)
        }
        return v
    }

    /// The bytes as a dataset id (0...Int32.max).
    var datasetId: Int32? {
        guard let v = nonNegativeInteger, v <= Int(Int32.max) else { return nil }
        return Int32(v)
    }
}

/// Column positions found in a CSV header line, by name.
struct CSVHeader {
    let names: [String]
    let text: String

    /// Reads the header of a UTF-8 CSV file (a byte-order mark is skipped).
    /// - Returns: the header and the offset where the data starts.
    static func read(_ bytes: UnsafeRawBufferPointer, path: String) throws -> (CSVHeader, Int) {
        let bom = ByteText.byteOrderMarkLength(bytes)
        var reader = CSVRecordReader(bytes, startingAt: bom)
        let record: (line: Int, fields: [[UInt8]])?
        do { record = try reader.next() } catch let p as CSVRecordReader.Problem {
            throw DatasetError.badLine(path: path, line: p.line, reason: p.reason)
        }
        guard let record, record.line == 1 else { throw DatasetError.emptyFile(path: path) }
        let names = record.fields.map { $0.utf8Text.trimmingCharacters(in: .whitespaces) }
        let end = ByteText.nextLine(in: bytes, from: bom)
        return (CSVHeader(names: names, text: names.joined(separator: ",")), end)
    }

    /// The position of each of `required` columns (matched ignoring case).
    /// - Throws: `DatasetError.missingColumn` naming the first one absent.
    func positions(of required: [String], path: String) throws -> [Int] {
        try required.map { name in
            guard let i = names.firstIndex(where: { $0.caseInsensitiveCompare(name) == .orderedSame }) else {
                throw DatasetError.missingColumn(path: path, column: name, header: text)
            }
            return i
        }
    }
}
