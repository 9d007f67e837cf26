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
/// (every field but the `required` ones may be left out or null).
struct RequestBody {
    var properties: OrderedDictionary<String, Value>
    var required: [String] = []
    /// Also taken as a form post (`FormBody`): every field is text.
    var takesForms = false

    static let empty = RequestBody(properties: [:])
    static let login = RequestBody(properties: ["user": userName, "password": text(maxLength: 1024, password: true)],
                                   required: ["user", "password"], takesForms: true)
    static let newUser = RequestBody(properties: ["name": userName, "password": newPassword, "role": choice(UserRole.self)],
                                     required: ["name", "password"], takesForms: true)
    static let userChange = RequestBody(properties: ["role": nullable(choice(UserRole.self)), "disabled": nullable("boolean"),
                                                     "password": nullable(newPassword)])
    static let newToken = RequestBody(properties: ["user": nullable(userName), "scope": nullable(choice(TokenScope.self)),
                                                   "expires": nullable(.dict(["type": .string("string"), "pattern": .string(TokenLifetime.pattern)]))],
                                      takesForms: true)
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

    /// `schema`, or null (a string schema's type becomes [string, null]).
    static func nullable(_ schema: Value) -> Value {
        guard case .dict(var object) = schema, case .string(let type)? = object["type"] else { return schema }
        object["type"] = .list([.string(type), .string("null")])
        if case .list(let cases)? = object["enum"] { object["enum"] = .list(cases + [.null]) }
        return .dict(object)
    }

    /// `Credentials.checkUserName`'s rule.
    static let userName: Value = .dict(["type": .string("string"), "pattern": .string(#"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"#)])
    /// `Credentials.checkPassword`'s rule (at most 72 bytes of UTF-8, which
    /// JSON Schema cannot say: 72 ASCII characters).
    static let newPassword = text(minLength: Credentials.minPasswordLength, maxLength: Credentials.maxPasswordBytes, password: true)

    static func text(minLength: Int = 1, maxLength: Int, password: Bool = false) -> Value {
        var object: OrderedDictionary<String, Value> = ["type": .string("string"), "minLength": .int(minLength), "maxLength": .int(maxLength)]
        if password { object["format"] = .string("password") }
        return .dict(object)
    }

    /// The raw values of a typed choice; the API takes them as written (lower case).
    static func choice<T: RawRepresentable & CaseIterable>(_: T.Type) -> Value where T.RawValue == String {
        APIParameter.enumeration(T.allCases.map(\.rawValue))
    }

    var schema: Value {
        var object: OrderedDictionary<String, Value> = ["type": .string("object"), "additionalProperties": .bool(false),
                                                        "properties": .dict(properties)]
        if !required.isEmpty { object["required"] = .list(required.map(Value.string)) }
        return .dict(object)
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
        for status in operation.responses where status == 204 {
            responses[String(status)] = .dict(["description": .string("success, no content")])
        }
        for status in operation.responses where status != 204 {
            let media = status < 300 ? operation.produces : "application/json"
            let schema: Value = status < 300 ? .dict([:]) : .dict(["$ref": .string("#/components/schemas/Error")])
            responses[String(status)] = .dict(["description": .string(status < 300 ? "success" : "error"),
                                               "content": .dict([media: .dict(["schema": schema])])])
        }
        var entry: OrderedDictionary<String, Value> = ["summary": .string(operation.summary), "parameters": .list(parameters),
                                                       "responses": .dict(responses)]
        if let body = operation.body {
            var content: OrderedDictionary<String, Value> = ["application/json": .dict(["schema": body.schema])]
            if body.takesForms { content["application/x-www-form-urlencoded"] = .dict(["schema": body.schema]) }
            entry["requestBody"] = .dict(["required": .bool(!body.required.isEmpty), "content": .dict(content)])
        }
        if operation.isPublic { entry["security"] = .list([]) }
        return .dict(entry)
    }

    static let errorSchema: Value = .dict(["type": .string("object"), "required": .list([.string("error")]), "properties": .dict([
        "error": .dict(["type": .string("object"), "required": .list([.string("code"), .string("message")]), "properties": .dict([
            "code": .dict(["type": .string("string")]), "message": .dict(["type": .string("string")]),
            "field": .dict(["type": .string("string")]),
        ])]),
    ])])
}
