import Foundation
import Support

/// A whole file mapped read-only into memory, for the parsers to scan without copying.
///
/// An empty file maps to an empty buffer (no `mmap` call). The mapping lives as long as the object.
final class MappedFile: @unchecked Sendable {
    let path: String
    let bytes: UnsafeRawBufferPointer
    private let mapped: UnsafeMutableRawPointer?
    /// The mapping's slot in `MappedRegions`: a file truncated in place while it is read ends the process
    /// with a message naming it instead of a bare bus error.
    private var region: Int? = nil

    /// Maps `url`.
    /// - Throws: `DatasetError.missingFile` when it does not exist, `.unreadable` when it cannot be read.
    init(_ url: URL) throws {
        path = url.path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            if errno == ENOENT { throw DatasetError.missingFile(path: path) }
            throw DatasetError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw DatasetError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw DatasetError.unreadable(path: path, reason: "is a folder") }
        let size = Int(st.st_size)
        if size == 0 {
            mapped = nil
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let m = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), m != MAP_FAILED else {
            throw DatasetError.unreadable(path: path, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        madvise(m, size, MADV_SEQUENTIAL)
        madvise(m, size, MADV_WILLNEED)
        mapped = m
        bytes = UnsafeRawBufferPointer(start: m, count: size)
        region = MappedRegions.register(start: m, length: size, path: path)
    }

    deinit {
        MappedRegions.unregister(region)
        if let mapped { munmap(mapped, bytes.count) }
    }

    var count: Int { bytes.count }

    /// The 1-based line number of the byte at `offset` (counts newlines before it; error path only).
    func lineNumber(atOffset offset: Int) -> Int {
        ByteText.lineNumber(in: bytes, atOffset: offset)
    }
}

/// Small byte-level helpers shared by the readers.
enum ByteText {
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")

    /// The 1-based line number of the byte at `offset` in `bytes`.
    static func lineNumber(in bytes: UnsafeRawBufferPointer, atOffset offset: Int) -> Int {
        guard let base = bytes.baseAddress else { return 1 }
        var line = 1
        var p = base
        let end = base + min(offset, bytes.count)
        while p < end, let hit = memchr(p, Int32(newline), end - p) {
            line += 1
            p = UnsafeRawPointer(hit) + 1
        }
        return line
    }

    /// The offset just past the next newline at or after `offset` (or `bytes.count`).
    static func nextLine(in bytes: UnsafeRawBufferPointer, from offset: Int) -> Int {
        guard offset < bytes.count, let base = bytes.baseAddress else { return bytes.count }
        guard let hit = memchr(base + offset, Int32(newline), bytes.count - offset) else { return bytes.count }
        return UnsafeRawPointer(hit) - base + 1
    }

    /// The line starting at `offset`, without its line ending.
    static func line(in bytes: UnsafeRawBufferPointer, at offset: Int) -> ArraySlice<UInt8> {
        var end = nextLine(in: bytes, from: offset)
        if end > offset, bytes[end - 1] == newline { end -= 1 }
        if end > offset, bytes[end - 1] == carriageReturn { end -= 1 }
        return Array(bytes[offset..<end])[...]
    }

    /// Lines of a small file as byte slices (without line endings), with their 1-based numbers; a
    /// trailing newline does not make an extra empty line.
    static func lines(_ bytes: UnsafeRawBufferPointer) -> [(number: Int, bytes: UnsafeRawBufferPointer)] {
        var result: [(Int, UnsafeRawBufferPointer)] = []
        var start = 0
        var number = 1
        while start < bytes.count {
            let next = nextLine(in: bytes, from: start)
            var end = next
            if end > start, bytes[end - 1] == newline { end -= 1 }
            if end > start, bytes[end - 1] == carriageReturn { end -= 1 }
            result.append((number, UnsafeRawBufferPointer(rebasing: bytes[start..<end])))
            number += 1
            start = next
        }
        return result
    }

    /// The length of a UTF-8 byte-order mark at the start of `bytes` (0 or 3).
    static func byteOrderMarkLength(_ bytes: UnsafeRawBufferPointer) -> Int {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
    }

    /// Offset of the first byte of the first invalid UTF-8 sequence in `bytes`, or nil when valid.
    static func firstInvalidUTF8(_ bytes: UnsafeRawBufferPointer) -> Int? {
        let n = bytes.count
        var i = 0
        while i < n {
            // Fast skip of ASCII, eight bytes at a time.
            while i + 8 <= n, bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
            guard i < n else { break }
            let b0 = bytes[i]
            if b0 < 0x80 { i += 1; continue }
            let length: Int
            let lowest: UInt32
            var value: UInt32
            switch b0 {
            case 0xC2...0xDF: length = 2; value = UInt32(b0 & 0x1F); lowest = 0x80
            case 0xE0...0xEF: length = 3; value = UInt32(b0 & 0x0F); lowest = 0x800
            case 0xF0...0xF4: length = 4; value = UInt32(b0 & 0x07); lowest = 0x10000
            default: return i
            }
            guard i + length <= n else { return i }
            for k in 1..<length {
                let b = bytes[i + k]
                guard b & 0xC0 == 0x80 else { return i }
                value = value << 6 | UInt32(b & 0x3F)
            }
            if value < lowest || value > 0x10FFFF || (0xD800...0xDFFF).contains(value) { return i }
            i += length
        }
        return nil
    }

    /// Text of `bytes`: UTF-8 when valid, otherwise ISO-8859-1 (every byte one character).
    static func decodeUTF8OrLatin1(_ bytes: UnsafeRawBufferPointer) -> String {
        if firstInvalidUTF8(bytes) == nil { return String(decoding: bytes, as: UTF8.self) }
        return latin1(bytes)
    }

    /// Text of ISO-8859-1 `bytes`.
    static func latin1(_ bytes: UnsafeRawBufferPointer) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(bytes.count)
        for b in bytes { scalars.append(Unicode.Scalar(b)) }
        return String(scalars)
    }
}
