/// A compressed-sparse-row matrix of ratings: for each row, its column indices (ascending), the rating
/// value and the timestamp of each entry.
///
/// Used both ways: users × items (CSR) and, transposed, items × users (the CSC view).
public struct CSRMatrix: Sendable, Equatable {
    /// The number of rows (users in the CSR view, items in the CSC view).
    public let rows: Int
    /// The number of columns (column indices are in `0..<columns`).
    public let columns: Int
    /// `rows + 1` offsets into the entry arrays; row `r` is `rowStart[r]..<rowStart[r+1]`.
    ///
    /// The four arrays are `DenseColumn`s so a cache load can hand them out straight from the mapped file.
    public var rowStart: DenseColumn<Int>
    /// Column index of each entry, ascending within a row.
    public var columnIndex: DenseColumn<Int32>
    /// Rating value of each entry.
    public var values: DenseColumn<Float>
    /// Unix timestamp (seconds) of each entry.
    public var timestamps: DenseColumn<Int64>

    /// Number of stored entries.
    public var nonZeroCount: Int { columnIndex.count }

    /// Entries of row `r` as a range into the entry arrays.
    @inlinable
    public func range(ofRow r: Int) -> Range<Int> { rowStart[r]..<rowStart[r + 1] }

    /// Column indices of row `r`.
    @inlinable
    public func columns(ofRow r: Int) -> Slice<DenseColumn<Int32>> { columnIndex[range(ofRow: r)] }

    /// Number of entries in row `r`.
    @inlinable
    public func count(ofRow r: Int) -> Int { rowStart[r + 1] - rowStart[r] }

    /// A matrix over arrays already in CSR form (rows sorted by column, as `_checkInvariants()` checks).
    /// - Precondition: `rowStart.count == rows + 1`; the three entry arrays have one length.
    public init(rows: Int, columns: Int, rowStart: [Int], columnIndex: [Int32], values: [Float], timestamps: [Int64]) {
        self.init(rows: rows, columns: columns, rowStart: DenseColumn(rowStart), columnIndex: DenseColumn(columnIndex),
                  values: DenseColumn(values), timestamps: DenseColumn(timestamps))
    }

    /// A matrix over the given columns (array-backed or mapped).
    public init(rows: Int, columns: Int, rowStart: DenseColumn<Int>, columnIndex: DenseColumn<Int32>,
                values: DenseColumn<Float>, timestamps: DenseColumn<Int64>) {
        precondition(rowStart.count == rows + 1 && columnIndex.count == values.count && values.count == timestamps.count)
        self.rows = rows
        self.columns = columns
        self.rowStart = rowStart
        self.columnIndex = columnIndex
        self.values = values
        self.timestamps = timestamps
    }

    /// Builds a matrix from coordinate triplets (any order). Each row comes out sorted by column; entries
    /// with equal (row, column) keep their input order. Repeated pairs must be resolved by the caller.
    /// - Complexity: O(n + rows + columns): a counting sort by column, then a transposition (a stable
    ///   counting sort by row).
    public init(rows: Int, columns: Int, rowIndex: [Int32], columnIndex: [Int32], values: [Float], timestamps: [Int64]) {
        let byColumn = CSRMatrix.grouped(rows: columns, columns: rows, rowIndex: columnIndex, columnIndex: rowIndex,
                                         values: values, timestamps: timestamps)
        self = byColumn.transposedInParallel()
    }

    /// Triplets grouped by row (a stable counting sort; rows not sorted inside).
    static func grouped(rows: Int, columns: Int, rowIndex: [Int32], columnIndex: [Int32], values: [Float], timestamps: [Int64]) -> CSRMatrix {
        precondition(rowIndex.count == columnIndex.count && values.count == rowIndex.count && timestamps.count == rowIndex.count)
        let n = rowIndex.count
        var start = [Int](repeating: 0, count: rows + 1)
        for r in rowIndex { start[Int(r) + 1] += 1 }
        for r in 0..<rows { start[r + 1] += start[r] }
        var cursor = Array(start.dropLast())
        var cols = [Int32](repeating: 0, count: n)
        var vals = [Float](repeating: 0, count: n)
        var times = [Int64](repeating: 0, count: n)
        for e in 0..<n {
            let r = Int(rowIndex[e])
            let p = cursor[r]
            cursor[r] = p + 1
            cols[p] = columnIndex[e]
            vals[p] = values[e]
            times[p] = timestamps[e]
        }
        return CSRMatrix(rows: rows, columns: columns, rowStart: start, columnIndex: cols, values: vals, timestamps: times)
    }

    /// Sorts each row's entries by column index.
    public mutating func sortRows() {
        for r in 0..<rows {
            let range = self.range(ofRow: r)
            if range.count < 2 { continue }
            var sorted = true
            for p in range.lowerBound..<(range.upperBound - 1) where columnIndex[p] > columnIndex[p + 1] { sorted = false; break }
            if sorted { continue }
            let order = range.sorted { columnIndex[$0] < columnIndex[$1] }
            let c = order.map { columnIndex[$0] }, v = order.map { values[$0] }, t = order.map { timestamps[$0] }
            for (j, p) in range.enumerated() { columnIndex[p] = c[j]; values[p] = v[j]; timestamps[p] = t[j] }
        }
    }

    /// The transpose (items × users from users × items), rows sorted.
    /// - Complexity: O(nnz + rows + columns), a parallel counting sort.
    public func transposed() -> CSRMatrix { transposedInParallel() }

    /// The entries for which `keep(value)` holds, same shape.
    /// - Complexity: O(rows + nnz).
    public func filtered(_ keep: (Float) -> Bool) -> CSRMatrix {
        var start = [Int](repeating: 0, count: rows + 1)
        var cols: [Int32] = [], vals: [Float] = [], times: [Int64] = []
        cols.reserveCapacity(nonZeroCount); vals.reserveCapacity(nonZeroCount); times.reserveCapacity(nonZeroCount)
        for r in 0..<rows {
            for p in range(ofRow: r) where keep(values[p]) {
                cols.append(columnIndex[p]); vals.append(values[p]); times.append(timestamps[p])
            }
            start[r + 1] = cols.count
        }
        return CSRMatrix(rows: rows, columns: columns, rowStart: start, columnIndex: cols, values: vals, timestamps: times)
    }

    /// Checks the structural invariants (tests call this).
    public func _checkInvariants() {
        precondition(rowStart.count == rows + 1 && rowStart.first == 0 && rowStart.last == nonZeroCount)
        for r in 0..<rows {
            precondition(rowStart[r] <= rowStart[r + 1])
            var previous: Int32 = -1
            for p in range(ofRow: r) {
                precondition(columnIndex[p] > previous && Int(columnIndex[p]) < columns, "row \(r) not strictly ascending")
                previous = columnIndex[p]
            }
        }
    }
}
