/// Conversion of JSON number literals (already validated by `JSONScanner.scanNumber`).
///
/// `double` is correctly rounded: Clinger's fast path (mantissa < 2^53 and a power of ten
/// ≤ 10^22, both exact doubles, one rounding) covers the Sparkify data; anything else goes
/// through the standard library's correctly rounded `Double(String)` (not Foundation).
public enum JSONNumber {
    private static let exactPowers: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// The literal as an Int64 when it denotes an integer in range: `123`, `-7`, and also
    /// `1540919166796.0` or `12e3` (integral values written as decimals). Nil otherwise.
    public static func int64(_ p: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int64? {
        var i = start
        let negative = p[i] == UInt8(ascii: "-")
        if negative { i &+= 1 }
        var magnitude: UInt64 = 0
        while i < end, p[i] &- 0x30 < 10 {
            let (m1, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (m2, o2) = m1.addingReportingOverflow(UInt64(p[i] &- 0x30))
            if o1 || o2 { return nil }
            magnitude = m2
            i &+= 1
        }
        if i < end {
            // Only an all-zero fraction and no exponent keeps it exact here; else use the double.
            if p[i] == UInt8(ascii: ".") {
                var j = i &+ 1
                while j < end, p[j] == UInt8(ascii: "0") { j &+= 1 }
                if j != end { return integralDouble(p, start, end) }
            } else {
                return integralDouble(p, start, end)
            }
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) &+ 1 else { return nil }
            return magnitude == UInt64(Int64.max) &+ 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    private static func integralDouble(_ p: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int64? {
        let d = double(p, start, end)
        guard d.rounded(.towardZero) == d, abs(d) < 9.2e18 else { return nil }
        return Int64(d)
    }

    /// The literal as the nearest Double.
    public static func double(_ p: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Double {
        var i = start
        let negative = p[i] == UInt8(ascii: "-")
        if negative { i &+= 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var fast = true
        while i < end, p[i] &- 0x30 < 10 {
            if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(p[i] &- 0x30); if mantissa != 0 { digits &+= 1 } } else { fast = false }
            i &+= 1
        }
        if i < end, p[i] == UInt8(ascii: ".") {
            i &+= 1
            while i < end, p[i] &- 0x30 < 10 {
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(p[i] &- 0x30)
                    if mantissa != 0 { digits &+= 1 }
                    exponent &-= 1
                } else { fast = false }
                i &+= 1
            }
        }
        if i < end {
            // exponent part
            i &+= 1
            var expNegative = false
            if p[i] == UInt8(ascii: "+") { i &+= 1 } else if p[i] == UInt8(ascii: "-") { expNegative = true; i &+= 1 }
            var e = 0
            while i < end {
                if e < 100_000 { e = e &* 10 &+ Int(p[i] &- 0x30) }
                i &+= 1
            }
            exponent &+= expNegative ? -e : e
        }
        if fast, mantissa < (1 << 53), exponent >= -22, exponent <= 22 {
            var d = Double(mantissa)
            d = exponent < 0 ? d / exactPowers[-exponent] : d * exactPowers[exponent]
            return negative ? -d : d
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: p[start..<end]), as: UTF8.self)
        return Double(text) ?? .nan
    }
}
