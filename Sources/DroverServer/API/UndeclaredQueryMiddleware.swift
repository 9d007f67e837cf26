import Hummingbird

/// Refuses (400) a query parameter that the OpenAPI document does not
/// declare for the matched route, before its handler runs. Every route is
/// covered, also those that read no parameter: a misspelt `?limt=5` must not
/// be silently ignored, and a POST with one must not act.
struct UndeclaredQueryMiddleware: RouterMiddleware {
    typealias Context = ServerContext

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        // Router middleware runs once the route is matched, so its path is known.
        if let route = context.endpointPath, let declared = OpenAPIDocument.queryNames(path: route, method: request.method.rawValue) {
            _ = try QueryParameters(request, allowed: declared)
        }
        return try await next(request, context)
    }
}
