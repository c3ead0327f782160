import Crypto
import Foundation
import MynaAudit
import MynaTestSupport
import Testing

@Suite("Signed tree heads")
struct SignedTreeHeadTests {
    static let key = LogKey.generate()
    static let root = MerkleHash.leaf(Array("root".utf8))

    static func sample() throws -> SignedTreeHead {
        try SignedTreeHead.sign(treeSize: 1_234_567, timestamp: 1_767_225_600_000, rootHash: root, key: key)
    }

    @Test func signsAndVerifies() throws {
        let sth = try Self.sample()
        #expect(sth.treeSize == 1_234_567)
        #expect(sth.timestamp == 1_767_225_600_000)
        #expect(sth.rootHash == Self.root)
        #expect(sth.verify(publicKey: Self.key.publicKey))
        #expect(!sth.verify(publicKey: LogKey.generate().publicKey), "another log's key")
    }

    @Test func treeHeadSignatureLayoutIsRFC6962() {
        let root = [UInt8](0xA0 ... 0xBF)
        let bytes = SignedTreeHead.signedBytes(
            treeSize: 0x0102_0304_0506_0708, timestamp: 0x1112_1314_1516_1718, rootHash: root)
        #expect(bytes.count == 1 + 1 + 8 + 8 + 32)
        #expect(bytes[0] == 0, "version v1")
        #expect(bytes[1] == 1, "signature_type tree_hash")
        #expect(Array(bytes[2 ..< 10]) == [0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18], "timestamp, big-endian")
        #expect(Array(bytes[10 ..< 18]) == [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08], "tree_size, big-endian")
        #expect(Array(bytes[18 ..< 50]) == root, "sha256_root_hash")
    }

    @Test func signatureIsADigitallySignedStruct() throws {
        let signature = try Self.sample().signature
        #expect(signature[0] == 4, "hash algorithm sha256")
        #expect(signature[1] == 3, "signature algorithm ecdsa")
        let length = Int(signature[2]) << 8 | Int(signature[3])
        #expect(signature.count == 4 + length)
        #expect(signature[4] == 0x30, "a DER SEQUENCE")
        #expect(throws: Never.self) { try P256.Signing.ECDSASignature(derRepresentation: signature[4...]) }
    }

    @Test func flippingAnyBitOfAnyFieldBreaksTheSignature() throws {
        let sth = try Self.sample()
        let key = Self.key.publicKey
        for bit in 0 ..< 64 {
            let tamperedSize = SignedTreeHead(
                treeSize: sth.treeSize ^ (1 << UInt64(bit)), timestamp: sth.timestamp,
                rootHash: sth.rootHash, signature: sth.signature)
            #expect(!tamperedSize.verify(publicKey: key), "tree_size bit \(bit)")
            let tamperedTime = SignedTreeHead(
                treeSize: sth.treeSize, timestamp: sth.timestamp ^ (1 << UInt64(bit)),
                rootHash: sth.rootHash, signature: sth.signature)
            #expect(!tamperedTime.verify(publicKey: key), "timestamp bit \(bit)")
        }
        for bit in 0 ..< 256 {
            let tampered = SignedTreeHead(
                treeSize: sth.treeSize, timestamp: sth.timestamp,
                rootHash: sth.rootHash.flippingBit(bit), signature: sth.signature)
            #expect(!tampered.verify(publicKey: key), "root bit \(bit)")
        }
        for bit in 0 ..< sth.signature.count * 8 {
            let tampered = SignedTreeHead(
                treeSize: sth.treeSize, timestamp: sth.timestamp,
                rootHash: sth.rootHash, signature: sth.signature.flippingBit(bit))
            #expect(!tampered.verify(publicKey: key), "signature bit \(bit)")
        }
    }

    @Test func malformedInputIsRefused() throws {
        #expect(throws: TreeHeadError.malformedRootHash) {
            try SignedTreeHead.sign(treeSize: 1, timestamp: 1, rootHash: [1, 2], key: Self.key)
        }
        let sth = try Self.sample()
        for signature in [[], [4, 3], Array(sth.signature.dropLast()), sth.signature + [0]] {
            let tampered = SignedTreeHead(
                treeSize: sth.treeSize, timestamp: sth.timestamp, rootHash: sth.rootHash, signature: signature)
            #expect(!tampered.verify(publicKey: Self.key.publicKey))
        }
    }

    @Test func jsonIsTheGetSTHResponse() throws {
        let sth = try Self.sample()
        let json = try sth.jsonRepresentation()
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(Set(object.keys) == ["tree_size", "timestamp", "sha256_root_hash", "tree_head_signature"])
        #expect((object["tree_size"] as? NSNumber)?.uint64Value == sth.treeSize)
        #expect((object["timestamp"] as? NSNumber)?.uint64Value == sth.timestamp)
        let root = try #require(object["sha256_root_hash"] as? String)
        #expect(Data(base64Encoded: root).map(Array.init) == sth.rootHash)
        let signature = try #require(object["tree_head_signature"] as? String)
        #expect(Data(base64Encoded: signature).map(Array.init) == sth.signature)

        let decoded = try SignedTreeHead(jsonRepresentation: json)
        #expect(decoded == sth)
        #expect(decoded.verify(publicKey: Self.key.publicKey))
    }

    @Test func jsonReadsAHandWrittenResponse() throws {
        let root = [UInt8](repeating: 7, count: 32)
        let json = """
            {"tree_size": 18446744073709551615, "timestamp": 1396877277237,
             "sha256_root_hash": "\(Data(root).base64EncodedString())",
             "tree_head_signature": "BAMABAECAwQ="}
            """
        let sth = try SignedTreeHead(jsonRepresentation: Data(json.utf8))
        #expect(sth.treeSize == .max)
        #expect(sth.timestamp == 1_396_877_277_237)
        #expect(sth.rootHash == root)
        #expect(sth.signature == [4, 3, 0, 4, 1, 2, 3, 4])
    }

    @Test func jsonRefusesMalformedFields() {
        let shortRoot = #"{"tree_size":1,"timestamp":2,"sha256_root_hash":"AAEC","tree_head_signature":""}"#
        let notBase64 = #"{"tree_size":1,"timestamp":2,"sha256_root_hash":"***","tree_head_signature":""}"#
        let missing = #"{"tree_size":1,"timestamp":2,"tree_head_signature":""}"#
        for json in [shortRoot, notBase64, missing] {
            #expect(throws: DecodingError.self) { try SignedTreeHead(jsonRepresentation: Data(json.utf8)) }
        }
    }
}

