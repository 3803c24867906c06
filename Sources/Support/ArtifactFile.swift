import Foundation

/// Errors raised when reading or writing Marquee artefact files.
public enum ArtifactError: Error, CustomStringConvertible, Equatable {
    /// The file could not be opened or mapped (`reason` is the system's message).
    case cannotOpen(path: String, reason: String)
    /// The file does not start with Marquee's magic number.
    case notAnArtifact(path: String)
    /// The file's format version is not the one this build reads.
    case unsupportedVersion(path: String, found: UInt32, supported: UInt32)
    /// The file holds another kind of artefact (a model where an index was expected, say).
    case wrongKind(path: String, expected: String, found: String)
    /// The file is shorter than its header says.
    case truncated(path: String, expectedBytes: Int, actualBytes: Int)
    /// A section (or the table) fails its checksum, type or alignment check.
    case corrupted(path: String, section: String)
    /// A section the reader needs is absent.
    case missingSection(path: String, name: String)
    /// A section holds another element type than the reader asked for.
    case wrongElementType(path: String, section: String, expected: String, found: String)
    /// The `meta` JSON does not decode.
    case badMetadata(path: String, reason: String)
    /// Writing, flushing or renaming the file failed (nothing is left half-written).
    case writeFailed(path: String, reason: String)

    /// `path: what is wrong`, with what to do when there is something to do.
    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): return "\(path): cannot open (\(reason))"
        case let .notAnArtifact(path): return "\(path): not a Marquee artefact file (bad magic number)"
        case let .unsupportedVersion(path, found, supported):
            return "\(path): format version \(found) is not supported (this build reads version \(supported)); rebuild the file"
        case let .wrongKind(path, expected, found): return "\(path): holds a '\(Echo.quote(found))', expected a '\(expected)'"
        case let .truncated(path, expected, actual):
            return "\(path): truncated: header promises \(expected) bytes, file has \(actual)"
        case let .corrupted(path, section): return "\(path): section '\(Echo.quote(section))' is damaged (checksum, type or alignment; file altered or damaged)"
        case let .missingSection(path, name): return "\(path): section '\(name)' is missing"
        case let .wrongElementType(path, section, expected, found):
            return "\(path): section '\(section)' holds \(found), expected \(expected)"
        case let .badMetadata(path, reason): return "\(path): metadata unreadable (\(Echo.quote(reason, limit: 300)))"
        case let .writeFailed(path, reason): return "\(path): write failed (\(reason))"
        }
    }
}

/// The element types a section may hold.
public enum ElementType: UInt32, Sendable, CustomStringConvertible {
    /// Bytes (`UInt8`).
    case uint8 = 1
    /// 32-bit signed integers.
    case int32 = 2
    /// 64-bit signed integers (also Swift's `Int`).
    case int64 = 3
    /// 32-bit floats.
    case float32 = 4
    /// 64-bit floats.
    case float64 = 5
    /// 32-bit unsigned integers.
    case uint32 = 6
    /// 64-bit unsigned integers.
    case uint64 = 7

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .uint8: return 1
        case .int32, .float32, .uint32: return 4
        case .int64, .float64, .uint64: return 8
        }
    }

    /// The Swift type's name (`Float`, `Int32`, …), for error messages.
    public var description: String {
        switch self {
        case .uint8: return "UInt8"
        case .int32: return "Int32"
        case .int64: return "Int64"
        case .float32: return "Float"
        case .float64: return "Double"
        case .uint32: return "UInt32"
        case .uint64: return "UInt64"
        }
    }
}

