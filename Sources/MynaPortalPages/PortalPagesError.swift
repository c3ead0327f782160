/// The one error type of this module. `code` is stable and safe to show or log; `details`
/// is for the log only.
public struct PortalPagesError: Error, Sendable, CustomStringConvertible {
    /// Stable code, never reused: `portal-resources-missing`, `portal-template-invalid`,
    /// `portal-template-missing`, `portal-string-missing`.
    public let code: String
    let details: String

    public var description: String { code }

    static func resourcesMissing(_ what: String) -> PortalPagesError {
        PortalPagesError(code: "portal-resources-missing", details: what)
    }

    static func templateInvalid(_ name: String, _ error: any Error) -> PortalPagesError {
        PortalPagesError(code: "portal-template-invalid", details: "\(name): \(error)")
    }

    static func templateMissing(_ name: String) -> PortalPagesError {
        PortalPagesError(code: "portal-template-missing", details: name)
    }

    static func stringMissing(_ key: String, _ language: PortalLanguage) -> PortalPagesError {
        PortalPagesError(code: "portal-string-missing", details: "\(key) [\(language.rawValue)]")
    }
}

extension PortalPagesError: CustomDebugStringConvertible {
    public var debugDescription: String { "\(code): \(details)" }
}