@Suite("Log key")
struct LogKeyTests {
    @Test func privateKeyPEMRoundTrips() throws {
        let key = LogKey.generate()
        #expect(key.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let reloaded = try LogKey(privateKeyPEM: key.privateKeyPEM)
        #expect(reloaded.publicKeyPEM == key.publicKeyPEM)
        let sth = try SignedTreeHead.sign(treeSize: 1, timestamp: 2, rootHash: MerkleHash.empty, key: reloaded)
        #expect(sth.verify(publicKey: key.publicKey))
    }

    @Test func publicKeyPEMIsASubjectPublicKeyInfo() throws {
        let key = LogKey.generate()
        #expect(key.publicKeyPEM.hasPrefix("-----BEGIN PUBLIC KEY-----"))
        let parsed = try P256.Signing.PublicKey(pemRepresentation: key.publicKeyPEM)
        #expect(parsed.rawRepresentation == key.publicKey.rawRepresentation)
    }

    @Test func logIDIsSHA256OfTheDERPublicKey() {
        let key = LogKey.generate()
        #expect(key.logID.count == 32)
        #expect(key.logID == sha256(Array(key.publicKey.derRepresentation)))
        #expect(key.logID != LogKey.generate().logID)
    }

    @Test func garbageIsNotAKey() {
        #expect(throws: (any Error).self) { try LogKey(privateKeyPEM: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----") }
    }
}

/// The same bytes, checked by an independent implementation.
@Suite("OpenSSL interoperability")
struct OpenSSLInteropTests {
    @Test func openSSLVerifiesOurTreeHeadSignature() throws {
        let key = LogKey.generate()
        let sth = try SignedTreeHead.sign(
            treeSize: 42, timestamp: 1_767_225_600_000, rootHash: MerkleHash.leaf([1, 2, 3]), key: key)
        try withTemporaryDirectory { directory in
            try write(key.publicKeyPEM, to: directory, "pub.pem")
            try write(sth.signedBytes, to: directory, "data.bin")
            try write(Array(sth.signature.dropFirst(4)), to: directory, "sig.der")
            let output = try OpenSSL.run(
                ["dgst", "-sha256", "-verify", "pub.pem", "-signature", "sig.der", "data.bin"], in: directory)
            #expect(output.status == 0)
            #expect(output.text.contains("Verified OK"))

            // And it rejects a tampered tree head.
            try write(sth.signedBytes.flippingBit(90), to: directory, "data.bin")
            let tampered = try OpenSSL.run(
                ["dgst", "-sha256", "-verify", "pub.pem", "-signature", "sig.der", "data.bin"], in: directory)
            #expect(tampered.status != 0)
            #expect(tampered.text.contains("Verification failure"))
        }
    }

    @Test(arguments: [["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "key.pem"],
                      ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "key.pem"]])
    func weLoadOpenSSLKeysAndVerifyItsSignatures(generate: [String]) throws {
        try withTemporaryDirectory { directory in
            #expect(try OpenSSL.run(generate, in: directory).status == 0)
            let pem = try String(contentsOf: directory.appendingPathComponent("key.pem"), encoding: .utf8)
            let key = try LogKey(privateKeyPEM: pem)

            // Same public key, byte for byte, so the same log ID.
            #expect(try OpenSSL.run(["pkey", "-in", "key.pem", "-pubout", "-outform", "DER", "-out", "pub.der"],
                                    in: directory).status == 0)
            let openSSLDER = try Data(contentsOf: directory.appendingPathComponent("pub.der"))
            #expect(Array(openSSLDER) == Array(key.publicKey.derRepresentation))
            #expect(sha256(Array(openSSLDER)) == key.logID)

            // OpenSSL signs a TreeHeadSignature; wrapped as DigitallySigned, it verifies here.
            let root = MerkleHash.leaf([9])
            let message = SignedTreeHead.signedBytes(treeSize: 7, timestamp: 8, rootHash: root)
            try write(message, to: directory, "data.bin")
            #expect(try OpenSSL.run(["dgst", "-sha256", "-sign", "key.pem", "-out", "sig.der", "data.bin"],
                                    in: directory).status == 0)
            let der = Array(try Data(contentsOf: directory.appendingPathComponent("sig.der")))
            let signature = [4, 3, UInt8(der.count >> 8), UInt8(der.count & 0xFF)] + der
            let sth = SignedTreeHead(treeSize: 7, timestamp: 8, rootHash: root, signature: signature)
            #expect(sth.verify(publicKey: key.publicKey))
        }
    }

    private func write(_ text: String, to directory: URL, _ name: String) throws {
        try Data(text.utf8).write(to: directory.appendingPathComponent(name))
    }

    private func write(_ bytes: [UInt8], to directory: URL, _ name: String) throws {
        try Data(bytes).write(to: directory.appendingPathComponent(name))
    }

    private func withTemporaryDirectory(_ body: (URL) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("myna-audit-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try body(directory)
    }
}
