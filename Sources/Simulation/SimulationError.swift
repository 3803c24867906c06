/// What can stop a simulation, with what a person needs to fix it.
public enum SimulationError: Error, CustomStringConvertible, Equatable {
    /// No rating comes after the time cut.
    case emptyStream(quantile: Double)
    /// A policy name that does not parse; `reason` says why, `known` lists the base names.
    case badPolicy(name: String, reason: String, known: [String])
    /// A static policy names a model the run was not given.
    case missingModel(policy: String, model: String)
    /// The control policy is not one of the policies run.
    case unknownControl(String, policies: [String])
    /// A setting outside its range (the library's own check; the CLI checks the same rules first).
    case badSetting(name: String, problem: String)

    public var description: String {
        switch self {
        case let .emptyStream(q): return "no rating comes after the time cut at quantile \(q): nothing to replay"
        case let .badPolicy(name, reason, known):
            return "policy '\(name)': \(reason) (policies: \(known.joined(separator: ", ")); X+epsE, X+epsE/decay; ab:A:B, egreedy:A:B, ucb1:A:B, thompson:A:B)"
        case let .missingModel(policy, model): return "policy '\(policy)' needs the model '\(model)', which was not loaded"
        case let .unknownControl(name, policies):
            return "control '\(name)' is not one of the policies run (\(policies.joined(separator: ", ")))"
        case let .badSetting(name, problem): return "\(name) \(problem)"
        }
    }
}
