/// The rules a user name and a password must follow, checked before
/// anything is hashed or stored. Messages never repeat the password.
public enum Credentials {
    /// bcrypt reads at most 72 bytes: a longer password would be silently
    /// cut, so it is refused instead.
    public static let maxPasswordBytes = 72
    public static let minPasswordLength = 8

    public static func checkUserName(_ name: String) throws(InputError) {
        let allowed = name.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || "._-".contains($0) }
        guard !name.isEmpty, name.count <= 64, allowed, name.first?.isLetter == true || name.first?.isNumber == true else {
            throw InputError(.badUserName, "user names are 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit")
        }
    }

    public static func checkPassword(_ password: String) throws(InputError) {
        guard password.count >= minPasswordLength else {
            throw InputError(.weakPassword, "the password is too short: use at least \(minPasswordLength) characters")
        }
        guard password.utf8.count <= maxPasswordBytes else {
            throw InputError(.passwordTooLong, "the password is longer than \(maxPasswordBytes) bytes, which bcrypt would cut: use a shorter one")
        }
    }
}
