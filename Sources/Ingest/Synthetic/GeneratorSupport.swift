import Columnar

/// The generator's PRNG (xoshiro256**, seeded through SplitMix64): fast and reproducible on
/// every platform, unlike `SystemRandomNumberGenerator`.
struct GeneratorRandom {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    init(seed: UInt64) {
        var x = seed
        func split() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = split(); s1 = split(); s2 = split(); s3 = split()
    }

    mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in 0..<bound (bound > 0), multiply-shift (negligible bias for our bounds).
    mutating func next(below bound: UInt64) -> UInt64 {
        UInt64((UInt128(next()) &* UInt128(bound)) >> 64)
    }

    mutating func next(below bound: Int) -> Int { Int(next(below: UInt64(bound))) }

    /// Uniform in [0, 1).
    mutating func nextDouble() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A Zipf-like index in 0..<count: rank r has weight ~ 1/(r+1)^skew, drawn by inverting the
    /// continuous approximation of the CDF (cheap, no tables).
    mutating func zipfIndex(count: Int, skew: Double) -> Int {
        let u = nextDouble()
        let n = Double(count)
        let r: Double
        if abs(skew - 1) < 1e-9 {
            r = pow(n + 1, u) - 1
        } else {
            let a = 1 - skew
            r = pow(u * (pow(n + 1, a) - 1) + 1, 1 / a) - 1
        }
        return min(count - 1, max(0, Int(r)))
    }
}

/// x^y for x > 0 through exp/log series-free identities (avoids Foundation in the generator).
func pow(_ x: Double, _ y: Double) -> Double { exp2(y * log2(x)) }

private func log2(_ x: Double) -> Double {
    // Decompose x = m * 2^e with m in [1, 2), then log2(m) via atanh series.
    let e = Double(x.exponent)
    let m = x.significand
    let t = (m - 1) / (m + 1)
    let t2 = t * t
    var sum = 0.0, term = t
    var k = 1.0
    for _ in 0..<14 { sum += term / k; term *= t2; k += 2 }
    return e + 2 * sum / 0.693_147_180_559_945_3
}

private func exp2(_ y: Double) -> Double {
    let i = y.rounded(.down)
    let f = (y - i) * 0.693_147_180_559_945_3
    var r = 1.0, term = 1.0
    for k in 1...16 { term *= f / Double(k); r += term }
    return Double(sign: .plus, exponent: Int(i), significand: r)
}

/// Formats generated events in the exact text of the real dumps into a byte buffer.
struct CSVOutput {
    private(set) var buffer: [UInt8] = []
    private(set) var totalBytes = 0
    private var cachedDay: Int64 = .min
    private var dayText: [UInt8] = []
    private static let types: [[UInt8]] = ["view", "cart", "purchase", "remove_from_cart"].map { Array($0.utf8) }
    private static let codes: [[UInt8]] = ProductCatalogue.codeNames.map { Array($0.utf8) }
    private static let brands: [[UInt8]] = ProductCatalogue.brandNames.map { Array($0.utf8) }
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    let catalogue: ProductCatalogue

    init(catalogue: ProductCatalogue) {
        self.catalogue = catalogue
        buffer.reserveCapacity(5 << 20)
    }

    var count: Int { buffer.count }

    mutating func appendHeader() {
        buffer.append(contentsOf: (EventsDataset.requiredColumns.joined(separator: ",") + "\n").utf8)
    }

    mutating func drain(_ sink: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        totalBytes += buffer.count
        try buffer.withUnsafeBytes { try sink($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    mutating func append(_ e: GeneratedEvent) {
        let day = e.time >= 0 ? e.time / 86_400 : (e.time - 86_399) / 86_400
        if day != cachedDay {
            cachedDay = day
            dayText = Array(CivilTime.isoDate(day: day).utf8)
        }
        buffer.append(contentsOf: dayText)
        buffer.append(32)
        let secs = Int(e.time - day * 86_400)
        two(secs / 3600); buffer.append(58); two(secs / 60 % 60); buffer.append(58); two(secs % 60)
        buffer.append(contentsOf: [32, 85, 84, 67, 44])  // " UTC,"
        buffer.append(contentsOf: Self.types[Int(e.type)])
        buffer.append(44)
        let p = Int(e.product)
        int(Int64(catalogue.ids[p])); buffer.append(44)
        int(catalogue.categoryIds[p]); buffer.append(44)
        if catalogue.categoryCodes[p] >= 0 { buffer.append(contentsOf: Self.codes[Int(catalogue.categoryCodes[p])]) }
        buffer.append(44)
        if catalogue.brands[p] >= 0 { buffer.append(contentsOf: Self.brands[Int(catalogue.brands[p])]) }
        buffer.append(44)
        let cents = Int64(catalogue.cents[p])
        int(cents / 100); buffer.append(46); two(Int(cents % 100))
        buffer.append(44)
        int(e.userId); buffer.append(44)
        uuid(e.session)
        buffer.append(10)
    }

    private mutating func two(_ v: Int) {
        buffer.append(UInt8(48 + v / 10))
        buffer.append(UInt8(48 + v % 10))
    }

    private mutating func int(_ v: Int64) {
        if v < 0 { buffer.append(45) }
        var x = v.magnitude
        var tmp: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                  UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &tmp) { raw in
            repeat {
                raw[19 - n] = UInt8(48 + x % 10)
                x /= 10
                n += 1
            } while x > 0
            buffer.append(contentsOf: raw[(20 - n)...])
        }
    }

    private mutating func uuid(_ s: (UInt64, UInt64)) {
        // Version 4, variant 1, lowercase 8-4-4-4-12.
        let hi = (s.0 & 0xFFFF_FFFF_FFFF_0FFF) | 0x4000
        let lo = (s.1 & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        var nibbles: [UInt8] = []
        nibbles.reserveCapacity(32)
        for shift in stride(from: 60, through: 0, by: -4) { nibbles.append(Self.hex[Int((hi >> UInt64(shift)) & 15)]) }
        for shift in stride(from: 60, through: 0, by: -4) { nibbles.append(Self.hex[Int((lo >> UInt64(shift)) & 15)]) }
        buffer.append(contentsOf: nibbles[0..<8]); buffer.append(45)
        buffer.append(contentsOf: nibbles[8..<12]); buffer.append(45)
        buffer.append(contentsOf: nibbles[12..<16]); buffer.append(45)
        buffer.append(contentsOf: nibbles[16..<20]); buffer.append(45)
        buffer.append(contentsOf: nibbles[20..<32])
    }
}
