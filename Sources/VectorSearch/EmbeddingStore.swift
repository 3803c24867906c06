import Foundation
import Support

/// Named Float32 matrices whose rows carry integer ids (item factors, user factors, ...), kept in one
/// artefact file (kind "embeddings") that loads by memory-mapping.
///
/// Each matrix `name` is stored as two sections, `name` (row-major Float values) and `name.ids`
/// (Int64 row ids), and is described in the `meta` section (rows, columns). Matrices added in memory and
/// matrices mapped from a file are read the same way through `EmbeddingMatrix`.
///
/// ```swift
/// var store = EmbeddingStore()
/// try store.set("items", EmbeddingMatrix(values: factors, ids: movieIds))
/// try store.save(to: url)
/// let items = try EmbeddingStore.load(from: url).matrix("items")
/// ```
public struct EmbeddingStore: Sendable {
    /// Artefact kind of embedding files.
    public static let artifactKind = "embeddings"

    private var matrices: [String: EmbeddingMatrix] = [:]

    /// An empty store (add matrices, then save).
    public init() {}

    /// Names of the stored matrices, sorted.
    public var names: [String] { matrices.keys.sorted() }

    /// The matrix called `name`, if any.
    public subscript(name: String) -> EmbeddingMatrix? { matrices[name] }

    /// The matrix called `name`.
    /// - Throws: `VectorIndexError.missingMatrix` when there is none.
    public func matrix(_ name: String) throws -> EmbeddingMatrix {
        guard let m = matrices[name] else { throw VectorIndexError.missingMatrix(path: "embedding store", name: name) }
        return m
    }

    /// Adds or replaces the matrix called `name`.
    /// - Throws: `.badParameter` for an empty or too long name (at most 27 bytes).
    public mutating func set(_ name: String, _ matrix: EmbeddingMatrix) throws {
        guard !name.isEmpty, name.utf8.count <= 27, name != "meta" else {
            throw VectorIndexError.badParameter(name: "name", reason: "'\(name)' must be 1–27 bytes and not 'meta'")
        }
        matrices[name] = matrix
    }

    private struct Metadata: Codable {
        struct Entry: Codable {
            var name: String
            var rows: Int
            var columns: Int
            /// Where the ids came from (absent in older files: `.unknown`).
            var ids: IDSource?
        }
        var matrices: [Entry]
    }

    /// Writes every matrix to one artefact file, atomically.
    public func save(to url: URL) throws {
        var writer = ArtifactWriter(kind: Self.artifactKind)
        try writer.addMetadata(Metadata(matrices: names.map {
            .init(name: $0, rows: matrices[$0]!.rows, columns: matrices[$0]!.columns, ids: matrices[$0]!.idSource)
        }))
        for name in names {
            let m = matrices[name]!
            m.withValues { writer.add(name, $0) }
            writer.add(name + ".ids", m.ids.map { Int64($0) })
        }
        try writer.write(to: url)
    }

    /// Maps an embedding file; the matrices' values are read in place from the mapping.
    /// - Throws: `ArtifactError` for a damaged or foreign file, `VectorIndexError.badFile` when shapes disagree.
    public static func load(from url: URL) throws -> EmbeddingStore {
        let reader = try ArtifactReader(url: url, expectedKind: artifactKind)
        let meta = try reader.metadata(Metadata.self)
        var store = EmbeddingStore()
        for entry in meta.matrices {
            let values = try reader.buffer(entry.name, as: Float.self)
            let ids = try reader.array(entry.name + ".ids", as: Int64.self)
            guard entry.rows >= 0, entry.columns > 0, values.count == entry.rows * entry.columns, ids.count == entry.rows else {
                throw VectorIndexError.badFile(path: url.path, reason: "matrix '\(entry.name)' does not hold \(entry.rows)×\(entry.columns) values with ids")
            }
            store.matrices[entry.name] = EmbeddingMatrix(mapped: values, columns: entry.columns, ids: ids.map { Int($0) },
                                                         idSource: entry.ids ?? .unknown, owner: reader)
        }
        return store
    }

