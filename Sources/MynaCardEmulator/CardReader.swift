internal import MynaCard
internal import Synchronization

/// A reader with a virtual card inserted: the APDU layer a PC/SC bridge (and OpenSC's
/// JPKI driver) talks to. `transmit(_:)` takes any byte string and always answers with
/// response data followed by a two-byte status word; malformed commands never trap.
///
/// Commands (domain notes §3):
/// - SELECT DF `00 A4 04 0C Lc AID` (P2 `00` accepted too): the JPKI AP or the text-input AP.
///   Selecting a different DF ends every PIN verification of the session.
///   `00 A4 00 0C [02 3F 00]` selects the MF (no application).
/// - SELECT EF `00 A4 02 0C 02 <EF id>` within the selected DF. Absent files — a
///   certificate not yet installed, the signature EFs of a card without a signature
///   key — answer `6A 82`.
/// - READ BINARY `00 B0 <offset hi> <offset lo> <Le>`: Le `00` reads up to 256 bytes,
///   extended Le more; fewer bytes come back with `90 00` at the end of the file, and an
///   offset past the end is `6B 00`. Certificates are read in chunks by offset. The
///   signature certificate needs the signature PIN, the text-input EFs the text-input
///   PIN (`69 82` otherwise); key and PIN EFs are never readable (`69 81`).
/// - VERIFY `00 20 00 80 Lc <ASCII PIN>` against the selected PIN EF: `90 00`, or
///   `63 Cx` with x tries left, or `69 83` when blocked (also for the right PIN). With a
///   card file, every attempt is made on the card as stored, holding the chip's lock
///   (`VirtualCardFile.update`), and saved before the status word is returned — so
///   readers in other threads or processes, or on a copy of the file, never overwrite
///   one another's attempts; if loading or saving fails (including a file older than its
///   counter record) the answer is `65 81` and the session is not verified. VERIFY without data
///   reports without spending a try (ISO/IEC 7816-4 §11.5.6): `90 00` if this session
///   already verified the PIN, otherwise `63 Cx` with the tries left, or `69 83` if blocked.
/// - CHANGE REFERENCE DATA `00 24 01 80 Lc <new PIN>` on the selected PIN EF after VERIFY
///   in this session; `00 24 00 80 Lc <old‖new>` only for the 4-digit PINs (8 bytes),
///   where the old PIN counts as an attempt.
/// - COMPUTE DIGITAL SIGNATURE `80 2A 00 80 Lc <DigestInfo> 00` with a key EF selected
///   and its PIN verified in this session (`69 82` otherwise): the 256-byte RSASSA-PKCS1-v1_5
///   signature over the DigestInfo.
///
/// Other status words: `67 00` malformed or wrong length, `6A 86` wrong P1/P2, `6D 00`
/// unknown INS, `6E 00` unknown CLA, `69 86` no suitable EF selected.
public final class CardReader: Sendable {
    private let state: Mutex<CardSession>
    private let file: VirtualCardFile?

    /// Inserts `card`. With a `file`, every change to the card (each PIN attempt, each PIN
    /// change) is made to the card as stored there, and saved, before its status word is
    /// returned.
    public init(card: VirtualCard, file: VirtualCardFile? = nil) {
        self.state = Mutex(CardSession(card: card))
        self.file = file
    }

    /// Inserts the card stored in `file`, saving every change back to it.
    public convenience init(file: VirtualCardFile) throws {
        self.init(card: try file.load(), file: file)
    }

    /// The card as it is now.
    public var card: VirtualCard { state.withLock { $0.card } }

    /// Ends the session, as pulling and reinserting the card does: no DF or EF selected,
    /// no PIN verified.
    public func reset() {
        state.withLock { $0.endSession() }
    }

    /// Sends one command APDU; returns the response data followed by SW1 SW2.
    public func transmit(_ command: [UInt8]) -> [UInt8] {
        let file = self.file
        let (data, status) = state.withLock { session in
            session.process(command) { card, change in
                guard let file else {
                    var changed = card
                    try change(&changed)
                    return changed
                }
                return try file.update { stored in
                    try change(&stored)
                    return stored
                }
            }
        }
        return data + status.bytes
    }
}

/// One card session: the card and the reader-side state (selected DF and EF, PINs
/// verified since the DF was selected).
struct CardSession {
    enum Application: Hashable { case jpki, textInput, cardFace }

    /// What an EF is, for the commands that may touch it.
    enum CardFile {
        case binary([UInt8], readNeeds: PINKind?)
        case key(KeyKind)
        case pin(PINKind)
    }

    /// Applies a change to the card where it is kept and returns the card as kept after
    /// it: with a file, to the stored card under the chip's lock; otherwise to `card`.
    typealias Store = (_ card: VirtualCard, _ change: (inout VirtualCard) throws -> Void) throws -> VirtualCard
    typealias Response = ([UInt8], StatusWord)

