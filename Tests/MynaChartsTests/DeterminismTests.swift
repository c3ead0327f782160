import MynaCharts
import Testing

@Suite struct DeterminismTests {
    @Test func sameInputGivesTheSameBytes() {
        let first = Samples.all
        let second = Samples.all
        for (a, b) in zip(first, second) {
            #expect(Array(a.svg.utf8) == Array(b.svg.utf8), "\(a.name)")
        }
    }

    @Test func theIDPrefixChangesOnlyTheIDs() {
        let a = BarChart(id: "first", title: "t", points: [ChartPoint("a", .count(12)), ChartPoint("b", .suppressed)]).svg()
        let b = BarChart(id: "second", title: "t", points: [ChartPoint("a", .count(12)), ChartPoint("b", .suppressed)]).svg()
        #expect(a != b)
        #expect(a.replacingOccurrences(of: "first", with: "second") == b)
    }

    @Test func knownOutputStaysStable() {
        // A small chart spelled out in full: any change in formatting shows up here.
        let svg = BarChart(
            id: "k", title: "件数", unit: "件", points: [ChartPoint("A", .count(1_234)), ChartPoint("B", .suppressed)],
            width: 240, height: 160
        ).svg()
        #expect(
            svg.hasPrefix(
                #"<svg xmlns="http://www.w3.org/2000/svg" id="k" class="chart chart-bar-chart" viewBox="0 0 240 160" width="240" height="160" role="img" aria-labelledby="k-title k-desc" font-family="sans-serif">"#
            ))
        #expect(svg.contains(#"<desc id="k-desc">棒グラフ / bar chart. A: 1,234 件; B: 10未満 (fewer than 10).</desc>"#))
        #expect(svg.hasSuffix("</svg>\n"))
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
