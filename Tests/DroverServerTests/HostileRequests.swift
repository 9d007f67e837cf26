import DroverCore
import Foundation
import NIOHTTP1
import OrderedCollections

/// One request a well-behaved server must refuse with a 4xx.
struct HostileRequest: Sendable {
    var method: HTTPMethod
    /// Path and query, exactly as sent (already percent-encoded).
    var target: String
    var headers: [(String, String)] = []
    var body: [UInt8]? = nil
    /// Sent without a length (chunked), so only the server's limit stops it.
    var chunked = false
    /// What was bad about it, for the failure message.
    var what: String
}

/// Walks the OpenAPI document and makes, for every operation, requests
/// that are valid except for one thing: one path, query or header
/// parameter set to a hostile value (path traversal, plain or encoded, NUL
/// and control bytes, very long values, wrong types, forged cursors), an
/// undeclared query parameter, a forged token, or a malformed, oversized
/// or mistyped body. Routes added to the document are covered without
/// touching the test.
struct HostileRequests {
    /// A valid value for each path parameter (`id`, `rid`, `other`, and
    /// `name`, which depends on the route: a template or a host).
    var pathValue: (_ route: String, _ parameter: String) -> String
    /// The valid body each mutated body starts from.
    var baseBody: (_ route: String) -> OrderedDictionary<String, Value>
    /// A launch's survey fields, as `GET /api/v1/templates/{name}` lists them.
    var surveyFields: [OrderedDictionary<String, Value>]
    var authorization: (String, String)
    /// The session cookie's name (the document's `session` security scheme).
    var sessionCookie = ""

    func all(from document: Value) -> [HostileRequest] {
        var generator = self
        generator.sessionCookie = document["components"]?["securitySchemes"]?["session"]?["name"]?.stringValue ?? ""
        return generator.requests(document)
    }

    private func requests(_ document: Value) -> [HostileRequest] {
        var requests: [HostileRequest] = []
        for (route, item) in document["paths"]?.dictValue ?? [:] {
            for (method, operation) in item.dictValue ?? [:] {
                requests += self.requests(route: route, method: HTTPMethod(rawValue: method.uppercased()), operation: operation)
            }
            // A method the route does not have.
            for method in ["GET", "POST", "PUT", "DELETE", "PATCH"] where item[method.lowercased()] == nil {
                let path = route.replacingOccurrences(of: "{rid}", with: pathValue(route, "rid"))
                    .replacingOccurrences(of: "{other}", with: pathValue(route, "other"))
                    .replacingOccurrences(of: "{id}", with: pathValue(route, "id")).replacingOccurrences(of: "{name}", with: pathValue(route, "name"))
                requests.append(HostileRequest(method: HTTPMethod(rawValue: method), target: path, headers: [authorization],
                                               what: "\(method) \(route): a method the route does not have"))
            }
        }
        return requests
    }

