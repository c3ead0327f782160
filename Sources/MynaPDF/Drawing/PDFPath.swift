import Foundation

/// A vector path made of straight and cubic Bézier segments (ISO 32000-1 §8.5.2).
public struct PDFPath: Sendable, Hashable {
    enum Element: Sendable, Hashable {
        case move(PDFPoint)
        case line(PDFPoint)
        case curve(PDFPoint, PDFPoint, PDFPoint)
        case close
    }

    private(set) var elements: [Element] = []

    public init() {}

    public var isEmpty: Bool { elements.isEmpty }

    public mutating func move(to point: PDFPoint) { elements.append(.move(point)) }

    public mutating func line(to point: PDFPoint) { elements.append(.line(point)) }

    public mutating func curve(to end: PDFPoint, control1: PDFPoint, control2: PDFPoint) {
        elements.append(.curve(control1, control2, end))
    }

    public mutating func close() { elements.append(.close) }

    public mutating func addLine(from start: PDFPoint, to end: PDFPoint) {
        move(to: start)
        line(to: end)
    }

    public mutating func addRect(_ rect: PDFRect) {
        move(to: rect.origin)
        line(to: PDFPoint(x: rect.maxX, y: rect.minY))
        line(to: PDFPoint(x: rect.maxX, y: rect.maxY))
        line(to: PDFPoint(x: rect.minX, y: rect.maxY))
        close()
    }

    /// An elliptical arc from `startDegrees` to `endDegrees` (counter-clockwise when end >
    /// start), as cubic Béziers of at most 90° each. With `connect` the arc continues the
    /// current subpath, otherwise it starts a new one.
    public mutating func addArc(
        center: PDFPoint, radiusX: Double, radiusY: Double,
        startDegrees: Double, endDegrees: Double, connect: Bool = false
    ) {
        let sweep = endDegrees - startDegrees
        guard sweep != 0 else { return }
        let segments = max(1, Int((abs(sweep) / 90).rounded(.up)))
        let step = sweep / Double(segments)
        // Control arm for a unit arc of angle θ: 4/3 · tan(θ/4).
        let arm = 4.0 / 3.0 * tan(step * Double.pi / 180 / 4)
        func onEllipse(_ degrees: Double) -> (point: PDFPoint, tangent: PDFPoint) {
            let (sine, cosine) = PDFAffineTransform.sineCosine(degrees: degrees)
            return (
                PDFPoint(x: center.x + radiusX * cosine, y: center.y + radiusY * sine),
                PDFPoint(x: -radiusX * sine, y: radiusY * cosine)
            )
        }
        let start = onEllipse(startDegrees)
        if connect, !elements.isEmpty { line(to: start.point) } else { move(to: start.point) }
        var previous = start
        for index in 1...segments {
            let next = onEllipse(startDegrees + step * Double(index))
            curve(
                to: next.point,
                control1: PDFPoint(
                    x: previous.point.x + arm * previous.tangent.x,
                    y: previous.point.y + arm * previous.tangent.y),
                control2: PDFPoint(
                    x: next.point.x - arm * next.tangent.x, y: next.point.y - arm * next.tangent.y))
            previous = next
        }
    }

    public mutating func addEllipse(center: PDFPoint, radiusX: Double, radiusY: Double) {
        addArc(center: center, radiusX: radiusX, radiusY: radiusY, startDegrees: 0, endDegrees: 360)
        close()
    }

    public mutating func addCircle(center: PDFPoint, radius: Double) {
        addEllipse(center: center, radiusX: radius, radiusY: radius)
    }

    public mutating func append(_ other: PDFPath) { elements += other.elements }

    /// The path with every point mapped through `transform` (Béziers stay exact under affine
    /// maps).
    public func applying(_ transform: PDFAffineTransform) -> PDFPath {
        var result = PDFPath()
        result.elements = elements.map { element in
            switch element {
            case .move(let point): .move(transform.apply(point))
            case .line(let point): .line(transform.apply(point))
            case .curve(let first, let second, let end):
                .curve(transform.apply(first), transform.apply(second), transform.apply(end))
            case .close: .close
            }
        }
        return result
    }

    /// Path construction operators, one per line.
    var operations: [String] {
        func xy(_ point: PDFPoint) -> String {
            "\(PDFSyntax.number(point.x)) \(PDFSyntax.number(point.y))"
        }
        return elements.map { element in
            switch element {
            case .move(let point): "\(xy(point)) m"
            case .line(let point): "\(xy(point)) l"
            case .curve(let first, let second, let end): "\(xy(first)) \(xy(second)) \(xy(end)) c"
            case .close: "h"
            }
        }
    }
}
