import Foundation
import Testing
import Dataset
import Support
@testable import Models

// MARK: - An independent Double-precision reference of the NCF objective

/// The training objective written again, plainly, in Double: scalar loops, no BLAS, no shards. The
/// gradient checks compare the real Float backward pass (`lossAndGradient`, which runs the training
/// code: sharded workspaces, sgemm, scatter of embedding rows) with central differences of this
/// function, and check that its value matches the Float forward pass, so both describe one function.
private struct ReferenceNCF {
    let a: NeuralCF.Architecture
    let layout: NeuralCF.DenseLayout
    var blocks: [[Double]]   // gmfUser, gmfItem, mlpUser, mlpItem, dense

    init(_ m: NeuralCF) {
        a = m.architecture
        layout = m.layout
        blocks = [m.gmfUser, m.gmfItem, m.mlpUser, m.mlpItem, m.dense].map { $0.map(Double.init) }
    }

    func logit(_ u: Int, _ i: Int) -> Double {
        let f = a.gmfWidth, e = a.mlpWidth
        let d = blocks[4]
        var z = d[layout.outputBiasOffset]
        for k in 0..<f { z += d[layout.outputOffset + k] * blocks[0][u * f + k] * blocks[1][i * f + k] }
        if a.kind.hasMLP {
            var x = (0..<e).map { blocks[2][u * e + $0] } + (0..<e).map { blocks[3][i * e + $0] }
            for l in 0..<a.hiddenCount {
                let din = a.layers[l], dout = a.layers[l + 1]
                var y = [Double](repeating: 0, count: dout)
                for r in 0..<dout {
                    var s = d[layout.biasOffset[l] + r]
                    for c in 0..<din { s += d[layout.weightOffset[l] + r * din + c] * x[c] }
                    y[r] = max(0, s)
                }
                x = y
            }
            for k in 0..<x.count { z += d[layout.outputOffset + f + k] * x[k] }
        }
        return z
    }

    func objective(users: [Int32], items: [Int32], labels: [Float], lambda: Double) -> Double {
        let n = Double(users.count)
        var loss = 0.0
        var norms = 0.0
        let f = a.gmfWidth, e = a.mlpWidth
        for b in users.indices {
            let u = Int(users[b]), i = Int(items[b])
            let z = logit(u, i), y = Double(labels[b])
            loss += max(z, 0) - y * z + log1p(exp(-abs(z)))
            for k in 0..<f { norms += blocks[0][u * f + k] * blocks[0][u * f + k] + blocks[1][i * f + k] * blocks[1][i * f + k] }
            for k in 0..<e { norms += blocks[2][u * e + k] * blocks[2][u * e + k] + blocks[3][i * e + k] * blocks[3][i * e + k] }
        }
        let denseNorm = blocks[4].reduce(0) { $0 + $1 * $1 }
        return loss / n + lambda / 2 * (norms / n + denseNorm)
    }
}

/// A small model with weights large enough that every unit does something (the default 0.01 embedding
/// scale would make all gradients tiny).
private func tinyModel(_ kind: NeuralCF.Kind, layers: [Int] = [6, 5, 4, 3], seed: UInt64 = 7) throws -> NeuralCF {
    var m = try NeuralCF(architecture: .init(kind: kind, factors: 3, layers: layers, userCount: 4, itemCount: 5), seed: seed)
    var rng = SeededGenerator(seed: seed &+ 1)
    func fill(_ v: inout [Float], _ scale: Float) { for p in v.indices { v[p] = scale * (2 * rng.nextFloat() - 1) } }
    fill(&m.gmfUser, 1); fill(&m.gmfItem, 1); fill(&m.mlpUser, 1); fill(&m.mlpItem, 1)
    fill(&m.dense, 0.8)
    return m
}