/// A plain value type that can be stored in an artefact section.
public protocol ArtifactElement: BitwiseCopyable {
    /// The type tag written in the section table for sections of this type.
    static var elementType: ElementType { get }
}
/// Bytes are stored as `uint8` sections.
extension UInt8: ArtifactElement {
    /// `.uint8`.
    public static var elementType: ElementType { .uint8 }
}
/// 32-bit integers are stored as `int32` sections.
extension Int32: ArtifactElement {
    /// `.int32`.
    public static var elementType: ElementType { .int32 }
}
/// 64-bit integers are stored as `int64` sections.
extension Int64: ArtifactElement {
    /// `.int64`.
    public static var elementType: ElementType { .int64 }
}
/// `Int` is stored as 64 bits (`int64` sections), so files are the same on every 64-bit platform.
extension Int: ArtifactElement {
    /// `.int64`.
    public static var elementType: ElementType { .int64 }
}
/// Floats are stored as `float32` sections.
extension Float: ArtifactElement {
    /// `.float32`.
    public static var elementType: ElementType { .float32 }
}
/// Doubles are stored as `float64` sections.
extension Double: ArtifactElement {
    /// `.float64`.
    public static var elementType: ElementType { .float64 }
}
/// Unsigned 32-bit integers are stored as `uint32` sections.
extension UInt32: ArtifactElement {
    /// `.uint32`.
    public static var elementType: ElementType { .uint32 }
}
/// Unsigned 64-bit integers are stored as `uint64` sections.
extension UInt64: ArtifactElement {
    /// `.uint64`.
    public static var elementType: ElementType { .uint64 }
}

/// The layout shared by every file Marquee writes (dataset caches, models, embedding stores, indexes).
///
/// ```
/// 0    header (64 bytes): magic "MARQUEE\u{1A}", format version, kind (16 bytes), kind version,
///      section count, table checksum, total file length
/// 64   section table: 64 bytes per section: name (32 bytes), element type, element size,
///      offset, byte count, section checksum
/// ...  sections, each starting on a 64-byte boundary, loadable by memory-mapping
/// ```
/// A section named `meta` holds JSON metadata (shapes, settings, metric). Writes go to a temporary file
/// in the target's folder, are flushed, then renamed over the target.
public enum ArtifactFormat {
    /// The first 8 bytes of every artefact: `MARQUEE` and 0x1A.
    public static let magic: [UInt8] = Array("MARQUEE".utf8) + [0x1A]
    /// The container format version this build writes and reads.
    public static let version: UInt32 = 2
    /// Bytes of the header.
    public static let headerSize = 64
    /// Bytes of one section-table entry.
    public static let entrySize = 64
    /// Every section starts at a multiple of this many bytes (so mapped sections are SIMD-aligned).
    public static let alignment = 64
}

/// Builds an artefact in memory-light fashion and writes it atomically.
public struct ArtifactWriter {
    private struct Section { var name: String; var type: ElementType; var bytes: Data }
    /// What the file holds (`dataset`, `als`, `hnsw`, …), checked by readers.
    public let kind: String
    /// The version of that kind's own layout.
    public let kindVersion: UInt32
    private var sections: [Section] = []

    /// - Parameters:
    ///   - kind: what the file holds, e.g. "dataset", "als", "hnsw" (at most 16 ASCII bytes).
    ///   - kindVersion: version of that kind's own layout.
    public init(kind: String, kindVersion: UInt32 = 1) {
        precondition(kind.utf8.count <= 16, "artefact kind is at most 16 bytes")
        self.kind = kind
        self.kindVersion = kindVersion
    }

    /// Adds a section holding `values`.
    public mutating func add<T: ArtifactElement>(_ name: String, _ values: [T]) {
        precondition(name.utf8.count <= 32, "section name is at most 32 bytes")
        let data = values.withUnsafeBytes { Data($0) }
        sections.append(Section(name: name, type: T.elementType, bytes: data))
    }

    /// Adds a section holding the bytes at `pointer` (typed as `T`, `count` elements).
    public mutating func add<T: ArtifactElement>(_ name: String, _ pointer: UnsafeBufferPointer<T>) {
        sections.append(Section(name: name, type: T.elementType, bytes: Data(buffer: pointer)))
    }

