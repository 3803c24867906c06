import Foundation

/// A read-only, memory-mapped `.safetensors` file: the weights format Hugging Face models ship.
///
/// The layout is an 8-byte little-endian header length `N`, `N` bytes of JSON that map each tensor's
/// name to its `dtype`, `shape` and `data_offsets` (begin and end, relative to the end of the header),
/// then the raw little-endian tensor bytes. An optional `__metadata__` entry maps strings to strings.
/// Opening the file checks every entry (known dtype, offsets inside the file, byte count equal to the
/// shape's element count times the element size), so a damaged file is named on open, not on use.
public final class SafeTensors: @unchecked Sendable {
    /// The element types of the format, with their sizes in bytes.
    public enum DType: String, Sendable, CaseIterable {
        /// Floating point of 64, 32 and 16 bits, and bfloat16 (the top half of a Float32); all four
        /// read as Float.
        case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
        /// Integers and booleans (listed so that a file holding them opens; they do not read as Float).
        case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8", u8 = "U8", bool = "BOOL"
        /// Unsigned integers.
        case u16 = "U16", u32 = "U32", u64 = "U64"

        /// Bytes per element.
        public var size: Int {
            switch self {
            case .f64, .i64, .u64: return 8
            case .f32, .i32, .u32: return 4
            case .f16, .bf16, .i16, .u16: return 2
            case .i8, .u8, .bool: return 1
            }
        }
    }

    /// One tensor's entry in the header.
    public struct TensorInfo: Sendable, Equatable {
        /// The tensor's name, e.g. `encoder.layer.0.attention.self.query.weight`.
        public let name: String
        /// Its element type.
        public let dtype: DType
        /// Its dimensions, outermost first (row-major).
        public let shape: [Int]
        /// Where its bytes are, as offsets into the whole file.
        public let byteRange: Range<Int>

        /// The number of elements (the product of `shape`; 1 for a scalar).
        public var elementCount: Int { shape.reduce(1, *) }
    }

    /// The file's path, for error messages.
    public let path: String
    /// Every tensor by name.
    public let tensors: [String: TensorInfo]
    /// The optional `__metadata__` strings.
    public let metadata: [String: String]
    private let base: UnsafeRawPointer?
    private let length: Int

    /// The largest header accepted (the format's own limit).
    public static let maximumHeaderBytes = 100_000_000

