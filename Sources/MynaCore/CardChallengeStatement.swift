public import Foundation

/// What a My Number card signs when it answers a challenge: the purpose, the party it is
/// for, the server's origin, the challenge and its nonce — every field a verifier checks
/// inside the signed bytes (domain separation, as WebAuthn's `clientDataJSON` carries
/// `type` and `origin`; style.md, "Protocols that say what they are for"). A signature
/// made for one purpose, party or server verifies for no other, and the card's app can
/// show the holder, in words, what the PIN is about to approve.
///
/// The bytes are UTF-8 lines `key: value`, in a fixed order, after the line
/// `myna-card-challenge-v2`. Values never hold control or formatting characters (no line
/// breaks, no bidirectional overrides, no terminal escapes), so what a holder reads is
/// what the card signs. The v1 input (`myna-portal-sign-in-v1\n<id>\n<nonce>`) named no
/// purpose and no party; nothing accepts it any more.
public struct CardChallengeStatement: Sendable, Hashable {
    public static let header = "myna-card-challenge-v2"
    /// A statement is small; anything longer is not one.
    public static let maximumLength = 4096

    /// Why the card is asked to sign: each endpoint that takes a card's answer accepts
    /// exactly one purpose.
    public enum Purpose: String, Sendable, Hashable, CaseIterable {
        /// Sign in to Mynaportal (directly, or approving a browser that shows a code).
        case portalSignIn = "portal-sign-in"
        /// Show, or create, the holder's Mykey ID.
        case mykey = "mykey"
        /// Attach a municipal card (library, volunteer) to the holder's Mykey ID.
        case mykeyAttachCard = "mykey-attach-card"
        /// Sign the holder up to a Mynapoint campaign with one cashless provider, for good.
        case mynapointSignUp = "mynapoint-sign-up"
        /// Claim the Mynapoint rewards the holder's linkages have earned.
        case mynapointClaim = "mynapoint-claim"
        /// Print a certificate for the holder at a registered kiosk.
        case kioskCertificate = "kiosk-certificate"
        /// Let a registered medical institution check the holder's insurance eligibility.
        case eligibilityCheck = "eligibility-check"

        /// The details a statement of this purpose carries, in their order; each is required.
        public var detailKeys: [String] {
            switch self {
            case .portalSignIn: []  // or the waiting browser's three: see `browserKeys`
            case .mykey, .mynapointClaim, .eligibilityCheck: []
            case .mykeyAttachCard: ["card-kind", "card-municipality", "card-number"]
            case .mynapointSignUp: ["campaign", "provider", "provider-name", "provider-account"]
            case .kioskCertificate: ["certificate-kind"]
            }
        }

        /// Whether the party is a registered one (`party:<id>`) rather than Myna's portal or a
        /// counter: the kiosk and the clinic ask for their own challenges, signed.
        public var needsRegisteredParty: Bool { self == .kioskCertificate || self == .eligibilityCheck }

        /// In words, for the holder, before the PIN.
        public var english: String {
            switch self {
            case .portalSignIn: "Sign in to Mynaportal"
            case .mykey: "Show or create your Mykey ID"
            case .mykeyAttachCard: "Attach a municipal card to your Mykey ID"
            case .mynapointSignUp: "Sign up to a Mynapoint campaign with a cashless provider (this cannot be changed later)"
            case .mynapointClaim: "Claim the Mynapoint rewards your linkages have earned"
            case .kioskCertificate: "Print a certificate about you at a kiosk"
            case .eligibilityCheck: "Let a medical institution check your health-insurance eligibility"
            }
        }

        public var japanese: String {
            switch self {
            case .portalSignIn: "マイナポータルへのログイン"
            case .mykey: "マイキーIDの表示・作成"
            case .mykeyAttachCard: "マイキーIDへの自治体カードの登録"
            case .mynapointSignUp: "マイナポイントの申込み（決済サービスは後から変更できません）"
            case .mynapointClaim: "マイナポイントの付与の申請"
            case .kioskCertificate: "コンビニ等での証明書の交付"
            case .eligibilityCheck: "医療機関・薬局での資格確認"
            }
        }
    }

    /// The details that describe the browser waiting for a cross-device sign-in: when it
    /// asked, its approximate network, and what it says it is (its own words, not checked).
    public static let browserKeys = ["browser-since", "browser-network", "browser-agent"]

