/// A command APDU parsed per ISO/IEC 7816-4 §5.1: header CLA INS P1 P2, then the body in
/// one of the four cases, short (Lc, Le one byte) or extended (`00` then two-byte fields).
/// Anything else is malformed and answered `67 00`.
struct CommandAPDU: Sendable, Hashable {
    let cla: UInt8
    let ins: UInt8
    let p1: UInt8
    let p2: UInt8
    /// Command data (empty when Lc is absent).
    let data: [UInt8]
    /// Expected response length; `nil` when Le is absent. Short `00` means 256, extended `0000` 65536.
    let le: Int?

    init?(_ bytes: [UInt8]) {
        guard bytes.count >= 4 else { return nil }
        cla = bytes[0]; ins = bytes[1]; p1 = bytes[2]; p2 = bytes[3]
        let body = Array(bytes.dropFirst(4))
        if body.isEmpty {
            data = []; le = nil
        } else if body.count == 1 {
            data = []; le = body[0] == 0 ? 256 : Int(body[0])
        } else if body[0] != 0 {
            let lc = Int(body[0])
            if body.count == 1 + lc {
                data = Array(body[1...]); le = nil
            } else if body.count == 2 + lc {
                data = Array(body[1...lc]); le = body[1 + lc] == 0 ? 256 : Int(body[1 + lc])
            } else {
                return nil
            }
        } else if body.count == 3 {
            let n = Int(body[1]) << 8 | Int(body[2])
            data = []; le = n == 0 ? 65536 : n
        } else {
            guard body.count > 3 else { return nil }
            let lc = Int(body[1]) << 8 | Int(body[2])
            guard lc > 0 else { return nil }
            if body.count == 3 + lc {
                data = Array(body[3...]); le = nil
            } else if body.count == 5 + lc {
                data = Array(body[3..<(3 + lc)])
                let n = Int(body[3 + lc]) << 8 | Int(body[4 + lc])
                le = n == 0 ? 65536 : n
            } else {
                return nil
            }
        }
    }
}
