import DroverCore
import OrderedCollections

/// A query or header parameter of an operation, with the JSON Schema its
/// values obey: what the server accepts, so that a client (or schemathesis)
/// can tell a good value from a bad one.
struct APIParameter {
    var name: String
    var schema: Value

    /// The cursor of a list by id (runs, results, audit), and of one by name (templates, hosts).
    static let cursor = APIParameter(name: "cursor", schema: object(["type": .string("string"), "pattern": .string(Cursor.idPattern)]))
    static let nameCursor = APIParameter(name: "cursor", schema: object([
        "type": .string("string"), "maxLength": .int(258), "pattern": .string(Cursor.namePattern),
        "not": object(["enum": .list([.string("n1.."), .string("n1...")])]),
    ]))
    static let limit = APIParameter(name: "limit", schema: object(["type": .string("integer"), "minimum": .int(1), "maximum": .int(200)]))
    static let runStatus = APIParameter(name: "status", schema: enumeration(RunStatus.allCases.map(\.rawValue)))
    static let taskStatus = APIParameter(name: "status", schema: enumeration(TaskStatus.allCases.map(\.rawValue)))
    static let stream = APIParameter(name: "stream", schema: enumeration(OutputStream.allCases.map(\.rawValue)))
    /// Empty: from the start, as when it is not sent.
    static let lastEventID = APIParameter(name: "Last-Event-ID", schema: object(["type": .string("string"), "maxLength": .int(18),
                                                                                 "pattern": .string("^(r?[0-9]+)?$")]))
    /// RFC 9110: a Range in another unit, or not a range at all, is ignored
    /// (the whole output, 200); a `bytes=` one that is malformed or outside the output is 416.
    static let range = APIParameter(name: "Range", schema: object([
        "type": .string("string"),
        "description": .string("bytes=FIRST-LAST, bytes=FIRST- or bytes=-SUFFIX (one range); anything else is ignored"),
    ]))

    static func name(_ name: String) -> APIParameter { APIParameter(name: name, schema: nameSchema) }
    static func time(_ name: String) -> APIParameter {
        APIParameter(name: name, schema: object(["type": .string("string"), "format": .string("date-time")]))
    }

    /// A host, template or user name: `PathParameter.checkName`'s rule.
    static let nameSchema = object(["type": .string("string"), "minLength": .int(1), "maxLength": .int(255),
                                    "pattern": .string(#"^[^/\\\x00-\x1F\x7F\uFFFD]+$"#),
                                    "not": object(["enum": .list([.string("."), .string("..")])])])
    /// A run or result id.
    static let idSchema = object(["type": .string("integer"), "minimum": .int(1), "maximum": .int(Int(Int64.max))])

    static func object(_ pairs: OrderedDictionary<String, Value>) -> Value { .dict(pairs) }
    static func enumeration(_ cases: [String]) -> Value { .dict(["type": .string("string"), "enum": .list(cases.map(Value.string))]) }
}

/// A JSON request body: an object with these properties and no others
/// (every field may be left out or null).
struct RequestBody {
    var properties: OrderedDictionary<String, Value>

    static let empty = RequestBody(properties: [:])
    static let rollback = RequestBody(properties: ["limit": hostPattern, "check": nullable("boolean")])
    static let launch = RequestBody(properties: [
        "limit": hostPattern,
        "extra_vars": .dict(["type": .list([.string("object"), .string("null")]), "propertyNames": variableName]),
        "tags": tagList, "skip_tags": tagList,
        "check": nullable("boolean"), "diff": nullable("boolean"),
        "survey": .dict(["type": .list([.string("object"), .string("null")]),
                         "description": .string("answers by survey field name; GET /api/v1/templates/{name} gives the fields and their rules")]),
    ])

    /// Letters (any script), digits and `_`, not starting with a digit
    /// (`isValidVariableName`); JSON Schema's regexes cannot say "a letter"
    /// portably, so: no ASCII besides those, and no leading digit.
    static let variableName: Value = .dict(["minLength": .int(1), "pattern": .string("^[^0-9]"),
                                            "not": .dict(["pattern": .string(#"[\x00-\x2F\x3A-\x40\x5B-\x5E\x60\x7B-\x7F]"#)])])
    static let hostPattern: Value = .dict(["type": .list([.string("string"), .string("null")]), "minLength": .int(1), "maxLength": .int(4096)])
    /// A list of tags, or one string of comma-separated tags.
    static let tagList: Value = .dict(["type": .list([.string("array"), .string("string"), .string("null")]),
                                       "items": .dict(["type": .string("string")])])
    static func nullable(_ type: String) -> Value { .dict(["type": .list([.string(type), .string("null")])]) }

    var schema: Value {
        .dict(["type": .string("object"), "additionalProperties": .bool(false), "properties": .dict(properties)])
    }
}

extension OpenAPIDocument {
    static func json(_ operation: Operation) -> Value {
        var parameters: [Value] = operation.path.split(separator: "/").filter { $0.hasPrefix("{") }.map { segment in
            let name = String(segment.dropFirst().dropLast())
            return .dict(["name": .string(name), "in": .string("path"), "required": .bool(true),
                          "schema": name == "name" ? APIParameter.nameSchema : APIParameter.idSchema])
        }
        parameters += operation.query.map { .dict(["name": .string($0.name), "in": .string("query"), "required": .bool(false), "schema": $0.schema]) }
        parameters += operation.headers.map { .dict(["name": .string($0.name), "in": .string("header"), "required": .bool(false), "schema": $0.schema]) }
        var responses = OrderedDictionary<String, Value>()
        for status in operation.responses {
            let media = status < 300 ? operation.produces : "application/json"
            let schema: Value = status < 300 ? .dict([:]) : .dict(["$ref": .string("#/components/schemas/Error")])
            responses[String(status)] = .dict(["description": .string(status < 300 ? "success" : "error"),
                                               "content": .dict([media: .dict(["schema": schema])])])
        }
        var entry: OrderedDictionary<String, Value> = ["summary": .string(operation.summary), "parameters": .list(parameters),
                                                       "responses": .dict(responses)]
        if let body = operation.body {
            entry["requestBody"] = .dict(["required": .bool(false), "content": .dict(["application/json": .dict(["schema": body.schema])])])
        }
        if !operation.secured { entry["security"] = .list([]) }
        return .dict(entry)
    }

    static let errorSchema: Value = .dict(["type": .string("object"), "required": .list([.string("error")]), "properties": .dict([
        "error": .dict(["type": .string("object"), "required": .list([.string("code"), .string("message")]), "properties": .dict([
            "code": .dict(["type": .string("string")]), "message": .dict(["type": .string("string")]),
            "field": .dict(["type": .string("string")]),
        ])]),
    ])])
}
