import Foundation
import Support

/// The `.fvecs` / `.ivecs` formats of the ANN benchmark sets (SIFT1M, GIST1M, ann-benchmarks): each
/// vector is a little-endian Int32 dimension `d` followed by `d` Float32 (fvecs) or Int32 (ivecs) values.
public enum VecsFile {
    /// Reads an `.fvecs` file.
    public static func readFloat(_ url: URL) throws -> Matrix<Float> {
        let (rows, d, words) = try parse(url)
        var values = [Float](repeating: 0, count: rows * d)
        words.withUnsafeBytes { raw in
            for r in 0..<rows {
                for j in 0..<d { values[r * d + j] = raw.loadUnaligned(fromByteOffset: (r * (d + 1) + 1 + j) * 4, as: Float.self) }
            }
        }
        return Matrix(rows: rows, columns: d, values: values)
    }

    /// Reads an `.ivecs` file.
    public static func readInt(_ url: URL) throws -> Matrix<Int32> {
        let (rows, d, words) = try parse(url)
        var values = [Int32](repeating: 0, count: rows * d)
        words.withUnsafeBytes { raw in
            for r in 0..<rows {
                for j in 0..<d { values[r * d + j] = raw.loadUnaligned(fromByteOffset: (r * (d + 1) + 1 + j) * 4, as: Int32.self) }
            }
        }
        return Matrix(rows: rows, columns: d, values: values)
    }

    /// Writes an `.fvecs` file (atomically).
    public static func write(_ m: Matrix<Float>, to url: URL) throws {
        try write(rows: m.rows, d: m.columns, to: url) { r, data in m.values[(r * m.columns)..<((r + 1) * m.columns)].withUnsafeBytes { data.append(contentsOf: $0) } }
    }

    /// Writes an `.ivecs` file (atomically).
    public static func write(_ m: Matrix<Int32>, to url: URL) throws {
        try write(rows: m.rows, d: m.columns, to: url) { r, data in m.values[(r * m.columns)..<((r + 1) * m.columns)].withUnsafeBytes { data.append(contentsOf: $0) } }
    }

    private static func write(rows: Int, d: Int, to url: URL, row: (Int, inout Data) -> Void) throws {
        var data = Data()
        data.reserveCapacity(rows * (d + 1) * 4)
        let dim = Int32(d).littleEndian
        for r in 0..<rows {
            withUnsafeBytes(of: dim) { data.append(contentsOf: $0) }
            row(r, &data)
        }
        try AtomicFile.write(data, to: url)
    }

    private static func parse(_ url: URL) throws -> (rows: Int, d: Int, data: Data) {
        let data: Data
        do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
            throw VectorFileError.cannotRead(path: url.path, reason: error.localizedDescription)
        }
        guard data.count >= 4 else { throw VectorFileError.malformed(path: url.path, reason: "file is empty or shorter than one header") }
        let d = Int(data.withUnsafeBytes { $0.loadUnaligned(as: Int32.self) })
        guard d > 0 && d < 1 << 20 else { throw VectorFileError.malformed(path: url.path, reason: "dimension \(d) in the first header") }
        let stride = (d + 1) * 4
        guard data.count % stride == 0 else {
            throw VectorFileError.malformed(path: url.path, reason: "\(data.count) bytes is not a whole number of \(d)-dimensional vectors")
        }
        let rows = data.count / stride
        try data.withUnsafeBytes { raw in
            for r in 0..<rows where raw.loadUnaligned(fromByteOffset: r * stride, as: Int32.self) != Int32(d) {
                throw VectorFileError.malformed(path: url.path, reason: "vector \(r) has a different dimension than the first (\(d))")
            }
        }
        return (rows, d, data)
    }
}
