import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Server
import Testing
import Workspace

@Suite struct RouteTests {
    @Test func healthAnswersAtOnceAndReadyWaitsForTheSnapshot() async throws {
        let f = try await Fixture(load: false)
        defer { f.remove() }
        try await f.test { client in
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
            #expect(try json(health)["status"] as? String == "ok")
            let ready = try await client.execute(uri: "/ready", method: .get)
            #expect(ready.status == .serviceUnavailable)
            #expect(try json(ready)["status"] as? String == "loading")
            let early = try await client.execute(uri: "/api/v1/movies/10", method: .get)
            try errorBody(early, status: .serviceUnavailable, field: nil)
        }
        f.server.store.install(try f.server.loaderForTests(1))
        try await f.test { client in
            let ready = try await client.execute(uri: "/ready", method: .get)
            #expect(ready.status == .ok)
            let body = try json(ready)
            let snapshot = try #require(body["snapshot"] as? [String: Any])
            #expect(snapshot["generation"] as? Int == 1)
            #expect(snapshot["models"] as? [String] == ["als"])
            #expect(snapshot["dataset"] as? String == "groups")
        }
    }

    @Test func movieSearchRanksExactThenPrefixThenContaining() async throws {
        let f = try await Fixture()
        defer { f.remove() }
        try await f.test { client in
            // "emma" is both films' name (rank 0): by title length then id → 30, 31.
            let emma = try json(try await client.execute(uri: "/api/v1/movies?q=emma", method: .get))
            #expect((emma["items"] as? [[String: Any]])?.map { $0["movie_id"] as? Int } == [30, 31])
            // "comedy 1" is a prefix of all five comedies; equal lengths, so by id; limit cuts.
            let comedies = try json(try await client.execute(uri: "/api/v1/movies?q=comedy%201&limit=3", method: .get))
            let items = try #require(comedies["items"] as? [[String: Any]])
            #expect(items.map { $0["movie_id"] as? Int } == [10, 11, 12])
            #expect(items[0]["title"] as? String == "Comedy 10 (2000)")
            #expect(items[0]["year"] as? Int == 2000)
            #expect(items[0]["genres"] as? [String] == ["Comedy"])
            // Containing: "abrina" is inside both Sabrinas only.
            let inside = try json(try await client.execute(uri: "/api/v1/movies?q=abrina", method: .get))
            #expect((inside["items"] as? [[String: Any]])?.map { $0["movie_id"] as? Int } == [32, 33])
            // A typo falls back to the closest titles by edit distance.
            let typo = try json(try await client.execute(uri: "/api/v1/movies?q=sabrnia&limit=2", method: .get))
            #expect(Set((typo["items"] as? [[String: Any]])?.compactMap { $0["movie_id"] as? Int } ?? []) == [32, 33])

            try errorBody(try await client.execute(uri: "/api/v1/movies", method: .get), status: .badRequest, field: "q")
            try errorBody(try await client.execute(uri: "/api/v1/movies?q=%20%20", method: .get), status: .badRequest, field: "q")
            try errorBody(try await client.execute(uri: "/api/v1/movies?q=a&limit=0", method: .get), status: .badRequest, field: "limit")
            try errorBody(try await client.execute(uri: "/api/v1/movies?q=a&limit=101", method: .get), status: .badRequest, field: "limit")
            try errorBody(try await client.execute(uri: "/api/v1/movies?q=a&limit=ten", method: .get), status: .badRequest, field: "limit")
            let long = String(repeating: "x", count: 201)
            try errorBody(try await client.execute(uri: "/api/v1/movies?q=\(long)", method: .get), status: .badRequest, field: "q")
        }
    }

