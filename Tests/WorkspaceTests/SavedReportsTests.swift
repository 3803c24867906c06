import Foundation
import Testing
@testable import Workspace

@Suite struct SavedReportsTests {
    @Test func evaluateLeavesItsReportForLaterReaders() throws {
        let root = try temporaryFolder("saved-reports")
        defer { try? FileManager.default.removeItem(at: root) }
        let workspace = try openTwoGroups(root)
        #expect(workspace.store.latestReport(.evaluation) == nil)
        var settings = workspace.config.evaluation
        settings.models = [.popularity]
        settings.k = 3
        let report = try workspace.evaluate(EvaluationRequest(settings: settings))
        let saved = try #require(workspace.store.latestReport(.evaluation))
        let object = try #require(try JSONSerialization.jsonObject(with: saved) as? [String: Any])
        #expect((object["k"] as? Int) == 3)
        let models = try #require(object["models"] as? [String: Any])
        #expect(models.keys.sorted() == ["popularity"])
        // The saved file is the report the caller got, byte for byte as --json prints it.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(try encoder.encode(report) == saved)
        #expect(workspace.store.reportURL(.evaluation).path.hasSuffix("/groups/reports/evaluation.json"))
        // Nothing but the report is left in the folder (no temporary file).
        let names = try FileManager.default.contentsOfDirectory(atPath: workspace.store.reportsDirectory.path)
        #expect(names == ["evaluation.json"])
    }
}
