import DroverCore
import Foundation
import Hummingbird
import NIOCore
import OrderedCollections

typealias OrderedDictionaryOfValues = OrderedDictionary<String, Value>

/// JSON bodies are written from `Value` (the same JSON writer as the rest
/// of Drover), so key order is stable and nothing is encoded by reflection.
enum JSONResponse {
    static func make(_ value: Value, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: value.jsonText() + "\n")))
    }

    static func date(_ date: Date?) -> Value {
        date.map { .string(ISO8601DateFormatter().string(from: $0)) } ?? .null
    }

    static func optional(_ text: String?) -> Value { text.map(Value.string) ?? .null }
}
