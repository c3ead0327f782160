/// Greedy line breaking for Japanese text mixed with Latin words.
///
/// Japanese may break between any two characters; a run of Latin letters and digits (a URL,
/// a code, an English word) is kept whole when it fits on a line and broken at spaces
/// otherwise. Two rules of 禁則処理 (JIS X 4051 line-breaking rules) are applied in their
/// simplest form: closing brackets and punctuation, the prolonged sound mark and small kana
/// never start a line (they hang past the width instead), and opening brackets never end one.
public enum TextWrapping {
    /// The lines of `text`, each at most `maxWidth` points wide at `fontSize` except where a
    /// character alone is wider, or punctuation hangs. `\n` forces a break; `\r\n` counts once.
    public static func lines(of text: String, fontSize: Double, maxWidth: Double) throws(PDFError)
        -> [String]
    {
        guard fontSize.isFinite, fontSize > 0, maxWidth.isFinite, maxWidth > 0 else {
            throw .invalidArgument("wrapping needs a positive size and width")
        }
        var result: [String] = []
        let paragraphs = text.replacingCRLF().split(separator: "\n", omittingEmptySubsequences: false)
        for paragraph in paragraphs {
            try AdobeJapan1.validate(String(paragraph))
            result += wrap(Array(paragraph.unicodeScalars), limit: maxWidth * 1000 / fontSize)
        }
        return result
    }

    /// Wraps one paragraph; widths are in thousandths of an em.
    private static func wrap(_ scalars: [Unicode.Scalar], limit: Double) -> [String] {
        var lines: [String] = []
        var line: [Unicode.Scalar] = []
        var lineWidth = 0.0
        func width(_ run: some Sequence<Unicode.Scalar>) -> Double {
            run.reduce(0) { $0 + Double(AdobeJapan1.width(of: $1)?.rawValue ?? 0) }
        }
        func flush() {
            // Trailing spaces do not print; dropping them keeps right alignment honest.
            while let last = line.last, last == " " || last == "\u{3000}" { line.removeLast() }
            lines.append(String(String.UnicodeScalarView(line)))
            line = []
            lineWidth = 0
        }
        for token in tokens(scalars) {
            let tokenWidth = width(token)
            if line.isEmpty, token.allSatisfy({ $0 == " " }) { continue }
            if lineWidth + tokenWidth <= limit {
                line += token
                lineWidth += tokenWidth
                continue
            }
            if token.count == 1, noLineStart.contains(token[0]), !line.isEmpty {
                line += token  // hanging punctuation (ぶら下げ)
                lineWidth += tokenWidth
                continue
            }
            if token.allSatisfy({ $0 == " " }) {
                flush()
                continue
            }
            // Carry an opening bracket that would end this line over to the next one.
            var carried: [Unicode.Scalar] = []
            while let last = line.last, noLineEnd.contains(last), line.count > 1 {
                carried.insert(line.removeLast(), at: 0)
            }
            if !line.isEmpty { flush() }
            line = carried
            lineWidth = width(carried)
            if lineWidth + tokenWidth <= limit {
                line += token
                lineWidth += tokenWidth
            } else {
                // A word longer than the line: break it between characters.
                for scalar in token {
                    let scalarWidth = width(CollectionOfOne(scalar))
                    if lineWidth + scalarWidth > limit, !line.isEmpty, !noLineStart.contains(scalar) {
                        flush()
                    }
                    line.append(scalar)
                    lineWidth += scalarWidth
                }
            }
        }
        if !line.isEmpty || lines.isEmpty { flush() }
        return lines
    }

    /// Splits into break opportunities: a run of spaces, a Latin word, or one other character.
    private static func tokens(_ scalars: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        var tokens: [[Unicode.Scalar]] = []
        for scalar in scalars {
            if let last = tokens.last?.last, let lastKind = kind(last), kind(scalar) == lastKind {
                tokens[tokens.count - 1].append(scalar)
            } else {
                tokens.append([scalar])
            }
        }
        return tokens
    }

    private enum Kind { case space, word }

    /// Scalars that glue into multi-character tokens; nil for characters that stand alone.
    private static func kind(_ scalar: Unicode.Scalar) -> Kind? {
        if scalar == " " { return .space }
        if scalar.value > 0x20 && scalar.value < 0x7F { return .word }
        return nil
    }

    /// 行頭禁則: characters that must not start a line.
    static let noLineStart = Set("、。，．・：；？！ー）」』】〕〉》｝］,.:;?!)]}ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶｧｨｩｪｫｯｬｭｮ｡｣､ｰ゛゜々〻".unicodeScalars)
    /// 行末禁則: characters that must not end a line.
    static let noLineEnd = Set("（「『【〔〈《｛［([{｢".unicodeScalars)
}

extension String {
    fileprivate func replacingCRLF() -> String {
        var result = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in unicodeScalars {
            if scalar == "\r" {
                result.append("\n")
                previousWasCR = true
                continue
            }
            if scalar == "\n", previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = false
            result.append(scalar)
        }
        return String(result)
    }
}
