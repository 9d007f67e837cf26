import DroverCore
import Foundation

/// A token's `expires` as the API takes it: `ExpiryDuration`'s forms
/// written one way only (`30d`, `12h`, `90m`, `2w`, `never`: lower case, no
/// sign, spaces or leading zeros, at most 3650 of the unit), so that the
/// OpenAPI document's pattern says exactly which values are taken. The
/// CLI's `--expires` stays lenient.
enum TokenLifetime {
    static let pattern = #"^(never|([1-9][0-9]{0,2}|[1-2][0-9]{3}|3[0-5][0-9]{2}|36[0-4][0-9]|3650)[mhdw])$"#

    /// Seconds, or nil for `never`.
    static func parse(_ text: String) throws(InputError) -> TimeInterval? {
        let lifetime = try ExpiryDuration.parse(text)
        let written = lifetime == nil ? "never" : text.last.flatMap { unit in Int(text.dropLast()).map { "\($0)\(unit)" } }
        guard written == text, text == text.lowercased() else {
            throw InputError(.badDuration, "write `expires` as 30d, 12h, 90m, 2w or never (lower case, a number from 1 to 3650)")
        }
        return lifetime
    }
}
