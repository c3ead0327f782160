import ArgumentParser
import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import MynaAudit

/// Checks the transparency log from outside, trusting only the log's public key: a tree
/// head's signature, a record's inclusion, and that the log only grew.
struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "The transparency log of provision and access records.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify the log's current tree head, and optionally a record's inclusion and consistency with an earlier head.",
            discussion: """
                --public-key is the log's key obtained independently (GET /v1/log/public-key once, kept). --evidence is what the \\
                person or oversight received for one record (GET /v1/residents/{id}/provision-records/{record}/evidence). \\
                --previous is a tree head saved earlier with --save-head: the log must contain it unchanged.
                """)
        @Option(help: "The server, e.g. http://127.0.0.1:8080.") var server: String
        @Option(help: "The log's public key (PEM).") var publicKey: String
        @Option(help: "A record's evidence (JSON).") var evidence: String?
        @Option(help: "An earlier tree head (JSON, as get-sth returns it).") var previous: String?
        @Option(help: "Write the current tree head here, for a later --previous.") var saveHead: String?

        func run() async throws {
            guard let pem = FileManager.default.contents(atPath: publicKey),
                let key = try? P256.Signing.PublicKey(pemRepresentation: String(decoding: pem, as: UTF8.self))
            else { throw ValidationError("\(publicKey) is not a P-256 public key in PEM") }
            var failures = 0
            func report(_ ok: Bool, _ what: String) {
                print("\(ok ? "ok  " : "FAIL") \(what)")
                if !ok { failures += 1 }
            }
            let headData = try await fetch("/v1/log/get-sth")
            let head = try SignedTreeHead(jsonRepresentation: headData)
            report(head.verify(publicKey: key), "tree head of size \(head.treeSize) is signed by the log's key")

            if let evidence {
                guard let data = FileManager.default.contents(atPath: evidence), let item = try? JSONDecoder().decode(Evidence.self, from: data),
                    let salt = Data(base64Encoded: item.salt)
                else { throw ValidationError("\(evidence) is not a record's evidence") }
                let path = item.auditPath.compactMap { Data(base64Encoded: $0).map(Array.init) }
                report(item.treeHead.verify(publicKey: key), "the evidence's tree head (size \(item.treeHead.treeSize)) is signed by the log's key")
                let commitment = try RecordCommitment.commit(record: Array(item.record.utf8), salt: Array(salt))
                report(MerkleTree.verifyInclusion(
                    leafHash: MerkleHash.leaf(commitment), index: item.leafIndex, treeSize: Int(item.treeHead.treeSize), proof: path,
                    root: item.treeHead.rootHash), "the record is leaf \(item.leafIndex) of that tree")
                try await consistency(from: item.treeHead, to: head, report: report)
            }
            if let previous {
                guard let data = FileManager.default.contents(atPath: previous), let earlier = try? SignedTreeHead(jsonRepresentation: data) else {
                    throw ValidationError("\(previous) is not a tree head")
                }
                report(earlier.verify(publicKey: key), "the earlier tree head (size \(earlier.treeSize)) is signed by the log's key")
                try await consistency(from: earlier, to: head, report: report)
            }
            if let saveHead { try headData.write(to: URL(fileURLWithPath: saveHead)) }
            if failures > 0 { throw ExitCode(1) }
        }

        /// The log at `later` contains the log at `earlier` unchanged (RFC 9162 §2.1.4).
        private func consistency(from earlier: SignedTreeHead, to later: SignedTreeHead, report: (Bool, String) -> Void) async throws {
            guard earlier.treeSize <= later.treeSize else { return report(false, "the log shrank from \(earlier.treeSize) to \(later.treeSize)") }
            let data = try await fetch("/v1/log/get-sth-consistency?first=\(earlier.treeSize)&second=\(later.treeSize)")
            let proof = (try JSONDecoder().decode([String: [String]].self, from: data)["consistency"] ?? []).compactMap { Data(base64Encoded: $0).map(Array.init) }
            report(MerkleTree.verifyConsistency(
                firstSize: Int(earlier.treeSize), secondSize: Int(later.treeSize), firstRoot: earlier.rootHash, secondRoot: later.rootHash, proof: proof),
                "the log of size \(later.treeSize) extends the log of size \(earlier.treeSize) unchanged")
        }

        private func fetch(_ path: String) async throws -> Data {
            guard let url = URL(string: server.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + path) else { throw ValidationError("bad server URL") }
            let (data, response) = try await URLSession.shared.data(from: url)
            guard (response as? HTTPURLResponse)?.statusCode == 200 else {
                throw UsageFailure("\(path): \(String(decoding: data, as: UTF8.self))")
            }
            return data
        }
    }

    struct Evidence: Decodable {
        let record: String
        let salt: String
        let leafIndex: Int
        let auditPath: [String]
        let treeHead: SignedTreeHead
    }
}
