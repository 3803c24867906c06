import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// In front of every route: turns whatever a handler throws into the JSON error body with its status
/// (404 becomes 405 with `Allow` when another method has the path), counts and times the request for
/// `/metrics`, and writes the access-log line.
struct ServeMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics
    let logger: Logger
    let accessLog: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = Self.errorResponse(error, request: request, logger: logger).response()
        }
        let elapsed = ContinuousClock.now - start
        let pattern = context.endpointPath
        let route = pattern == nil || pattern == "NotFound" ? "unmatched" : pattern!
        metrics.record(route: route, method: request.method.rawValue, status: response.status.code, seconds: elapsed)
        if accessLog {
            let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
            logger.notice("\(request.method.rawValue) \(request.uri.description.prefix(300)) \(response.status.code) \(String(format: "%.2f", ms)) ms")
        }
        return response
    }

    /// The API error for what a handler threw.
    static func errorResponse(_ error: any Error, request: Request, logger: Logger) -> APIError {
        if let error = error as? APIError {
            if error.status.code >= 500 { logger.error("\(request.method.rawValue) \(request.uri.path): \(error.message)") }
            return error
        }
        if let error = error as? any HTTPResponseError {
            switch error.status {
            case .notFound:
                let allowed = RouteSpec.methods(at: request.uri.path)
                if !allowed.isEmpty {
                    var e = APIError(.methodNotAllowed, code: "method_not_allowed",
                                     "\(request.method.rawValue) is not allowed on \(request.uri.path.prefix(200)); use \(allowed.map(\.rawValue).joined(separator: ", "))")
                    e.headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
                    return e
                }
                return APIError(.notFound, code: "not_found", "no route \(request.uri.path.prefix(200)) (GET /openapi.json lists them)")
            case .contentTooLarge:
                return APIError(.contentTooLarge, code: "body_too_large", "the request body is too large", field: "body")
            default:
                let code = error.status.code
                return APIError(error.status, code: code >= 500 ? "internal" : "bad_request", error.status.reasonPhrase,
                                field: nil)
            }
        }
        logger.error("\(request.method.rawValue) \(request.uri.path): \(error)")
        return APIError(.internalServerError, code: "internal", "the server failed: \(error)")
    }
}
