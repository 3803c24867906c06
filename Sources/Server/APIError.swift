import Foundation
import HTTPTypes
import Hummingbird
import Workspace

/// A request the API refuses, or a failure of its own: the status and the JSON body
/// `{"error":{"code":…,"message":…,"field":…}}` (`field` names the parameter or body field at fault,
/// or is null).
public struct APIError: Error, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    /// A stable machine-readable name: `invalid_parameter`, `not_found`, `method_not_allowed`, …
    public var code: String
    public var message: String
    public var field: String?
    /// Extra response headers (`Allow`, `WWW-Authenticate`).
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, code: String, _ message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    /// 400: a parameter or field that is malformed or out of range.
    static func invalid(_ field: String, _ message: String) -> APIError {
        APIError(.badRequest, code: "invalid_parameter", message, field: field)
    }

    /// 404: no such thing.
    static func notFound(_ field: String?, _ message: String) -> APIError {
        APIError(.notFound, code: "not_found", message, field: field)
    }

    /// The error body.
    struct Body: Encodable {
        struct Inner: Encodable {
            let code: String
            let message: String
            let field: String?
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(code, forKey: .code)
                try c.encode(message, forKey: .message)
                try c.encode(field, forKey: .field)   // null, not absent
            }
            enum CodingKeys: String, CodingKey { case code, message, field }
        }
        let error: Inner
    }

    /// The response: status, headers and the JSON body.
    func response() -> Response {
        let body = (try? JSONEncoder().encode(Body(error: .init(code: code, message: message, field: field)))) ?? Data()
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The API error for what the workspace threw while serving a request whose parameters are named
    /// by `fields` (`user` → `id`, `movie` → `id` or `likes`, …). Failures of the server's own (a
    /// file that cannot be read) are 500s.
    static func from(_ error: any Error, fields: Fields = Fields()) -> APIError {
        if let error = error as? APIError { return error }
        guard let error = error as? WorkspaceError else {
            return APIError(.internalServerError, code: "internal", "the server failed: \(error)")
        }
        let text = error.description
        switch error {
        case .unknownModel: return .invalid("model", text)
        case .userIdOutOfRange: return .invalid(fields.user, text)
        case .unknownUser: return .notFound(fields.user, text)
        case .movieIdOutOfRange: return .invalid(fields.movie, text)
        case .unknownMovie: return .notFound(fields.movie, text)
        case .title: return .notFound(fields.movie, text)
        case .unratedMovie: return fields.movie == "id"
            ? APIError(.notFound, code: "not_indexed", text, field: "id") : .invalid(fields.movie, text)
        case .noLikes: return .invalid("likes", text)
        case .unsupported, .noVectors: return .invalid("model", text)
        case let .invalid(message):
            if message.hasPrefix("k ") { return .invalid("k", message) }
            if message.hasPrefix("limit ") { return .invalid("limit", message) }
            if message.contains("no neighbours") { return APIError(.notFound, code: "not_indexed", message, field: fields.movie) }
            return .invalid(fields.other, message)
        case .nothingToTrainOn, .notAModel, .notSaveable, .indexWithoutIds, .indexForOtherData:
            return APIError(.internalServerError, code: "internal", text)
        }
    }

    /// Which request field each kind of workspace complaint is about.
    struct Fields {
        var user = "id"
        var movie = "id"
        var other = "body"
    }
}
