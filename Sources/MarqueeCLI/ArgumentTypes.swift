import ArgumentParser
import Models
import Retrieval
import VectorSearch
import Workspace

// Enumerated options parse straight into the library's types, so `--help` lists the values and shells
// complete them.

extension ModelKind: ExpressibleByArgument {}
extension SplitKind: ExpressibleByArgument {}
extension EvaluationProtocolKind: ExpressibleByArgument {}
extension RerankScorer: ExpressibleByArgument {}
extension MIPSStrategy: ExpressibleByArgument {}
extension ALSConfiguration.Solver: ExpressibleByArgument {}
extension ALSConfiguration.Confidence: ExpressibleByArgument {}

extension Metric: ExpressibleByArgument {
    /// `cosine`, `ip` (also `inner_product`, `dot`) or `l2`.
    public init?(argument: String) { self.init(name: argument) }
}