// Samples with repeated users and items, so row gradients must add up across a batch and its shards.
private let checkUsers: [Int32] = [0, 1, 2, 3, 0, 1, 0]
private let checkItems: [Int32] = [0, 1, 2, 4, 1, 1, 3]
private let checkLabels: [Float] = [1, 0, 1, 0, 0, 1, 1]

@Test(arguments: [
    (NeuralCF.Kind.gmf, [6, 5, 4, 3]), (.mlp, [6, 5, 4, 3]), (.neumf, [6, 5, 4, 3]), (.mlp, [6]), (.neumf, [4, 2]),
])
func gradientsMatchCentralDifferences(kind: NeuralCF.Kind, layers: [Int]) throws {
    let model = try tinyModel(kind, layers: layers)
    let lambda: Float = 0.05
    for shards in [1, 2, 3] {
        let (loss, gradient) = model.lossAndGradient(users: checkUsers, items: checkItems, labels: checkLabels,
                                                     regularization: lambda, shards: shards)
        var ref = ReferenceNCF(model)
        let value = ref.objective(users: checkUsers, items: checkItems, labels: checkLabels, lambda: Double(lambda))
        #expect(abs(loss - value) < 1e-5 * max(1, abs(value)))
        let analytic = [gradient.gmfUser, gradient.gmfItem, gradient.mlpUser, gradient.mlpItem, gradient.dense]
        let names = ["gmf_user", "gmf_item", "mlp_user", "mlp_item", "dense"]
        let h = 1e-6
        var checked = 0
        for t in 0..<5 {
            #expect(analytic[t].count == ref.blocks[t].count)
            for p in ref.blocks[t].indices {
                let saved = ref.blocks[t][p]
                ref.blocks[t][p] = saved + h
                let up = ref.objective(users: checkUsers, items: checkItems, labels: checkLabels, lambda: Double(lambda))
                ref.blocks[t][p] = saved - h
                let down = ref.objective(users: checkUsers, items: checkItems, labels: checkLabels, lambda: Double(lambda))
                ref.blocks[t][p] = saved
                let numeric = (up - down) / (2 * h)
                let got = Double(analytic[t][p])
                #expect(abs(got - numeric) <= 2e-5 + 1e-3 * abs(numeric),
                        "\(kind) \(layers) shards \(shards): \(names[t])[\(p)] analytic \(got) vs numeric \(numeric)")
                checked += 1
            }
        }
        #expect(checked == model.parameterCount)
    }
}

@Test(arguments: [(NeuralCF.Kind.gmf, [6, 5, 4, 3]), (.mlp, [6, 5, 4, 3]), (.neumf, [6, 5, 4, 3]), (.mlp, [6])])
func batchScoringMatchesSamplewiseForwardAndReference(kind: NeuralCF.Kind, layers: [Int]) throws {
    let model = try tinyModel(kind, layers: layers)
    let ref = ReferenceNCF(model)
    var scores = [Float](repeating: 0, count: model.itemCount)
    for u in 0..<model.userCount {
        scores.withUnsafeMutableBufferPointer { model.scores(forUser: u, into: $0) }
        for i in 0..<model.itemCount {
            #expect(abs(Double(scores[i]) - ref.logit(u, i)) < 1e-4)
            #expect(abs(scores[i] - model.score(user: u, item: i)) < 1e-4)
        }
    }
}

// MARK: - Training on a structured problem

