import DroverCore
import Foundation
import GRDB

/// A user of the controller server, as listed: never with the password
/// hash, which stays inside the store.
public struct UserAccount: Sendable, Equatable, Codable, FetchableRecord {
    public let id: Int64
    public let name: String
    public let role: UserRole
    public let disabled: Bool
    public let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name, role, disabled
        case createdAt = "created_at"
    }
}