    var card: VirtualCard
    private(set) var application: Application?
    private(set) var selectedEF: UInt16?
    private(set) var verified: Set<PINKind> = []

    init(card: VirtualCard) {
        self.card = card
    }

    mutating func endSession() {
        application = nil
        selectedEF = nil
        verified = []
    }

    mutating func process(_ bytes: [UInt8], store: Store) -> Response {
        guard bytes.count >= 4 else { return ([], .wrongLength) }
        let cla = bytes[0], ins = bytes[1]
        guard cla == 0x00 || cla == 0x80 else { return ([], .claNotSupported) }
        let expectedCLA: UInt8
        switch ins {
        case 0xA4, 0xB0, 0x20, 0x24, CardFaceApplication.internalAuthenticate: expectedCLA = 0x00
        case 0x2A: expectedCLA = 0x80
        default: return ([], .insNotSupported)
        }
        guard cla == expectedCLA else { return ([], .claNotSupported) }
        guard let apdu = CommandAPDU(bytes) else { return ([], .wrongLength) }
        switch ins {
        case 0xA4: return ([], select(apdu))
        case 0xB0: return readBinary(apdu)
        case 0x20: return ([], verify(apdu, store: store))
        case 0x24: return ([], changeReferenceData(apdu, store: store))
        case CardFaceApplication.internalAuthenticate: return internalAuthenticate(apdu)
        default: return computeDigitalSignature(apdu)
        }
    }

    // MARK: SELECT

    private mutating func select(_ apdu: CommandAPDU) -> StatusWord {
        guard apdu.p2 == 0x0C || apdu.p2 == 0x00 else { return .wrongP1P2 }
        switch apdu.p1 {
        case 0x04:
            guard !apdu.data.isEmpty else { return .wrongLength }
            let target: Application
            if apdu.data == JPKIApplication.aid {
                target = .jpki
            } else if apdu.data == TextInputApplication.aid, card.hasPIN(.textInput) {
                target = .textInput
            } else if apdu.data == CardFaceApplication.aid, card.hasPIN(.cardFace) {
                target = .cardFace
            } else {
                return .fileNotFound
            }
            if target != application { verified = [] }
            application = target
            selectedEF = nil
            return .ok
        case 0x02:
            guard apdu.data.count == 2 else { return .wrongLength }
            let id = UInt16(apdu.data[0]) << 8 | UInt16(apdu.data[1])
            guard file(id) != nil else { return .fileNotFound }
            selectedEF = id
            return .ok
        case 0x00:
            guard apdu.data.isEmpty || apdu.data == [0x3F, 0x00] else { return .fileNotFound }
            endSession()
            return .ok
        default:
            return .wrongP1P2
        }
    }

    /// The EF `id` in the selected DF, or `nil` if there is no such file.
    private func file(_ id: UInt16) -> CardFile? {
        switch application {
        case nil:
            return nil
        case .jpki:
            switch id {
            case JPKIApplication.tokenEF: return .binary(JPKIApplication.tokenContents, readNeeds: nil)
            case JPKIApplication.certificatePresenceEF: return .binary(card.certificatePresence, readNeeds: nil)
            default: break
            }
            for kind in KeyKind.allCases where card.hasKey(kind) {
                switch id {
                case JPKIApplication.certificateEF(for: kind):
                    return card.certificate(for: kind).map {
                        .binary($0, readNeeds: kind == .signature ? .signature : nil)
                    }
                case JPKIApplication.caCertificateEF(for: kind):
                    return card.caCertificate(for: kind).map { .binary($0, readNeeds: nil) }
                case JPKIApplication.keyEF(for: kind):
                    return .key(kind)
                case JPKIApplication.pinEF(for: kind):
                    return card.hasPIN(kind.pinKind) ? .pin(kind.pinKind) : nil
                default:
                    continue
                }
            }
            return nil
        case .textInput:
            switch id {
            case TextInputApplication.pinEF: return .pin(.textInput)
            case TextInputApplication.myNumberEF: return card.textInput.map { .binary($0.myNumberFile, readNeeds: .textInput) }
            case TextInputApplication.basicFourEF: return card.textInput.map { .binary($0.basicFourFile, readNeeds: .textInput) }
            default: return nil
            }
        case .cardFace:
            switch id {
            case CardFaceApplication.numberBEF: return .pin(.cardFace)
            case CardFaceApplication.faceEF: return card.face.map { .binary($0.faceFile, readNeeds: .cardFace) }
            default: return nil
            }
        }
    }

    private var currentFile: CardFile? { selectedEF.flatMap(file) }

    // MARK: READ BINARY

