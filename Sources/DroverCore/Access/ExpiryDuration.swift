import Foundation

/// A token lifetime as typed: `30d`, `12h`, `90m`, `2w`, or `never`.
public enum ExpiryDuration {
    /// Seconds, or nil for `never`.
    public static func parse(_ text: String) throws(InputError) -> TimeInterval? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed == "never" { return nil }
        let units: [Character: TimeInterval] = ["m": 60, "h": 3600, "d": 86400, "w": 7 * 86400]
        guard let unit = trimmed.last, let seconds = units[unit], let count = Int(trimmed.dropLast()), count > 0, count <= 3650 else {
            throw InputError(.badDuration, "cannot read the duration '\(text)': write a number and a unit, as 30d, 12h, 90m or 2w, or 'never'")
        }
        return Double(count) * seconds
    }
}
