public import Foundation
import SwiftASN1

/// Runs the `openssl` command-line tool: the PKI tests let OpenSSL, not Myna's own code,
/// judge every certificate, CRL, OCSP response and signature.
public enum OpenSSL {
    public struct Result: Sendable {
        public let status: Int32
        public let output: String
        public var text: String { output }
    }

    /// Runs `openssl arguments…`, in `directory` when given.
    public static func run(_ arguments: [String], in directory: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        if let directory { process.currentDirectoryURL = directory }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}

/// PEM (RFC 7468) armour for DER bytes.
public enum PEM {
    public static func encode(_ der: [UInt8], label: String) -> String {
        PEMDocument(type: label, derBytes: der).pemString + "\n"
    }
}
