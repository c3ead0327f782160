import Foundation
import Testing

/// Writes every sample chart to the folder named by `MYNA_CHARTS_SAMPLES`, for
/// looking at them in a browser; does nothing when it is not set.
@Suite struct SampleDumpTests {
    @Test func writeSamplesWhenAsked() throws {
        guard let folder = ProcessInfo.processInfo.environment["MYNA_CHARTS_SAMPLES"] else { return }
        let url = URL(fileURLWithPath: folder, isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for sample in Samples.all {
            try Data(sample.svg.utf8).write(to: url.appendingPathComponent(sample.name + ".svg"))
        }
    }
}
