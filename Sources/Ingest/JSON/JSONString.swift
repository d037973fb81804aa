/// Decoding of JSON string contents (the bytes between the quotes, already checked by
/// `JSONScanner.scanString`): escapes `\" \\ \/ \b \f \n \r \t \uXXXX`, with UTF-16 surrogate pairs
/// joined into one scalar. A lone surrogate is an error (it has no UTF-8 encoding), as is
/// invalid UTF-8 in the raw bytes (`isValidUTF8`).
public enum JSONString {
    @inline(__always)
    public static func hexValue(_ c: UInt8) -> UInt32? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(c &- 0x30)
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(c &- 0x57)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(c &- 0x37)
        default: nil
        }
    }

    @inline(__always)
    static func hex4(_ p: UnsafeRawBufferPointer, _ i: Int) -> UInt32? {
        guard i &+ 4 <= p.count, let a = hexValue(p[i]), let b = hexValue(p[i &+ 1]),
              let c = hexValue(p[i &+ 2]), let d = hexValue(p[i &+ 3]) else { return nil }
        return a << 12 | b << 8 | c << 4 | d
    }

    /// Appends the decoded UTF-8 of `p[start..<end]` (string contents with escapes) to `out`.
    public static func unescape<Out: RangeReplaceableCollection>(
        _ p: UnsafeRawBufferPointer, _ start: Int, _ end: Int, into out: inout Out
    ) throws(JSONSyntaxError) where Out.Element == UInt8 {
        var i = start
        while i < end {
            let c = p[i]
            guard c == UInt8(ascii: "\\") else {
                out.append(c)
                i &+= 1
                continue
            }
            guard i &+ 1 < end else { throw JSONSyntaxError("invalid escape", at: i) }
            let e = p[i &+ 1]
            i &+= 2
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard i &+ 4 <= end, var scalar = hex4(p, i) else { throw JSONSyntaxError("invalid \\u escape", at: i &- 2) }
                i &+= 4
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    guard i &+ 6 <= end, p[i] == UInt8(ascii: "\\"), p[i &+ 1] == UInt8(ascii: "u"),
                          let low = hex4(p, i &+ 2), low >= 0xDC00 && low <= 0xDFFF else {
                        throw JSONSyntaxError("unpaired UTF-16 surrogate in \\u escape", at: i &- 6)
                    }
                    scalar = 0x10000 &+ ((scalar &- 0xD800) << 10) &+ (low &- 0xDC00)
                    i &+= 6
                } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                    throw JSONSyntaxError("unpaired UTF-16 surrogate in \\u escape", at: i &- 6)
                }
                appendUTF8(scalar, to: &out)
            default:
                throw JSONSyntaxError("invalid escape", at: i &- 2)
            }
        }
    }

    @inline(__always)
    static func appendUTF8<Out: RangeReplaceableCollection>(_ s: UInt32, to out: inout Out) where Out.Element == UInt8 {
        if s < 0x80 {
            out.append(UInt8(s))
        } else if s < 0x800 {
            out.append(UInt8(0xC0 | (s >> 6)))
            out.append(UInt8(0x80 | (s & 0x3F)))
        } else if s < 0x10000 {
            out.append(UInt8(0xE0 | (s >> 12)))
            out.append(UInt8(0x80 | ((s >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (s & 0x3F)))
        } else {
            out.append(UInt8(0xF0 | (s >> 18)))
            out.append(UInt8(0x80 | ((s >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((s >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (s & 0x3F)))
        }
    }

    /// True when `p[start..<end]` is well-formed UTF-8 (no overlongs, no surrogates, ≤ U+10FFFF).
    /// ASCII runs take the fast path.
    public static func isValidUTF8(_ p: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Bool {
        var i = start
        while i < end {
            let c = p[i]
            if c < 0x80 { i &+= 1; continue }
            var need = 0
            var minScalar: UInt32 = 0
            var scalar: UInt32 = 0
            switch c {
            case 0xC2...0xDF: need = 1; scalar = UInt32(c & 0x1F); minScalar = 0x80
            case 0xE0...0xEF: need = 2; scalar = UInt32(c & 0x0F); minScalar = 0x800
            case 0xF0...0xF4: need = 3; scalar = UInt32(c & 0x07); minScalar = 0x10000
            default: return false
            }
            guard i &+ need < end else { return false }
            for k in 1...need {
                let cc = p[i &+ k]
                guard cc & 0xC0 == 0x80 else { return false }
                scalar = scalar << 6 | UInt32(cc & 0x3F)
            }
            guard scalar >= minScalar, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else { return false }
            i &+= need &+ 1
        }
        return true
    }
}