    /// Adds the `meta` section: a JSON-encodable value.
    public mutating func addMetadata<M: Encodable>(_ value: M) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(value)
        sections.append(Section(name: "meta", type: .uint8, bytes: data))
    }

    /// Writes the file atomically: temporary file in the same folder, flush, rename.
    public func write(to url: URL) throws {
        let path = url.path
        var offsets: [Int] = []
        var position = ArtifactFormat.headerSize + ArtifactFormat.entrySize * sections.count
        for section in sections {
            position = align(position)
            offsets.append(position)
            position += section.bytes.count
        }
        let totalLength = position

        var table = Data(count: ArtifactFormat.entrySize * sections.count)
        table.withUnsafeMutableBytes { raw in
            for (i, section) in sections.enumerated() {
                let base = i * ArtifactFormat.entrySize
                let nameBytes = Array(section.name.utf8)
                for (j, b) in nameBytes.enumerated() { raw[base + j] = b }
                raw.storeBytes(of: section.type.rawValue.littleEndian, toByteOffset: base + 32, as: UInt32.self)
                raw.storeBytes(of: UInt32(section.type.size).littleEndian, toByteOffset: base + 36, as: UInt32.self)
                raw.storeBytes(of: UInt64(offsets[i]).littleEndian, toByteOffset: base + 40, as: UInt64.self)
                raw.storeBytes(of: UInt64(section.bytes.count).littleEndian, toByteOffset: base + 48, as: UInt64.self)
                let sum = section.bytes.withUnsafeBytes { Checksum.hash($0) }
                raw.storeBytes(of: sum.littleEndian, toByteOffset: base + 56, as: UInt64.self)
            }
        }
        var header = Data(count: ArtifactFormat.headerSize)
        header.withUnsafeMutableBytes { raw in
            for (j, b) in ArtifactFormat.magic.enumerated() { raw[j] = b }
            raw.storeBytes(of: ArtifactFormat.version.littleEndian, toByteOffset: 8, as: UInt32.self)
            for (j, b) in Array(kind.utf8).enumerated() { raw[12 + j] = b }
            raw.storeBytes(of: kindVersion.littleEndian, toByteOffset: 28, as: UInt32.self)
            raw.storeBytes(of: UInt32(sections.count).littleEndian, toByteOffset: 32, as: UInt32.self)
            let tableSum = table.withUnsafeBytes { Checksum.hash($0) }
            raw.storeBytes(of: tableSum.littleEndian, toByteOffset: 40, as: UInt64.self)
            raw.storeBytes(of: UInt64(totalLength).littleEndian, toByteOffset: 48, as: UInt64.self)
        }

        try AtomicFile.write(to: url) { handle in
            try handle.write(contentsOf: header)
            try handle.write(contentsOf: table)
            var written = ArtifactFormat.headerSize + table.count
            for (i, section) in sections.enumerated() {
                if offsets[i] > written {
                    try handle.write(contentsOf: Data(count: offsets[i] - written))
                    written = offsets[i]
                }
                try handle.write(contentsOf: section.bytes)
                written += section.bytes.count
            }
            _ = path
        }
    }

    private func align(_ x: Int) -> Int {
        (x + ArtifactFormat.alignment - 1) / ArtifactFormat.alignment * ArtifactFormat.alignment
    }
}

/// Writing a file so that a crash never leaves it half-written.
///
/// The temporary is named by `TemporaryFiles` (`.<name>.tmp-<pid>-<random>`), registered so that SIGINT,
/// SIGTERM and SIGHUP remove it, and each write first sweeps the folder of temporaries whose process is
/// gone (a SIGKILL's leftovers). Two writers of one file at once each rename a complete file over it:
/// the last rename wins and the file is always whole.
public enum AtomicFile {
    /// Calls `body` with a handle on a temporary file beside `url`, flushes it to disk, then renames it
    /// over `url`. On any error the temporary file is removed and `url` is left as it was.
    public static func write(to url: URL, _ body: (FileHandle) throws -> Void) throws {
        let directory = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw ArtifactError.writeFailed(path: url.path, reason: "cannot create folder \(directory.path): \(error.localizedDescription)")
        }
        TemporaryFiles.sweep(directory)
        let temporary = directory.appendingPathComponent(TemporaryFiles.name(for: url.lastPathComponent))
        TemporaryFiles.register(temporary)
        defer { TemporaryFiles.unregister(temporary) }
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw ArtifactError.writeFailed(path: url.path, reason: "cannot create \(temporary.path)")
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            do {
                try body(handle)
                try handle.synchronize()
                try handle.close()
            } catch {
                try? handle.close()
                throw error
            }
            if rename(temporary.path, url.path) != 0 {
                throw ArtifactError.writeFailed(path: url.path, reason: String(cString: strerror(errno)))
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            if let e = error as? ArtifactError { throw e }
            throw ArtifactError.writeFailed(path: url.path, reason: "\(error)")
        }
    }

    /// Writes `data` atomically to `url`.
    public static func write(_ data: Data, to url: URL) throws {
        try write(to: url) { try $0.write(contentsOf: data) }
    }
}

