import Foundation
import MynaDatabase
import MynaSecrets
import Testing

/// Issue 14: key files were written with Foundation's `createFile` (readable by others until
/// its mode was changed, and through any link planted at the path) and read whatever their mode.
@Suite("Secret files: the key store's keys")
struct SecretFileTests {
    func withKeyDirectory(_ body: (URL) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("myna-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: directory) }
        try body(directory)
    }

    @Test("a link planted at a key's path is not followed: nothing is written where it points")
    func plantedLink() throws {
        try withKeyDirectory { directory in
            let keys = KeyStore(directory: directory, environment: [:])
            let file = directory.appendingPathComponent("number-lookup.key")
            let stolen = directory.appendingPathComponent("world-readable-copy")
            try FileManager.default.createSymbolicLink(atPath: file.path, withDestinationPath: stolen.path)
            #expect(throws: SecretFileError.symbolicLink(file.path)) { _ = try keys.bytes(.numberLookup) }
            #expect(!FileManager.default.fileExists(atPath: stolen.path))
            // Straight at a new path, the same call fails rather than follow a link.
            #expect(throws: SecretFileError.exists(file.path)) { try SecretFile.create(file.path, contents: [1, 2, 3]) }
            #expect(!FileManager.default.fileExists(atPath: stolen.path))
        }
    }

    @Test("a key file others may read or write is refused on load, naming the file and the fix")
    func openKeyFile() throws {
        try withKeyDirectory { directory in
            let keys = KeyStore(directory: directory, environment: [:])
            let created = try keys.bytes(.recordIntegrity)
            let file = directory.appendingPathComponent("record-integrity.key")
            #expect((try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            #expect(try keys.bytes(.recordIntegrity) == created)
            for mode in [0o644, 0o640, 0o602] {
                try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file.path)
                #expect(throws: SecretFileError.tooOpen(file.path, mode: mode)) { _ = try keys.bytes(.recordIntegrity) }
            }
            let message = SecretFileError.tooOpen(file.path, mode: 0o644).description
            #expect(message.contains(file.path) && message.contains("chmod 600"))
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
            #expect(try keys.bytes(.recordIntegrity) == created)
        }
    }

    @Test("a new secret file is 0600 from its creation, and a missing one reads as nil")
    func modeFromTheStart() throws {
        try withKeyDirectory { directory in
            let path = directory.appendingPathComponent("secret").path
            try SecretFile.create(path, contents: Array("s".utf8))
            #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            #expect(try SecretFile.read(path) == Array("s".utf8))
            #expect(try SecretFile.read(directory.appendingPathComponent("missing").path) == nil)
        }
    }
}
