import Foundation
import Hummingbird
import Logging

/// Around every request: one log line with its request id, method, route,
/// status and time; its latency in the metrics; and any error turned into
/// the API's JSON error shape (an unexpected one logged, never shown).
struct RequestMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let metrics: ServerMetrics

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        let clock = ContinuousClock()
        let start = clock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as APIError {
            response = try error.response(from: request, context: context)
        } catch let error as HTTPError where error.status == .notFound && !OpenAPIDocument.methods(matching: request.uri.path).isEmpty {
            // The path is a route, the method is not one of its: 405 with the ones it has.
            let allowed = OpenAPIDocument.methods(matching: request.uri.path).joined(separator: ", ")
            response = try APIError(.methodNotAllowed, .methodNotAllowed, "\(request.method) is not a method of this route: use \(allowed)")
                .response(from: request, context: context)
            response.headers[.allow] = allowed
        } catch let error as HTTPError {
            let code: APIError.Code = error.status == .notFound ? .notFound : error.status == .contentTooLarge ? .tooLarge : .badRequest
            response = try APIError(error.status, code, error.body ?? error.status.reasonPhrase).response(from: request, context: context)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)"])
            response = try APIError(.internalServerError, .internal,
                                    "the server failed on this request; its log has the details under request id \(context.requestID)")
                .response(from: request, context: context)
        }
        response.headers[.init("X-Request-Id")!] = context.requestID
        let elapsed = clock.now - start
        let route = context.endpointPath ?? "unmatched"
        metrics.recordRequest(route: route, method: request.method.rawValue, status: response.status.code, duration: elapsed)
        context.logger.info("request", metadata: ["method": "\(request.method)", "route": "\(route)",
                                                  "status": "\(response.status.code)", "ms": "\(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)"])
        return response
    }
}