    public let purpose: Purpose
    /// Who the answer is for: `portal`, `party:<registered id>`, or `counter:<staff id>`.
    public let audience: String
    /// The audience's registered name, for the holder to read.
    public let audienceName: String
    /// The server's origin (scheme, host and port), which the card's app compares with the
    /// server it is talking to.
    public let origin: String
    public let challengeID: String
    public let nonce: String
    public let expiresAt: Date
    /// Purpose-specific details, in the purpose's order.
    public let details: [(key: String, value: String)]

    public init(
        purpose: Purpose, audience: String, audienceName: String, origin: String, challengeID: String, nonce: [UInt8], expiresAt: Date,
        details: [(key: String, value: String)] = []
    ) {
        self.purpose = purpose
        self.audience = Self.clean(audience)
        self.audienceName = Self.clean(audienceName)
        self.origin = Self.clean(origin)
        self.challengeID = Self.clean(challengeID)
        self.nonce = Base64URL.encode(nonce)
        self.expiresAt = Date(timeIntervalSince1970: expiresAt.timeIntervalSince1970.rounded(.down))
        self.details = details.map { ($0.key, Self.clean($0.value)) }
    }

    public func detail(_ key: String) -> String? { details.first { $0.key == key }?.value }

    /// The bytes the card signs.
    public var bytes: [UInt8] {
        var lines = [
            Self.header, "purpose: \(purpose.rawValue)", "audience: \(audience)", "audience-name: \(audienceName)", "origin: \(origin)",
            "challenge: \(challengeID)", "nonce: \(nonce)", "expires: \(Self.timestamp(expiresAt))",
        ]
        lines += details.map { "\($0.key): \($0.value)" }
        return Array(lines.joined(separator: "\n").utf8)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.bytes == rhs.bytes }
    public func hash(into hasher: inout Hasher) { hasher.combine(bytes) }

    // MARK: Reading a statement (the card's app)

    public enum ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        case notAStatement
        case tooLong
        case malformedLine(Int)
        case unexpectedKey(String)
        case missingKey(String)
        case unknownPurpose(String)
        case forbiddenCharacter(String)
        case invalidValue(String)