    /// Maps and checks `url`.
    /// - Throws: `TextEmbeddingError.cannotRead` when the file cannot be opened, `.truncated` when it
    ///   ends early, `.badHeader` when the header is not the format's JSON or an entry is inconsistent.
    public init(url: URL) throws {
        path = url.path
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { throw TextEmbeddingError.cannotRead(path: url.path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw TextEmbeddingError.cannotRead(path: url.path, reason: String(cString: strerror(errno))) }
        guard (st.st_mode & S_IFMT) != S_IFDIR else { throw TextEmbeddingError.cannotRead(path: url.path, reason: "is a folder") }
        let size = Int(st.st_size)
        guard size >= 8 else { throw TextEmbeddingError.truncated(path: url.path, expectedBytes: 8, actualBytes: size) }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
            throw TextEmbeddingError.cannotRead(path: url.path, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        base = UnsafeRawPointer(mapped)
        length = size
        do {
            (tensors, metadata) = try Self.parseHeader(UnsafeRawBufferPointer(start: mapped, count: size), path: url.path)
        } catch {
            munmap(mapped, size)
            throw error
        }
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), length) }
    }

    /// The raw bytes of tensor `name` (valid while `self` is alive).
    /// - Throws: `TextEmbeddingError.missingTensor`.
    public func bytes(_ name: String) throws -> UnsafeRawBufferPointer {
        guard let info = tensors[name] else { throw TextEmbeddingError.missingTensor(path: path, name: name) }
        return UnsafeRawBufferPointer(start: base! + info.byteRange.lowerBound, count: info.byteRange.count)
    }

    /// Tensor `name` as Float32 values in row-major order, converted from F16, BF16 or F64 when the
    /// file stores it so.
    /// - Parameters:
    ///   - name: the tensor's name.
    ///   - shape: the shape the caller expects; a different shape is an error.
    /// - Throws: `TextEmbeddingError.missingTensor`, `.shapeMismatch` (naming both shapes) or
    ///   `.unsupportedDType` for an integer tensor.
    /// - Complexity: O(elements); one copy.
    public func floats(_ name: String, shape: [Int]) throws -> [Float] {
        let count = shape.reduce(1, *)
        return try [Float](unsafeUninitializedCapacity: count) { out, initialized in
            try copyFloats(name, shape: shape, into: out.baseAddress!)
            initialized = count
        }
    }

    /// Writes tensor `name` as Float32 values (row-major) to `destination`, which must have room for
    /// the product of `shape`; converts F16, BF16 and F64.
    /// - Throws: as ``floats(_:shape:)``; nothing is written then.
    public func copyFloats(_ name: String, shape: [Int], into destination: UnsafeMutablePointer<Float>) throws {
        guard let info = tensors[name] else { throw TextEmbeddingError.missingTensor(path: path, name: name) }
        guard info.shape == shape else {
            throw TextEmbeddingError.shapeMismatch(path: path, tensor: name, expected: shape, found: info.shape)
        }
        let raw = try bytes(name)
        let count = info.elementCount
        switch info.dtype {
        case .f32:
            // The format is little-endian, as is every platform Marquee builds for; copy bytes rather
            // than load floats, since offsets need not be 4-aligned.
            if count > 0 { memcpy(destination, raw.baseAddress!, count * 4) }
        case .f16:
            for i in 0..<count { destination[i] = Self.halfToFloat(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
        case .bf16:
            for i in 0..<count {
                destination[i] = Float(bitPattern: UInt32(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16)
            }
        case .f64:
            for i in 0..<count {
                destination[i] = Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
            }
        default:
            throw TextEmbeddingError.unsupportedDType(path: path, tensor: name, dtype: info.dtype.rawValue)
        }
    }

    /// IEEE 754 half precision (binary16) bits to Float, with subnormals, infinities and NaN.
    /// (Written out rather than through `Float16`, which some platforms lack.)
    public static func halfToFloat(_ bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = Int((bits >> 10) & 0x1F)
        let mantissa = UInt32(bits & 0x3FF)
        if exponent == 0x1F { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }
        if exponent == 0 {
            // ±0 or a subnormal: mantissa · 2⁻²⁴.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        }
        return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
    }

    /// Reads and checks the header of a whole mapped file.
    private static func parseHeader(_ file: UnsafeRawBufferPointer, path: String) throws
        -> (tensors: [String: TensorInfo], metadata: [String: String])
    {
        let headerLength = UInt64(littleEndian: file.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        guard headerLength <= UInt64(maximumHeaderBytes) else {
            throw TextEmbeddingError.badHeader(path: path, reason: "header length \(headerLength) exceeds \(maximumHeaderBytes) bytes")
        }
        let dataStart = 8 + Int(headerLength)
        guard dataStart <= file.count else {
            throw TextEmbeddingError.truncated(path: path, expectedBytes: dataStart, actualBytes: file.count)
        }
        let json = Data(file[8..<dataStart])
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: json)
        } catch {
            throw TextEmbeddingError.badHeader(path: path, reason: "not JSON: \(error.localizedDescription)")
        }
        guard let entries = object as? [String: Any] else {
            throw TextEmbeddingError.badHeader(path: path, reason: "the header is not a JSON object")
        }
        var tensors: [String: TensorInfo] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in entries {
            if name == "__metadata__" {
                guard let map = value as? [String: Any] else {
                    throw TextEmbeddingError.badHeader(path: path, reason: "__metadata__ is not an object")
                }
                for (key, text) in map {
                    guard let text = text as? String else {
                        throw TextEmbeddingError.badHeader(path: path, reason: "__metadata__.\(key) is not a string")
                    }
                    metadata[key] = text
                }
                continue
            }
            tensors[name] = try tensorInfo(name, value, dataStart: dataStart, fileSize: file.count, path: path)
        }
        return (tensors, metadata)
    }

    private static func tensorInfo(_ name: String, _ value: Any, dataStart: Int, fileSize: Int, path: String) throws -> TensorInfo {
        func bad(_ reason: String) -> TextEmbeddingError { .badHeader(path: path, reason: "tensor \(name): \(reason)") }
        guard let entry = value as? [String: Any] else { throw bad("entry is not an object") }
        guard let dtypeName = entry["dtype"] as? String else { throw bad("no dtype") }
        guard let dtype = DType(rawValue: dtypeName) else { throw bad("unknown dtype \(dtypeName)") }
        guard let shapeValues = entry["shape"] as? [Any] else { throw bad("no shape") }
        let shape = try shapeValues.map { (v: Any) -> Int in
            guard let n = integer(v), n >= 0 else { throw bad("shape \(shapeValues) is not a list of sizes") }
            return n
        }
        guard let offsets = entry["data_offsets"] as? [Any], offsets.count == 2,
              let begin = integer(offsets[0]), let end = integer(offsets[1]), begin >= 0, begin <= end
        else { throw bad("data_offsets is not [begin, end]") }
        var elements = 1
        for d in shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: d)
            guard !overflow else { throw bad("shape \(shape) is too large") }
            elements = product
        }
        guard end - begin == elements * dtype.size else {
            throw bad("shape \(shape) of \(dtypeName) needs \(elements * dtype.size) bytes, data_offsets span \(end - begin)")
        }
        guard dataStart + end <= fileSize else {
            throw TextEmbeddingError.truncated(path: path, expectedBytes: dataStart + end, actualBytes: fileSize)
        }
        return TensorInfo(name: name, dtype: dtype, shape: shape, byteRange: (dataStart + begin)..<(dataStart + end))
    }

    /// A JSON number that is a whole number (JSONSerialization hands back NSNumber).
    private static func integer(_ value: Any) -> Int? {
        if let n = value as? Int { return n }
        if let d = value as? Double, d == d.rounded(), abs(d) < 9e15 { return Int(d) }
        return nil
    }
}
