import ArgumentParser
import Crypto
import Foundation
import MynaPKI
import SwiftASN1
import X509

struct CACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ca", abstract: "The JPKI certificate authorities: the key ceremony and what it made.",
        subcommands: [Initialise.self, Show.self])

    struct Initialise: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create the root, signature and user-authentication CAs (RSA-2048, SHA-256). Refuses to overwrite.",
            discussion: """
                Keys go to <data dir>/ca/<role>.key with mode 0600 and certificates to <role>.pem. The revocation \
                URLs (OCSP responder, CRL distribution points) written into the CA certificates and every card \
                certificate start with --url-base.
                """)

        @Option(help: "Data directory. Default ./.myna. Env: MYNA_DATA_DIR.") var dataDir: String?
        @Option(help: "Public base URL of the revocation services. Default http://127.0.0.1:8080/v1/pki.") var urlBase: String?

        func run() throws {
            let directory = caDirectory(dataDir)
            let authorities = try CertificateAuthorities.initialize(in: directory, urls: RevocationURLs(base: urlBase ?? defaultURLBase))
            print("created the JPKI certificate authorities in \(directory.path)")
            try describe(authorities)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print each CA's subject, validity and SHA-256 fingerprint.")

        @Option(help: "Data directory. Default ./.myna. Env: MYNA_DATA_DIR.") var dataDir: String?

        func run() throws {
            try describe(CertificateAuthorities.load(from: caDirectory(dataDir), urls: RevocationURLs(base: defaultURLBase)))
        }
    }
}

let defaultURLBase = "http://127.0.0.1:8080/v1/pki"

func caDirectory(_ dataDir: String?) -> URL {
    URL(fileURLWithPath: dataDir ?? ProcessInfo.processInfo.environment["MYNA_DATA_DIR"] ?? ".myna", isDirectory: true)
        .appendingPathComponent("ca")
}

private func describe(_ authorities: CertificateAuthorities) throws {
    for ca in authorities.all {
        var serializer = DER.Serializer()
        try serializer.serialize(ca.certificate)
        let fingerprint = SHA256.hash(data: serializer.serializedBytes).map { String(format: "%02X", $0) }.joined(separator: ":")
        print("""
            \(ca.role.rawValue):
              subject      \(ca.certificate.subject)
              valid        \(ca.certificate.notValidBefore.formatted(.iso8601)) – \(ca.certificate.notValidAfter.formatted(.iso8601))
              SHA-256      \(fingerprint)
            """)
    }
}
