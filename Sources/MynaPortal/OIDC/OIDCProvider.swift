import Crypto
public import Foundation
import MynaCardOffice
public import MynaCore
public import MynaLinkage
public import MynaOIDC
public import MynaRegistry
public import MynaDatabase
public import MynaSecrets

/// A consent a resident gave a relying party: what it may have, until when.
public struct AppConsent: Sendable, Hashable {
    public let id: String
    public let clientID: String
    public let clientName: String
    public let scopes: [String]
    public let grantedAt: Date
    public let expiresAt: Date
    public let revokedAt: Date?
}

/// The OpenID Connect provider (the Digital Agency's マイナンバーカード認証 for relying
/// parties, domain.md §3): registered clients only, the authorization code flow with PKCE
/// only, a consent the resident gives on a screen that lists exactly what is shared, and
/// pairwise subjects — a relying party never sees the number, the certificate serial or
/// another party's `sub`. The rules live in MynaOIDC; this keeps the state: clients,
/// pending requests, single-use codes, consents and issued tokens.
public struct OIDCProvider: Sendable {
    public let issuer: String
    public let signer: TokenSigner
    let pairwise: PairwiseSubject
    let registry: Registry
    let linkage: LinkageHub?
    let clock: WallClock
    /// Self-information scopes (自己情報取得) name the linkage network's data items.
    public static let dataItems = Set(DataItem.allCases.map(\.rawValue))
    /// How long a consent lasts unless revoked.
    public static let consentLifetime: Int64 = 365 * 86_400_000
    static let requestLifetime: Int64 = 10 * 60_000

    var database: any Database { registry.database }
    public var userInfoEndpoint: String { issuer + "/oidc/userinfo" }

    public static func open(registry: Registry, keys: KeyStore, issuer: String, linkage: LinkageHub? = nil, clock: WallClock = .system) async throws -> OIDCProvider {
        let signer = try await TokenSigner(issuer: issuer, privateKey: P256.Signing.PrivateKey(rawRepresentation: try keys.bytes(.oidcSigning)))
        guard let pairwise = PairwiseSubject(key: try keys.key(.pairwiseSubjects)) else { throw KeyStoreError.malformedKey("pairwise-subjects") }
        _ = try ProviderMetadata(issuer: issuer, dataItems: dataItems)  // a bad issuer fails here, not on every discovery request
        return OIDCProvider(issuer: issuer, signer: signer, pairwise: pairwise, registry: registry, linkage: linkage, clock: clock)
    }

    // MARK: Clients