    /// Reads a `.npy` (2-D float) or `.fvecs` file as a matrix, with the ids of its rows from, in order:
    /// `ids`, the `.npy` file `idsFile`, a sibling `NAME.ids.npy` of a `.npy` file, or else row numbers.
    ///
    /// The matrix's `idSource` says which: `.file` for an ids file, `.rows` for row numbers, `.unknown` for
    /// `ids` given in memory.
    /// - Throws: `VectorFileError` for an unreadable or malformed file; for the ids, as `readIDs(from:rows:)`.
    public static func importMatrix(from url: URL, ids: [Int]? = nil, idsFile: URL? = nil) throws -> EmbeddingMatrix {
        let matrix: Matrix<Float>
        switch url.pathExtension.lowercased() {
        case "npy": matrix = try NumpyFile.readFloat(url)
        case "fvecs": matrix = try VecsFile.readFloat(url)
        default: throw VectorFileError.unsupported(path: url.path, reason: "expected a .npy or .fvecs file")
        }
        if let ids {
            guard ids.count == matrix.rows else {
                throw VectorIndexError.badParameter(name: "ids", reason: "\(ids.count) ids for \(matrix.rows) rows of \(url.path)")
            }
            return EmbeddingMatrix(values: matrix, ids: ids, idSource: .unknown)
        }
        var file = idsFile
        if file == nil, url.pathExtension.lowercased() == "npy" {
            let sibling = url.deletingPathExtension().appendingPathExtension("ids.npy")
            if FileManager.default.fileExists(atPath: sibling.path) { file = sibling }
        }
        guard let file else { return EmbeddingMatrix(values: matrix, ids: nil, idSource: .rows) }
        let read = try readIDs(from: file, rows: matrix.rows, vectorsPath: url.path)
        return EmbeddingMatrix(values: matrix, ids: read, idSource: .file)
    }

    /// Reads row ids from a `.npy` file of int32 or int64: a 1-D array (or one column) with one distinct
    /// id per row.
    /// - Parameters:
    ///   - url: the `.npy` file of ids.
    ///   - rows: how many ids there must be (the rows of the vectors they name).
    ///   - vectorsPath: the vectors' file, for the error messages.
    /// - Throws: `VectorFileError.unsupported` for another dtype (e.g. floats) or shape,
    ///   `VectorIndexError.badFile` for a count that is not `rows` or an id that appears twice.
    public static func readIDs(from url: URL, rows: Int, vectorsPath: String? = nil) throws -> [Int] {
        let table = try NumpyFile.readInt(url)
        guard table.columns == 1 else {
            throw VectorFileError.unsupported(path: url.path, reason: "a \(table.rows)×\(table.columns) array; expected one id per row (a 1-D array)")
        }
        guard table.rows == rows else {
            throw VectorIndexError.badFile(path: url.path, reason: "holds \(table.rows) ids for the \(rows) rows of \(vectorsPath ?? "the vectors")")
        }
        var firstRow: [Int64: Int] = [:]
        firstRow.reserveCapacity(rows)
        for (row, id) in table.values.enumerated() {
            if let earlier = firstRow.updateValue(row, forKey: id) {
                throw VectorIndexError.badFile(path: url.path, reason: "id \(id) appears twice (rows \(earlier) and \(row)); ids must be distinct")
            }
        }
        return table.values.map { Int($0) }
    }

    /// Writes a matrix as `.npy` (plus `NAME.ids.npy` with its ids) or `.fvecs` (values only).
    public static func exportMatrix(_ matrix: EmbeddingMatrix, to url: URL) throws {
        switch url.pathExtension.lowercased() {
        case "npy":
            try NumpyFile.write(matrix.matrix, to: url)
            try NumpyFile.write(matrix.ids.map { Int64($0) }, to: url.deletingPathExtension().appendingPathExtension("ids.npy"))
        case "fvecs":
            try VecsFile.write(matrix.matrix, to: url)
        default:
            throw VectorFileError.unsupported(path: url.path, reason: "expected a .npy or .fvecs file")
        }
    }
}

