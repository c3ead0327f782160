/// Legend entries under the title, laid out left to right and wrapped onto
/// more rows when they do not fit.
///
/// The unit caption shares the legend's flow so it can never collide with
/// the series names or the suppression key.
struct Legend {
    enum Swatch: Equatable {
        case none
        case series(Int)
        case suppressed
    }

    struct Entry {
        var swatch: Swatch
        var text: String
    }

    static let rowHeight = 18.0
    private static let swatchSize = 10.0
    private static let swatchGap = 4.0
    private static let entryGap = 14.0
    private static let fontSize = ChartStyle.smallFontSize

    private struct Placed {
        var swatch: Swatch
        var text: String
        var x: Double
        var row: Int
    }

    private let placed: [Placed]
    let top: Double

    /// Lays out `entries` between `left` and `right`, starting at `top`.
    init(_ entries: [Entry], left: Double, right: Double, top: Double) {
        self.top = top
        var placed: [Placed] = []
        var x = left
        var row = 0
        for entry in entries {
            let swatchWidth = entry.swatch == .none ? 0 : Self.swatchSize + Self.swatchGap
            let text = TextMetrics.truncated(entry.text, toWidth: right - left - swatchWidth, fontSize: Self.fontSize)
            let width = swatchWidth + TextMetrics.width(of: text, fontSize: Self.fontSize)
            if x > left && x + width > right {
                row += 1
                x = left
            }
            placed.append(Placed(swatch: entry.swatch, text: text, x: x, row: row))
            x += width + Self.entryGap
        }
        self.placed = placed
    }

    /// Where the legend ends; `top` when it has no entries.
    var bottom: Double {
        guard let lastRow = placed.last?.row else { return top }
        return top + Double(lastRow + 1) * Self.rowHeight
    }

    func draw(into svg: inout SVGWriter, ids: ChartIDs) {
        guard !placed.isEmpty else { return }
        svg.group("g", ["class": "chart-legend"]) { svg in
            for entry in placed {
                let rowTop = top + Double(entry.row) * Self.rowHeight
                var textX = entry.x
                switch entry.swatch {
                case .none:
                    break
                case .series(let index):
                    svg.element(
                        "rect",
                        [
                            "class": "chart-swatch chart-series-\(index)",
                            "x": NumberText.coordinate(entry.x),
                            "y": NumberText.coordinate(rowTop + 4),
                            "width": NumberText.coordinate(Self.swatchSize),
                            "height": NumberText.coordinate(Self.swatchSize),
                            "fill": ChartStyle.color(ofSeries: index),
                        ])
                    textX += Self.swatchSize + Self.swatchGap
                case .suppressed:
                    svg.suppressedPlaceholder(
                        x: entry.x, y: rowTop + 4, width: Self.swatchSize, height: Self.swatchSize, ids: ids,
                        className: "chart-swatch chart-suppressed")
                    textX += Self.swatchSize + Self.swatchGap
                }
                svg.element(
                    "text",
                    [
                        "class": "chart-label chart-legend-label",
                        "x": NumberText.coordinate(textX),
                        "y": NumberText.coordinate(rowTop + 13),
                        "font-size": NumberText.coordinate(Self.fontSize),
                        "fill": ChartStyle.textColor,
                    ], text: entry.text)
            }
        }
    }
}

extension Legend {
    /// The usual entries: the unit caption, a swatch per series when there
    /// are several, and the key to the hatching when anything is suppressed.
    static func entries(unit: String?, seriesNames: [String], hasSuppressed: Bool) -> [Entry] {
        var entries: [Entry] = []
        if let unit, !unit.isEmpty {
            entries.append(Entry(swatch: .none, text: Wording.unitCaption(unit)))
        }
        if seriesNames.count > 1 {
            entries += seriesNames.enumerated().map { Entry(swatch: .series($0.offset), text: $0.element) }
        }
        if hasSuppressed {
            entries.append(Entry(swatch: .suppressed, text: Wording.suppressedLegend))
        }
        return entries
    }
}
