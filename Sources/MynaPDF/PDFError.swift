/// The one error type of MynaPDF.
///
/// `code` is stable and public; the description is generic on purpose, because the text
/// being drawn is usually personal data (a name, an address). Details are only in
/// `String(reflecting:)`, for logs that may hold them.
public struct PDFError: Error, Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// A character the predefined Adobe-Japan1 fonts cannot show (see `AdobeJapan1`).
        case unsupportedCharacter = "MYNA-PDF-001"
        /// A number, size or date outside what the call accepts.
        case invalidArgument = "MYNA-PDF-002"
        /// A field value that does not have the required form (e.g. a verification code).
        case invalidField = "MYNA-PDF-003"
        /// A seal that does not fit its placeholder, or a file without exactly one readable
        /// seal in the form `PDFDigitalSeal` writes.
        case invalidSeal = "MYNA-PDF-004"
    }

    public let code: Code
    /// The refused character, for `.unsupportedCharacter`; a caller may swap in a gaiji or a
    /// standard form. It is not part of `description`.
    public let unsupportedScalar: Unicode.Scalar?
    private let detail: String

    init(_ code: Code, detail: String, unsupportedScalar: Unicode.Scalar? = nil) {
        self.code = code
        self.detail = detail
        self.unsupportedScalar = unsupportedScalar
    }

    static func unsupported(_ scalar: Unicode.Scalar) -> PDFError {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let padded = String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        return PDFError(
            .unsupportedCharacter,
            detail: "U+\(padded) is not printable with the predefined Adobe-Japan1 fonts",
            unsupportedScalar: scalar)
    }

    static func invalidArgument(_ detail: String) -> PDFError {
        PDFError(.invalidArgument, detail: detail)
    }

    static func invalidField(_ detail: String) -> PDFError {
        PDFError(.invalidField, detail: detail)
    }

    static func invalidSeal(_ detail: String) -> PDFError {
        PDFError(.invalidSeal, detail: detail)
    }

    public var description: String {
        switch code {
        case .unsupportedCharacter: "PDF error \(code.rawValue): unsupported character"
        case .invalidArgument: "PDF error \(code.rawValue): invalid argument"
        case .invalidField: "PDF error \(code.rawValue): invalid field"
        case .invalidSeal: "PDF error \(code.rawValue): invalid seal"
        }
    }

    public var debugDescription: String { "\(description) (\(detail))" }
}