/// Two taste groups: users 0..<30 like items 0..<60, users 30..<60 like items 60..<120. Each user has 12
/// training positives in their group, two low ratings (seen, not positive) in the other group, and one
/// held-out ("planted") positive in their group. The catalogue is large enough that a planted item is
/// rarely drawn as a negative, so the model must learn the groups rather than memorise pairs.
private func plantedProblem() -> (train: Interactions, planted: [Int32]) {
    var rng = SeededGenerator(seed: 11)
    var rows: [Int32] = [], cols: [Int32] = [], values: [Float] = []
    var planted: [Int32] = []
    for u in 0..<60 {
        let group = u < 30 ? 0 : 60
        var mine = Array(0..<60).map { Int32(group + $0) }
        for j in stride(from: mine.count - 1, to: 0, by: -1) { mine.swapAt(j, rng.nextInt(below: j + 1)) }
        planted.append(mine[12])
        for item in mine[0..<12] { rows.append(Int32(u)); cols.append(item); values.append(5) }
        let other = u < 30 ? 60 : 0
        for item in [other + u % 60, other + (u + 29) % 60] {
            rows.append(Int32(u)); cols.append(Int32(item)); values.append(1)
        }
    }
    let m = CSRMatrix(rows: 60, columns: 120, rowIndex: rows, columnIndex: cols, values: values,
                      timestamps: [Int64](repeating: 0, count: rows.count))
    let data = Interactions(users: IdMap(ids: (1...60).map { Int32($0) }), items: IdMap(ids: (0..<120).map { Int32(100 + $0) }),
                            byUser: m, threshold: 4)
    return (data, planted)
}

@Test func negativesAreNeverRatedByTheUser() {
    let (train, _) = plantedProblem()
    let sampler = NegativeSampler(training: train)
    for epoch in 1...3 {
        let s = sampler.epochSamples(negatives: 4, seed: 3, epoch: epoch)
        #expect(s.count == train.positiveCount * 5)
        var positives = 0
        for b in 0..<s.count {
            let rated = Set(train.byUser.columns(ofRow: Int(s.users[b])))
            if s.labels[b] == 1 {
                positives += 1
                #expect(rated.contains(s.items[b]))
            } else {
                #expect(!rated.contains(s.items[b]), "user \(s.users[b]) got rated item \(s.items[b]) as a negative")
            }
        }
        #expect(positives == train.positiveCount)
    }
    // Resampled every epoch: different negatives.
    #expect(sampler.epochSamples(negatives: 4, seed: 3, epoch: 1).items != sampler.epochSamples(negatives: 4, seed: 3, epoch: 2).items)
}

private func options(epochs: Int, threads: Int = 1) -> NeuralCF.TrainingOptions {
    var o = NeuralCF.TrainingOptions()
    o.epochs = epochs
    o.batchSize = 64
    o.learningRate = 0.01
    o.seed = 5
    o.threads = threads
    o.patience = 0
    return o
}

@Test func neuMFLearnsThePlantedPositives() throws {
    let (train, planted) = plantedProblem()
    // Two groups need two factors; wider models memorise this small problem instead of generalising.
    let arch = NeuralCF.Architecture(kind: .neumf, factors: 2, layers: [4, 2], userCount: 0, itemCount: 0)
    var o = options(epochs: 20)
    o.learningRate = 0.01
    let (model, report) = try NeuralCF.train(arch, on: train, options: o)
    let losses = report.epochs.map(\.loss)
    #expect(losses.last! < 0.6 * losses.first!)
    // The planted item beats every unseen item of the other group (58 of them: chance is 1/59), for
    // nearly every user.
    var first = 0
    for u in 0..<60 {
        let top = model.recommend(user: u, k: 120, excluding: train.byUser.columns(ofRow: u))
        let group = u < 30 ? 0..<60 : 60..<120
        let rankOfPlanted = top.firstIndex { $0.item == Int(planted[u]) }!
        let firstOther = top.firstIndex { !group.contains($0.item) }!
        if rankOfPlanted < firstOther { first += 1 }
    }
    #expect(first >= 50)
}

@Test func oneSeedOneThreadGivesIdenticalWeightsAndThreadsDoNotMatter() throws {
    let (train, _) = plantedProblem()
    let arch = NeuralCF.Architecture(kind: .neumf, factors: 4, layers: [8, 4], userCount: 0, itemCount: 0)
    let a = try NeuralCF.train(arch, on: train, options: options(epochs: 2)).model
    let b = try NeuralCF.train(arch, on: train, options: options(epochs: 2)).model
    let c = try NeuralCF.train(arch, on: train, options: options(epochs: 2, threads: 2)).model
    for m in [b, c] {
        #expect(m.gmfUser == a.gmfUser && m.gmfItem == a.gmfItem && m.mlpUser == a.mlpUser)
        #expect(m.mlpItem == a.mlpItem && m.dense == a.dense)
    }
    var other = options(epochs: 2)
    other.seed = 6
    #expect(try NeuralCF.train(arch, on: train, options: other).model.dense != a.dense)
}