        public var description: String {
            switch self {
            case .notAStatement: "this is not a Myna card challenge (v2): the card signs nothing it cannot show you"
            case .tooLong: "the statement is too long to be one"
            case .malformedLine(let line): "line \(line) is not `key: value`"
            case .unexpectedKey(let key): "the statement carries \(key), which this purpose does not have"
            case .missingKey(let key): "the statement lacks \(key)"
            case .unknownPurpose(let purpose): "unknown purpose \(purpose)"
            case .forbiddenCharacter(let key): "\(key) holds a control or formatting character"
            case .invalidValue(let key): "\(key) is not valid"
            }
        }
    }

    /// Reads a statement strictly: the header, every key in its order, nothing more, no
    /// control or formatting character anywhere. What cannot be read is not signed.
    public init(parsing bytes: [UInt8]) throws(ParseError) {
        guard bytes.count <= Self.maximumLength else { throw .tooLong }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .notAStatement }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.first == Self.header else { throw .notAStatement }
        lines.removeFirst()
        var pairs: [(key: String, value: String)] = []
        for (index, line) in lines.enumerated() {
            guard let separator = line.range(of: ": ") else { throw .malformedLine(index + 2) }
            let key = String(line[..<separator.lowerBound])
            let value = String(line[separator.upperBound...])
            guard !key.isEmpty, key.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || $0 == "-" }) else { throw .malformedLine(index + 2) }
            guard value.unicodeScalars.allSatisfy(Self.isShowable) else { throw .forbiddenCharacter(key) }
            pairs.append((key, value))
        }
        var rest = pairs[...]
        func take(_ key: String) throws(ParseError) -> String {
            guard let next = rest.first else { throw .missingKey(key) }
            guard next.key == key else { throw .unexpectedKey(next.key) }
            rest = rest.dropFirst()
            return next.value
        }
        let purposeText = try take("purpose")
        guard let purpose = Purpose(rawValue: purposeText) else { throw .unknownPurpose(purposeText) }
        let audience = try take("audience")
        let audienceName = try take("audience-name")
        let origin = try take("origin")
        let challengeID = try take("challenge")
        let nonceText = try take("nonce")
        let expiresText = try take("expires")
        guard let nonce = Base64URL.decode(nonceText), nonce.count >= 16 else { throw .invalidValue("nonce") }
        guard let expires = Self.date(expiresText) else { throw .invalidValue("expires") }
        guard Self.audienceFits(audience, purpose) else { throw .invalidValue("audience") }
        guard let url = URL(string: origin), url.scheme == "https" || url.scheme == "http", url.host != nil, url.path.isEmpty, url.query == nil
        else { throw .invalidValue("origin") }
        var keys = purpose.detailKeys
        if purpose == .portalSignIn, rest.first?.key == Self.browserKeys[0] { keys = Self.browserKeys }
        var details: [(key: String, value: String)] = []
        for key in keys { details.append((key, try take(key))) }
        if let extra = rest.first { throw .unexpectedKey(extra.key) }
        self.init(
            purpose: purpose, audience: audience, audienceName: audienceName, origin: origin, challengeID: challengeID, nonce: nonce, expiresAt: expires,
            details: details)
        guard self.bytes == bytes else { throw .notAStatement }  // one spelling only
    }

    /// Whether the audience's form fits the purpose: a kiosk's or a clinic's challenge is
    /// for a registered party; a counter signs a resident up in person; the rest are the
    /// portal's own.
    public static func audienceFits(_ audience: String, _ purpose: Purpose) -> Bool {
        if purpose.needsRegisteredParty { return audience.hasPrefix("party:") && audience.count > 6 }
        if purpose == .mynapointSignUp, audience.hasPrefix("counter:"), audience.count > 8 { return true }
        return audience == "portal"
    }

    /// What the card's app must refuse even for a well-formed statement: another purpose
    /// than the one the holder asked for, another server than the one it is talking to,
    /// or a challenge already past its time.
    public func refusal(expecting purposes: Set<Purpose>, origin expectedOrigin: String, now: Date) -> String? {
        guard purposes.contains(purpose) else {
            return "the server asks the card to approve \"\(purpose.english)\", which is not what you asked to do"
        }
        guard Self.sameOrigin(origin, expectedOrigin) else {
            return "the challenge was made for \(origin), not for the server you are talking to (\(expectedOrigin))"
        }
        guard expiresAt > now else { return "the challenge has expired" }
        return nil
    }

    /// The statement in words, for the holder to read before the PIN.
    public var summary: [String] {
        var lines = [
            "You are about to approve with your card (マイナンバーカードで承認します):",
            "  what:  \(purpose.english) — \(purpose.japanese)",
            "  for:   \(audienceName) (\(audience))",
            "  at:    \(origin)",
        ]
        switch purpose {
        case .portalSignIn where detail("browser-since") != nil:
            lines.append("  the browser that will be signed in (ログインするブラウザ):")
            lines.append("         waiting since \(detail("browser-since") ?? "?"), from network \(detail("browser-network") ?? "?")")
            lines.append("         it says it is: \(detail("browser-agent") ?? "?")")
            lines.append("  If you did not open this sign-in yourself, on a device you hold, stop here.")
        case .portalSignIn:
            lines.append("  this device is signed in to your portal")
        case .mykeyAttachCard:
            lines.append("  card:  \(detail("card-kind") ?? "") \(detail("card-number") ?? "") of municipality \(detail("card-municipality") ?? "")")
        case .mynapointSignUp:
            lines.append("  campaign \(detail("campaign") ?? ""), provider \(detail("provider-name") ?? "") (\(detail("provider") ?? "")), account \(detail("provider-account") ?? "")")
        case .kioskCertificate:
            lines.append("  certificate: \(detail("certificate-kind") ?? "")")
        case .mykey, .mynapointClaim, .eligibilityCheck:
            break
        }
        lines.append("  valid until \(Self.timestamp(expiresAt))")
        return lines
    }

    // MARK: Helpers

    static func sameOrigin(_ a: String, _ b: String) -> Bool {
        func normal(_ text: String) -> String? {
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else { return nil }
            let port = url.port ?? (scheme == "https" ? 443 : 80)
            return "\(scheme)://\(host):\(port)"
        }
        guard let left = normal(a), let right = normal(b) else { return false }
        return left == right
    }

    /// Scalars a holder can read and a line cannot hide: no C0/C1 controls, no formatting
    /// characters (bidirectional overrides, zero-width joiners), no line or paragraph separators.
    static func isShowable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned: false
        default: true
        }
    }

    /// A value made showable: what a holder cannot read becomes U+FFFD, and it is kept short.
    static func clean(_ value: String) -> String {
        String(String.UnicodeScalarView(value.unicodeScalars.prefix(256).map { isShowable($0) ? $0 : "\u{FFFD}" }))
    }

    public static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
