/// Everything that can go wrong while evaluating.
public enum EvaluationError: Error, CustomStringConvertible, Equatable {
    /// A model that scores another number of items than the data has.
    case modelShape(name: String, items: Int, expected: Int)
    /// No user has a held-out positive, so there is nothing to rank.
    case noTestUser(split: String)
    /// The loo-sampled protocol asks for more negatives than there are movies besides the held-out one.
    case tooManyNegatives(asked: Int, items: Int)

    public var description: String {
        switch self {
        case let .modelShape(name, items, expected):
            return "model '\(name)' scores \(items) items but the data has \(expected)"
        case let .noTestUser(split):
            return "the \(split) split holds out no positive for any user, so there is nothing to evaluate (more data, or another split)"
        case let .tooManyNegatives(asked, items):
            return "--negatives \(asked) asks for more sampled movies than the \(items) movies there are besides the held-out one"
        }
    }
}