    /// Registers a relying party (an operator's act). A confidential client gets a secret,
    /// shown this once; only its hash is kept.
    public func registerClient(name: String, redirectURIs: [String], scopes: [String], confidential: Bool = true) async throws -> (client: ClientRegistration, secret: String?) {
        let secret = confidential ? ClientSecret.generate() : nil
        let allowed = try Set(scopes.map { name in
            guard let scope = Scope(rawValue: name, dataItems: Self.dataItems) else { throw OAuthError(.invalidScope, "unknown scope \(name)") }
            return scope
        })
        let client = try ClientRegistration(
            clientID: "rp_" + Base64URL.randomToken(byteCount: 12), name: name, redirectURIs: redirectURIs, allowedScopes: allowed,
            clientType: secret.map { .confidential(ClientSecretHash(hashing: $0.value)) } ?? .public)
        let record = ClientRecord(client)
        try await database.transaction { connection in
            try await connection.query(SQL(
                """
                INSERT INTO oidc_clients (client_id, name, redirect_uris, scopes, secret_hash, sector, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                [.text(client.clientID), .text(name), .text(record.redirectURIs), .text(record.scopes), record.secretHash.map(SQLValue.blob) ?? .null,
                 .text(client.sectorIdentifier), .integer(clock.milliseconds)]))
        }
        return (client, secret?.value)
    }

    public func client(_ id: String) async throws -> ClientRegistration? {
        guard id.utf8.count <= 64 else { return nil }
        return try await database.read { connection in
            try await connection.first(SQL("SELECT * FROM oidc_clients WHERE client_id = ? AND revoked_at IS NULL", [.text(id)]))
        }.flatMap(ClientRecord.client(from:))
    }

    // MARK: Authorization

    /// Validates an authorization request's query (RFC 6749 §4.1.1 with PKCE, OIDC Core §3.1.2.1).
    public func validate(query: String) async throws -> AuthorizationRequest {
        let pairs = (try? FormURLEncoded.pairs(query)) ?? []
        let clientID = pairs.first { $0.0 == "client_id" }?.1 ?? ""
        let client = try await client(clientID)
        return try AuthorizationRequest.validate(query: query, client: { $0 == clientID ? client : nil }, dataItems: Self.dataItems)
    }

    /// Keeps a validated request while the signed-in resident decides; the consent screen
    /// carries only its id. The card the resident signed in with, and when, go with the
    /// grant: its tokens live only while that sign-in would still stand.
    public func hold(query: String, for residentID: String, card cardID: String?, authenticatedAt: Date) async throws -> String {
        let id = "ar_" + Base64URL.randomToken(byteCount: 16)
        let now = clock.milliseconds
        try await database.transaction { connection in
            try await connection.query(SQL(
                "INSERT INTO oidc_requests (id, resident_id, card_id, query, auth_time, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [.text(id), .text(residentID), SQLValue(cardID), .text(query), .integer(Int64((authenticatedAt.timeIntervalSince1970 * 1000).rounded())),
                 .integer(now), .integer(now + Self.requestLifetime)]))
        }
        return id
    }

    /// The resident's decision on a held request: the URL to send the browser to — the
    /// client's redirect URI with a code (approved) or `access_denied`. A request is
    /// decided once, by the resident it was held for.
    public func decide(_ requestID: String, for residentID: String, approve: Bool) async throws -> String {
        let now = clock.milliseconds
        let held = try await database.transaction { connection -> (query: String, authTime: Int64, cardID: String?)? in
            guard requestID.utf8.count <= 64, let row = try await connection.first(SQL(
                "UPDATE oidc_requests SET decided_at = ? WHERE id = ? AND resident_id = ? AND decided_at IS NULL AND expires_at > ? RETURNING *",
                [.integer(now), .text(requestID), .text(residentID), .integer(now)]))
            else { return nil }
            return (try row.string("query"), Int64(try row.int("auth_time")), try row.optionalString("card_id"))
        }
        guard let held else { throw OAuthError(.invalidRequest, "the request has expired or was decided already") }
        let request = try await validate(query: held.query)
        guard approve else { return request.redirectURL(error: .accessDenied, description: "the resident declined", issuer: issuer) }
        let code = AuthorizationCode.generate()
        let grant = AuthorizationGrant(
            request: request, subject: pairwise.subject(localAccountID: residentID, client: request.client),
            authTime: Date(milliseconds: held.authTime), issuedAt: Date(milliseconds: now))
        let grantJSON = String(decoding: try JSONEncoder().encode(grant), as: UTF8.self)
        try await database.transaction { connection in
            let consentID = "cs_" + Base64URL.randomToken(byteCount: 16)
            try await connection.query(SQL(
                "INSERT INTO oidc_consents (id, client_id, resident_id, scopes, granted_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                [.text(consentID), .text(request.clientID), .text(residentID), .text(request.scopes.rawValue), .integer(now),
                 .integer(now + Self.consentLifetime)]))
            try await connection.query(SQL(
                "INSERT INTO oidc_codes (code_hash, consent_id, resident_id, card_id, auth_time, grant_json, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [.blob(Array(code.lookupKey)), .text(consentID), .text(residentID), SQLValue(held.cardID), .integer(held.authTime), .text(grantJSON),
                 .integer(Int64(grant.expiresAt.timeIntervalSince1970 * 1000))]))
        }
        return request.redirectURL(code: code.value, issuer: issuer)
    }

    // MARK: Tokens

    /// The token endpoint (RFC 6749 §4.1.3): authenticates the client, takes the code out
    /// of the store (used once, whatever happens next), checks it against the request and
    /// the PKCE verifier, and signs an access token and an ID token. Returns the JSON body.
    public func token(body: Data, authorization: String?) async throws -> Data {
        let request = try TokenRequest.parse(body: body, authorization: authorization)
        guard let client = try await client(request.clientID) else { throw OAuthError(.invalidClient, "unknown client") }
        try request.authenticate(client)
        let now = clock.milliseconds
        // A code is used once: marked, not deleted, so that a second use is seen for what it
        // is — the code was stolen or replayed — and the tokens it bought are revoked
        // (RFC 6749 §4.1.2).
        let taken = try await database.transaction { connection -> (grant: String, consent: String, resident: String)? in
            let hash = Array(AuthorizationCode.lookupKey(for: request.code))
            guard let row = try await connection.first(SQL(
                "UPDATE oidc_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL RETURNING grant_json, consent_id, resident_id",
                [.integer(now), .blob(hash)]))
            else {
                try await connection.query(SQL(
                    "UPDATE oidc_tokens SET revoked_at = ? WHERE revoked_at IS NULL AND code_hash = ?", [.integer(now), .blob(hash)]))
                return nil
            }
            // A code bought with a card that has since stopped standing buys nothing.
            guard try await connection.first(SQL(
                "SELECT 1 AS standing FROM oidc_codes o WHERE o.code_hash = ? AND \(CardOffice.signInStands(cardIDIn: "o.card_id", signedInAt: "o.auth_time"))",
                [.blob(hash)])) != nil
            else { return nil }
            return (try row.string("grant_json"), try row.string("consent_id"), try row.string("resident_id"))
        }
        guard let taken, let grant = try? JSONDecoder().decode(AuthorizationGrant.self, from: Data(taken.grant.utf8)) else {
            throw OAuthError(.invalidGrant, "the authorization code is unknown or used")
        }
        try request.redeem(grant, now: Date(milliseconds: now))
        let access = try await signer.accessToken(
            subject: grant.subject, clientID: client.clientID, audience: userInfoEndpoint, scopes: grant.scopes, authTime: grant.authTime,
            issuedAt: Date(milliseconds: now))
        let idToken = try await signer.idToken(
            subject: grant.subject, clientID: client.clientID, authTime: grant.authTime, nonce: grant.nonce, accessToken: access.token,
            issuedAt: Date(milliseconds: now))
        try await database.transaction { connection in
            try await connection.query(SQL(
                "INSERT INTO oidc_tokens (jti, consent_id, client_id, resident_id, code_hash, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                [.text(access.claims.jwtID), .text(taken.consent), .text(client.clientID), .text(taken.resident),
                 .blob(Array(AuthorizationCode.lookupKey(for: request.code))), .integer(Int64(access.claims.expiresAt.timeIntervalSince1970 * 1000))]))
        }
        return try TokenResponse(accessToken: access, idToken: idToken).json()
    }

    /// UserInfo (OIDC Core §5.3): the claims the token's scopes release, from the
    /// register now — while the token and its consent are both alive. Each answer is
    /// recorded in the resident's access records (what was handed to whom).
    public func userInfo(bearer token: String) async throws -> Data {
        let claims = try await signer.verifyAccessToken(token, audience: userInfoEndpoint, now: clock.now)
        let now = clock.milliseconds
        return try await database.transaction { connection in
            guard let row = try await connection.first(SQL(Self.liveToken, [.text(claims.jwtID), .integer(now)]))
            else { throw OAuthError(.invalidToken, "the token, its consent or the card it was granted with no longer stands") }
            let scopes = claims.scopes
            let resident = try await registry.residents.resident(
                try row.string("resident_id"), on: connection, recording: .appDisclosure, by: .app(clientID: claims.clientID),
                purpose: "\(try row.string("name")) (\(scopes.rawValue))")
            let facts = resident.facts
            return try ResidentAttributes(
                name: facts.name, nameKana: facts.nameKana, formattedAddress: facts.address.text, birthdate: facts.birthDate, sex: facts.sex
            ).userInfo(subject: claims.subject, scopes: scopes)
        }
    }

    /// Self-information (自己情報取得): every provider's copy of one data item about the
    /// resident, for a token whose scopes include `self:<item>` — while the token and its
    /// consent live. Recorded like UserInfo.
    public func selfInformation(bearer token: String, item: String) async throws -> Data {
        let claims = try await signer.verifyAccessToken(token, audience: userInfoEndpoint, now: clock.now)
        guard let dataItem = DataItem(rawValue: item), claims.scopes.contains(.selfInformation(dataItem: item)) else {
            throw OAuthError(.invalidScope, "the token does not carry self:\(item)")
        }
        guard let linkage else { throw OAuthError(.invalidRequest, "self-information is not served here") }
        let now = clock.milliseconds
        let residentID = try await database.transaction { connection in
            guard let row = try await connection.first(SQL(Self.liveToken, [.text(claims.jwtID), .integer(now)]))
            else { throw OAuthError(.invalidToken, "the token, its consent or the card it was granted with no longer stands") }
            let residentID = try row.string("resident_id")
            try await registry.residents.recordAccess(
                .appDisclosure, to: [residentID], by: .app(clientID: claims.clientID), purpose: "\(try row.string("name")) (self:\(item))", on: connection)
            return residentID
        }
        let copies = try await linkage.items(of: residentID).filter { $0.item == dataItem }.map { copy -> [String: Any] in
            ["provider": copy.provider.name, "updatedAt": Int64(copy.updatedAt.timeIntervalSince1970), "value": (try? JSONSerialization.jsonObject(with: Data(copy.value.utf8))) ?? [:]]
        }
        return try JSONSerialization.data(withJSONObject: ["sub": claims.subject, "item": item, "copies": copies], options: [.sortedKeys, .withoutEscapingSlashes])
    }

    /// A token's resident and app, while the token, its consent and its client live and
    /// the card sign-in it was granted on still stands — checked on each use, in this one
    /// query (``CardOffice/signInStands(cardIDIn:signedInAt:)`` says why).
    static let liveToken = """
        SELECT t.resident_id, c.name FROM oidc_tokens t JOIN oidc_consents s ON s.id = t.consent_id
        JOIN oidc_clients c ON c.client_id = t.client_id JOIN oidc_codes o ON o.code_hash = t.code_hash
        WHERE t.jti = ? AND t.revoked_at IS NULL AND s.revoked_at IS NULL AND s.expires_at > ? AND c.revoked_at IS NULL
        AND \(CardOffice.signInStands(cardIDIn: "o.card_id", signedInAt: "o.auth_time"))
        """

    /// Token revocation (RFC 7009): the client that holds an access token ends it. An
    /// unknown or foreign token is not an error (§2.2).
    public func revoke(body: Data, authorization: String?) async throws {
        guard let form = try? FormURLEncoded.parameters(String(decoding: body, as: UTF8.self)) else {
            throw OAuthError(.invalidRequest, "the body is not valid form-urlencoded text")
        }
        guard let token = form["token"] else { throw OAuthError(.invalidRequest, "token is required") }
        let clientID = try TokenRequest.clientAuthentication(form: form, authorization: authorization)
        guard let client = try await client(clientID.clientID) else { throw OAuthError(.invalidClient, "unknown client") }
        try TokenRequest.authenticate(clientID, against: client)
        guard let claims = try? await signer.verifyAccessToken(token, audience: userInfoEndpoint, now: .distantPast), claims.clientID == client.clientID else {
            return
        }
        try await database.transaction { connection in
            try await connection.query(SQL(
                "UPDATE oidc_tokens SET revoked_at = ? WHERE jti = ? AND revoked_at IS NULL", [.integer(clock.milliseconds), .text(claims.jwtID)]))
        }
    }

    /// Records a refused request (the endpoint, the client it named, the error code).
    public func recordRefusal(endpoint: String, clientID: String?, error: OAuthError) async {
        _ = try? await database.transaction { connection in
            try await connection.query(SQL(
                "INSERT INTO oidc_refusals (endpoint, client_id, error, occurred_at) VALUES (?, ?, ?, ?)",
                [.text(endpoint), SQLValue(clientID.map { String($0.prefix(64)) }), .text(error.code.rawValue), .integer(clock.milliseconds)]))
        }
    }

    /// Forgets refusals older than `cutoff`, and authorization requests never decided that
    /// expired before it (issue 14, finding 5). Returns how many rows went.
    @discardableResult
    public func purge(before cutoff: Int64) async throws -> Int {
        try await database.transaction { connection in
            let refusals = try await connection.query(SQL("DELETE FROM oidc_refusals WHERE occurred_at < ? RETURNING id", [.integer(cutoff)]))
            let requests = try await connection.query(SQL(
                "DELETE FROM oidc_requests WHERE decided_at IS NULL AND expires_at < ? RETURNING id", [.integer(cutoff)]))
            return refusals.count + requests.count
        }
    }

    /// The refusals recorded, newest first: (endpoint, client, error, when).
    public func refusals(limit: Int = 100) async throws -> [(endpoint: String, clientID: String?, error: String, at: Date)] {
        try await database.read { connection in
            try await connection.query(SQL("SELECT * FROM oidc_refusals ORDER BY id DESC LIMIT ?", [.init(limit)])).map {
                (try $0.string("endpoint"), try $0.optionalString("client_id"), try $0.string("error"), Date(milliseconds: try $0.int("occurred_at")))
            }
        }
    }

    // MARK: Consents

    public func consents(of residentID: String) async throws -> [AppConsent] {
        try await database.read { connection in
            try await connection.query(SQL(
                """
                SELECT s.*, c.name FROM oidc_consents s JOIN oidc_clients c ON c.client_id = s.client_id
                WHERE s.resident_id = ? ORDER BY s.granted_at DESC
                """, [.text(residentID)])).map { row in
                AppConsent(
                    id: try row.string("id"), clientID: try row.string("client_id"), clientName: try row.string("name"),
                    scopes: try row.string("scopes").split(separator: " ").map(String.init), grantedAt: Date(milliseconds: try row.int("granted_at")),
                    expiresAt: Date(milliseconds: try row.int("expires_at")), revokedAt: try row.optionalInt("revoked_at").map { Date(milliseconds: $0) })
            }
        }
    }

    /// The resident withdraws a consent: its tokens stop working at once.
    @discardableResult
    public func revokeConsent(_ id: String, of residentID: String) async throws -> Bool {
        let now = clock.milliseconds
        return try await database.transaction { connection in
            let revoked = try await connection.query(SQL(
                "UPDATE oidc_consents SET revoked_at = ? WHERE id = ? AND resident_id = ? AND revoked_at IS NULL RETURNING id",
                [.integer(now), .text(id), .text(residentID)]))
            guard !revoked.isEmpty else { return false }
            try await connection.query(SQL("UPDATE oidc_tokens SET revoked_at = ? WHERE consent_id = ? AND revoked_at IS NULL", [.integer(now), .text(id)]))
            try await connection.query(SQL("DELETE FROM oidc_codes WHERE consent_id = ?", [.text(id)]))
            return true
        }
    }

    // MARK: Discovery

    public func discovery() throws -> Data { try ProviderMetadata(issuer: issuer, dataItems: Self.dataItems).json() }

    public func jwks() -> Data { signer.jwks() }
}

/// A client as stored: redirect URIs and scopes as text, the secret as its hash.
struct ClientRecord {
    let redirectURIs: String
    let scopes: String
    let secretHash: [UInt8]?

    init(_ client: ClientRegistration) {
        redirectURIs = client.redirectURIs.joined(separator: "\n")
        scopes = client.allowedScopes.map(\.rawValue).sorted().joined(separator: " ")
        if case .confidential(let hash) = client.clientType { secretHash = Array(hash.digest) } else { secretHash = nil }
    }

    static func client(from row: SQLRow) -> ClientRegistration? {
        guard let id = try? row.string("client_id"), let name = try? row.string("name"), let uris = try? row.string("redirect_uris"),
            let scopes = try? row.string("scopes"), let sector = try? row.string("sector")
        else { return nil }
        let allowed = Set(scopes.split(separator: " ").compactMap { Scope(rawValue: String($0), dataItems: OIDCProvider.dataItems) })
        let type: ClientRegistration.ClientType = (try? row.optionalBytes("secret_hash")).flatMap { $0 }.flatMap { ClientSecretHash(digest: Data($0)) }.map { .confidential($0) } ?? .public
        return try? ClientRegistration(
            clientID: id, name: name, redirectURIs: uris.split(separator: "\n").map(String.init), allowedScopes: allowed, clientType: type,
            sectorIdentifier: sector)
    }
}