@Test func progressCountsStepsOverAllEpochs() throws {
    let (train, _) = plantedProblem()
    let arch = NeuralCF.Architecture(kind: .gmf, factors: 4, userCount: 0, itemCount: 0)
    var o = options(epochs: 3)
    o.batchSize = 8
    let lines = Locked<[String]>([])
    // Interval 0: a line for every update, so the updates themselves can be read back.
    let progress = ProgressReporter("training gmf", total: 0, style: .lines, interval: 0, output: { line in lines.withLock { $0.append(line) } })
    let (_, report) = try NeuralCF.train(arch, on: train, options: o, progress: progress)
    // Every epoch draws `negatives` per positive: positives · (1 + negatives) samples, in batches of 8.
    let samples = train.positiveCount * (1 + o.negatives)
    #expect(report.samplesPerEpoch == samples)
    let steps = 3 * ((samples + 7) / 8)
    #expect(progress.total == steps)
    // Updates every 64 steps count on across epochs (no restart at 0 in epoch 2).
    let counts = lines.current.compactMap { $0.split(separator: "(").dropFirst().first?.split(separator: "/").first.flatMap { Int($0) } }
    #expect(!counts.isEmpty && counts == counts.sorted() && counts.last! <= steps && counts.last! > 2 * steps / 3)
    #expect(lines.current.allSatisfy { $0.contains("/\(steps))") })
}

@Test func earlyStoppingKeepsTheBestEpoch() throws {
    let (train, _) = plantedProblem()
    let arch = NeuralCF.Architecture(kind: .gmf, factors: 4, userCount: 0, itemCount: 0)
    var o = options(epochs: 10)
    o.patience = 2
    var seen: [Int: NeuralCF] = [:]
    let scores = [0.1, 0.5, 0.4, 0.3, 0.9]
    let (model, report) = try NeuralCF.train(arch, on: train, options: o) { epoch, model in
        seen[epoch] = model
        return scores[epoch - 1]
    }
    #expect(report.epochs.count == 4 && report.stoppedEarly && report.bestEpoch == 2)
    #expect(report.bestValidation == 0.5)
    #expect(model.dense == seen[2]!.dense && model.gmfItem == seen[2]!.gmfItem)
}

@Test func pretrainedNeuMFBlendsItsParents() throws {
    let gmf = try tinyModel(.gmf, seed: 1), mlp = try tinyModel(.mlp, seed: 2)
    let neumf = try NeuralCF(pretrainedGMF: gmf, mlp: mlp, alpha: 0.5)
    for u in 0..<4 {
        for i in 0..<5 {
            let expected = 0.5 * gmf.score(user: u, item: i) + 0.5 * mlp.score(user: u, item: i)
            #expect(abs(neumf.score(user: u, item: i) - expected) < 1e-5)
        }
    }
}

// MARK: - Files

