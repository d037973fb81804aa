/// The structural scan of CSV bytes: finds the separators (`,`) and row ends (`\n`) that lie
/// outside quoted fields, in Spark's dialect (`learning-base.md` §2):
///
/// * a `"` opens a quoted field only at the very start of a field; inside, `\` escapes the next
///   byte (so `\"` never closes) and the next bare `"` closes; after the close, the field runs
///   on as plain bytes up to the next separator (univocity's STOP_AT_DELIMITER);
/// * commas and newlines inside a quoted field are data.
///
/// Output: `entries` receives one `UInt32` per structural byte, its offset in the buffer, with
/// `newlineFlag` set for row ends. The state is reset at `start` (a row start). `scan` returns
/// the offset just past the last row end found (`start` if none): bytes after it are the
/// incomplete last row, rescanned with the next chunk.
///
/// Two implementations with identical output: `scanSIMD` classifies 32 bytes per step with
/// `SIMD32<UInt8>` compares and runs the quote state machine only on the interesting bytes;
/// `scanScalar` is its byte-at-a-time twin, the reference the tests compare against.
/// Memory: the entries array (≈ 4 bytes per field). Buffers must be smaller than 2 GiB.
public enum CSVScanner {
    public static let newlineFlag: UInt32 = 1 << 31

    /// The quote state machine, shared by both scans.
    struct State {
        var inQuote = false
        var fieldStart: Int
        var skipUntil = 0
        var lastRowEnd: Int
        init(start: Int) { fieldStart = start; lastRowEnd = start }

        @inline(__always) @usableFromInline
        mutating func step(_ c: UInt8, at pos: Int, _ entries: inout ContiguousArray<UInt32>) {
            if inQuote {
                if pos < skipUntil { return }
                if c == 0x5C { skipUntil = pos + 2 } else if c == 0x22 { inQuote = false }
            } else if c == 0x2C {
                entries.append(UInt32(truncatingIfNeeded: pos))
                fieldStart = pos + 1
            } else if c == 0x0A {
                entries.append(UInt32(truncatingIfNeeded: pos) | CSVScanner.newlineFlag)
                fieldStart = pos + 1
                lastRowEnd = pos + 1
            } else if c == 0x22, pos == fieldStart {
                inQuote = true
            }
        }
    }

    /// Byte-at-a-time reference scan.
    public static func scanScalar(_ b: UnsafeRawBufferPointer, start: Int,
                                  into entries: inout ContiguousArray<UInt32>) -> Int {
        var st = State(start: start)
        var i = start
        while i < b.count {
            let c = b[i]
            if c == 0x2C || c == 0x0A || c == 0x22 || c == 0x5C { st.step(c, at: i, &entries) }
            i += 1
        }
        return st.lastRowEnd
    }

    /// SIMD scan: 32-byte blocks, a bitmask of the interesting bytes, the state machine on set bits.
    public static func scanSIMD(_ b: UnsafeRawBufferPointer, start: Int,
                                into entries: inout ContiguousArray<UInt32>) -> Int {
        var st = State(start: start)
        var i = start
        let n = b.count
        let comma = SIMD32<UInt8>(repeating: 0x2C), nl = SIMD32<UInt8>(repeating: 0x0A)
        let quote = SIMD32<UInt8>(repeating: 0x22), bs = SIMD32<UInt8>(repeating: 0x5C)
        while i + 32 <= n {
            let v = b.loadUnaligned(fromByteOffset: i, as: SIMD32<UInt8>.self)
            let m = (v .== comma) .| (v .== nl) .| (v .== quote) .| (v .== bs)
            var bits = movemask(m)
            while bits != 0 {
                let k = bits.trailingZeroBitCount
                bits &= bits &- 1
                st.step(b[i &+ k], at: i &+ k, &entries)
            }
            i += 32
        }
        while i < n {
            let c = b[i]
            if c == 0x2C || c == 0x0A || c == 0x22 || c == 0x5C { st.step(c, at: i, &entries) }
            i += 1
        }
        return st.lastRowEnd
    }

    /// One bit per lane of a 32-lane mask (lane 0 → bit 0): the top bit of each byte of each
    /// 64-bit word gathered by one multiply (no per-lane work).
    @inline(__always)
    static func movemask(_ m: SIMDMask<SIMD32<Int8>>) -> UInt32 {
        let words = unsafeBitCast(m, to: SIMD4<UInt64>.self) & SIMD4<UInt64>(repeating: 0x8080_8080_8080_8080)
        let magic: UInt64 = 0x0002_0408_1020_4081
        let b0 = UInt32(truncatingIfNeeded: (words[0] &* magic) >> 56)
        let b1 = UInt32(truncatingIfNeeded: (words[1] &* magic) >> 56)
        let b2 = UInt32(truncatingIfNeeded: (words[2] &* magic) >> 56)
        let b3 = UInt32(truncatingIfNeeded: (words[3] &* magic) >> 56)
        return b0 | b1 << 8 | b2 << 16 | b3 << 24
    }
}
