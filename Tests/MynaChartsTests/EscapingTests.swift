import MynaCharts
import Testing

@Suite struct EscapingTests {
    static let hostile = #"<script>alert("x&y")</script> 'q' ]]> &amp;"#

    @Test func hostileTextStaysText() throws {
        let charts = [
            BarChart(
                id: Self.hostile, title: Self.hostile, unit: Self.hostile,
                categories: [Self.hostile, "b"],
                series: [ChartSeries(Self.hostile, [.count(10), .suppressed]), ChartSeries("other", [.count(20), .count(30)])]
            ).svg(),
            BarChart(id: "h", title: Self.hostile, points: [ChartPoint(Self.hostile, .count(12))]).svg(),
            HorizontalBarChart(id: "h", title: Self.hostile, unit: Self.hostile, points: [ChartPoint(Self.hostile, .count(12))]).svg(),
            ProgressGauge(id: Self.hostile, title: Self.hostile, used: 1, total: 2, unit: Self.hostile).svg(),
        ]
        for svg in charts {
            #expect(!svg.contains("<script"))
            #expect(svg.contains("&lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt; &apos;q&apos; ]]&gt; &amp;amp;"))

            let parsed = try ParsedSVG(svg)
            #expect(parsed.all("script").isEmpty)
            let accessible = try #require(parsed.accessibleName)
            #expect(accessible.title == Self.hostile)
            #expect(parsed.texts.contains(Self.hostile))
        }
    }

    @Test func hostileLabelsReachTooltipsAndDescriptionIntact() throws {
        let chart = BarChart(id: "h", title: "t", points: [ChartPoint(Self.hostile, .count(12))])
        let parsed = try ParsedSVG(chart.svg())
        #expect(parsed.all("title").contains { $0.text == "\(Self.hostile): 12" })
        #expect(parsed.accessibleName?.description.contains(Self.hostile) == true)
    }

    @Test func idPrefixesAreReducedToSafeNames() throws {
        for requested in [Self.hostile, "", "2026 月別", "ok-id_1"] {
            let parsed = try ParsedSVG(BarChart(id: requested, title: "t", points: [ChartPoint("a", .count(1))]).svg())
            let id = try #require(parsed.root.attributes["id"])
            #expect(id.first?.isLetter == true)
            #expect(
                id.unicodeScalars.allSatisfy {
                    $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_")
                })
        }
        let parsed = try ParsedSVG(BarChart(id: "ok-id_1", title: "t", points: []).svg())
        #expect(parsed.root.attributes["id"] == "ok-id_1")
    }

    @Test func controlCharactersCannotBreakTheDocument() throws {
        let label = "a\u{0}b\u{1}c\u{1B}d\u{FFFF}e"
        let svg = BarChart(id: "c", title: label, points: [ChartPoint(label, .count(10))]).svg()
        let parsed = try ParsedSVG(svg)
        #expect(parsed.accessibleName?.title == "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}e")
    }
}
