import Foundation
@testable import Dataset

/// A temporary dataset folder that tests fill with small files and that removes itself.
final class FixtureFolder {
    let url: URL

    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("marquee-ingest-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `text` (UTF-8) to `name`.
    @discardableResult
    func write(_ name: String, _ text: String) -> URL { write(name, bytes: Array(text.utf8)) }

    /// Writes raw bytes to `name`.
    @discardableResult
    func write(_ name: String, bytes: [UInt8]) -> URL {
        let file = url.appendingPathComponent(name)
        try! Data(bytes).write(to: file)
        return file
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// The error a throwing call raised, as a `DatasetError` (nil when it did not throw one).
func datasetError(_ body: () throws -> Void) -> DatasetError? {
    do { try body() } catch let e as DatasetError { return e } catch { return nil }
    return nil
}

/// A brute-force oracle: for each (user, movie), the rating of the latest line (ties: later line).
func latestRatings(_ lines: [(user: Int32, movie: Int32, rating: Float, time: Int64)]) -> [Int32: [Int32: (Float, Int64)]] {
    var result: [Int32: [Int32: (Float, Int64)]] = [:]
    for l in lines {
        if let old = result[l.user]?[l.movie], old.1 > l.time { continue }
        result[l.user, default: [:]][l.movie] = (l.rating, l.time)
    }
    return result
}

/// The interactions as a dictionary of external ids (to compare with an oracle).
func asDictionary(_ x: Interactions) -> [Int32: [Int32: (Float, Int64)]] {
    var result: [Int32: [Int32: (Float, Int64)]] = [:]
    for u in 0..<x.userCount {
        for p in x.byUser.range(ofRow: u) {
            result[x.users.externalId(of: u), default: [:]][x.items.externalId(of: Int(x.byUser.columnIndex[p]))] =
                (x.byUser.values[p], x.byUser.timestamps[p])
        }
    }
    return result
}

func sameRatings(_ a: [Int32: [Int32: (Float, Int64)]], _ b: [Int32: [Int32: (Float, Int64)]]) -> Bool {
    guard a.count == b.count else { return false }
    for (u, row) in a {
        guard let other = b[u], other.count == row.count else { return false }
        for (m, v) in row {
            guard let w = other[m], w.0 == v.0, w.1 == v.1 else { return false }
        }
    }
    return true
}