    @Test func oneMovieWithItsCounts() async throws {
        let f = try await Fixture()
        defer { f.remove() }
        try await f.test { client in
            // Movie 30: user 1 rated 4.0 (a positive), user 2 rated 2.0.
            let emma = try json(try await client.execute(uri: "/api/v1/movies/30", method: .get))
            #expect(emma["movie_id"] as? Int == 30)
            #expect(emma["title"] as? String == "Emma (1996)")
            #expect(emma["ratings"] as? Int == 2)
            #expect(emma["positives"] as? Int == 1)
            #expect(emma["mean_rating"] as? Double == 3.0)
            // Movie 10: users 1–6 minus (user + 10) % 4 == 0 (users 2 and 6), plus users 7–12 at 2.0, plus user 14.
            let ten = try json(try await client.execute(uri: "/api/v1/movies/10", method: .get))
            #expect(ten["ratings"] as? Int == 4 + 6 + 1)
            #expect(ten["positives"] as? Int == 4 + 1)
            // Nobody rated 32.
            let unrated = try json(try await client.execute(uri: "/api/v1/movies/32", method: .get))
            #expect(unrated["ratings"] as? Int == 0)
            #expect(unrated["mean_rating"] is NSNull || unrated["mean_rating"] == nil)

            try errorBody(try await client.execute(uri: "/api/v1/movies/99", method: .get), status: .notFound, field: "id")
            try errorBody(try await client.execute(uri: "/api/v1/movies/abc", method: .get), status: .badRequest, field: "id")
            try errorBody(try await client.execute(uri: "/api/v1/movies/-1", method: .get), status: .badRequest, field: "id")
            try errorBody(try await client.execute(uri: "/api/v1/movies/99999999999", method: .get), status: .badRequest, field: "id")
        }
    }

    @Test func similarMoviesAreTheCosineNeighboursOfTheItemVectors() async throws {
        let f = try await Fixture()
        defer { f.remove() }
        // Brute force over the ALS item factors: cosine to movie 10, best first, 10 itself left out.
        let als = try #require(try f.workspace.model(.als).als)
        let items = f.workspace.interactions.items
        let d = als.factors
        func vector(_ item: Int) -> [Float] { Array(als.itemFactors[(item * d)..<((item + 1) * d)]) }
        func cosine(_ a: [Float], _ b: [Float]) -> Float {
            let dot = zip(a, b).map(*).reduce(0, +)
            let na = a.map { $0 * $0 }.reduce(0, +).squareRoot(), nb = b.map { $0 * $0 }.reduce(0, +).squareRoot()
            return dot / (na * nb)
        }
        let query = vector(items.index(of: 10)!)
        let expected = (0..<items.count).filter { items.externalId(of: $0) != 10 && vector($0).contains { $0 != 0 } }
            .map { (Int(items.externalId(of: $0)), cosine(query, vector($0))) }
            .sorted { $0.1 > $1.1 }.prefix(3)
        try await f.test { client in
            let response = try await client.execute(uri: "/api/v1/movies/10/similar?k=3", method: .get)
            #expect(response.status == .ok)
            let body = try json(response)
            #expect((body["query"] as? [String: Any])?["movie_id"] as? Int == 10)
            #expect(body["model"] as? String == "als")
            #expect(body["metric"] as? String == "cosine")
            let got = try #require(body["items"] as? [[String: Any]])
            #expect(got.map { $0["movie_id"] as? Int } == expected.map(\.0))
            for (item, want) in zip(got, expected) {
                #expect(abs((item["score"] as? Double ?? 0) - Double(want.1)) < 1e-4)
            }

            try errorBody(try await client.execute(uri: "/api/v1/movies/32/similar", method: .get), status: .notFound, field: "id")
            try errorBody(try await client.execute(uri: "/api/v1/movies/99/similar", method: .get), status: .notFound, field: "id")
            try errorBody(try await client.execute(uri: "/api/v1/movies/10/similar?k=0", method: .get), status: .badRequest, field: "k")
            try errorBody(try await client.execute(uri: "/api/v1/movies/10/similar?k=1001", method: .get), status: .badRequest, field: "k")
            try errorBody(try await client.execute(uri: "/api/v1/movies/10/similar?model=svd", method: .get), status: .badRequest, field: "model")
            try errorBody(try await client.execute(uri: "/api/v1/movies/10/similar?model=gmf", method: .get), status: .badRequest, field: "model")
        }
    }

