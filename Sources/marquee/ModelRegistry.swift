import Dataset
import Evaluation
import Foundation
import Models

/// What every training closure of the registry gets: the configuration (with the command's flags
/// applied), the seed and where artefacts of this dataset live.
struct TrainingContext {
    var config: MarqueeConfig
    var seed: UInt64
    var artifactDirectory: URL
}

/// The models `marquee evaluate --models …` knows, by name.
///
/// To add a model, add ONE entry to the list below (each model has its own slot, kept apart by the
/// separator comments so that branches adding different models merge without conflicts):
///
///     .init("als", "alternating least squares") { train, context in try ALS(training: train, …) },
///
/// The closure gets the train part and the `TrainingContext`; it returns the trained model, which must
/// score `train.itemCount` items for the users of `train`.
var modelRegistry: ModelRegistry<TrainingContext> { ModelRegistry([
    // ── popularity ────────────────────────────────────────────────────────────────────────────────────
    .init("popularity", "items ranked by number of positives in train") { train, _ in Popularity(training: train) },
    // ── als (branch als) ──────────────────────────────────────────────────────────────────────────────
    .init("als", "implicit-feedback ALS (config als:)") { train, c in try ALS.train(on: train, configuration: c.config.als.configuration(seed: c.seed)).model },

    // ── gmf / mlp / neumf (branch ncf) ────────────────────────────────────────────────────────────────
    .init("gmf", "NCF generalised matrix factorisation (config ncf:)") { train, c in try trainNCFForEvaluation(.gmf, train, c) },
    .init("mlp", "NCF multi-layer perceptron (config ncf:)") { train, c in try trainNCFForEvaluation(.mlp, train, c) },
    .init("neumf", "NCF NeuMF = GMF + MLP (config ncf:)") { train, c in try trainNCFForEvaluation(.neumf, train, c) },

    // ── end of list ───────────────────────────────────────────────────────────────────────────────────
]) }
