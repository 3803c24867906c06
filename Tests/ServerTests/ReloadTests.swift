import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Server
import Testing
import Workspace

@Suite struct ReloadTests {
    @Test func reloadIsDisabledWithoutAToken() async throws {
        let f = try await Fixture()
        defer { f.remove() }
        try await f.test { client in
            let response = try await client.execute(uri: "/api/v1/admin/reload", method: .post, headers: [.authorization: "Bearer anything-at-all"])
            #expect(try errorBody(response, status: .forbidden, field: nil) == "reload_disabled")
        }
        #expect(f.loads.value == 0)
    }

    @Test func reloadNeedsTheBearerToken() async throws {
        let f = try await Fixture(options: ServerOptions(adminToken: "s3cret-token", accessLog: false))
        defer { f.remove() }
        try await f.test { client in
            let none = try await client.execute(uri: "/api/v1/admin/reload", method: .post)
            try errorBody(none, status: .unauthorized, field: "Authorization")
            #expect(none.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            for header in ["Bearer s3cret-tokeN", "Bearer s3cret-token2", "Basic s3cret-token", "s3cret-token", "Bearer "] {
                let wrong = try await client.execute(uri: "/api/v1/admin/reload", method: .post, headers: [.authorization: header])
                try errorBody(wrong, status: .unauthorized, field: "Authorization")
            }
            #expect(f.loads.value == 0)
            let ok = try await client.execute(uri: "/api/v1/admin/reload", method: .post, headers: [.authorization: "Bearer s3cret-token"])
            #expect(ok.status == .ok)
            let body = try json(ok)
            #expect((body["snapshot"] as? [String: Any])?["generation"] as? Int == 2)
            #expect((body["previous"] as? [String: Any])?["generation"] as? Int == 1)
            let ready = try json(try await client.execute(uri: "/ready", method: .get))
            #expect((ready["snapshot"] as? [String: Any])?["generation"] as? Int == 2)
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(metrics.contains(#"marquee_reloads_total{result="ok"} 1"#))
            #expect(metrics.contains("marquee_snapshot_generation 2"))
        }
        #expect(f.loads.value == 1)
    }

    /// Requests keep flowing while reloads swap the snapshot: every one answers 200 with the same
    /// recommendations (the models are loaded from the same files), and the generation only grows.
    @Test func reloadUnderConcurrentRequestsLosesNone() async throws {
        let f = try await Fixture(options: ServerOptions(adminToken: "s3cret-token", accessLog: false))
        defer { f.remove() }
        let expected = try f.workspace.recommend(user: 3, k: 4)
        let statuses = try await f.test { client -> [Int] in
            try await withThrowingTaskGroup(of: [Int].self) { group in
                for worker in 0..<8 {
                    group.addTask {
                        var seen: [Int] = []
                        for i in 0..<40 {
                            let uri = (worker + i) % 2 == 0 ? "/api/v1/users/3/recommendations?k=4" : "/api/v1/movies/10/similar?k=3"
                            let response = try await client.execute(uri: uri, method: .get)
                            seen.append(Int(response.status.code))
                            if uri.contains("users") {
                                let got = try JSONDecoder().decode(RecommendationList.self, from: Data(response.body.readableBytesView))
                                #expect(got == expected)
                            }
                        }
                        return seen
                    }
                }
                group.addTask {
                    var codes: [Int] = []
                    for _ in 0..<3 {
                        let r = try await client.execute(uri: "/api/v1/admin/reload", method: .post, headers: [.authorization: "Bearer s3cret-token"])
                        codes.append(r.status == .ok ? 200 : Int(r.status.code))
                    }
                    return codes.map { $0 == 200 ? 200 : -$0 }
                }
                var all: [Int] = []
                for try await part in group { all += part }
                return all
            }
        }
        #expect(statuses.count == 8 * 40 + 3)
        #expect(statuses.allSatisfy { $0 == 200 }, "\(statuses.filter { $0 != 200 })")
        #expect(f.server.store.snapshot?.generation == 4)
        #expect(f.loads.value == 3)
    }

    @Test func aSecondReloadWhileOneRunsIsRefused() async throws {
        let f = try await Fixture(options: ServerOptions(adminToken: "s3cret-token", accessLog: false))
        defer { f.remove() }
        #expect(f.server.store.beginReload())
        try await f.test { client in
            let busy = try await client.execute(uri: "/api/v1/admin/reload", method: .post, headers: [.authorization: "Bearer s3cret-token"])
            #expect(try errorBody(busy, status: .conflict, field: nil) == "reload_in_progress")
        }
        f.server.store.endReload()
    }

    @Test func aFailedReloadKeepsTheOldSnapshot() async throws {
        let f = try await Fixture(options: ServerOptions(adminToken: "s3cret-token", accessLog: false))
        defer { f.remove() }
        try FileManager.default.removeItem(at: f.data.appendingPathComponent("ratings.csv"))
        try await f.test { client in
            let failed = try await client.execute(uri: "/api/v1/admin/reload", method: .post, headers: [.authorization: "Bearer s3cret-token"])
            #expect(try errorBody(failed, status: .internalServerError, field: nil) == "reload_failed")
            let still = try await client.execute(uri: "/api/v1/movies/10", method: .get)
            #expect(still.status == .ok)
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(metrics.contains(#"marquee_reloads_total{result="failed"} 1"#))
        }
        #expect(f.server.store.snapshot?.generation == 1)
    }
}
