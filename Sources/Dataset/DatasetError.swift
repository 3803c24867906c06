import Support

/// Everything that can be wrong with a dataset, each case naming what a person needs to fix it.
public enum DatasetError: Error, CustomStringConvertible, Equatable {
    /// The dataset folder does not exist.
    case missingDirectory(path: String)
    /// The folder holds none of `ratings.csv`, `ratings.dat`, `u.data`; `found` lists what it holds.
    case unknownFormat(path: String, found: [String])
    /// A file the format needs (e.g. `movies.csv` beside `ratings.csv`) is absent.
    case missingFile(path: String)
    /// A file the format needs has no bytes.
    case emptyFile(path: String)
    /// The file system refused to open or read the file.
    case unreadable(path: String, reason: String)
    /// A malformed line: file, 1-based line number, what is wrong.
    case badLine(path: String, line: Int, reason: String)
    /// A CSV header without a column the reader needs (`userId`, `movieId`, `rating`, `timestamp`, …).
    case missingColumn(path: String, column: String, header: String)
    /// A line that is not valid UTF-8 in a format that must be (1-based line number).
    case invalidUTF8(path: String, line: Int)
    /// Nothing was left to build interactions from (every line skipped, or a header alone).
    case noRatings(path: String)

    /// `path:line: what is wrong`, as the CLI prints it.
    public var description: String {
        switch self {
        case let .missingDirectory(path): return "\(path): no such dataset folder"
        case let .unknownFormat(path, found):
            return "\(path): no MovieLens ratings file found (looked for ratings.csv, ratings.dat, u.data; found: \(found.isEmpty ? "nothing" : Echo.quote(found.joined(separator: ", "))))"
        case let .missingFile(path): return "\(path): file is missing"
        case let .emptyFile(path): return "\(path): file is empty"
        case let .unreadable(path, reason): return "\(path): cannot read (\(Echo.quote(reason, limit: 300)))"
        case let .badLine(path, line, reason): return "\(path):\(line): \(Echo.quote(reason, limit: 300))"
        case let .missingColumn(path, column, header): return "\(path):1: header lacks column '\(column)' (header is '\(Echo.quote(header))')"
        case let .invalidUTF8(path, line): return "\(path):\(line): invalid UTF-8"
        case let .noRatings(path): return "\(path): no ratings left after reading"
        }
    }
}