@Test(arguments: NeuralCF.Kind.allCases)
func saveLoadGivesIdenticalScores(kind: NeuralCF.Kind) throws {
    let model = try tinyModel(kind)
    let users = IdMap(ids: [3, 9, 27, 81]), items = IdMap(ids: [2, 4, 8, 16, 32])
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ncf-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("model.ncf")
    try model.save(to: url, users: users, items: items)
    let (loaded, u, i, meta) = try NeuralCF.load(from: url)
    #expect(u == users && i == items && meta.architecture == model.architecture && meta.model == kind.rawValue)
    var x = [Float](repeating: 0, count: 5), y = x
    for user in 0..<4 {
        x.withUnsafeMutableBufferPointer { model.scores(forUser: user, into: $0) }
        y.withUnsafeMutableBufferPointer { loaded.scores(forUser: user, into: $0) }
        #expect(x == y)
    }
    let reader = try ArtifactReader(url: url, expectedKind: "ncf")
    #expect(try reader.array("user_ids", as: Int32.self) == [3, 9, 27, 81])
    if kind == .gmf {
        // The retrieval view: user_factors · item_factors + bias is the GMF logit.
        let uf = try reader.array("user_factors", as: Float.self), itf = try reader.array("item_factors", as: Float.self)
        let bias = model.dense[model.layout.outputBiasOffset]
        for user in 0..<4 {
            for item in 0..<5 {
                var dot: Float = 0
                for k in 0..<3 { dot += uf[user * 3 + k] * itf[item * 3 + k] }
                #expect(abs(dot + bias - model.score(user: user, item: item)) < 1e-5)
            }
        }
    } else {
        #expect(reader.has("item_factors") == (kind == .neumf))
    }
}

@Test func corruptModelFilesAreRejected() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ncf-bad-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("model.ncf")
    try tinyModel(.neumf).save(to: url, users: IdMap(ids: [1, 2, 3, 4]), items: IdMap(ids: [1, 2, 3, 4, 5]))
    var bytes = try Data(contentsOf: url)
    bytes[bytes.count - 10] ^= 0xFF
    try bytes.write(to: url)
    #expect(throws: (any Error).self) { _ = try NeuralCF.load(from: url) }
    #expect(throws: NeuralCFError.self) {
        _ = try NeuralCF(architecture: .init(kind: .mlp, layers: [7, 3], userCount: 1, itemCount: 1), seed: 1)
    }
}


