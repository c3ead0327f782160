public import MynaCard

/// The two key pairs of the JPKI application (domain notes §3). Each has its own PIN:
/// the signature key the alphanumeric signature password, the authentication key the
/// 4-digit authentication PIN.
public enum KeyKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// 署名用: signs documents; its certificate carries the basic four facts.
    case signature
    /// 利用者証明用: proves "this is the card holder" at sign-in; its certificate carries no facts.
    case authentication

    /// The PIN that unlocks this key.
    public var pinKind: PINKind { self == .signature ? .signature : .authentication }
}
