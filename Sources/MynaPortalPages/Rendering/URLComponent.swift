import Foundation

/// Percent-encoding for ids placed in URLs by the templates (`/portal/consents/{id}/revoke`,
/// `?pending=ID`). Ids are opaque and meant to be URL-safe already; this keeps a surprising
/// one from changing the URL's meaning. HTML escaping happens on top, in the template.
enum URLComponent {
    /// RFC 3986 §2.3 unreserved characters stay; everything else is percent-encoded.
    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }
}