@Test func scoringAcrossBlocksMatchesPairScores() throws {
    // More items than one scoring block (2048), so the block loop and its tail are exercised.
    let model = try NeuralCF(architecture: .init(kind: .neumf, factors: 3, layers: [4, 3, 2], userCount: 2, itemCount: 4100), seed: 9)
    var scores = [Float](repeating: 0, count: model.itemCount)
    scores.withUnsafeMutableBufferPointer { model.scores(forUser: 1, into: $0) }
    let pairs = model.scores(users: [Int32](repeating: 1, count: model.itemCount), items: (0..<model.itemCount).map { Int32($0) })
    for i in 0..<model.itemCount { #expect(abs(scores[i] - pairs[i]) < 1e-6) }
}

@Test func neuMFRetrievalVectorsAddTheTowersMeanItemEffect() throws {
    // NeuMF: users get [p_u ⊙ w_g, 1], items [q_i, t̄_i] where t̄_i is the mean over the sampled users
    // (here all 4) of the logit less the GMF part less the output bias, recomputed here pair by pair.
    let model = try tinyModel(.neumf)
    let f = 3, width = f + 1
    let v = model.retrievalVectors(sampleUsers: 4)
    #expect(v.width == width && v.users.count == 4 * width && v.items.count == 5 * width)
    let w = Array(model.dense[model.layout.outputOffset..<(model.layout.outputOffset + f)])
    let bias = Double(model.dense[model.layout.outputBiasOffset])
    for i in 0..<5 {
        var effect = 0.0
        for u in 0..<4 {
            var gmf = 0.0
            for k in 0..<f { gmf += Double(model.gmfUser[u * f + k]) * Double(w[k]) * Double(model.gmfItem[i * f + k]) }
            effect += Double(model.score(user: u, item: i)) - gmf - bias
        }
        effect /= 4
        #expect(abs(Double(v.items[i * width + f]) - effect) < 1e-4)
        for k in 0..<f { #expect(v.items[i * width + k] == model.gmfItem[i * f + k]) }
    }
    for u in 0..<4 {
        #expect(v.users[u * width + f] == 1)
        for k in 0..<f { #expect(abs(v.users[u * width + k] - model.gmfUser[u * f + k] * w[k]) < 1e-6) }
    }
    // With every user sampled, the logit less the retrieval inner product averages to the bias for every item.
    for i in 0..<5 {
        var rest = 0.0
        for u in 0..<4 {
            var dot = 0.0
            for k in 0..<width { dot += Double(v.users[u * width + k]) * Double(v.items[i * width + k]) }
            rest += Double(model.score(user: u, item: i)) - dot
        }
        #expect(abs(rest / 4 - bias) < 1e-4)
    }
    // GMF: the plain GMF vectors, whose inner product is the whole logit less the bias.
    let gmf = try tinyModel(.gmf)
    let g = gmf.retrievalVectors()
    #expect(g.width == f && g.items == gmf.gmfItem && g.users == gmf.retrievalUserFactors())
}

@Test func foldInPlacesANewcomerInTheGroupTheyLike() throws {
    let (train, _) = plantedProblem()
    let arch = NeuralCF.Architecture(kind: .neumf, factors: 2, layers: [4, 2], userCount: 0, itemCount: 0)
    let (model, _) = try NeuralCF.train(arch, on: train, options: options(epochs: 20))
    let allItems = (0..<120).map { Int32($0) }
    for (group, other) in [(0..<60, 60..<120), (60..<120, 0..<60)] {
        // Likes 10 movies of one group; the model's weights stay as trained.
        let liked = Array(group).enumerated().filter { $0.offset % 6 == 0 }.map(\.element)
        let folded = try model.foldIn(likedItems: liked)
        #expect(try model.foldIn(likedItems: liked.reversed()) == folded)   // seeded, order-free
        let scores = model.scores(folded: folded, items: allItems)
        // The 50 unliked movies of the liked group come before nearly all of the other group.
        let unliked = group.filter { !liked.contains($0) }
        let ranked = allItems.map(Int.init).filter { !liked.contains($0) }.sorted { scores[$0] > scores[$1] }
        let topHalf = ranked.prefix(unliked.count)
        #expect(topHalf.filter { group.contains($0) }.count >= 45, "\(group): \(topHalf.filter { other.contains($0) }.count) of the other group")
    }
    // A trained user's own rows, scored as a folded user, give the model's scores.
    let f = 2, e = 2
    for u in [0, 37] {
        let own = NeuralCF.FoldedUser(gmf: Array(model.gmfUser[(u * f)..<((u + 1) * f)]), mlp: Array(model.mlpUser[(u * e)..<((u + 1) * e)]))
        #expect(model.scores(folded: own, items: allItems) == model.scores(users: [Int32](repeating: Int32(u), count: 120), items: allItems))
    }
    #expect(throws: NeuralCFError.self) { try model.foldIn(likedItems: []) }
    #expect(throws: NeuralCFError.self) { try model.foldIn(likedItems: [120]) }
}

@Test func foldedQueryMeetsTheRetrievalVectors() throws {
    // GMF: query · q_i is the folded user's logit less the bias; NeuMF: the query ends with the 1 that
    // meets each item's tower effect.
    let gmf = try tinyModel(.gmf)
    let folded = try gmf.foldIn(likedItems: [1, 3])
    let query = gmf.retrievalQuery(folded: folded)
    let v = gmf.retrievalVectors()
    let logits = gmf.scores(folded: folded, items: (0..<5).map { Int32($0) })
    let bias = gmf.dense[gmf.layout.outputBiasOffset]
    for i in 0..<5 {
        var dot: Float = 0
        for k in 0..<v.width { dot += query[k] * v.items[i * v.width + k] }
        #expect(abs(dot + bias - logits[i]) < 1e-5)
    }
    let neumf = try tinyModel(.neumf)
    let q = neumf.retrievalQuery(folded: try neumf.foldIn(likedItems: [0]))
    #expect(q.count == 4 && q[3] == 1)
}
