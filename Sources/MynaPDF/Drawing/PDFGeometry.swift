import Foundation

/// A point in PDF user space: 1/72 inch, origin at the bottom-left of the page, y upwards
/// (ISO 32000-1 §8.3.2.3).
public struct PDFPoint: Sendable, Hashable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// A width and height in points.
public struct PDFSize: Sendable, Hashable {
    public var width: Double
    public var height: Double

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// ISO 216 A4, 210 × 297 mm, portrait.
    public static let a4 = PDFSize(width: 595.276, height: 841.89)

    /// Millimetres to points, for layouts written in paper units.
    public static func millimetres(_ value: Double) -> Double { value * 72 / 25.4 }
}

/// An axis-aligned rectangle; `origin` is its bottom-left corner.
public struct PDFRect: Sendable, Hashable {
    public var origin: PDFPoint
    public var size: PDFSize

    public init(x: Double, y: Double, width: Double, height: Double) {
        origin = PDFPoint(x: x, y: y)
        size = PDFSize(width: width, height: height)
    }

    public var minX: Double { origin.x }
    public var minY: Double { origin.y }
    public var maxX: Double { origin.x + size.width }
    public var maxY: Double { origin.y + size.height }
    public var width: Double { size.width }
    public var height: Double { size.height }
    public var center: PDFPoint { PDFPoint(x: origin.x + size.width / 2, y: origin.y + size.height / 2) }
}

/// A device colour. Components are clamped to 0...1 when written.
public enum PDFColor: Sendable, Hashable {
    /// DeviceGray: 0 is black, 1 is white.
    case gray(Double)
    /// DeviceRGB.
    case rgb(red: Double, green: Double, blue: Double)

    public static let black = PDFColor.gray(0)
    public static let white = PDFColor.gray(1)
    /// 朱肉 — the vermilion of an official seal.
    public static let sealRed = PDFColor.rgb(red: 0.86, green: 0.1, blue: 0.1)

    /// The operator that sets this colour for filling (`g`/`rg`) or stroking (`G`/`RG`).
    func operation(stroking: Bool) -> String {
        switch self {
        case .gray(let level):
            "\(PDFSyntax.number(clamp(level))) \(stroking ? "G" : "g")"
        case .rgb(let red, let green, let blue):
            [red, green, blue].map { PDFSyntax.number(clamp($0)) }.joined(separator: " ")
                + (stroking ? " RG" : " rg")
        }
    }

    private func clamp(_ value: Double) -> Double { min(1, max(0, value)) }
}

/// How a closed shape is painted.
public enum PDFShapeStyle: Sendable, Hashable {
    case stroke(PDFColor, lineWidth: Double)
    case fill(PDFColor)
    case fillAndStroke(fill: PDFColor, stroke: PDFColor, lineWidth: Double)
}

/// An affine transform `[a b c d e f]` as in ISO 32000-1 §8.3.4, applied to path points in
/// Swift so that the content stream stays free of `cm` state.
public struct PDFAffineTransform: Sendable, Hashable {
    public var a: Double, b: Double, c: Double, d: Double, e: Double, f: Double

    public init(a: Double, b: Double, c: Double, d: Double, e: Double, f: Double) {
        (self.a, self.b, self.c, self.d, self.e, self.f) = (a, b, c, d, e, f)
    }

    public static let identity = PDFAffineTransform(a: 1, b: 0, c: 0, d: 1, e: 0, f: 0)

    public static func translation(x: Double, y: Double) -> PDFAffineTransform {
        PDFAffineTransform(a: 1, b: 0, c: 0, d: 1, e: x, f: y)
    }

    public static func scale(x: Double, y: Double) -> PDFAffineTransform {
        PDFAffineTransform(a: x, b: 0, c: 0, d: y, e: 0, f: 0)
    }

    /// Counter-clockwise rotation by `degrees` about the origin.
    public static func rotation(degrees: Double) -> PDFAffineTransform {
        let (sine, cosine) = PDFAffineTransform.sineCosine(degrees: degrees)
        return PDFAffineTransform(a: cosine, b: sine, c: -sine, d: cosine, e: 0, f: 0)
    }

    /// `self` first, then `other`.
    public func concatenating(_ other: PDFAffineTransform) -> PDFAffineTransform {
        PDFAffineTransform(
            a: a * other.a + b * other.c, b: a * other.b + b * other.d,
            c: c * other.a + d * other.c, d: c * other.b + d * other.d,
            e: e * other.a + f * other.c + other.e, f: e * other.b + f * other.d + other.f)
    }

    public func apply(_ point: PDFPoint) -> PDFPoint {
        PDFPoint(x: a * point.x + c * point.y + e, y: b * point.x + d * point.y + f)
    }

    /// Sine and cosine of an angle in degrees, exact at multiples of 90° so that right
    /// angles do not leave 6e-17 residues in the output.
    static func sineCosine(degrees: Double) -> (sine: Double, cosine: Double) {
        var turned = degrees.truncatingRemainder(dividingBy: 360)
        if turned < 0 { turned += 360 }
        switch turned {
        case 0: return (0, 1)
        case 90: return (1, 0)
        case 180: return (0, -1)
        case 270: return (-1, 0)
        default:
            let radians = turned * Double.pi / 180
            return (sin(radians), cos(radians))
        }
    }
}
