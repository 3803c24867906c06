import Foundation
import Models
import Support
import Testing
import VectorSearch
@testable import Workspace

@Test func modelsAreTrainedOnceWithProvenanceThenLoaded() throws {
    let root = try temporaryFolder("marquee-store")
    defer { try? FileManager.default.removeItem(at: root) }
    let log = LogRecorder()
    let first = try openTwoGroups(root, log: log)
    let model = try first.model(.als)
    #expect(log.lines.contains { $0.contains("training one") })
    let stamp = try #require(model.provenance?.dataset)
    #expect(stamp.fingerprint == hexChecksum(first.interactions.fingerprint) && stamp.threshold == 4 && stamp.name == "groups")
    #expect(model.provenance?.marqueeVersion == MarqueeVersion.current && model.provenance?.settings["factors"] == "4")

    log.clear()
    let second = try openTwoGroups(root, log: log)
    let again = try second.model(.als)
    #expect(!log.lines.contains { $0.contains("train") }, "\(log.lines)")
    #expect(again.fileChecksum == model.fileChecksum)
}

@Test func aReplacedModelGetsANewIndexWhateverItsModificationTime() throws {
    let root = try temporaryFolder("marquee-store")
    defer { try? FileManager.default.removeItem(at: root) }
    let log = LogRecorder()
    let workspace = try openTwoGroups(root, log: log)
    let index = try workspace.index(.als, metric: .innerProduct)
    let model = try workspace.model(.als)
    #expect(index.provenance?.source?.checksum == hexChecksum(model.fileChecksum!))

    // Another ALS model of the same data (another seed) replaces the file, dated a day before the index.
    var config = smallConfig()
    config.als.seed = 99
    var other = try ModelKind.als.train(TrainingRequest(data: workspace.interactions, config: config)).model
    other.provenance = Provenance(dataset: workspace.datasetStamp)
    let modelURL = workspace.store.modelURL(.als), indexURL = workspace.store.indexURL(.als, metric: .innerProduct)
    try other.save(to: modelURL)
    let indexDate = try #require(FileManager.default.attributesOfItem(atPath: indexURL.path)[.modificationDate] as? Date)
    try FileManager.default.setAttributes([.modificationDate: indexDate.addingTimeInterval(-86_400)], ofItemAtPath: modelURL.path)

    log.clear()
    let reopened = try openTwoGroups(root, log: log)
    let rebuilt = try reopened.index(.als, metric: .innerProduct)
    #expect(log.lines.contains { $0.contains("built from another als model") && $0.contains("rebuilding") }, "\(log.lines)")
    #expect(rebuilt.provenance?.source?.checksum == hexChecksum(other.fileChecksum!))
    #expect(!log.lines.contains { $0.contains("training") })

    log.clear()
    _ = try openTwoGroups(root, log: log).index(.als, metric: .innerProduct)
    #expect(log.lines.isEmpty, "a current index is loaded silently: \(log.lines)")
}

@Test func aModelOfOtherDataIsRetrained() throws {
    let root = try temporaryFolder("marquee-store")
    defer { try? FileManager.default.removeItem(at: root) }
    let log = LogRecorder()
    _ = try openTwoGroups(root, log: log).model(.als)
    var config = smallConfig()
    config.data.threshold = 5       // other positives: another fingerprint, the same ids
    log.clear()
    let stricter = try openTwoGroups(root, config: config, log: log)
    _ = try stricter.model(.als)
    #expect(log.lines.contains { $0.contains("trained on other data") }, "\(log.lines)")
}

@Test func modelKindsNameTheirCapabilitiesOnce() throws {
    #expect(ModelKind.allCases.map(\.rawValue) == ["popularity", "als", "gmf", "mlp", "neumf"])
    #expect(ModelKind.withVectors == [.als, .gmf, .neumf])
    #expect(ModelKind.allCases.filter(\.capabilities.foldsIn) == [.als, .gmf, .neumf])
    #expect(ModelKind.allCases.filter { $0.capabilities.defaultReranker == .neumf } == [.neumf])
    #expect(try ModelKind.named("NeuMF") == .neumf)
    #expect(throws: WorkspaceError.unknownModel("svd", known: ["popularity", "als", "gmf", "mlp", "neumf"])) { try ModelKind.named("svd") }
}

@Test func theReRankerOfDotIsTheModelsOwnAndAWrongOneIsRefused() throws {
    let root = try temporaryFolder("marquee-store")
    defer { try? FileManager.default.removeItem(at: root) }
    let workspace = try openTwoGroups(root)
    #expect(try workspace.retrievalOptions(for: .neumf).scorer == .neumf)
    #expect(try workspace.retrievalOptions(for: .als).scorer == .dot)
    var config = smallConfig()
    config.retrieval.scorer = .neumf
    let neumfEverywhere = try openTwoGroups(root, config: config)
    #expect(throws: WorkspaceError.self) { try neumfEverywhere.retrievalOptions(for: .als) }
    #expect(throws: WorkspaceError.self) { try workspace.pipeline(.popularity) }
    #expect(throws: WorkspaceError.self) { try workspace.recommend(likes: [.id(10)], k: 3, model: .mlp) }
}

@Test func nothingToTrainOnIsRefusedByName() throws {
    let root = try temporaryFolder("marquee-store")
    defer { try? FileManager.default.removeItem(at: root) }
    let data = root.appendingPathComponent("flat")
    try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
    try "userId,movieId,rating,timestamp\n1,1,2.0,1\n2,1,3.0,2\n".write(to: data.appendingPathComponent("ratings.csv"), atomically: false, encoding: .utf8)
    try "movieId,title,genres\n1,One (2000),Drama\n".write(to: data.appendingPathComponent("movies.csv"), atomically: false, encoding: .utf8)
    let log = LogRecorder()
    let workspace = try Workspace.open(data: data, config: smallConfig(), modelsDirectory: root, logger: log.logger)
    #expect(log.lines.contains { $0.contains("no rating reaches the positive threshold") })
    #expect(throws: WorkspaceError.nothingToTrainOn(model: "als", threshold: 4)) { try workspace.model(.als) }
}

@Test func evaluationRunsInProcessWithTheReportOfTheCLI() throws {
    let root = try temporaryFolder("marquee-store")
    defer { try? FileManager.default.removeItem(at: root) }
    let workspace = try openTwoGroups(root)
    var settings = MarqueeConfig.EvaluationSection()
    settings.split = .leaveLast
    settings.k = 3
    let report = try workspace.evaluate(EvaluationRequest(settings: settings, models: [.popularity, .als],
                                                          retrieval: .init(hnsw: true, efValues: [10, 50])))
    #expect(report.order == ["popularity", "als"] && report.split == "leave-last" && report.k == 3)
    guard case let .full(popularity, _, _)? = report.models["popularity"] else { Issue.record("no popularity result"); return }
    #expect(popularity.usersEvaluated == 12)   // users 1–12; 13 has no positive, 14 a single one (kept in train)
    #expect(report.retrieval?.count == 2 && report.retrieval?.allSatisfy { $0.model == "als" } == true)
    #expect(report.table.contains("NDCG@3") && report.text.contains("retrieval (two-stage pipeline"))
    let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any]
    #expect(Set((json?["models"] as? [String: Any])?.keys ?? [:].keys) == ["popularity", "als"])
}
