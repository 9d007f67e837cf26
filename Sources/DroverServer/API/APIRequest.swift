import DroverCore
import Foundation
import Hummingbird
import NIOCore
import OrderedCollections

/// Reading what a client sent: bounded bodies, JSON objects with known
/// keys only, query parameters checked one by one.
enum APIRequest {
    /// No request body may be larger (a launch is a few kilobytes).
    static let maxBodyBytes = 64 * 1024

    /// The body as a JSON object whose keys are all in `allowed` (an empty
    /// body is an empty object; one of only white space is not JSON). A form
    /// post's fields are read as strings, without the `csrf_token` (the
    /// gatekeeper's).
    static func jsonObject(_ request: Request, allowed: Set<String>) async throws -> OrderedDictionary<String, Value> {
        let object = FormBody.isForm(request) ? try await formObject(request) : try await parseJSON(request)
        for key in object.keys where !allowed.contains(key) {
            let hint = closestMatch(key, among: allowed).map { "; did you mean `\($0)`?" } ?? ""
            throw APIError(.badRequest, .unknownField, "`\(key)` is not a field of this request" + hint, field: key)
        }
        return object
    }

    /// The whole body, at most `maxBodyBytes` (413 past that).
    static func collect(_ request: inout Request) async throws -> ByteBuffer {
        do {
            return try await request.collectBody(upTo: maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, .tooLarge, "the body is larger than \(maxBodyBytes) bytes: send less")
        }
    }

    private static func parseJSON(_ request: Request) async throws -> OrderedDictionary<String, Value> {
        var request = request
        let buffer = try await collect(&request)
        guard buffer.readableBytes > 0 else { return [:] }
        let text = String(buffer: buffer)
        let value: Value
        do {
            value = try Value.parseJSON(text)
        } catch {
            throw APIError(.badRequest, .badJSON, "the body is not valid JSON: \(error)")
        }
        guard case .dict(let object) = value else {
            throw APIError(.badRequest, .badJSON, "the body must be a JSON object ({…})")
        }
        return object
    }

    private static func formObject(_ request: Request) async throws -> OrderedDictionary<String, Value> {
        var object = OrderedDictionary<String, Value>()
        for (name, value) in try await FormBody.fields(request) where name != CSRFToken.formField {
            guard object[name] == nil else { throw APIError(.badRequest, .badRequest, "`\(name)` is given twice", field: name) }
            object[name] = .string(value)
        }
        return object
    }
}

/// A request's query parameters, checked: unknown names and malformed
/// values are refused (400) rather than ignored.
struct QueryParameters {
    let values: [String: String]

    init(_ request: Request, allowed: Set<String>) throws {
        var values: [String: String] = [:]
        for (key, value) in request.uri.queryParameters {
            let name = String(key)
            guard allowed.contains(name) else {
                let hint = closestMatch(name, among: allowed).map { "; did you mean `\($0)`?" } ?? ""
                throw APIError.badParameter(name, "`\(name)` is not a parameter here" + hint)
            }
            guard values[name] == nil else { throw APIError.badParameter(name, "`\(name)` is given twice") }
            values[name] = String(value)  // Hummingbird has percent-decoded it once; never twice
        }
        self.values = values
    }

    /// A plain name (host, template): no path separators, no control characters.
    func name(_ key: String) throws -> String? {
        guard let value = values[key] else { return nil }
        try PathParameter.checkName(value, parameter: key)
        return value
    }

    func int(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = values[key] else { return nil }
        guard let number = Int(text), range.contains(number) else {
            throw APIError.badParameter(key, "`\(key)` must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// RFC 3339 (JSON Schema's `date-time`): a zone, seconds fractions or not.
    func date(_ key: String) throws -> Date? {
        guard let text = values[key] else { return nil }
        let precise = ISO8601DateFormatter()
        precise.formatOptions.insert(.withFractionalSeconds)
        guard let date = ISO8601DateFormatter().date(from: text) ?? precise.date(from: text) else {
            throw APIError.badParameter(key, "`\(key)` must be an ISO 8601 time such as 2026-01-31T12:00:00Z")
        }
        return date
    }

    func choice<T: RawRepresentable & CaseIterable>(_ key: String, _: T.Type) throws -> T? where T.RawValue == String {
        guard let text = values[key] else { return nil }
        guard let value = T(rawValue: text) else {
            throw APIError.badParameter(key, "`\(key)` is one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    /// The keyset cursor of a page (see `Cursor`).
    func cursor() throws -> Int64? {
        guard let text = values["cursor"] else { return nil }
        guard let id = Cursor.decode(text) else {
            throw APIError(.badRequest, .badCursor, "`cursor` is not one this server gave: start from the first page", field: "cursor")
        }
        return id
    }

    func pageSize() throws -> Int { try int("limit", in: 1...200) ?? 50 }

    /// A cursor of a list ordered by name (hosts).
    func nameCursor() throws -> String? {
        guard let text = values["cursor"] else { return nil }
        guard let name = Cursor.decodeName(text) else {
            throw APIError(.badRequest, .badCursor, "`cursor` is not one this server gave: start from the first page", field: "cursor")
        }
        return name
    }
}

/// Path parameters, checked before they reach a query or a file name.
enum PathParameter {
    static func runID(_ context: ServerContext, _ key: String = "id") throws -> Int64 {
        try id(context, key, of: "a run")
    }

    /// A positive row id (`of`: "a run", "an API token").
    static func id(_ context: ServerContext, _ key: String = "id", of what: String) throws -> Int64 {
        guard let text = context.parameters.get(key), let id = Int64(text), id > 0 else {
            throw APIError.badParameter(key, "`\(key)` must be the id of \(what) (a positive whole number)")
        }
        return id
    }

    static func name(_ context: ServerContext, _ key: String) throws -> String {
        let value = context.parameters.get(key).flatMap { $0.removingPercentEncoding } ?? ""
        try checkName(value, parameter: key)
        return value
    }

    /// Names never carry path syntax: `..`, `/`, `\`, NUL or control
    /// characters; nor U+FFFD, which is what bytes that are not UTF-8 became
    /// when the query was decoded. At most 255 characters (Unicode scalars,
    /// as JSON Schema's `maxLength` counts them).
    static func checkName(_ value: String, parameter: String) throws {
        guard !value.isEmpty, value.unicodeScalars.count <= 255, value != ".", value != "..",
              !value.unicodeScalars.contains(where: { $0 == "/" || $0 == "\\" || $0.value < 0x20 || $0.value == 0x7f || $0 == "\u{FFFD}" }) else {
            throw APIError.badParameter(parameter, "`\(parameter)` is not a valid name")
        }
    }
}
