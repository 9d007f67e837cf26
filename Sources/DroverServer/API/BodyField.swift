import DroverCore
import DroverStore
import OrderedCollections

/// Typed fields of a request body (JSON, or a form post's text). A missing
/// required field or a value of the wrong kind is 422 naming the field.
enum BodyField {
    static func string(_ body: OrderedDictionary<String, Value>, _ key: String, maxLength: Int) throws -> String {
        guard let value = try optionalString(body, key, maxLength: maxLength) else {
            throw APIError(.unprocessableContent, .invalidField, "`\(key)` is required", field: key)
        }
        return value
    }

    static func optionalString(_ body: OrderedDictionary<String, Value>, _ key: String, maxLength: Int) throws -> String? {
        guard let value = body[key], value != .null else { return nil }
        guard case .string(let text) = value, !text.isEmpty, text.count <= maxLength else {
            throw APIError(.unprocessableContent, .invalidField, "`\(key)` must be a text of 1 to \(maxLength) characters", field: key)
        }
        return text
    }

    /// One of a typed choice's raw values, exactly as the OpenAPI document's
    /// enum lists them (the CLI also takes other cases; the API does not).
    static func choice<T: RawRepresentable & CaseIterable>(_ body: OrderedDictionary<String, Value>, _ key: String,
                                                           _: T.Type) throws -> T? where T.RawValue == String {
        guard let text = try optionalString(body, key, maxLength: 32) else { return nil }
        guard let value = T(rawValue: text) else {
            throw APIError(.unprocessableContent, .invalidField, "`\(key)` is one of \(T.allCases.map(\.rawValue).joined(separator: ", "))",
                           field: key)
        }
        return value
    }

    /// A JSON boolean, or `true`/`false` from a form.
    static func bool(_ body: OrderedDictionary<String, Value>, _ key: String) throws -> Bool? {
        switch body[key] {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag
        case .string("true")?: return true
        case .string("false")?: return false
        default: throw APIError(.unprocessableContent, .invalidField, "`\(key)` must be true or false", field: key)
        }
    }

    /// A value the store's rules refused (a weak password, an unknown role).
    static func invalid(_ key: String, _ error: InputError) -> APIError {
        APIError(.unprocessableContent, .invalidField, error.message, field: key)
    }
}

extension APIError {
    /// A store refusal as the client sees it: 404 for what does not exist,
    /// 409 for what clashes.
    init(_ error: StoreError) {
        switch error.code {
        case .notFound: self.init(.notFound, .notFound, error.message)
        case .alreadyExists, .conflict: self.init(.conflict, .conflict, error.message)
        case .cannotOpen, .blobMissing: self.init(.internalServerError, .internal, error.message)
        }
    }
}
