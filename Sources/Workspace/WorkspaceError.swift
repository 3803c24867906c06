/// What can go wrong in the application layer: each case carries what a person needs to fix it.
public enum WorkspaceError: Error, CustomStringConvertible, Equatable {
    /// A model name that is not one of `ModelKind.allCases`.
    case unknownModel(String, known: [String])
    /// A user id outside the range of dataset ids.
    case userIdOutOfRange(Int)
    /// A user id the dataset does not have.
    case unknownUser(Int, dataset: String, users: Int, firstId: Int?, lastId: Int?)
    /// A movie id outside the range of dataset ids.
    case movieIdOutOfRange(Int)
    /// A movie id the catalogue does not list.
    case unknownMovie(Int, dataset: String)
    /// A title that names no movie, or several that neither a year nor an id tells apart.
    case title(String)
    /// A movie in the catalogue that nobody rated, so the model knows nothing about it.
    case unratedMovie(title: String, id: Int, dataset: String)
    /// A newcomer's likes name no movie.
    case noLikes
    /// The operation needs a capability this kind of model lacks.
    case unsupported(model: String, needs: String, use: [String])
    /// The data has no positive at the threshold, so there is nothing to learn.
    case nothingToTrainOn(model: String, threshold: Float)
    /// The kind of model has no vectors to search.
    case noVectors(model: String)
    /// A file that is a Marquee artefact but not a model.
    case notAModel(path: String, kind: String)
    /// A model that cannot be written to a file.
    case notSaveable(model: String)
    /// An index whose ids are row numbers of an embedding file, not the dataset's movie ids.
    case indexWithoutIds(path: String)
    /// An index whose ids are not this dataset's movies.
    case indexForOtherData(path: String, missing: Int)
    /// A request the layer cannot serve as given.
    case invalid(String)

    public var description: String {
        switch self {
        case let .unknownModel(name, known): return "unknown model '\(name)' (known: \(known.joined(separator: ", ")))"
        case let .userIdOutOfRange(id): return "user id \(id) is out of range (dataset ids are 0…\(Int32.max))"
        case let .unknownUser(id, dataset, users, first, last):
            let range = first.map { "\($0)…\(last ?? $0)" } ?? "none"
            return "user \(id) is not in \(dataset) (user ids \(range); \(users) users with ratings); for someone new, give their liked movies instead (--likes)"
        case let .movieIdOutOfRange(id): return "movie id \(id) is out of range (dataset ids are 0…\(Int32.max))"
        case let .unknownMovie(id, dataset): return "movie id \(id) is not in the catalogue of \(dataset)"
        case let .title(message): return message
        case let .unratedMovie(title, id, dataset):
            return "\"\(title)\" (\(id)) has no ratings in \(dataset), so the model knows nothing about it"
        case .noLikes: return "the list of liked movies names no movie"
        case let .unsupported(model, needs, use):
            return "the \(model) model cannot \(needs); use \(use.joined(separator: ", "))"
        case let .nothingToTrainOn(model, threshold):
            return "no rating reaches the positive threshold \(threshold), so there is nothing to train \(model) on (lower data.threshold / --threshold)"
        case let .noVectors(model): return "the \(model) model has no item vectors to index"
        case let .notAModel(path, kind): return "\(path) holds a '\(kind)' artefact, not a model"
        case let .notSaveable(model): return "a \(model) model cannot be saved"
        case let .indexWithoutIds(path):
            return "\(path) was built from an embedding file without ids; its ids are row numbers, not movie ids; rebuild it with build-index --embeddings FILE --ids IDS.npy, or from a model (--model)"
        case let .indexForOtherData(path, missing):
            return "\(path) indexes movies this dataset does not have (\(missing) of them); rebuild it from this dataset's model"
        case let .invalid(message): return message
        }
    }
}