/// A read-only, memory-mapped artefact file whose header, table and checksums have been verified.
///
/// Section buffers stay valid as long as the reader is alive.
public final class ArtifactReader: @unchecked Sendable {
    /// One entry of the section table.
    public struct SectionInfo: Sendable {
        /// The section's name (at most 32 bytes).
        public let name: String
        /// The element type of its values.
        public let type: ElementType
        /// Its offset from the start of the file, in bytes (a multiple of ``ArtifactFormat/alignment``).
        public let offset: Int
        /// Its length, in bytes.
        public let byteCount: Int
        /// The checksum recorded for the section's bytes.
        public var checksum: UInt64 = 0
    }

    /// The file's path, as given (used in every error).
    public let path: String
    /// What the file holds (`dataset`, `als`, `hnsw`, …).
    public let kind: String
    /// The version of that kind's layout, for readers that understand several.
    public let kindVersion: UInt32
    /// The section table, by name.
    public let sections: [String: SectionInfo]
    /// A checksum of the whole payload: the recorded checksum of the section table, which holds every
    /// section's checksum, so it changes with any section's content. Known without reading the payload.
    public let contentChecksum: UInt64
    private let base: UnsafeRawPointer
    private let length: Int
    /// The mapping's slot in `MappedRegions` (so a SIGBUS names this file).
    private let region: Int?