    private func requests(route: String, method: HTTPMethod, operation: Value) -> [HostileRequest] {
        let parameters = operation["parameters"]?.listValue?.compactMap(\.dictValue) ?? []
        let secured = operation["security"]?.listValue?.isEmpty != true
        let hasBody = operation["requestBody"] != nil
        let label = "\(method) \(route)"
        // The valid request each mutation starts from.
        func request(path overrides: [String: String] = [:], query: String = "", headers: [(String, String)] = [],
                     body: [UInt8]? = nil, what: String) -> HostileRequest {
            var path = route
            for parameter in parameters where parameter["in"]?.stringValue == "path" {
                let name = parameter["name"]?.stringValue ?? ""
                path = path.replacingOccurrences(of: "{\(name)}", with: overrides[name] ?? Self.encode(pathValue(route, name)))
            }
            let base = hasBody ? Array(Value.dict(baseBody(route)).jsonText().utf8) : nil
            return HostileRequest(method: method, target: path + (query.isEmpty ? "" : "?" + query),
                                  headers: (secured ? [authorization] : []) + headers, body: body ?? base, what: "\(label): \(what)")
        }

        var requests: [HostileRequest] = []
        for parameter in parameters {
            let name = parameter["name"]?.stringValue ?? "", schema = parameter["schema"] ?? .null
            switch parameter["in"]?.stringValue {
            case "path":
                // (An empty segment would name another route: `/api/v1/runs/` is the list.)
                for value in Self.hostileStrings + Self.wrongValues(schema, name: name).filter({ !$0.isEmpty }) + ["nonexistent-\(name)"] {
                    requests.append(request(path: [name: Self.encode(value)], what: "{\(name)} = \(Self.show(value))"))
                }
                for raw in Self.rawHostile + Self.rawPathOnly {
                    requests.append(request(path: [name: raw], what: "{\(name)} = raw \(Self.show(raw))"))
                }
            case "query":
                for value in Self.hostile(for: schema) + Self.wrongValues(schema, name: name) {
                    requests.append(request(query: "\(name)=\(Self.encode(value))", what: "?\(name)=\(Self.show(value))"))
                }
                for raw in Self.rawHostile {
                    requests.append(request(query: "\(name)=\(raw)", what: "?\(name)=raw \(Self.show(raw))"))
                }
                requests.append(request(query: "\(name)=1&\(name)=2", what: "?\(name) twice"))
            case "header":
                for value in (Self.hostile(for: schema) + Self.wrongValues(schema, name: name)).filter(Self.isHeaderSafe) {
                    requests.append(request(headers: [(name, value)], what: "\(name): \(Self.show(value))"))
                }
            default:
                break
            }
        }
        for name in ["limt", "../", "%2e%2e%2f", "%00", "a%00b", String(repeating: "q", count: 300)] {
            requests.append(request(query: "\(name)=1", what: "undeclared query parameter \(Self.show(name))"))
        }
        if secured {
            for forged in Self.forgedAuthorizations {
                var forgedRequest = request(what: "forged Authorization \(Self.show(forged))")
                forgedRequest.headers = forgedRequest.headers.filter { $0.0 != authorization.0 } + [("Authorization", forged)]
                requests.append(forgedRequest)
            }
            for forged in Self.forgedSessions {
                var forgedRequest = request(what: "forged session cookie \(Self.show(forged))")
                forgedRequest.headers = forgedRequest.headers.filter { $0.0 != authorization.0 } + [("Cookie", "\(sessionCookie)=\(forged)")]
                requests.append(forgedRequest)
            }
        }
        if hasBody {
            let schema = operation["requestBody"]?["content"]?["application/json"]?["schema"] ?? .null
            for (what, bytes) in Self.malformedBodies {
                requests.append(request(body: bytes, what: "body \(what)"))
            }
            var chunked = request(body: Array(repeating: UInt8(ascii: " "), count: 300_000), what: "a chunked 300 kB body")
            chunked.chunked = true
            requests.append(chunked)
            for (what, body) in mistypedBodies(route: route, schema: schema) {
                requests.append(request(body: Array(Value.dict(body).jsonText().utf8), what: "body \(what)"))
            }
        }
        return requests
    }

    /// The base body with one property of the schema given a value it does
    /// not allow; then unknown properties; then hostile survey answers.
    private func mistypedBodies(route: String, schema: Value) -> [(String, OrderedDictionary<String, Value>)] {
        let base = baseBody(route)
        var bodies: [(String, OrderedDictionary<String, Value>)] = []
        func with(_ key: String, _ value: Value) {
            var body = base
            body[key] = value
            bodies.append(("\(key) = \(Self.show(value.jsonText()))", body))
        }
        for (name, property) in schema["properties"]?.dictValue ?? [:] {
            let types = Self.types(property)
            for (type, sample) in Self.typeSamples where !types.contains(type) && !(type == "integer" && types.contains("number")) {
                with(name, sample)
            }
            if types.contains("string") {
                // A password may be any text: only what its length refuses is hostile.
                let isPassword = property["format"] == .string("password")
                for value in Self.hostileStrings where !isPassword || !Self.accepts(property, value) { with(name, .string(value)) }
                for value in Self.wrongValues(property) { with(name, .string(value)) }
            }
            if types.contains("array") {
                for sample in Self.typeSamples.map(\.1) where sample.stringValue == nil { with(name, .list([sample])) }
            }
            if let names = property["propertyNames"] {
                for key in Self.hostileStrings where !Self.accepts(names, key) { with(name, .dict([key: .int(1)])) }
            }
        }
        for key in Self.hostileStrings + ["limt"] {
            var body = base
            body[key] = .int(1)
            bodies.append(("unknown field \(Self.show(key))", body))
        }
        if schema["properties"]?["survey"] != nil {
            for (what, answers) in hostileSurveys() {
                var survey = base["survey"]?.dictValue ?? [:]
                survey.merge(answers) { $1 }
                var body = base
                body["survey"] = .dict(survey)
                bodies.append(("survey \(what)", body))
            }
        }
        return bodies
    }

