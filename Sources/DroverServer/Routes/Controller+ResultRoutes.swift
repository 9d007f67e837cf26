import DroverCore
import DroverStore
import Foundation
import Hummingbird
import NIOCore

extension Controller {
    func addResultRoutes(to router: Router<ServerContext>) {
        router.get("/api/v1/runs/{id}/results") { request, context in
            _ = try await self.gatekeeper.authorize(request, context, .readRuns)
            let id = try PathParameter.runID(context)
            let query = try QueryParameters(request, allowed: ["host", "status", "cursor", "limit"])
            _ = try await self.storedRun(id)
            var page = ResultPageQuery(run: id)
            page.host = try query.name("host")
            page.status = try query.choice("status", TaskStatus.self)
            page.afterID = try query.cursor()
            page.limit = try query.pageSize() + 1
            let results = try await self.store.resultPage(page)
            let shown = results.prefix(page.limit - 1)
            return JSONResponse.make(.dict([
                "items": .list(shown.map { result in
                    guard case .dict(var fields) = self.storedResultJSON(result) else { return .null }
                    fields["output_url"] = .string("/api/v1/runs/\(id)/results/\(result.id)/output")
                    return .dict(fields)
                }),
                "next_cursor": results.count > shown.count ? .string(Cursor.encode(shown.last!.id)) : .null,
            ]))
        }
        router.get("/api/v1/runs/{id}/results/{rid}/output") { request, context in
            _ = try await self.gatekeeper.authorize(request, context, .readRuns)
            let id = try PathParameter.runID(context)
            let resultID = try PathParameter.runID(context, "rid")
            let query = try QueryParameters(request, allowed: ["stream"])
            let stream = try query.choice("stream", OutputStream.self) ?? .stdout
            guard try await self.store.resultBelongs(resultID, to: id) else { throw APIError.notFound("result \(resultID) of run \(id)") }
            let bytes = try await self.store.output(resultID: resultID, stderr: stream == .stderr)
            return try ByteRange.response(bytes, range: request.headers[.range])
        }
        router.get("/api/v1/runs/{id}/junit") { request, context in
            _ = try await self.gatekeeper.authorize(request, context, .readRuns)
            let id = try PathParameter.runID(context)
            _ = try await self.storedRun(id)
            let store = self.store
            // The export reads SQLite synchronously: on a thread of its own.
            let xml = try await OffThePool.run {
                var text = ""
                try store.exportJUnit(id) { text += $0 }
                return text
            }
            return Response(status: .ok, headers: [.contentType: "application/xml; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: xml)))
        }
    }
}

/// Which of a result's outputs `?stream=` asks for.
enum OutputStream: String, CaseIterable {
    case stdout, stderr
}

/// Raw bytes with `Range: bytes=a-b` (one range; suffix and open ranges too).
enum ByteRange {
    static func response(_ bytes: [UInt8], range header: String?) throws -> Response {
        let type = "application/octet-stream"
        // Another unit, or no range at all: ignored, as RFC 9110 (14.2) asks.
        guard let header, header.hasPrefix("bytes=") else {
            return Response(status: .ok, headers: [.contentType: type, .acceptRanges: "bytes"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        guard let (start, end) = parse(header, size: bytes.count) else {
            var error = APIError(.rangeNotSatisfiable, .rangeNotSatisfiable, "the Range `\(header.prefix(60))` is not within the \(bytes.count) bytes")
            error.field = "Range"
            throw error
        }
        return Response(status: .partialContent,
                        headers: [.contentType: type, .acceptRanges: "bytes", .contentRange: "bytes \(start)-\(end)/\(bytes.count)"],
                        body: .init(byteBuffer: ByteBuffer(bytes: bytes[start...end])))
    }

    /// The inclusive byte offsets, or nil when unsatisfiable or malformed.
    static func parse(_ header: String, size: Int) -> (Int, Int)? {
        guard header.hasPrefix("bytes="), size > 0 else { return nil }
        let spec = header.dropFirst(6)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return nil }
        let first = spec[..<dash], last = spec[spec.index(after: dash)...]
        if first.isEmpty {
            guard let suffix = Int(last), suffix > 0 else { return nil }
            return (max(0, size - suffix), size - 1)
        }
        guard let start = Int(first), start >= 0, start < size else { return nil }
        guard !last.isEmpty else { return (start, size - 1) }
        guard let end = Int(last), end >= start else { return nil }
        return (start, min(end, size - 1))
    }
}
