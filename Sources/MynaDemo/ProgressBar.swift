public import Foundation
public import MynaRegistry
import Synchronization

/// A one-line progress bar on standard error for long work (imports, seeding,
/// benchmarks). Redraws at most ten times a second; silent when stderr is not a
/// terminal except for the final line.
public struct ProgressBar {
    private(set) var total: Int
    let label: String
    private let start = Date()
    private var lastDraw = Date.distantPast
    private let interactive = isatty(2) == 1

    public init(total: Int, label: String) {
        self.total = max(total, 1)
        self.label = label
    }

    public mutating func update(_ done: Int) {
        guard interactive, Date().timeIntervalSince(lastDraw) >= 0.1 || done >= total else { return }
        lastDraw = Date()
        draw(done)
    }

    /// Draws the final state (the total becomes what was done: the estimate may be off).
    public func finish(_ done: Int) {
        var final = self
        final.total = max(done, 1)
        final.draw(done)
        FileHandle.standardError.write(Data("\n".utf8))
    }

    private func draw(_ done: Int) {
        let fraction = min(1, Double(done) / Double(total))
        let width = 30
        let filled = Int(fraction * Double(width))
        let elapsed = max(Date().timeIntervalSince(start), 0.001)
        let rate = Int(Double(done) / elapsed)
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let line = "\r\(label) \(bar) \(Int(fraction * 100))% \(done)/\(total) \(rate)/s"
        FileHandle.standardError.write(Data(line.utf8))
    }
}

extension ResidentImport {
    /// Runs the import with a progress bar on standard error (`myna resident import`, the
    /// registry benchmark).
    public func runShowingProgress(_ text: String, source: String) async throws -> Summary {
        let bar = Mutex(ProgressBar(total: Self.estimatedRows(in: text), label: "importing"))
        var importer = self
        let earlier = onProgress
        importer.onProgress = { done in
            earlier(done)
            bar.withLock { $0.update(done) }
        }
        let summary = try await importer.run(text, source: source)
        bar.withLock { $0.finish(summary.imported) }
        return summary
    }
}
