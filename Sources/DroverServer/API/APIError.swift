import DroverCore
import Foundation
import Hummingbird

/// An API failure as the client sees it: `{error: {code, message, field?}}`
/// with the status that fits. The message says what to do.
public struct APIError: HTTPResponseError, Sendable {
    public enum Code: String, Sendable {
        case badRequest = "bad_request"
        case badJSON = "bad_json"
        case badParameter = "bad_parameter"
        case badCursor = "bad_cursor"
        case unknownField = "unknown_field"
        case notAllowed = "not_allowed"
        case surveyInvalid = "survey_invalid"
        case notFound = "not_found"
        case methodNotAllowed = "method_not_allowed"
        case tooLarge = "too_large"
        case unauthenticated = "unauthenticated"
        case forbidden = "forbidden"
        /// A cookie-authenticated request that changes something came
        /// without the session's CSRF token (or a login from another site).
        case csrf
        /// Too many failed logins: retry after the `Retry-After` seconds.
        case throttled
        /// A body field's value breaks its rules (a weak password, an
        /// unknown role…).
        case invalidField = "invalid_field"
        case conflict = "conflict"
        case configInvalid = "config_invalid"
        case unavailable = "unavailable"
        case rangeNotSatisfiable = "range_not_satisfiable"
        case `internal` = "internal"
    }

    public var status: HTTPResponse.Status
    public var code: Code
    public var message: String
    public var field: String?
    /// More than one refused field (a survey): one entry each.
    public var problems: [FieldProblem] = []
    /// Seconds to wait before retrying (`Retry-After`).
    public var retryAfter: Int?
    /// The request's session cookie is dead: the answer clears it.
    public var endsSession = false

    public init(_ status: HTTPResponse.Status, _ code: Code, _ message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    public static func notFound(_ what: String) -> APIError {
        APIError(.notFound, .notFound, "\(what) does not exist")
    }

    public static func badParameter(_ name: String, _ message: String) -> APIError {
        APIError(.badRequest, .badParameter, message, field: name)
    }

    var json: Value {
        var body: OrderedDictionaryOfValues = ["code": .string(code.rawValue), "message": .string(message)]
        if let field { body["field"] = .string(field) }
        if !problems.isEmpty {
            body["fields"] = .list(problems.map { .dict(["field": .string($0.field), "message": .string($0.message)]) })
        }
        return .dict(["error": .dict(body)])
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = JSONResponse.make(json, status: status)
        if let seconds = retryAfter ?? (status == .serviceUnavailable ? 5 : nil) { response.headers[.retryAfter] = String(seconds) }
        if endsSession { response.setCookie(SessionCookie.cleared(secure: false)) }
        return response
    }
}