    /// For each survey field, answers its rules refuse: other types, and
    /// for fields with a regex or choices, hostile strings; then unknown fields.
    private func hostileSurveys() -> [(String, OrderedDictionary<String, Value>)] {
        var surveys: [(String, OrderedDictionary<String, Value>)] = []
        for field in surveyFields {
            guard let name = field["name"]?.stringValue, let type = field["type"]?.stringValue else { continue }
            let accepted: Set<String> = switch type {
            case "int": ["integer"]
            case "bool": ["boolean"]
            case "multi_choice": ["array"]
            default: ["string"]
            }
            for (sampleType, sample) in Self.typeSamples where !accepted.contains(sampleType) {
                surveys.append(("\(name) = \(sample.jsonText())", [name: sample]))
            }
            let constrained = field["regex"]?.stringValue != nil || field["choices"]?.listValue?.isEmpty == false
            if constrained || type == "int" || type == "bool" {
                for value in Self.hostileStrings { surveys.append(("\(name) = \(Self.show(value))", [name: .string(value)])) }
            }
        }
        for key in Self.hostileStrings { surveys.append(("unknown field \(Self.show(key))", [key: .string("x")])) }
        return surveys
    }

    // MARK: the values

    /// Refused wherever a name, id, cursor, time or choice is expected.
    static let hostileStrings: [String] = [
        "..", "../", "../../../../etc/passwd", "..\\..\\windows\\win.ini", "/etc/passwd", "a/../../b", "./drover.yml",
        "\0", "a\0b", "drover.yml\0.txt", "\r\nX-Injected: yes", "\u{7f}", "\t", "\u{1b}[31m",
        String(repeating: "a", count: 256), String(repeating: "é", count: 300), String(repeating: "../", count: 1000),
        String(repeating: "x", count: 8000),
    ]

    /// The hostile strings, for a parameter whose values are constrained (a
    /// name, a number, a choice, a time, a cursor); one that takes any text
    /// (a Range header, ignored unless it is a `bytes=` range) gets only its
    /// own wrong values.
    static func hostile(for schema: Value) -> [String] {
        let constrained = schema["pattern"] != nil || schema["enum"] != nil || schema["format"] != nil || schema["type"] != .string("string")
        return constrained ? hostileStrings : []
    }

    /// Inserted into the URL as they are: encoded traversal, once and as
    /// overlong UTF-8, encoded NUL and control bytes.
    static let rawHostile = ["%2e%2e%2f", "%2e%2e", "%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", "..%2f..%2f", "%2e%2e%5c", "%00", "a%00b", "%0d%0a",
                             "%c0%ae%c0%ae%c0%af", "%ff%fe"]
    /// Raw traversal that changes the path's segments.
    static let rawPathOnly = ["..", "../..", "../../../../etc/passwd", ".", "%252e%252e%252f"]

    /// Values the schema's type, range, enum, format or pattern refuses.
    static func wrongValues(_ schema: Value, name: String = "") -> [String] {
        var values: [String] = []
        let type = schema["type"]?.stringValue
        if type == "integer" {
            values += ["abc", "-1", "0", "1.5", "1e3", "0x10", "99999999999999999999", "9223372036854775808", "", " 1", "1 ", "١", "NaN",
                       "true", "[1]", "null"]
            if case .int(let maximum)? = schema["maximum"], maximum < Int.max { values.append(String(maximum + 1)) }
        }
        if let cases = schema["enum"]?.listValue?.compactMap(\.stringValue), !cases.isEmpty {
            values += ["done", "", "null", "1", cases[0].uppercased(), cases.prefix(2).joined(separator: ","), cases[0] + " "]
        }
        if schema["format"]?.stringValue == "date-time" {
            values += ["yesterday", "2026-13-45T00:00:00Z", "0", "", "2026-01-01T00:00:00", "1767225600"]
        }
        if name == "cursor" {  // forged: malformed, of the other kind of list, out of range, the old base64 form
            values += ["", "5", "v1.", "v1.0", "v1.-1", "v1.+5", "v1.05", "v1.abc", "v1.5 ", "v1.1\0", "v2.5", "v1.99999999999999999999",
                       "n1.", "n1..", "n1../etc", "n1.a/b", "n1.\0", "djE6NQ", "bjE6aDE0", "===", String(repeating: "A", count: 500)]
            values += schema["pattern"]?.stringValue?.hasPrefix("^v1") == true ? ["n1.h14"] : ["v1.5"]
        }
        if name == "Last-Event-ID" {
            values += ["abc", "-1", "r-1", "rr1", "1.5", "r", "+5", "r+5", "0000000000000000000", "99999999999999999999",
                       "r99999999999999999999"]
        }
        if name == "Range" {  // malformed or unsatisfiable byte ranges (other units are ignored)
            values += ["bytes=../", "bytes=5-1", "bytes=-0", "bytes=0-0,1-1", "bytes=99999999999999999999-", "bytes=-", "bytes=%00",
                       "bytes=" + String(repeating: "9", count: 2000), "bytes=1000000-"]
        }
        return values
    }