    /// Opens and verifies `url`.
    /// - Parameters:
    ///   - url: the file.
    ///   - expectedKind: refuse a file of another kind.
    ///   - verifyChecksums: check every section's checksum (default on; O(file size)).
    /// - Throws: `ArtifactError` naming what is wrong.
    public init(url: URL, expectedKind: String? = nil, verifyChecksums: Bool = true) throws {
        path = url.path
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { throw ArtifactError.cannotOpen(path: url.path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw ArtifactError.cannotOpen(path: url.path, reason: String(cString: strerror(errno))) }
        let size = Int(st.st_size)
        guard size >= ArtifactFormat.headerSize else { throw ArtifactError.notAnArtifact(path: url.path) }
        // Prefault the whole mapping in one call: loading reads (verifies) every page anyway, and one
        // populate is cheaper than a page fault per 4 KB.
        #if os(Linux)
        let flags = MAP_PRIVATE | MAP_POPULATE
        #else
        let flags = MAP_PRIVATE
        #endif
        guard let mapped = mmap(nil, size, PROT_READ, flags, fd, 0), mapped != MAP_FAILED else {
            throw ArtifactError.cannotOpen(path: url.path, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        base = UnsafeRawPointer(mapped)
        length = size
        region = MappedRegions.register(start: base, length: size, path: url.path)
        do {
            for (j, b) in ArtifactFormat.magic.enumerated() where base.load(fromByteOffset: j, as: UInt8.self) != b {
                throw ArtifactError.notAnArtifact(path: url.path)
            }
            let version = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
            guard version == ArtifactFormat.version else {
                throw ArtifactError.unsupportedVersion(path: url.path, found: version, supported: ArtifactFormat.version)
            }
            kind = Self.string(base + 12, maxLength: 16)
            kindVersion = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 28, as: UInt32.self))
            if let expectedKind, expectedKind != kind {
                throw ArtifactError.wrongKind(path: url.path, expected: expectedKind, found: kind)
            }
            let count = Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 32, as: UInt32.self)))
            let tableSum = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: 40, as: UInt64.self))
            let total = Int(clamping: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: 48, as: UInt64.self)))
            guard total == size else { throw ArtifactError.truncated(path: url.path, expectedBytes: total, actualBytes: size) }
            let tableBytes = count * ArtifactFormat.entrySize
            guard ArtifactFormat.headerSize + tableBytes <= size else {
                throw ArtifactError.truncated(path: url.path, expectedBytes: ArtifactFormat.headerSize + tableBytes, actualBytes: size)
            }
            let table = UnsafeRawBufferPointer(start: base + ArtifactFormat.headerSize, count: tableBytes)
            guard Checksum.hash(table) == tableSum else { throw ArtifactError.corrupted(path: url.path, section: "table") }
            contentChecksum = tableSum
            var found: [String: SectionInfo] = [:]
            for i in 0..<count {
                let entry = base + ArtifactFormat.headerSize + i * ArtifactFormat.entrySize
                let name = Self.string(entry, maxLength: 32)
                let rawType = UInt32(littleEndian: entry.loadUnaligned(fromByteOffset: 32, as: UInt32.self))
                guard let type = ElementType(rawValue: rawType) else { throw ArtifactError.corrupted(path: url.path, section: name) }
                // Offsets and sizes come from the file: clamped, and compared without adding (no overflow).
                let offset = Int(clamping: UInt64(littleEndian: entry.loadUnaligned(fromByteOffset: 40, as: UInt64.self)))
                let bytes = Int(clamping: UInt64(littleEndian: entry.loadUnaligned(fromByteOffset: 48, as: UInt64.self)))
                let sum = UInt64(littleEndian: entry.loadUnaligned(fromByteOffset: 56, as: UInt64.self))
                guard offset <= size, bytes <= size - offset else {
                    throw ArtifactError.truncated(path: url.path, expectedBytes: offset.addingReportingOverflow(bytes).overflow
                                                  ? Int.max : offset + bytes, actualBytes: size)
                }
                guard bytes % type.size == 0, offset % type.size == 0 else {
                    throw ArtifactError.corrupted(path: url.path, section: name)
                }
                if verifyChecksums, Checksum.hash(UnsafeRawBufferPointer(start: base + offset, count: bytes)) != sum {
                    throw ArtifactError.corrupted(path: url.path, section: name)
                }
                found[name] = SectionInfo(name: name, type: type, offset: offset, byteCount: bytes, checksum: sum)
            }
            sections = found
        } catch {
            MappedRegions.unregister(region)
            munmap(mapped, size)
            throw error
        }
    }

    deinit {
        MappedRegions.unregister(region)
        munmap(UnsafeMutableRawPointer(mutating: base), length)
    }

    /// Checks section `name` against its recorded checksum (for readers opened with
    /// `verifyChecksums: false` that verify sections themselves, e.g. several in parallel).
    /// - Throws: `ArtifactError.missingSection` or `.corrupted`.
    public func verify(_ name: String) throws {
        guard let info = sections[name] else { throw ArtifactError.missingSection(path: path, name: name) }
        if Checksum.hash(UnsafeRawBufferPointer(start: base + info.offset, count: info.byteCount)) != info.checksum {
            throw ArtifactError.corrupted(path: path, section: name)
        }
    }

    /// Whether a section of that name exists.
    public func has(_ name: String) -> Bool { sections[name] != nil }

    /// The mapped elements of section `name` (valid while `self` is alive).
    public func buffer<T: ArtifactElement>(_ name: String, as type: T.Type = T.self) throws -> UnsafeBufferPointer<T> {
        guard let info = sections[name] else { throw ArtifactError.missingSection(path: path, name: name) }
        guard info.type == T.elementType else {
            throw ArtifactError.wrongElementType(path: path, section: name, expected: T.elementType.description, found: info.type.description)
        }
        let pointer = (base + info.offset).assumingMemoryBound(to: T.self)
        return UnsafeBufferPointer(start: pointer, count: info.byteCount / MemoryLayout<T>.stride)
    }

    /// A copy of section `name` as an array.
    public func array<T: ArtifactElement>(_ name: String, as type: T.Type = T.self) throws -> [T] {
        Array(try buffer(name, as: T.self))
    }

    /// Decodes the `meta` section.
    public func metadata<M: Decodable>(_ type: M.Type) throws -> M {
        let bytes = try buffer("meta", as: UInt8.self)
        do {
            return try JSONDecoder().decode(M.self, from: Data(bytes))
        } catch {
            throw ArtifactError.badMetadata(path: path, reason: "\(error)")
        }
    }

    private static func string(_ pointer: UnsafeRawPointer, maxLength: Int) -> String {
        var bytes: [UInt8] = []
        for j in 0..<maxLength {
            let b = pointer.load(fromByteOffset: j, as: UInt8.self)
            if b == 0 { break }
            bytes.append(b)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
