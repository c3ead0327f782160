import Foundation
import MynaOIDC
import Testing

@Suite struct OAuthErrorTests {
    @Test func jsonBody() throws {
        let error = OAuthError(.invalidGrant, "the authorization code has expired")
        #expect(String(decoding: error.json, as: UTF8.self) == #"{"error":"invalid_grant","error_description":"the authorization code has expired"}"#)
        #expect(error.httpStatus == 400)
    }

    @Test func descriptionKeepsToTheAllowedCharacters() {
        // RFC 6749 §5.2: no '"', no '\', printable ASCII only.
        let error = OAuthError(.invalidRequest, "bad \"value\" \\ 山田")
        #expect(error.description == "bad ?value? ? ??")
    }

    @Test func redirectOnlyWhenAllowed() {
        let denied = OAuthError(.accessDenied, "the resident declined", redirectable: true)
        #expect(denied.redirectURL(to: "https://rp.example/cb", state: "xyz", issuer: "https://myna.example")
            == "https://rp.example/cb?error=access_denied&error_description=the%20resident%20declined&state=xyz&iss=https%3A%2F%2Fmyna.example")
        let bad = OAuthError(.invalidRequest, "redirect_uri mismatch")
        #expect(bad.redirectURL(to: "https://rp.example/cb", state: "xyz", issuer: "https://myna.example") == nil)
    }

    @Test func codesUseTheRegisteredNames() {
        #expect(OAuthError.Code.allCases.count == 13)
        #expect(OAuthError.Code.unsupportedResponseType.rawValue == "unsupported_response_type")
        #expect(OAuthError.Code.consentRequired.rawValue == "consent_required")
        #expect(OAuthError(.invalidToken, "x").httpStatus == 401)
    }
}
