import Foundation
import Support

/// Errors reading vector files (`.npy`, `.fvecs`, `.ivecs`).
public enum VectorFileError: Error, CustomStringConvertible, Equatable {
    /// The file could not be opened or read.
    case cannotRead(path: String, reason: String)
    /// The bytes do not follow the format (bad magic, header, or a size that is not whole rows).
    case malformed(path: String, reason: String)
    /// A valid file Marquee does not read (another dtype, byte order, Fortran order, or shape).
    case unsupported(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotRead(path, reason): return "\(path): cannot read (\(Echo.quote(reason, limit: 300)))"
        case let .malformed(path, reason): return "\(path): malformed (\(Echo.quote(reason, limit: 300)))"
        case let .unsupported(path, reason): return "\(path): unsupported (\(Echo.quote(reason, limit: 300)))"
        }
    }
}

/// A row-major matrix of `rows` × `columns` values, as read from or written to a vector file.
public struct Matrix<Element: Sendable & Equatable>: Sendable, Equatable {
    /// The number of rows (vectors).
    public var rows: Int
    /// The number of columns (the dimension).
    public var columns: Int
    /// `rows × columns` values, row after row.
    public var values: [Element]

    /// A matrix over `values`.
    /// - Precondition: `values.count == rows * columns`.
    public init(rows: Int, columns: Int, values: [Element]) {
        precondition(values.count == rows * columns, "matrix has \(values.count) values, expected \(rows)×\(columns)")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// Row `r` as a slice.
    public func row(_ r: Int) -> ArraySlice<Element> { values[(r * columns)..<((r + 1) * columns)] }
}

/// NumPy's `.npy` format (version 1.0 and 2.0): little-endian `<f4`, `<f8`, `<i4`, `<i8`, C order,
/// one- or two-dimensional. A 1-D array reads as a single column.
public enum NumpyFile {
    private static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// Writes a Float32 matrix as `.npy` (atomically).
    public static func write(_ matrix: Matrix<Float>, to url: URL) throws {
        try write(descr: "<f4", shape: [matrix.rows, matrix.columns], payload: matrix.values.withUnsafeBytes { Data($0) }, to: url)
    }

    /// Writes an Int64 vector as a 1-D `.npy` (for ids).
    public static func write(_ vector: [Int64], to url: URL) throws {
        try write(descr: "<i8", shape: [vector.count], payload: vector.withUnsafeBytes { Data($0) }, to: url)
    }

