import Foundation

/// Runs the poppler-utils command-line tools on PDFs the tests write to a temporary folder.
/// The tests never install anything: without the tools they are skipped, and
/// `scripts/install-pdf-tools.sh` installs them.
enum Poppler {
    struct Result {
        let status: Int32
        let stdout: Data
        let stderr: String
        var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    static let skipMessage =
        "poppler-utils not found (pdfinfo, pdftotext, pdftoppm): run scripts/install-pdf-tools.sh"

    static var isAvailable: Bool {
        ["pdfinfo", "pdftotext", "pdftoppm"].allSatisfy { path(of: $0) != nil }
    }

    static func path(of tool: String) -> String? {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
            .split(separator: ":").map(String.init)
        return directories.map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The fontconfig setup that maps the Heisei names to the IPA fonts (see the file).
    static let fontconfigFile = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/fontconfig/fonts.conf").path

    static func run(_ tool: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.executableURL = URL(fileURLWithPath: path(of: tool) ?? "/usr/bin/\(tool)")
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read both pipes before waiting so that a full pipe cannot block the tool.
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: outData,
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A fresh temporary folder holding `bytes` as `name`.
    static func write(_ bytes: [UInt8], named name: String = "test.pdf") throws -> URL {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("mynapdf-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent(name)
        try Data(bytes).write(to: file)
        return file
    }
}