    @Test func recommendationsForAUserMatchTheWorkspace() async throws {
        let f = try await Fixture()
        defer { f.remove() }
        let expected = try f.workspace.recommend(user: 1, k: 5)
        let rated = Set(try f.workspace.history(user: 1, limit: 1000).items.map(\.movieId))
        try await f.test { client in
            let response = try await client.execute(uri: "/api/v1/users/1/recommendations?k=5&model=als&exact=false", method: .get)
            #expect(response.status == .ok)
            let got = try JSONDecoder().decode(RecommendationList.self, from: Data(response.body.readableBytesView))
            #expect(got == expected)
            #expect(got.items.count == 5)
            #expect(got.items.allSatisfy { !rated.contains($0.movieId) })
            #expect(got.items.allSatisfy { ["ann", "rerank", "popularity"].contains($0.source) })
            // ALS explains with the user's own positives.
            let liked = Set(try f.workspace.history(user: 1, limit: 1000).items.filter(\.positive).map(\.movieId))
            #expect(got.items.allSatisfy { Set($0.because).isSubset(of: liked) })

            let exact = try await client.execute(uri: "/api/v1/users/1/recommendations?k=5&exact=true", method: .get)
            #expect(try JSONDecoder().decode(RecommendationList.self, from: Data(exact.body.readableBytesView)) == (try f.workspace.recommend(user: 1, k: 5, exact: true)))

            try errorBody(try await client.execute(uri: "/api/v1/users/999/recommendations", method: .get), status: .notFound, field: "id")
            try errorBody(try await client.execute(uri: "/api/v1/users/x/recommendations", method: .get), status: .badRequest, field: "id")
            try errorBody(try await client.execute(uri: "/api/v1/users/3000000000/recommendations", method: .get), status: .badRequest, field: "id")
            try errorBody(try await client.execute(uri: "/api/v1/users/1/recommendations?exact=maybe", method: .get), status: .badRequest, field: "exact")
            try errorBody(try await client.execute(uri: "/api/v1/users/1/recommendations?k=-3", method: .get), status: .badRequest, field: "k")
            try errorBody(try await client.execute(uri: "/api/v1/users/1/recommendations?model=neumf", method: .get), status: .badRequest, field: "model")
        }
    }

    @Test func historyIsLatestFirst() async throws {
        let f = try await Fixture()
        defer { f.remove() }
        try await f.test { client in
            // User 14 rated only movie 10 (5.0 at 1001).
            let one = try json(try await client.execute(uri: "/api/v1/users/14/history", method: .get))
            #expect(one["ratings"] as? Int == 1)
            #expect(one["positives"] as? Int == 1)
            let items = try #require(one["items"] as? [[String: Any]])
            #expect(items.count == 1)
            #expect(items[0]["movie_id"] as? Int == 10)
            #expect(items[0]["rating"] as? Double == 5)
            #expect(items[0]["positive"] as? Bool == true)
            #expect(items[0]["timestamp"] as? Int == 1001)
            // User 1: movies 10–14 except 11 ((1 + 11) % 4 == 0) at 1000 + movie + 1, movie 20 at 999, movie 30 at 1002.
            let first = try json(try await client.execute(uri: "/api/v1/users/1/history?limit=3", method: .get))
            #expect(first["ratings"] as? Int == 6)
            #expect((first["items"] as? [[String: Any]])?.map { $0["movie_id"] as? Int } == [14, 13, 12])

            try errorBody(try await client.execute(uri: "/api/v1/users/99/history", method: .get), status: .notFound, field: "id")
            try errorBody(try await client.execute(uri: "/api/v1/users/1/history?limit=0", method: .get), status: .badRequest, field: "limit")
        }
    }

