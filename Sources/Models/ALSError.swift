/// What can go wrong when training, using or loading an ALS model.
public enum ALSError: Error, CustomStringConvertible, Equatable {
    /// A setting out of its range (the field and why).
    case invalidConfiguration(field: String, reason: String)
    /// A dense item index outside the model.
    case itemOutOfRange(item: Int, itemCount: Int)
    /// A dense user index outside the model.
    case userOutOfRange(user: Int, userCount: Int)
    /// Fold-in/explain got ratings that do not line up with the items.
    case mismatchedRatings(items: Int, ratings: Int)
    /// The normal equations were not positive definite (only possible with λ = 0).
    case singularSystem(reason: String)
    /// A model file whose contents do not fit together.
    case badModelFile(path: String, reason: String)
    /// Training data without a single positive: there is nothing to learn.
    case noPositives(users: Int, items: Int)

    public var description: String {
        switch self {
        case let .invalidConfiguration(field, reason): return "als: \(field) \(reason)"
        case let .itemOutOfRange(item, count): return "als: item index \(item) is outside 0..<\(count)"
        case let .userOutOfRange(user, count): return "als: user index \(user) is outside 0..<\(count)"
        case let .mismatchedRatings(items, ratings): return "als: \(items) items but \(ratings) ratings"
        case let .singularSystem(reason): return "als: least-squares system is singular (\(reason)); use regularization > 0"
        case let .badModelFile(path, reason): return "\(path): not a usable ALS model (\(reason))"
        case let .noPositives(users, items):
            return "als: the training data (\(users) users, \(items) movies) holds no positive; lower the threshold or check the ratings"
        }
    }
}
