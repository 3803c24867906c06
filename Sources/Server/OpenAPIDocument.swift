import Foundation
import Support
import Workspace

/// `GET /openapi.json`: the OpenAPI 3.1 description of every route (`RouteSpec.all`), its parameters,
/// its responses and its errors. Built once from Swift values, so a route without a description fails
/// the tests (`OpenAPITests`).
enum OpenAPIDocument {
    static let bytes: [UInt8] = {
        let data = try! JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        return Array(data)
    }()

    typealias Object = [String: Any]

    static var document: Object {
        var paths: Object = [:]
        for route in RouteSpec.all {
            var item = paths[route.path] as? Object ?? [:]
            item[route.method.rawValue.lowercased()] = operation(route)
            paths[route.path] = item
        }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "Marquee",
                "version": MarqueeVersion.current,
                "description": "Movie recommendations over a MovieLens dataset: title search, movies, similar movies, recommendations for users of the dataset and for newcomers, models and saved reports. Ids are the dataset's own movie and user ids. Every error is {\"error\":{\"code\",\"message\",\"field\"}}.",
            ] as Object,
            "paths": paths,
            "components": ["schemas": schemas, "responses": errorResponses, "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]]] as Object,
        ]
    }

    // MARK: Operations

    static func operation(_ route: RouteSpec) -> Object {
        let id: Object = ["in": "path", "name": "id", "required": true, "schema": ["type": "integer", "minimum": 0, "maximum": Int(Int32.max)] as Object]
        func query(_ name: String, _ schema: Object, _ text: String, required: Bool = false) -> Object {
            ["in": "query", "name": name, "required": required, "schema": schema, "description": text]
        }
        let k = query("k", ["type": "integer", "minimum": 1, "maximum": 1000, "default": 10], "How many movies.")
        let model = query("model", ["type": "string", "enum": ModelKind.withVectors.map(\.rawValue)],
                          "The model (one of server.models; default: the first). A model not served here is a 400.")
        func ok(_ schema: String, _ text: String) -> Object { ["200": ["description": text, "content": ["application/json": ["schema": ref(schema)]]]] }
        func errors(_ codes: [String]) -> Object {
            var out: Object = [:]
            for code in codes { out[code] = ["$ref": "#/components/responses/E\(code)"] }
            return out
        }
        var op: Object
        switch (route.method, route.path) {
        case (.get, "/"):
            op = ["summary": "The web page: search, similar movies, recommendations, evaluation and simulation.",
                  "responses": ["200": ["description": "The page.", "content": ["text/html": ["schema": ["type": "string"]]]]]]
        case (.get, "/health"):
            op = ["summary": "Liveness: answers at once, even while the first snapshot loads.", "responses": ok("Status", "Alive.")]
        case (.get, "/ready"):
            op = ["summary": "Readiness: 200 once the snapshot is loaded, 503 before.",
                  "responses": ok("Status", "Ready; the snapshot in use.").merging([
                      "503": ["description": "The first snapshot is still loading.", "content": ["application/json": ["schema": ref("Status")]]],
                  ]) { a, _ in a }]
        case (.get, "/metrics"):
            op = ["summary": "Prometheus text: requests and latency histograms per route, snapshot age and generation, reloads.",
                  "responses": ["200": ["description": "Prometheus exposition format 0.0.4.", "content": ["text/plain": ["schema": ["type": "string"]]]]]]
        case (.get, "/openapi.json"):
            op = ["summary": "This document.", "responses": ["200": ["description": "OpenAPI 3.1.", "content": ["application/json": ["schema": ["type": "object"]]]]]]
        case (.get, "/api/v1/movies"):
            op = ["summary": "Title search: exact titles, then prefixes, then titles containing the text, then close matches.",
                  "parameters": [query("q", ["type": "string", "minLength": 1, "maxLength": 200, "pattern": "\\S"], "The title text (case and accents ignored).", required: true),
                                 query("limit", ["type": "integer", "minimum": 1, "maximum": 100, "default": 10], "How many movies at most.")],
                  "responses": ok("MovieSearch", "Best first.").merging(errors(["400", "503"])) { a, _ in a }]
        case (.get, "/api/v1/movies/{id}"):
            op = ["summary": "One movie, with its rating counts and popularity (positives).", "parameters": [id],
                  "responses": ok("Movie", "The movie.").merging(errors(["400", "404", "503"])) { a, _ in a }]
        case (.get, "/api/v1/movies/{id}/similar"):
            op = ["summary": "Nearest neighbours of the movie's item vector by cosine, through the HNSW index.", "parameters": [id, k, model],
                  "responses": ok("SimilarList", "Nearest first.").merging(errors(["400", "404", "503"])) { a, _ in a }]
        case (.get, "/api/v1/users/{id}/history"):
            op = ["summary": "What the user rated, latest first.",
                  "parameters": [id, query("limit", ["type": "integer", "minimum": 1, "maximum": Workspace.limitRange.upperBound, "default": 20], "How many ratings at most.")],
                  "responses": ok("UserHistory", "Latest first.").merging(errors(["400", "404", "503"])) { a, _ in a }]
        case (.get, "/api/v1/users/{id}/recommendations"):
            op = ["summary": "Recommendations for a user of the dataset: HNSW candidates → re-rank → popularity fill; never a movie the user rated.",
                  "parameters": [id, k, model, query("exact", ["type": "boolean", "default": false], "Exact candidates (a scan of every movie) instead of the HNSW index.")],
                  "responses": ok("RecommendationList", "Best first, each with its source and the liked movies behind it.").merging(errors(["400", "404", "503"])) { a, _ in a }]
        case (.post, "/api/v1/recommendations"):
            op = ["summary": "Recommendations for someone new, folded into the model from the movies they like (no retraining).",
                  "requestBody": ["required": true, "content": ["application/json": ["schema": ref("NewcomerRequest")]]],
                  "responses": ok("RecommendationList", "Best first; neither the liked nor the seen movies.").merging(errors(["400", "404", "413", "503"])) { a, _ in a }]
        case (.get, "/api/v1/models"):
            op = ["summary": "The dataset, the snapshot, the models served (settings, provenance, indexes) and the latest saved evaluation.",
                  "responses": ok("Models", "What is served.").merging(errors(["503"])) { a, _ in a }]
        case (.get, "/api/v1/simulations/latest"):
            op = ["summary": "The latest saved simulation (marquee simulate) and the URLs of its charts.",
                  "responses": ok("Simulation", "The saved report as written.").merging(errors(["404", "503"])) { a, _ in a }]
        case (.get, "/api/v1/simulations/latest/charts/{name}"):
            op = ["summary": "One SVG chart of the latest simulation.",
                  "parameters": [["in": "path", "name": "name", "required": true, "schema": ["type": "string", "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]*\\.svg$"]] as Object],
                  "responses": (["200": ["description": "The chart.", "content": ["image/svg+xml": ["schema": ["type": "string"]]]]] as Object).merging(errors(["400", "404", "503"])) { a, _ in a }]
        case (.get, "/api/v1/reports/latest/{name}"):
            op = ["summary": "A file of the latest marquee report (index.html, report.json, figures).",
                  "parameters": [["in": "path", "name": "name", "required": true, "schema": ["type": "string", "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]*\\.(html|svg|json|css|csv)$"]] as Object],
                  "responses": (["200": ["description": "The file.", "content": ["text/html": ["schema": ["type": "string"]], "image/svg+xml": ["schema": ["type": "string"]], "application/json": ["schema": ["type": "object"]]]]] as Object)
                      .merging(errors(["400", "404", "503"])) { a, _ in a }]
        case (.post, "/api/v1/admin/reload"):
            op = ["summary": "Loads a new snapshot (retrained models, rebuilt indexes) and swaps it in while requests keep flowing.",
                  "security": [["bearer": []]],
                  "responses": ok("Reload", "The new snapshot and the one it replaced.").merging(errors(["401", "403", "409", "500"])) { a, _ in a }]
        default:
            preconditionFailure("no OpenAPI description for \(route.method) \(route.path)")
        }
        op["operationId"] = operationId(route)
        return op
    }

    static func operationId(_ route: RouteSpec) -> String {
        let words = route.path.split(separator: "/").filter { !$0.hasPrefix("{") && $0 != "api" && $0 != "v1" }.map { w in
            w.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        }
        return route.method.rawValue.lowercased() + (words.isEmpty ? "Page" : words.joined()) + (route.path.hasSuffix("}") ? "ById" : "")
    }

    static func ref(_ name: String) -> Object { ["$ref": "#/components/schemas/\(name)"] }

    // MARK: Schemas

    static var errorResponses: Object {
        let texts = ["400": "A parameter or body field is malformed or out of range (field names it).",
                     "401": "No or a wrong bearer token.", "403": "Reloading is disabled (no admin token set).",
                     "404": "No such movie, user or file (field names the parameter), or no such route.",
                     "405": "The path exists with another method (see Allow).", "409": "A reload is under way.",
                     "413": "The body is larger than server.max_body_bytes.", "500": "The server failed (never a client's mistake).",
                     "503": "The first snapshot is still loading."]
        var out: Object = [:]
        for (code, text) in texts { out["E\(code)"] = ["description": text, "content": ["application/json": ["schema": ref("Error")]]] }
        return out
    }

    static var schemas: Object {
        func object(_ properties: Object, required: [String]? = nil) -> Object {
            ["type": "object", "properties": properties, "required": required ?? Array(properties.keys).sorted()]
        }
        let int: Object = ["type": "integer"]
        let number: Object = ["type": "number"]
        let string: Object = ["type": "string"]
        let bool: Object = ["type": "boolean"]
        let nullableInt: Object = ["type": ["integer", "null"]]
        let strings: Object = ["type": "array", "items": string]
        let ints: Object = ["type": "array", "items": int]
        let anyJSON: Object = [:]
        let movieFields: Object = ["movie_id": int, "title": string, "year": nullableInt, "genres": strings]
        let snapshot = object(["id": string, "generation": int, "loaded_at": ["type": "string", "format": "date-time"], "load_seconds": number,
                               "age_seconds": number, "dataset": string, "models": strings])
        let provenance: Object = ["type": ["object", "null"], "description": "Where an artefact came from (version, time, dataset, settings, source file)."]
        return [
            "Error": object(["error": object(["code": string, "message": string, "field": ["type": ["string", "null"], "description": "The parameter or body field at fault."]])]),
            "Status": object(["status": ["type": "string", "enum": ["ok", "ready", "loading"]], "snapshot": ["anyOf": [ref("Snapshot"), ["type": "null"]]]], required: ["status"]),
            "Snapshot": snapshot,
            "MovieSummary": object(movieFields),
            "MovieSearch": object(["query": string, "items": ["type": "array", "items": ref("MovieSummary")]]),
            "Movie": object(movieFields.merging(["imdb_id": nullableInt, "tmdb_id": nullableInt, "ratings": int, "positives": int,
                                                  "mean_rating": ["type": ["number", "null"]], "threshold": number]) { a, _ in a },
                            required: ["movie_id", "title", "genres", "ratings", "positives", "threshold"]),
            "SimilarList": object(["query": object(["movie_id": int, "title": string]), "model": string, "metric": string,
                                   "items": ["type": "array", "items": object(movieFields.merging(["score": number]) { a, _ in a }, required: ["movie_id", "title", "genres", "score"])],
                                   "notes": strings], required: ["query", "model", "metric", "items"]),
            "UserHistory": object(["user": int, "ratings": int, "positives": int,
                                   "items": ["type": "array", "items": object(movieFields.merging(["rating": number, "positive": bool, "timestamp": int]) { a, _ in a },
                                                                              required: ["movie_id", "title", "genres", "rating", "positive", "timestamp"])]]),
            "RecommendationList": object([
                "user": ["type": "integer", "description": "The dataset's user id (absent for a newcomer)."],
                "likes": ["type": "array", "items": int, "description": "A newcomer's liked movie ids (absent for a user)."],
                "model": string, "exact": bool, "history": ["type": "integer", "description": "The user's positives (or the newcomer's distinct likes)."],
                "items": ["type": "array", "items": object(movieFields.merging([
                    "score": number, "source": ["type": "string", "enum": ["ann", "rerank", "popularity"]],
                    "because": ["type": "array", "items": int, "description": "Liked movie ids that explain it most (ALS), largest first."],
                ]) { a, _ in a }, required: ["movie_id", "title", "genres", "score", "source", "because"])],
                "notes": strings,
            ], required: ["model", "exact", "history", "items"]),
            "NewcomerRequest": [
                "type": "object", "additionalProperties": false, "required": ["likes"],
                "properties": [
                    "likes": ["type": "array", "items": ["type": "integer", "minimum": 0, "maximum": Int(Int32.max)], "minItems": 1, "maxItems": 1000,
                              "description": "Movie ids the newcomer likes (each rated by someone in the dataset)."],
                    "seen": ["type": "array", "items": ["type": "integer", "minimum": 0, "maximum": Int(Int32.max)], "maxItems": 10_000,
                             "description": "Movie ids never to recommend."],
                    "k": ["type": "integer", "minimum": 1, "maximum": 1000, "default": 10],
                    "model": ["type": "string", "enum": ModelKind.withVectors.map(\.rawValue)],
                    "exact": ["type": "boolean", "default": false],
                ] as Object,
            ] as Object,
            "Models": object([
                "dataset": object(["name": string, "path": string, "users": int, "movies": int, "ratings": int, "positives": int, "threshold": number, "fingerprint": string]),
                "snapshot": ref("Snapshot"),
                "models": ["type": "array", "items": object([
                    "name": string, "summary": string, "file": string, "has_vectors": bool, "folds_in": bool, "users": int, "items": int,
                    "settings": ["type": "object", "additionalProperties": string], "provenance": provenance,
                    "indexes": ["type": "array", "items": object(["metric": string, "file": string, "vectors": int, "dimension": int, "provenance": provenance],
                                                                 required: ["metric", "file", "vectors", "dimension"])],
                ], required: ["name", "summary", "file", "has_vectors", "folds_in", "users", "items", "settings", "indexes"])],
                "evaluation": ["description": "The latest marquee evaluate --json object, or null when none was saved."].merging(anyJSON) { a, _ in a },
            ]),
            "Simulation": object(["simulation": ["description": "The saved simulation report, as written."], "charts": strings]),
            "Reload": object(["snapshot": ref("Snapshot"), "previous": ["anyOf": [ref("Snapshot"), ["type": "null"]]]]),
        ]
    }
}
