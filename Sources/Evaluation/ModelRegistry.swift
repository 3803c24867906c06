import Dataset
import Foundation
import Models

/// A model trained for evaluation, with the wall time its training took.
public struct TrainedModel {
    public let model: any Recommender
    public let trainSeconds: Double
}

/// Named ways to train a model on a train part, so evaluation can run any list of models by name.
///
/// `Context` is whatever the caller passes to every training closure (the CLI passes its configuration
/// with the flags applied: hyperparameters, seed, artefact folder).
public struct ModelRegistry<Context> {
    /// One model: its command-line name, a one-line summary and how to train it.
    public struct Entry {
        public let name: String
        public let summary: String
        public let train: (_ train: Interactions, _ context: Context) throws -> any Recommender

        public init(_ name: String, _ summary: String,
                    train: @escaping (_ train: Interactions, _ context: Context) throws -> any Recommender) {
            self.name = name
            self.summary = summary
            self.train = train
        }
    }

    public let entries: [Entry]

    /// - Precondition: names are unique.
    public init(_ entries: [Entry]) {
        precondition(Set(entries.map(\.name)).count == entries.count, "model names must be unique")
        self.entries = entries
    }

    /// The registered names, in registration order.
    public var names: [String] { entries.map(\.name) }

    /// The entry called `name`, if any.
    public func entry(named name: String) -> Entry? { entries.first { $0.name == name } }

    /// The names in `names` that are not registered.
    public func unknown(_ names: [String]) -> [String] { names.filter { entry(named: $0) == nil } }

    /// Trains the model called `name` on `train` and measures the wall time.
    /// - Throws: `EvaluationError.unknownModel`, or whatever the training closure throws.
    public func train(_ name: String, on train: Interactions, context: Context) throws -> TrainedModel {
        guard let entry = entry(named: name) else { throw EvaluationError.unknownModel(name: name, known: names) }
        let start = DispatchTime.now().uptimeNanoseconds
        let model = try entry.train(train, context)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return TrainedModel(model: model, trainSeconds: seconds)
    }
}

/// Everything that can go wrong while evaluating.
public enum EvaluationError: Error, CustomStringConvertible, Equatable {
    case unknownModel(name: String, known: [String])
    case modelShape(name: String, items: Int, expected: Int)

    public var description: String {
        switch self {
        case let .unknownModel(name, known):
            return "unknown model '\(name)' (known: \(known.joined(separator: ", ")))"
        case let .modelShape(name, items, expected):
            return "model '\(name)' scores \(items) items but the data has \(expected)"
        }
    }
}
