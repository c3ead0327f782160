import Foundation
import MynaTestSupport
import MynaPKI
import MynaDatabase
import MynaSecrets
import Testing
import X509

@Suite("File signer")
struct FileSignerTests {
    @Test("a new key is RSA-2048 in a 0600 file, never overwritten, and its signatures verify")
    func createSignVerify() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("myna-signer-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("ca.key")
        let signer = try FileSigner.create(at: file)
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        #expect(throws: SignerError.self) { try FileSigner.create(at: file) }

        // OpenSSL, not our own code, checks the signature.
        let message = Array("to be signed".utf8)
        let signature = try signer.sign(message)
        #expect(signature.count == 256)
        let publicKey = directory.appendingPathComponent("ca.pub.pem")
        try Data(PEM.encode(Array(signer.publicKey.subjectPublicKeyInfoBytes), label: "RSA PUBLIC KEY").utf8).write(to: publicKey)
        try Data(message).write(to: directory.appendingPathComponent("message"))
        try Data(signature).write(to: directory.appendingPathComponent("signature"))
        let result = try OpenSSL.run(["dgst", "-sha256", "-verify", publicKey.path, "-signature",
                                      directory.appendingPathComponent("signature").path, directory.appendingPathComponent("message").path])
        #expect(result.status == 0 && result.output.contains("Verified OK"), "\(result.output)")
        #expect(try FileSigner(file: file).publicKey == signer.publicKey)
    }

    @Test("a key file others can read is refused")
    func refusesOpenFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("myna-signer-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("ca.key")
        _ = try FileSigner.create(at: file)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
        #expect(throws: SecretFileError.tooOpen(file.path, mode: 0o644)) { try FileSigner(file: file) }
        try FileManager.default.setAttributes([.posixPermissions: 0o620], ofItemAtPath: file.path)
        #expect(throws: SecretFileError.tooOpen(file.path, mode: 0o620)) { try FileSigner(file: file) }
        // The error names the file and the fix.
        #expect(SecretFileError.tooOpen(file.path, mode: 0o644).description.contains("chmod 600 \(file.path)"))
    }

    /// Issue 14: the CA key was written through whatever sat at its path.
    @Test("a link planted at a new CA key's path is not followed, and a key read through a link is refused")
    func refusesPlantedLink() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("myna-signer-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("root.key")
        let elsewhere = directory.appendingPathComponent("readable-by-the-attacker")
        try FileManager.default.createSymbolicLink(atPath: file.path, withDestinationPath: elsewhere.path)
        #expect(throws: SignerError.self) { try FileSigner.create(at: file) }
        #expect(!FileManager.default.fileExists(atPath: elsewhere.path))
        // A real key behind a link: refused on load.
        let real = directory.appendingPathComponent("real.key")
        _ = try FileSigner.create(at: real)
        try FileManager.default.removeItem(at: file)
        try FileManager.default.createSymbolicLink(atPath: file.path, withDestinationPath: real.path)
        #expect(throws: SecretFileError.symbolicLink(file.path)) { try FileSigner(file: file) }
    }
}