/// A row-major Float32 matrix with one integer id per row, owned or mapped from an embedding file.
public struct EmbeddingMatrix: @unchecked Sendable {
    /// Number of rows.
    public let rows: Int
    /// Values per row.
    public let columns: Int
    /// The id of each row.
    public let ids: [Int]
    /// Where the ids came from (`.rows`: they are row numbers).
    public let idSource: IDSource
    private let owned: [Float]?
    private let mapped: UnsafeBufferPointer<Float>?
    private let owner: AnyObject?

    /// A matrix that owns its values.
    /// - Parameters:
    ///   - values: the row-major vectors, one row per id.
    ///   - ids: the id of each row (default: row numbers).
    ///   - idSource: where the ids came from (default: `.rows` without ids, `.unknown` with them).
    public init(values: Matrix<Float>, ids: [Int]? = nil, idSource: IDSource? = nil) {
        rows = values.rows
        columns = values.columns
        self.ids = ids ?? Array(0..<values.rows)
        self.idSource = idSource ?? (ids == nil ? .rows : .unknown)
        precondition(self.ids.count == rows, "\(self.ids.count) ids for \(rows) rows")
        owned = values.values
        mapped = nil
        owner = nil
    }

    init(mapped: UnsafeBufferPointer<Float>, columns: Int, ids: [Int], idSource: IDSource, owner: AnyObject) {
        rows = ids.count
        self.columns = columns
        self.ids = ids
        self.idSource = idSource
        owned = nil
        self.mapped = mapped
        self.owner = owner
    }

    /// Calls `body` with the row-major values (valid only inside `body`).
    public func withValues<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        if let owned { return try owned.withUnsafeBufferPointer(body) }
        return try body(mapped!)
    }

    /// Row `r` as an array.
    public func row(_ r: Int) -> [Float] {
        withValues { Array($0[(r * columns)..<((r + 1) * columns)]) }
    }

    /// A copy as a plain `Matrix`.
    public var matrix: Matrix<Float> {
        withValues { Matrix(rows: rows, columns: columns, values: Array($0)) }
    }

    /// Rows whose values are all zero (e.g. ALS items that had no training signal).
    public var zeroRowIds: [Int] {
        withValues { v in (0..<rows).filter { r in (0..<columns).allSatisfy { v[r * columns + $0] == 0 } }.map { ids[$0] } }
    }
}

extension EmbeddingStore {
    /// Reads one factor matrix from a model artefact of any kind that has a Float section `factors`
    /// (row-major) and an Int32 section `ids` (one external id per row), e.g. an ALS model's
    /// `item_factors` / `item_ids`. The values are mapped, not copied; the ids are the dataset's
    /// (`idSource` `.dataset`).
    /// - Throws: `ArtifactError` when the file is damaged or lacks the sections; `.badFile` on a shape mismatch.
    public static func importFactors(fromModel url: URL, factors: String = "item_factors", ids: String = "item_ids") throws -> EmbeddingMatrix {
        let reader = try ArtifactReader(url: url)
        let values = try reader.buffer(factors, as: Float.self)
        let rowIds = try reader.array(ids, as: Int32.self).map { Int($0) }
        guard !rowIds.isEmpty, values.count % rowIds.count == 0, values.count > 0 else {
            throw VectorIndexError.badFile(path: url.path, reason: "'\(factors)' holds \(values.count) values for \(rowIds.count) ids")
        }
        return EmbeddingMatrix(mapped: values, columns: values.count / rowIds.count, ids: rowIds, idSource: .dataset, owner: reader)
    }
}