    @Test func aNewcomerIsFoldedIn() async throws {
        let f = try await Fixture(options: ServerOptions(maxBodyBytes: 200, accessLog: false))
        defer { f.remove() }
        let expected = try f.workspace.recommend(likes: [.id(10), .id(11)], k: 3)
        try await f.test { client in
            let response = try await client.execute(uri: "/api/v1/recommendations", method: .post, headers: [.contentType: "application/json"],
                                                    body: body(#"{"likes":[10,11],"k":3,"model":"als"}"#))
            #expect(response.status == .ok)
            let got = try JSONDecoder().decode(RecommendationList.self, from: Data(response.body.readableBytesView))
            #expect(got == expected)
            #expect(got.likes == [10, 11])
            #expect(got.items.allSatisfy { ![10, 11].contains($0.movieId) })
            // Someone who likes two comedies gets mostly the other comedies (the tiny 4-factor ALS of the
            // fixture ranks one rarely rated movie among them; `got == expected` above ties the route to the library).
            #expect(Set(got.items.map(\.movieId)).intersection([12, 13, 14]).count >= 2)
            #expect(got.items.allSatisfy { Set($0.because).isSubset(of: [10, 11]) && !$0.because.isEmpty })
            // seen: never recommended.
            let seen = try await client.execute(uri: "/api/v1/recommendations", method: .post, body: body(#"{"likes":[10,11],"seen":[12],"k":3}"#))
            #expect(try JSONDecoder().decode(RecommendationList.self, from: Data(seen.body.readableBytesView)).items.allSatisfy { $0.movieId != 12 })

            func post(_ text: String) async throws -> TestResponse {
                try await client.execute(uri: "/api/v1/recommendations", method: .post, body: body(text))
            }
            try errorBody(try await post("{"), status: .badRequest, field: "body")
            try errorBody(try await post("[1,2]"), status: .badRequest, field: "body")
            try errorBody(try await post("{}"), status: .badRequest, field: "likes")
            try errorBody(try await post(#"{"likes":[]}"#), status: .badRequest, field: "likes")
            try errorBody(try await post(#"{"likes":["Heat"]}"#), status: .badRequest, field: "likes")
            try errorBody(try await post(#"{"likes":[10.5]}"#), status: .badRequest, field: "likes")
            try errorBody(try await post(#"{"likes":10}"#), status: .badRequest, field: "likes")
            try errorBody(try await post(#"{"likes":[99]}"#), status: .notFound, field: "likes")
            try errorBody(try await post(#"{"likes":[32]}"#), status: .badRequest, field: "likes")
            try errorBody(try await post(#"{"likes":[10],"k":0}"#), status: .badRequest, field: "k")
            try errorBody(try await post(#"{"likes":[10],"k":"3"}"#), status: .badRequest, field: "k")
            try errorBody(try await post(#"{"likes":[10],"model":"mlp"}"#), status: .badRequest, field: "model")
            try errorBody(try await post(#"{"likes":[10],"model":7}"#), status: .badRequest, field: "model")
            try errorBody(try await post(#"{"likes":[10],"exact":"yes"}"#), status: .badRequest, field: "exact")
            try errorBody(try await post(#"{"likes":[10],"seen":[99]}"#), status: .notFound, field: "likes")
            try errorBody(try await post(#"{"likes":[10],"colour":"red"}"#), status: .badRequest, field: "colour")
            let big = "{\"likes\":[" + Array(repeating: "10", count: 100).joined(separator: ",") + "]}"
            try errorBody(try await post(big), status: .contentTooLarge, field: "body")
        }
    }

    @Test func wrongMethodsGet405AndUnknownPaths404() async throws {
        let f = try await Fixture()
        defer { f.remove() }
        try await f.test { client in
            let delete = try await client.execute(uri: "/api/v1/movies/10", method: .delete)
            try errorBody(delete, status: .methodNotAllowed, field: nil)
            #expect(delete.headers[.allow] == "GET")
            let get = try await client.execute(uri: "/api/v1/recommendations", method: .get)
            try errorBody(get, status: .methodNotAllowed, field: nil)
            #expect(get.headers[.allow] == "POST")
            try errorBody(try await client.execute(uri: "/health", method: .put), status: .methodNotAllowed, field: nil)
            try errorBody(try await client.execute(uri: "/api/v2/movies", method: .get), status: .notFound, field: nil)
            try errorBody(try await client.execute(uri: "/api/v1/movies/10/other", method: .get), status: .notFound, field: nil)
        }
    }

    @Test func modelsListWhatIsServedAndTheLatestEvaluation() async throws {
        let f = try await Fixture(models: [.als, .gmf])
        defer { f.remove() }
        try await f.test { client in
            let body = try json(try await client.execute(uri: "/api/v1/models", method: .get))
            let models = try #require(body["models"] as? [[String: Any]])
            #expect(models.map { $0["name"] as? String } == ["als", "gmf"])
            #expect((models[0]["settings"] as? [String: String])?["factors"] == "4")
            #expect((models[0]["indexes"] as? [[String: Any]])?.map { $0["metric"] as? String } == ["ip", "cosine"])
            #expect((models[0]["indexes"] as? [[String: Any]])?.first?["vectors"] as? Int == f.workspace.interactions.itemCount)
            #expect(body["evaluation"] is NSNull)
            let dataset = try #require(body["dataset"] as? [String: Any])
            #expect(dataset["users"] as? Int == 14)
            #expect(dataset["movies"] as? Int == 14)
            // A served second model answers by name.
            let gmf = try await client.execute(uri: "/api/v1/users/1/recommendations?model=gmf&k=2", method: .get)
            #expect(gmf.status == .ok)
            #expect(try json(gmf)["model"] as? String == "gmf")
        }
        try f.workspace.store.saveReport(Data(#"{"models":[{"model":"als","ndcg":0.5}],"k":10}"#.utf8), as: .evaluation)
        try await f.test { client in
            let body = try json(try await client.execute(uri: "/api/v1/models", method: .get))
            let evaluation = try #require(body["evaluation"] as? [String: Any])
            #expect(evaluation["k"] as? Int == 10)
            #expect((evaluation["models"] as? [[String: Any]])?.first?["ndcg"] as? Double == 0.5)
        }
    }

    @Test func theLatestSimulationAndItsChartsWhenSaved() async throws {
        let f = try await Fixture()
        defer { f.remove() }
        try await f.test { client in
            let none = try await client.execute(uri: "/api/v1/simulations/latest", method: .get)
            #expect(try errorBody(none, status: .notFound, field: nil) == "no_simulation")
            try errorBody(try await client.execute(uri: "/api/v1/simulations/latest/charts/regret.svg", method: .get), status: .notFound, field: "name")
        }
        let store = f.workspace.store
        try store.saveReport(Data(#"{"policies":["als","popularity"],"steps":100}"#.utf8), as: .simulation)
        let folder = store.reportFolder("simulation")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"></svg>"
        try svg.write(to: folder.appendingPathComponent("regret.svg"), atomically: true, encoding: .utf8)
        try "x".write(to: folder.appendingPathComponent("series.csv"), atomically: true, encoding: .utf8)
        try await f.test { client in
            let body = try json(try await client.execute(uri: "/api/v1/simulations/latest", method: .get))
            #expect((body["simulation"] as? [String: Any])?["steps"] as? Int == 100)
            #expect(body["charts"] as? [String] == ["/api/v1/simulations/latest/charts/regret.svg"])
            let chart = try await client.execute(uri: "/api/v1/simulations/latest/charts/regret.svg", method: .get)
            #expect(chart.status == .ok)
            #expect(chart.headers[.contentType] == "image/svg+xml")
            #expect(String(buffer: chart.body) == svg)
            try errorBody(try await client.execute(uri: "/api/v1/simulations/latest/charts/series.csv", method: .get), status: .badRequest, field: "name")
            try errorBody(try await client.execute(uri: "/api/v1/simulations/latest/charts/..svg", method: .get), status: .badRequest, field: "name")
            try errorBody(try await client.execute(uri: "/api/v1/simulations/latest/charts/%2E%2E%2Fx.svg", method: .get), status: .badRequest, field: "name")
        }
    }

    @Test func theLatestReportFilesWhenSaved() async throws {
        let f = try await Fixture()
        defer { f.remove() }
        try await f.test { client in
            try errorBody(try await client.execute(uri: "/api/v1/reports/latest/index.html", method: .get), status: .notFound, field: "name")
        }
        let folder = f.workspace.store.reportFolder("report")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "<html>report</html>".write(to: folder.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
        try await f.test { client in
            let page = try await client.execute(uri: "/api/v1/reports/latest/index.html", method: .get)
            #expect(page.status == .ok)
            #expect(String(buffer: page.body) == "<html>report</html>")
            try errorBody(try await client.execute(uri: "/api/v1/reports/latest/index.exe", method: .get), status: .badRequest, field: "name")
        }
    }

    @Test func metricsCountRequestsPerRouteAndTellTheSnapshotAge() async throws {
        let f = try await Fixture()
        defer { f.remove() }
        try await f.test { client in
            for _ in 0..<3 { _ = try await client.execute(uri: "/api/v1/movies/10", method: .get) }
            _ = try await client.execute(uri: "/api/v1/movies/99", method: .get)
            _ = try await client.execute(uri: "/nowhere", method: .get)
            let text = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(text.contains(#"marquee_http_requests_total{route="/api/v1/movies/{id}",method="GET",status="200"} 3"#), "\(text)")
            #expect(text.contains(#"marquee_http_requests_total{route="/api/v1/movies/{id}",method="GET",status="404"} 1"#))
            #expect(text.contains(#"marquee_http_requests_total{route="unmatched",method="GET",status="404"} 1"#))
            #expect(text.contains(#"marquee_http_request_duration_seconds_count{route="/api/v1/movies/{id}",method="GET"} 4"#))
            #expect(text.contains("marquee_snapshot_age_seconds"))
            #expect(text.contains("# TYPE marquee_http_request_duration_seconds histogram"))
        }
    }

    @Test func thePageAndTheDocumentAreServed() async throws {
        let f = try await Fixture()
        defer { f.remove() }
        try await f.test { client in
            let page = try await client.execute(uri: "/", method: .get)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(String(buffer: page.body).contains("<title>Marquee</title>"))
            let document = try json(try await client.execute(uri: "/openapi.json", method: .get))
            #expect(document["openapi"] as? String == "3.1.0")
        }
    }
}

extension MarqueeServer {
    /// The fixture's loader, for tests that install a snapshot by hand.
    func loaderForTests(_ generation: Int) throws -> ServingSnapshot { try loader(generation) }
}
