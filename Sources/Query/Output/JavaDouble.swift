/// Java's `Double.toString` text, built from Swift's shortest round-trip digits
/// (docs/learning-base.md §5.3): at least one fractional digit; plain notation for
/// 10⁻³ ≤ |x| < 10⁷ (`54.065`, `35.0`, `0.001`), otherwise `d.dddE±n` without `+`
/// (`1.0E7`, `1.0E-4`); `NaN`, `Infinity`, `-Infinity`, `-0.0`.
///
/// Documented difference: JDK ≤ 18 sometimes printed a non-shortest digit string at extremes
/// (`4.9E-324`, `2.82879384806159008E17`); we always print the shortest (JDK 19+, Python repr).
public enum JavaDouble {
    /// The Java text of `x` as a `String` (tests and non-hot uses).
    public static func string(_ x: Double) -> String {
        var out = ContiguousArray<UInt8>()
        append(x, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the Java text of `x` to `out`. Values with at most two decimals in
    /// [0.01, 10⁷) (prices) take a fast path; everything else goes through `appendGeneral`.
    @inline(__always)
    public static func append<O: ByteOutput & ~Copyable>(_ x: Double, to out: inout O) {
        let magnitude = x.magnitude
        if magnitude >= 0.01 && magnitude < 10_000_000 {
            // If m/100 rounds to x, it is the unique shortest round-trip decimal: any other
            // decimal with ≤ 2 fractional digits is ≥ 0.01 away, far more than an ulp here.
            // Nearest integer by truncation (no libm call); the check below is what proves it.
            let cents = UInt64(magnitude * 100 + 0.5)
            if Double(cents) / 100 == magnitude {
                if x < 0 { out.append(UInt8(ascii: "-")) }
                CSVText.appendDecimal(cents / 100, to: &out)
                out.append(UInt8(ascii: "."))
                let f = cents % 100
                out.append(UInt8(truncatingIfNeeded: f / 10) &+ 48)
                if f % 10 != 0 { out.append(UInt8(truncatingIfNeeded: f % 10) &+ 48) }
                return
            }
        }
        appendGeneral(x, to: &out)
    }

    /// Appends the Java text of `x` from Swift's shortest digits (any value; the safe twin of
    /// the fast path in `append`).
    public static func appendGeneral<O: ByteOutput & ~Copyable>(_ x: Double, to out: inout O) {
        if x.isNaN { out.append("NaN"); return }
        if x.isInfinite { out.append(x < 0 ? "-Infinity" : "Infinity"); return }
        if x == 0 { out.append(x.sign == .minus ? "-0.0" : "0.0"); return }
        if x < 0 { out.append(UInt8(ascii: "-")) }
        // Shortest round-trip digits from Swift: "54.065", "1e-05", "1.5e+16", "5e-324" (at most
        // 17 significant digits plus zeros of the plain form: 32 bytes are enough).
        var storage: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &storage) { digits in
            var count = 0
            var pointPosition = -1, exponent = 0, sawE = false, expNegative = false
            for byte in x.magnitude.description.utf8 {
                if sawE {
                    if byte == UInt8(ascii: "-") { expNegative = true } else if byte >= 48 && byte <= 57 { exponent = exponent * 10 + Int(byte - 48) }
                } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                    sawE = true
                } else if byte == UInt8(ascii: ".") {
                    pointPosition = count
                } else if count < digits.count {
                    digits[count] = byte
                    count += 1
                }
            }
            if expNegative { exponent = -exponent }
            if pointPosition < 0 { pointPosition = count }
            // value = 0.d1d2…dn × 10^decimalExponent
            var decimalExponent = pointPosition + exponent
            var first = 0
            while first < count - 1 && digits[first] == UInt8(ascii: "0") { first += 1; decimalExponent -= 1 }
            var last = count
            while last > first + 1 && digits[last - 1] == UInt8(ascii: "0") { last -= 1 }
            let d = UnsafeRawBufferPointer(rebasing: digits[first..<last])
            let sci = decimalExponent - 1 // value = d1.d2… × 10^sci
            if sci >= -3 && sci < 7 {
                if sci >= 0 {
                    for i in 0...sci { out.append(i < d.count ? d[i] : UInt8(ascii: "0")) }
                    out.append(UInt8(ascii: "."))
                    if d.count > sci + 1 { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: d[(sci + 1)...])) } else { out.append(UInt8(ascii: "0")) }
                } else {
                    out.append(UInt8(ascii: "0"))
                    out.append(UInt8(ascii: "."))
                    for _ in 0 ..< (-sci - 1) { out.append(UInt8(ascii: "0")) }
                    out.append(contentsOf: d)
                }
            } else {
                out.append(d[0])
                out.append(UInt8(ascii: "."))
                if d.count > 1 { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: d[1...])) } else { out.append(UInt8(ascii: "0")) }
                out.append(UInt8(ascii: "E"))
                if sci < 0 { out.append(UInt8(ascii: "-")) }
                CSVText.appendDecimal(UInt64(sci.magnitude), to: &out)
            }
        }
    }
}
