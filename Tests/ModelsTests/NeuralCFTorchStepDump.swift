import Foundation
import Testing
import Dataset
@testable import Models

/// Diagnostic for `Tools/bench/ncf_stepcheck.py` (not a check; skipped unless `MARQUEE_NCF_DUMP` is set):
/// trains NeuMF on the training ratings in `MARQUEE_NCF_DATA` (a MovieLens folder) from the seeded
/// initial weights over epoch 1's seeded samples, and writes raw little-endian files into the
/// `MARQUEE_NCF_DUMP` folder: the initial weights (`init_<block>.f32`), the samples (`users.i32`,
/// `items.i32`, `labels.f32`), each step's mean loss (`losses.f64`) and the weights after the steps listed
/// in `checkpoints.txt` (`step<N>_<block>.f32`). The script loads the same initial weights into PyTorch,
/// takes the same steps on the same batches and compares the weights, which pinpoints any difference in
/// the maths (initialisation aside).
@Test(.enabled(if: ProcessInfo.processInfo.environment["MARQUEE_NCF_DUMP"] != nil))
func dumpNeuMFStepsForTorch() throws {
    let env = ProcessInfo.processInfo.environment
    let out = URL(fileURLWithPath: env["MARQUEE_NCF_DUMP"]!)
    let data = URL(fileURLWithPath: env["MARQUEE_NCF_DATA"] ?? "Data/ml-latest-small")
    let seed = UInt64(env["MARQUEE_NCF_SEED"] ?? "1")!
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    let training = try MovieLensDataset.load(from: data).interactions
    let arch = NeuralCF.Architecture(kind: .neumf, factors: 8, layers: [64, 32, 16, 8],
                                     userCount: training.userCount, itemCount: training.itemCount)
    let model = try NeuralCF(architecture: arch, seed: seed)
    var options = NeuralCF.TrainingOptions()
    options.seed = seed
    options.threads = 1
    let names = ["gmf_user", "gmf_item", "mlp_user", "mlp_item", "dense"]
    func write<T>(_ values: [T], _ name: String) throws {
        try values.withUnsafeBytes { try Data($0).write(to: out.appendingPathComponent(name)) }
    }
    for (name, block) in zip(names, [model.gmfUser, model.gmfItem, model.mlpUser, model.mlpItem, model.dense]) {
        try write(block, "init_\(name).f32")
    }
    let samples = NegativeSampler(training: training).epochSamples(negatives: options.negatives, seed: seed, epoch: 1)
    try write(samples.users, "users.i32")
    try write(samples.items, "items.i32")
    try write(samples.labels, "labels.f32")
    let trainer = NCFTrainer(model: model, options: options)
    let steps = (samples.count + options.batchSize - 1) / options.batchSize
    let checkpoints = [1, 2, 10, 100, steps]
    var losses: [Double] = []
    for s in 0..<steps {
        let lo = s * options.batchSize, n = min(options.batchSize, samples.count - lo)
        let loss = samples.users.withUnsafeBufferPointer { u in
            samples.items.withUnsafeBufferPointer { i in
                samples.labels.withUnsafeBufferPointer { y in
                    trainer.computeGradients(users: u.baseAddress! + lo, items: i.baseAddress! + lo,
                                             labels: y.baseAddress! + lo, count: n)
                }
            }
        }
        losses.append(loss / Double(n))
        trainer.applyAdam()
        if checkpoints.contains(s + 1) {
            for (t, name) in names.enumerated() { try write(trainer.weights[t].array, "step\(s + 1)_\(name).f32") }
        }
    }
    try write(losses, "losses.f64")
    try (checkpoints.map(String.init).joined(separator: "\n") + "\n")
        .write(to: out.appendingPathComponent("checkpoints.txt"), atomically: true, encoding: .utf8)
    // With MARQUEE_NCF_EPOCHS=n: every epoch's samples too (what `marquee train --seed` draws), for
    // `ncf_torch.py --from-dump` to train the whole run on Marquee's random draws.
    for epoch in 1...max(1, Int(env["MARQUEE_NCF_EPOCHS"] ?? "1")!) {
        let samples = NegativeSampler(training: training).epochSamples(negatives: options.negatives, seed: seed, epoch: epoch)
        try write(samples.users, "epoch\(epoch)_users.i32")
        try write(samples.items, "epoch\(epoch)_items.i32")
        try write(samples.labels, "epoch\(epoch)_labels.f32")
    }
    try "\(training.userCount) \(training.itemCount)\n".write(to: out.appendingPathComponent("shape.txt"), atomically: true, encoding: .utf8)
}
