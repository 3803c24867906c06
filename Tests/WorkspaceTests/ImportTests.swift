import Foundation
import Testing
@testable import Workspace

/// Runs python3 with numpy to write the factor files, as a user of implicit or Spark would.
private func writeWithNumpy(_ script: String, in folder: URL) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import numpy as np, os\nos.chdir(\(String(reflecting: folder.path)))\n" + script]
    let errors = Pipe()
    process.standardError = errors
    try process.run()
    process.waitUntilExit()
    let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(process.terminationStatus == 0, "python3 with numpy failed (Tools/test installs numpy): \(message)")
}

@Test func factorsWrittenByNumpyBecomeAnALSModelThatRecommends() throws {
    let root = try temporaryFolder("marquee-import")
    defer { try? FileManager.default.removeItem(at: root) }
    let workspace = try openTwoGroups(root)
    // Two factors: users 1–6 and movies 10–14 on the first axis, users 7–12 and movies 20–24 on the
    // second; rows in a shuffled order, float64 users and int32 ids on one side, an id the dataset lacks.
    try writeWithNumpy("""
    users = [u for u in range(12, 0, -1)] + [999]
    U = np.array([[1.0, 0.0] if u <= 6 else [0.0, 1.0] for u in users], dtype=np.float64)
    items = [24, 23, 22, 21, 20, 14, 13, 12, 11, 10]
    I = np.array([[0.0, 1.0 + i / 100] if m >= 20 else [1.0 + i / 100, 0.0] for i, m in enumerate(items)], dtype=np.float32)
    np.save("U.npy", U); np.save("I.npy", I)
    np.save("uid.npy", np.array(users, dtype=np.int64)); np.save("iid.npy", np.array(items, dtype=np.int32))
    """, in: root)
    let files = FactorFiles(userFactors: root.appendingPathComponent("U.npy"), itemFactors: root.appendingPathComponent("I.npy"),
                            userIds: root.appendingPathComponent("uid.npy"), itemIds: root.appendingPathComponent("iid.npy"))
    let (model, report) = try workspace.importALS(files)
    #expect(report.factors == 2 && report.usersMatched == 12 && report.usersDropped == 1 && report.itemsMatched == 10)
    #expect(report.usersMissing == 2 && report.itemsMissing == workspace.interactions.itemCount - 10)
    #expect(model.provenance?.note?.contains("imported from U.npy, I.npy, uid.npy, iid.npy") == true)
    let als = try #require(model.als)
    let user8 = try workspace.user(id: 8), movie21 = try #require(workspace.interactions.items.index(of: 21))
    #expect(Array(als.userVector(user8)) == [0, 1])
    #expect(Array(als.itemVector(movie21)) == [0, Float(1.03)])

    // The store serves the imported model: recommend, fold-in and similar.
    let reopened = try openTwoGroups(root)
    let forUser2 = try reopened.recommend(user: 2, k: 2, exact: true)
    #expect(forUser2.items.allSatisfy { (10...14).contains($0.movieId) }, "\(forUser2.items.map(\.movieId))")
    let newcomer = try reopened.recommend(likes: [.id(21), .id(22)], k: 2, exact: true)
    #expect(newcomer.items.allSatisfy { (20...24).contains($0.movieId) }, "\(newcomer.items.map(\.movieId))")
    #expect(try reopened.similar(movie: .id(10), k: 2).items.allSatisfy { (11...14).contains($0.movieId) })
}

@Test func importRefusesFilesThatDoNotFit() throws {
    let root = try temporaryFolder("marquee-import")
    defer { try? FileManager.default.removeItem(at: root) }
    let workspace = try openTwoGroups(root)
    try writeWithNumpy("""
    np.save("U.npy", np.zeros((3, 2), dtype=np.float32)); np.save("I3.npy", np.zeros((2, 3), dtype=np.float32))
    np.save("I.npy", np.zeros((2, 2), dtype=np.float32)); np.save("Inan.npy", np.array([[1, np.nan], [0, 1]], dtype=np.float32))
    np.save("uid.npy", np.array([1, 2, 3])); np.save("iid.npy", np.array([10, 11])); np.save("iiddup.npy", np.array([10, 10]))
    np.save("iidother.npy", np.array([500, 501]))
    """, in: root)
    func attempt(_ items: String, _ itemIds: String) -> String {
        let files = FactorFiles(userFactors: root.appendingPathComponent("U.npy"), itemFactors: root.appendingPathComponent(items),
                                userIds: root.appendingPathComponent("uid.npy"), itemIds: root.appendingPathComponent(itemIds))
        do { _ = try workspace.importALS(files, to: root.appendingPathComponent("out.model")); return "imported" } catch { return "\(error)" }
    }
    #expect(attempt("I3.npy", "iid.npy").contains("has 2 factors per row"))
    #expect(attempt("Inan.npy", "iid.npy").contains("not finite"))
    #expect(attempt("I.npy", "iiddup.npy").contains("id 10 appears twice"))
    #expect(attempt("I.npy", "iidother.npy").contains("none of the 2 movie ids"))
    #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("out.model").path))
    #expect(attempt("I.npy", "iid.npy") == "imported")
}
