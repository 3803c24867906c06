import Foundation
import Support

extension CSRMatrix {
    /// The transpose of the matrix held in the given buffers, by a stable counting sort on the column
    /// index, in parallel: each worker counts its share of rows, the counts give every worker its own
    /// write position in each output row, and the workers scatter.
    ///
    /// Visiting rows in ascending order makes each output row ascending in its column index (the input
    /// row), and entries with equal (row, column) keep their relative order.
    /// - Complexity: O(nnz + rows + threads × columns).
    static func transpose(
        rows: Int, columns: Int, rowStart: UnsafeBufferPointer<Int>, columnIndex: UnsafeBufferPointer<Int32>,
        values: UnsafeBufferPointer<Float>, timestamps: UnsafeBufferPointer<Int64>, threads: Int = Threads.count,
        reusing spare: inout [Int32]
    ) -> CSRMatrix {
        let nnz = columnIndex.count
        let parts = nnz < 1 << 16 ? 1 : max(1, threads)
        // Rows split so each worker has about the same number of entries.
        var bounds = [0]
        for w in 1..<parts {
            let target = nnz * w / parts
            var lo = bounds[w - 1], hi = rows
            while lo < hi {
                let mid = (lo + hi) / 2
                if rowStart[mid] < target { lo = mid + 1 } else { hi = mid }
            }
            bounds.append(lo)
        }
        bounds.append(rows)
        let split = bounds

        var cursor = [Int](repeating: 0, count: parts * columns)
        cursor.withUnsafeMutableBufferPointer { cursorBuffer in
            let shared = UnsafeSendable((cursor: cursorBuffer, rowStart: rowStart, columnIndex: columnIndex))
            parallelFor(parts, threads: parts) { range, _ in
                for w in range {
                    let s = shared.value
                    let count = s.cursor.baseAddress! + w * columns
                    for p in s.rowStart[split[w]]..<s.rowStart[split[w + 1]] { count[Int(s.columnIndex[p])] += 1 }
                }
            }
        }
        var start = [Int](repeating: 0, count: columns + 1)
        for c in 0..<columns {
            var running = start[c]
            for w in 0..<parts {
                let n = cursor[w * columns + c]
                cursor[w * columns + c] = running
                running += n
            }
            start[c + 1] = running
        }

        var outColumns: [Int32] = [], outValues: [Float] = [], outTimes: [Int64] = []
        // A spare array of the right size (a column the caller no longer needs) holds the new column
        // indices: memory already touched costs no page faults.
        let reuse = spare.count == nnz
        if reuse { outColumns = spare; spare = [] }
        let fill: (UnsafeMutableBufferPointer<Int32>) -> Void = { columnOut in
            outValues = LargeArray.make(Float.self, count: nnz) { valueOut in
                outTimes = LargeArray.make(Int64.self, count: nnz) { timeOut in
                    cursor.withUnsafeMutableBufferPointer { cursorBuffer in
                        let shared = UnsafeSendable((cursorBuffer, columnOut, valueOut, timeOut, rowStart, columnIndex, values, timestamps))
                        parallelFor(parts, threads: parts) { range, _ in
                            for w in range {
                                let (cursorAll, cOut, vOut, tOut, rs, ci, vs, ts) = shared.value
                                let next = cursorAll.baseAddress! + w * columns
                                for r in split[w]..<split[w + 1] {
                                    let row = Int32(truncatingIfNeeded: r)
                                    for p in rs[r]..<rs[r + 1] {
                                        let c = Int(ci[p])
                                        let q = next[c]
                                        next[c] = q + 1
                                        cOut[q] = row
                                        vOut[q] = vs[p]
                                        tOut[q] = ts[p]
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if reuse { outColumns.withUnsafeMutableBufferPointer { fill($0) } } else { outColumns = LargeArray.make(Int32.self, count: nnz, fill) }
        return CSRMatrix(rows: columns, columns: rows, rowStart: start, columnIndex: outColumns, values: outValues, timestamps: outTimes)
    }
}