    private func readBinary(_ apdu: CommandAPDU) -> Response {
        guard apdu.p1 & 0x80 == 0 else { return ([], .wrongP1P2) }  // short EF ids are not supported
        guard apdu.data.isEmpty, let le = apdu.le else { return ([], .wrongLength) }
        guard let current = currentFile else { return ([], .noCurrentEF) }
        guard case .binary(let contents, let needs) = current else { return ([], .incompatibleFile) }
        if let needs, !verified.contains(needs) { return ([], .securityStatusNotSatisfied) }
        let offset = Int(apdu.p1) << 8 | Int(apdu.p2)
        guard offset < contents.count else { return ([], .wrongOffset) }
        let end = min(contents.count, offset + le)
        return (Array(contents[offset..<end]), .ok)
    }

    // MARK: VERIFY

    private mutating func verify(_ apdu: CommandAPDU, store: Store) -> StatusWord {
        guard apdu.p1 == 0x00, apdu.p2 == 0x80 else { return .wrongP1P2 }
        guard case .pin(let kind) = currentFile, let triesLeft = card.triesLeft(kind) else { return .noCurrentEF }
        if apdu.data.isEmpty {
            if triesLeft == 0 { return .pinBlocked }
            return verified.contains(kind) ? .ok : .wrongPIN(triesLeft: triesLeft)
        }
        return attempt(String(decoding: apdu.data, as: UTF8.self), for: kind, store: store)
    }

    /// One PIN attempt on the card as stored, saved before its result is reported.
    private mutating func attempt(_ pin: String, for kind: PINKind, store: Store) -> StatusWord {
        verified.remove(kind)
        var outcome: PINVerification?
        do {
            card = try store(card) { stored in outcome = try stored.verify(pin: pin, for: kind) }
        } catch VirtualCardError.noPIN {
            return .noCurrentEF
        } catch {
            return .memoryFailure
        }
        guard let result = outcome else { return .memoryFailure }
        switch result {
        case .verified:
            verified.insert(kind)
            return .ok
        case .wrong(let triesLeft):
            return .wrongPIN(triesLeft: triesLeft)
        case .blocked:
            return .pinBlocked
        }
    }

    // MARK: CHANGE REFERENCE DATA

    private mutating func changeReferenceData(_ apdu: CommandAPDU, store: Store) -> StatusWord {
        guard apdu.p2 == 0x80, apdu.p1 == 0x00 || apdu.p1 == 0x01 else { return .wrongP1P2 }
        guard case .pin(let kind) = currentFile, let triesLeft = card.triesLeft(kind) else { return .noCurrentEF }
        guard !apdu.data.isEmpty else { return .wrongLength }
        if triesLeft == 0 { return .pinBlocked }
        let newPIN: String
        if apdu.p1 == 0x01 {
            guard verified.contains(kind) else { return .securityStatusNotSatisfied }
            newPIN = String(decoding: apdu.data, as: UTF8.self)
        } else {
            guard kind != .signature else { return .wrongP1P2 }  // old‖new cannot be split for variable lengths
            guard apdu.data.count == 8 else { return .wrongLength }
            newPIN = String(decoding: apdu.data[4...], as: UTF8.self)
            guard kind.validate(newPIN) == nil else { return .incorrectData }
            let status = attempt(String(decoding: apdu.data[..<4], as: UTF8.self), for: kind, store: store)
            guard status == .ok else { return status }
        }
        guard kind.validate(newPIN) == nil else { return .incorrectData }
        do {
            card = try store(card) { stored in try stored.setPIN(kind, to: newPIN) }
        } catch {
            return .memoryFailure
        }
        return .ok
    }

    // MARK: COMPUTE DIGITAL SIGNATURE

    private func computeDigitalSignature(_ apdu: CommandAPDU) -> Response {
        guard apdu.p1 == 0x00, apdu.p2 == 0x80 else { return ([], .wrongP1P2) }
        guard case .key(let kind) = currentFile else { return ([], .noCurrentEF) }
        guard verified.contains(kind.pinKind) else { return ([], .securityStatusNotSatisfied) }
        guard !apdu.data.isEmpty, apdu.data.count <= CardKeyPair.maximumDigestInfoLength else {
            return ([], .wrongLength)
        }
        guard let signature = try? card.signVerified(digestInfo: apdu.data, with: kind) else {
            return ([], .incorrectData)
        }
        return (signature, .ok)
    }

    // MARK: INTERNAL AUTHENTICATE

    private func internalAuthenticate(_ apdu: CommandAPDU) -> Response {
        guard apdu.p1 == 0x00, apdu.p2 == 0x00 else { return ([], .wrongP1P2) }
        guard application == .cardFace else { return ([], .noCurrentEF) }
        guard verified.contains(.cardFace) else { return ([], .securityStatusNotSatisfied) }
        guard !apdu.data.isEmpty, apdu.data.count <= Self.maximumChallengeLength else { return ([], .wrongLength) }
        guard let signature = try? card.signWithCardFaceVerified(apdu.data) else { return ([], .incorrectData) }
        return (signature, .ok)
    }

    /// The longest data INTERNAL AUTHENTICATE signs: a challenge statement fits with room.
    static let maximumChallengeLength = 4096
}