    static let forgedAuthorizations = [
        "Bearer drv_../../etc/passwd", "Bearer " + String(repeating: "A", count: 5000), "Bearer drv_" + String(repeating: "A", count: 43),
        "Bearer %00", "Bearer drv_", "Basic Li4vOi4u", "Bearer drv_a drv_b",
    ]

    /// Session cookies the server never gave (a cookie is `;`-separated:
    /// values with spaces, NUL or `;` are not sent).
    static let forgedSessions = [
        "drs_" + String(repeating: "A", count: 43), "drs_../../etc/passwd", String(repeating: "A", count: 5000), "%00", "drs_",
        "drs_a,drs_b",
    ]

    static let malformedBodies: [(String, [UInt8])] = [
        ("`{`", Array("{".utf8)), ("`}`", Array("}".utf8)), ("`{not json`", Array("{not json".utf8)),
        ("truncated", Array(#"{"survey": {"release": "v1"#.utf8)), ("a missing value", Array(#"{"survey": }"#.utf8)),
        ("a list", Array("[1, 2]".utf8)), ("a string", Array(#""text""#.utf8)), ("a number", Array("42".utf8)),
        ("null", Array("null".utf8)), ("true", Array("true".utf8)), ("only white space", Array(" \r\n".utf8)), ("trailing garbage", Array(#"{"a": 1}}"#.utf8)),
        ("single quotes", Array("{'a': 1}".utf8)), ("a trailing comma", Array(#"{"a": 1,}"#.utf8)),
        ("a raw NUL", Array("{\"a\u{0}\": 1}".utf8)), ("invalid UTF-8", [0x7B, 0x22, 0xC0, 0xAE, 0x22, 0x3A, 0x31, 0x7D]),
        ("bytes FF FE", [0xFF, 0xFE, 0x7B, 0x7D]),
        ("nested 60,000 deep", Array(String(repeating: "[", count: 60_000).utf8)),
        ("objects nested 10,000 deep", Array(String(repeating: #"{"a":"#, count: 10_000).utf8)),
        ("64 KiB + 1 of valid JSON", Array(("{\"limit\": \"" + String(repeating: "a", count: 64 * 1024) + "\"}").utf8)),
        ("1 MiB", Array(repeating: UInt8(ascii: "["), count: 1 << 20)),
    ]

    /// One value of each JSON type.
    static let typeSamples: [(String, Value)] = [
        ("string", .string("x")), ("integer", .int(5)), ("number", .double(1.5)), ("boolean", .bool(true)),
        ("array", .list([.int(1)])), ("object", .dict(["a": .int(1)])),
    ]

    static func types(_ schema: Value) -> Set<String> {
        if let one = schema["type"]?.stringValue { return [one] }
        return Set(schema["type"]?.listValue?.compactMap(\.stringValue) ?? [])
    }

    /// Percent-encodes every byte but the unreserved ones (RFC 3986).
    static func encode(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.append(Character(Unicode.Scalar(byte)))
            default:
                encoded += String(format: "%%%02X", byte)
            }
        }
        return encoded
    }

    /// Whether a string schema's length, pattern and `not` pattern allow `value`.
    static func accepts(_ schema: Value, _ value: String) -> Bool {
        func matches(_ pattern: String?) -> Bool? {
            guard let pattern, let regex = try? Regex(pattern) else { return nil }
            return value.firstMatch(of: regex) != nil
        }
        let length = value.unicodeScalars.count
        if case .int(let minimum)? = schema["minLength"], length < minimum { return false }
        if case .int(let maximum)? = schema["maxLength"], length > maximum { return false }
        return matches(schema["pattern"]?.stringValue) != false && matches(schema["not"]?["pattern"]?.stringValue) != true
    }

    static func isHeaderSafe(_ value: String) -> Bool {
        !value.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } && value.utf8.count < 4096
    }

    static func show(_ value: String) -> String {
        let escaped = value.debugDescription
        return escaped.count > 60 ? String(escaped.prefix(40)) + "…(\(value.utf8.count) bytes)" : escaped
    }
}

extension Value {
    subscript(key: String) -> Value? {
        if case .dict(let object) = self { return object[key] }
        return nil
    }

    var intValue: Int? {
        if case .int(let number) = self { return number }
        return nil
    }
}
