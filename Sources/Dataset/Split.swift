/// A train / test partition of a dataset's ratings, both parts sharing the same id maps so a user or item
/// has one dense index in both.
///
/// Rules shared by every kind of split (see `Split+Kinds.swift` for each kind):
/// - Only positives (rating ≥ threshold) are ever held out; `test` holds positives only.
/// - A user's non-positive ratings always stay in `train`: they count as *seen*, so evaluation never
///   recommends them back, and models that learn from positives alone ignore them.
/// - Every random choice takes a seed and draws from one generator stream per user, so a split depends on
///   the seed and the data only (not on threads or the order of lines).
public struct Split: Sendable, Equatable {
    /// The kinds of split, with their parameters.
    public enum Kind: Sendable, Equatable, CustomStringConvertible {
        /// Per user, a random `testFraction` of the positives (seeded).
        case random(testFraction: Double, seed: UInt64)
        /// Per user, the latest `count` positives by timestamp.
        case leaveLast(count: Int)
        /// As `leaveLast`, for a seeded sample of at most `users` users (0: every user).
        case leaveLastSample(count: Int, users: Int, seed: UInt64)
        /// Globally, the ratings after the `quantile` of all timestamps.
        case time(quantile: Double)
        /// Two files given by the user.
        case supplied

        /// The name used on the command line and in JSON (`random`, `leave-last`, `leave-last-sample`, `time`,
        /// `supplied`).
        public var name: String {
            switch self {
            case .random: return "random"
            case .leaveLast: return "leave-last"
            case .leaveLastSample: return "leave-last-sample"
            case .time: return "time"
            case .supplied: return "supplied"
            }
        }

        /// The kind and its parameters in words, for reports.
        public var description: String {
            switch self {
            case let .random(f, seed): return "random (test fraction \(f), seed \(seed))"
            case let .leaveLast(n): return "leave-last \(n)"
            case let .leaveLastSample(n, users, seed): return "leave-last \(n) for a sample of \(users) users (seed \(seed))"
            case let .time(q): return "time (cut at quantile \(q))"
            case .supplied: return "supplied train/test files"
            }
        }
    }

    /// Ratings the models learn from (and that count as seen).
    public let train: Interactions
    /// Held-out positives.
    public let test: Interactions
    /// How the ratings were partitioned.
    public let kind: Kind
    /// Test positives dropped by the split's rules (time split: users with no positive before the cut).
    public let droppedTestPositives: Int

    /// A split from its two parts.
    /// - Precondition: `train` and `test` share id maps.
    public init(train: Interactions, test: Interactions, kind: Kind, droppedTestPositives: Int = 0) {
        precondition(train.users == test.users && train.items == test.items, "train and test must share id maps")
        self.train = train
        self.test = test
        self.kind = kind
        self.droppedTestPositives = droppedTestPositives
    }

    /// Number of users with at least one test positive.
    public var testUserCount: Int {
        var n = 0
        for u in 0..<test.userCount where test.byUser.count(ofRow: u) > 0 { n += 1 }
        return n
    }
}

/// Everything that can be wrong with the parameters of a split.
public enum SplitError: Error, CustomStringConvertible, Equatable {
    /// A random split's test fraction outside (0, 1).
    case fractionOutOfRange(Double)
    /// A leave-last count below 1.
    case countNotPositive(Int)
    /// A negative user sample size for leave-last-sample.
    case userCountNegative(Int)
    /// A time split's quantile outside (0, 1).
    case quantileOutOfRange(Double)
    /// A supplied train file with no ratings.
    case emptyTrain(path: String)

    /// The parameter, its allowed range and the value given.
    public var description: String {
        switch self {
        case let .fractionOutOfRange(f): return "test fraction must be in (0, 1), got \(f)"
        case let .countNotPositive(n): return "leave-last count must be at least 1, got \(n)"
        case let .userCountNegative(n): return "leave-last user sample must be 0 (every user) or more, got \(n)"
        case let .quantileOutOfRange(q): return "time cut quantile must be in (0, 1), got \(q)"
        case let .emptyTrain(path): return "\(path): train file has no ratings"
        }
    }
}

/// Where a split puts one rating.
enum Part: UInt8 {
    case train = 0, test = 1, dropped = 2
}

extension Split {
    /// Splits `data` by assigning each entry of `data.byUser` (in CSR order) to a part; test entries must
    /// be positives.
    static func partition(_ data: Interactions, parts: [Part]) -> (train: CSRMatrix, test: CSRMatrix) {
        let m = data.byUser
        precondition(parts.count == m.nonZeroCount)
        func select(_ part: Part) -> CSRMatrix {
            var start = [Int](repeating: 0, count: m.rows + 1)
            var cols: [Int32] = [], vals: [Float] = [], times: [Int64] = []
            for r in 0..<m.rows {
                for p in m.range(ofRow: r) where parts[p] == part {
                    cols.append(m.columnIndex[p]); vals.append(m.values[p]); times.append(m.timestamps[p])
                }
                start[r + 1] = cols.count
            }
            return CSRMatrix(rows: m.rows, columns: m.columns, rowStart: start, columnIndex: cols, values: vals, timestamps: times)
        }
        return (select(.train), select(.test))
    }

    /// Builds the split from per-entry parts.
    static func make(_ data: Interactions, parts: [Part], kind: Kind) -> Split {
        let (train, test) = partition(data, parts: parts)
        let dropped = parts.reduce(0) { $0 + ($1 == .dropped ? 1 : 0) }
        return Split(train: data.replacingRatings(train), test: data.replacingRatings(test), kind: kind,
                     droppedTestPositives: dropped)
    }
}
