import MynaCharts

/// Checks that apply to every chart the package draws.
enum Inspection {
    /// The numbers in `text`, with their thousands separators:
    /// "2026-01: 1,234 件" → ["2026", "01", "1,234"].
    static func numbers(in text: String) -> [String] {
        var numbers: [String] = []
        var current = ""
        for character in text + " " {
            if character.isASCII && character.isNumber || !current.isEmpty && character == "," {
                current.append(character)
            } else if !current.isEmpty {
                numbers.append(current.hasSuffix(",") ? String(current.dropLast()) : current)
                current = ""
            }
        }
        return numbers
    }

    /// Whether `text` states a number from 1 to 9 on its own.
    static func mentionsSmallCount(_ text: String) -> Bool {
        numbers(in: text).contains { $0.count == 1 && $0 != "0" }
    }

    /// Attributes that hold coordinates or sizes and must be plain decimals.
    static let numericAttributes: Set<String> = [
        "x", "y", "x1", "y1", "x2", "y2", "width", "height", "font-size", "stroke-width",
    ]

    static func isPlainDecimal(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return false }
        let whole = parts[0].hasPrefix("-") ? parts[0].dropFirst() : parts[0]
        guard !whole.isEmpty, whole.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        guard parts.count == 2 else { return true }
        return (1...2).contains(parts[1].count) && parts[1].allSatisfy { $0.isASCII && $0.isNumber } && parts[1].last != "0"
    }
}
