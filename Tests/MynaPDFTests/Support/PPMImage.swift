/// A binary PPM (P6) image as `pdftoppm` writes it: header, then RGB bytes.
struct PPMImage {
    let width: Int
    let height: Int
    let pixels: [UInt8]

    struct FormatError: Error {}

    init(_ data: [UInt8]) throws {
        var cursor = 0
        func token() throws -> String {
            while cursor < data.count, [0x20, 0x0A, 0x0D, 0x09].contains(data[cursor]) { cursor += 1 }
            if cursor < data.count, data[cursor] == 0x23 {  // comment line
                while cursor < data.count, data[cursor] != 0x0A { cursor += 1 }
                return try token()
            }
            let start = cursor
            while cursor < data.count, ![0x20, 0x0A, 0x0D, 0x09].contains(data[cursor]) { cursor += 1 }
            guard cursor > start else { throw FormatError() }
            return String(decoding: data[start..<cursor], as: UTF8.self)
        }
        guard try token() == "P6", let width = Int(try token()), let height = Int(try token()),
            try token() == "255"
        else { throw FormatError() }
        cursor += 1  // the single whitespace byte after maxval
        guard data.count - cursor == width * height * 3 else { throw FormatError() }
        self.width = width
        self.height = height
        pixels = Array(data[cursor...])
    }

    func pixel(x: Int, y: Int) -> (red: UInt8, green: UInt8, blue: UInt8) {
        let index = (y * width + x) * 3
        return (pixels[index], pixels[index + 1], pixels[index + 2])
    }

    /// Counts pixels matching `predicate` in the rectangle (pixel coordinates, y downwards).
    func count(
        xs: Range<Int>? = nil, ys: Range<Int>? = nil,
        where predicate: (_ red: Int, _ green: Int, _ blue: Int) -> Bool
    ) -> Int {
        var total = 0
        for y in (ys ?? 0..<height).clamped(to: 0..<height) {
            for x in (xs ?? 0..<width).clamped(to: 0..<width) {
                let p = pixel(x: x, y: y)
                if predicate(Int(p.red), Int(p.green), Int(p.blue)) { total += 1 }
            }
        }
        return total
    }

    static func isDark(_ red: Int, _ green: Int, _ blue: Int) -> Bool { red < 90 && green < 90 && blue < 90 }
    static func isRed(_ red: Int, _ green: Int, _ blue: Int) -> Bool { red > 150 && green < 110 && blue < 110 }
    static func isLightGray(_ red: Int, _ green: Int, _ blue: Int) -> Bool {
        abs(red - green) < 8 && abs(green - blue) < 8 && red > 170 && red < 252
    }
}
