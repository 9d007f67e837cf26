/// The result of checking a password. The server answers every failure
/// alike (no hint whether the name exists) but audits the real reason.
public enum LoginOutcome: Sendable, Equatable {
    case success(UserAccount)
    case failure(LoginFailure)
}

public enum LoginFailure: String, Sendable, Equatable {
    case unknownUser = "unknown_user"
    case wrongPassword = "wrong_password"
    case disabled
}