    private static func write(descr: String, shape: [Int], payload: Data, to url: URL) throws {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = magic.count + 2 + 2 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data(magic)
        data.append(contentsOf: [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        data.append(payload)
        try AtomicFile.write(data, to: url)
    }

    /// Reads a `.npy` file of floats (`<f4` or `<f8`, converted to Float).
    public static func readFloat(_ url: URL) throws -> Matrix<Float> {
        let (descr, shape, payload) = try parse(url)
        let (rows, columns) = try dimensions(shape, url)
        switch descr {
        case "<f4", "|f4", "f4": return Matrix(rows: rows, columns: columns, values: payload.load(as: Float.self, count: rows * columns))
        case "<f8", "f8": return Matrix(rows: rows, columns: columns, values: payload.load(as: Double.self, count: rows * columns).map { Float($0) })
        default: throw VectorFileError.unsupported(path: url.path, reason: "dtype \(Echo.quote(descr, limit: 40)); expected <f4 or <f8")
        }
    }

    /// Reads a `.npy` file of integers (`<i4` or `<i8`, converted to Int64).
    public static func readInt(_ url: URL) throws -> Matrix<Int64> {
        let (descr, shape, payload) = try parse(url)
        let (rows, columns) = try dimensions(shape, url)
        switch descr {
        case "<i8", "i8": return Matrix(rows: rows, columns: columns, values: payload.load(as: Int64.self, count: rows * columns))
        case "<i4", "i4": return Matrix(rows: rows, columns: columns, values: payload.load(as: Int32.self, count: rows * columns).map { Int64($0) })
        default: throw VectorFileError.unsupported(path: url.path, reason: "dtype \(Echo.quote(descr, limit: 40)); expected <i4 or <i8")
        }
    }

    private static func dimensions(_ shape: [Int], _ url: URL) throws -> (Int, Int) {
        switch shape.count {
        case 1: return (shape[0], 1)
        case 2: return (shape[0], shape[1])
        default: throw VectorFileError.unsupported(path: url.path, reason: "\(shape.count)-dimensional array; expected 1 or 2 dimensions")
        }
    }

    private static func parse(_ url: URL) throws -> (String, [Int], Data) {
        let data: Data
        do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
            throw VectorFileError.cannotRead(path: url.path, reason: error.localizedDescription)
        }
        guard data.count >= 10, Array(data.prefix(6)) == magic else {
            throw VectorFileError.malformed(path: url.path, reason: "not a .npy file (bad magic)")
        }
        let major = data[data.startIndex + 6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(data[data.startIndex + 8]) | Int(data[data.startIndex + 9]) << 8
            headerStart = 10
        case 2, 3:
            guard data.count >= 12 else { throw VectorFileError.malformed(path: url.path, reason: "header cut short") }
            headerLength = (0..<4).reduce(0) { $0 | Int(data[data.startIndex + 8 + $1]) << (8 * $1) }
            headerStart = 12
        default:
            throw VectorFileError.unsupported(path: url.path, reason: ".npy version \(major)")
        }
        guard data.count >= headerStart + headerLength else { throw VectorFileError.malformed(path: url.path, reason: "header cut short") }
        let header = String(decoding: data[(data.startIndex + headerStart)..<(data.startIndex + headerStart + headerLength)], as: UTF8.self)
        guard let descr = value(of: "descr", in: header)?.trimmingCharacters(in: CharacterSet(charactersIn: "'\" ")) else {
            throw VectorFileError.malformed(path: url.path, reason: "header lacks 'descr'")
        }
        if let order = value(of: "fortran_order", in: header), order.contains("True") {
            throw VectorFileError.unsupported(path: url.path, reason: "Fortran-order arrays; save with numpy.ascontiguousarray")
        }
        guard let open = header.range(of: "'shape':"), let lp = header[open.upperBound...].firstIndex(of: "("),
              let rp = header[lp...].firstIndex(of: ")") else {
            throw VectorFileError.malformed(path: url.path, reason: "header lacks 'shape'")
        }
        let shape = header[header.index(after: lp)..<rp].split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let payload = data.subdata(in: (data.startIndex + headerStart + headerLength)..<data.endIndex)
        let width = descr.hasSuffix("8") ? 8 : 4
        // Shapes come from the file: checked before anything is multiplied or allocated.
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw VectorFileError.malformed(path: url.path, reason: "shape \(shape) has a negative dimension")
        }
        var expected = width
        for extent in shape {
            let (product, overflow) = expected.multipliedReportingOverflow(by: extent)
            guard !overflow else {
                throw VectorFileError.malformed(path: url.path, reason: "shape \(shape) is too large (its byte count overflows)")
            }
            expected = product
        }
        guard payload.count == expected else {
            throw VectorFileError.malformed(path: url.path, reason: "payload has \(payload.count) bytes, shape \(shape) needs \(expected)")
        }
        return (descr, shape, payload)
    }

    private static func value(of key: String, in header: String) -> String? {
        guard let r = header.range(of: "'\(key)':") else { return nil }
        let rest = header[r.upperBound...]
        let end = rest.firstIndex(of: ",") ?? rest.endIndex
        return String(rest[..<end])
    }
}

extension Data {
    fileprivate func load<T: BitwiseCopyable>(as type: T.Type, count: Int) -> [T] {
        [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            _ = self.withUnsafeBytes { raw in memcpy(buffer.baseAddress!, raw.baseAddress!, count * MemoryLayout<T>.stride) }
            initialized = count
        }
    }
}
