/// Everything that can go wrong while evaluating.
public enum EvaluationError: Error, CustomStringConvertible, Equatable {
    /// A model that scores another number of items than the data has.
    case modelShape(name: String, items: Int, expected: Int)
    /// No user has a held-out positive, so there is nothing to rank.
    case noTestUser(split: String)

    /// A sentence naming the model or split and what to change.
    public var description: String {
        switch self {
        case let .modelShape(name, items, expected):
            return "model '\(name)' scores \(items) items but the data has \(expected)"
        case let .noTestUser(split):
            return "the \(split) split holds out no positive for any user, so there is nothing to evaluate (more data, or another split)"
        }
    }
}
