import Foundation
import MynaPDF
import Testing

/// Writes the sample certificate for people to look at, when asked to:
/// `MYNA_PDF_SAMPLE_DIR=. swift test --filter SampleTests` (see scripts/render-sample.sh).
@Suite struct SampleTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["MYNA_PDF_SAMPLE_DIR"] != nil))
    func writeSample() throws {
        let folder = URL(fileURLWithPath: ProcessInfo.processInfo.environment["MYNA_PDF_SAMPLE_DIR"]!)
        let bytes = try Fixtures.certificatePDF()
        try Data(bytes).write(to: folder.appendingPathComponent("sample.pdf"))
        #expect(bytes.count > 0)
    }
}
