/// What can go wrong when generating a synthetic dataset.
public enum SynthError: Error, CustomStringConvertible, Equatable {
    /// The requested shape cannot be generated (e.g. fewer than 20 ratings per user on average).
    case impossibleShape(reason: String)
    /// Writing an output file failed.
    case writeFailed(path: String, reason: String)

    /// The reason, prefixed with the path when a file is involved.
    public var description: String {
        switch self {
        case let .impossibleShape(reason): return "cannot generate this shape: \(reason)"
        case let .writeFailed(path, reason): return "\(path): write failed (\(reason))"
        }
    }
}
