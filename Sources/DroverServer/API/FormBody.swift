import Foundation
import Hummingbird
import NIOCore

/// `application/x-www-form-urlencoded` bodies (browser form posts). Fields
/// are text: a route reads them as it reads JSON strings.
enum FormBody {
    static func isForm(_ request: Request) -> Bool {
        request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") ?? false
    }

    /// The fields in order. The body must have been read whole already
    /// (`FormBodyMiddleware`), so this reads a copy and leaves it in place.
    static func fields(_ request: Request) async throws -> [(name: String, value: String)] {
        var copy = request
        let text = String(buffer: try await copy.collectBody(upTo: APIRequest.maxBodyBytes))
        return try text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]), let value = decode(parts.count > 1 ? parts[1] : "") else {
                throw APIError(.badRequest, .badRequest, "the form body is not valid application/x-www-form-urlencoded text")
            }
            return (name, value)
        }
    }

    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}

/// Reads form posts whole before routing, bounded like every body, so that
/// both the gatekeeper (the `csrf_token` field) and the route (the other
/// fields) can read them; a streamed body could be read only once.
struct FormBodyMiddleware: RouterMiddleware {
    typealias Context = ServerContext

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        guard FormBody.isForm(request) else { return try await next(request, context) }
        var request = request
        _ = try await APIRequest.collect(&request)
        return try await next(request, context)
    }
}
