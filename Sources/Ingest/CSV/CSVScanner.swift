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
/// Memory: the entries array (≈ 4 bytes per field; `scanSIMD` allocates room for 4 bytes per
/// scanned byte, touched only as filled). Buffers must be smaller than 2 GiB.
public enum CSVScanner {
    public static let newlineFlag: UInt32 = 1 << 31

    /// The quote state machine, shared by both scans.
    struct State {
        var inQuote = false
        var fieldStart: Int
        var skipUntil = 0
        var lastRowEnd: Int
        init(start: Int) { fieldStart = start; lastRowEnd = start }

        @inline(__always)
        mutating func step<Sink: EntrySink>(_ c: UInt8, at pos: Int, _ entries: inout Sink) {
            if inQuote {
                if pos < skipUntil { return }
                if c == 0x5C { skipUntil = pos + 2 } else if c == 0x22 { inQuote = false }
            } else if c == 0x2C {
                entries.add(UInt32(truncatingIfNeeded: pos))
                fieldStart = pos + 1
            } else if c == 0x0A {
                entries.add(UInt32(truncatingIfNeeded: pos) | CSVScanner.newlineFlag)
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
    /// Fast path: a block outside quotes with no `"` or `\` (most blocks of real dumps) has only
    /// structural commas and newlines: their entries are written without the state machine.
    /// The entries are written through a pointer into a new array with room for one per byte
    /// (no per-entry capacity and uniqueness checks); it replaces `entries` when that is empty.
    public static func scanSIMD(_ b: UnsafeRawBufferPointer, start: Int,
                                into entries: inout ContiguousArray<UInt32>) -> Int {
        let room = b.count - start
        guard room > 0 else { return start }
        var end = start
        let scanned = ContiguousArray<UInt32>(unsafeUninitializedCapacity: room) { buffer, initialized in
            var out = EntryPointer(base: buffer.baseAddress!)
            end = scanBlocks(b, start: start, into: &out)
            initialized = out.count
        }
        if entries.isEmpty { entries = scanned } else { entries.append(contentsOf: scanned) }
        return end
    }

    /// The body of `scanSIMD`; `out` has room for one entry per byte from `start`.
    private static func scanBlocks(_ b: UnsafeRawBufferPointer, start: Int, into out: inout EntryPointer) -> Int {
        var st = State(start: start)
        var i = start
        let n = b.count
        let comma = SIMD32<UInt8>(repeating: 0x2C), nl = SIMD32<UInt8>(repeating: 0x0A)
        let quote = SIMD32<UInt8>(repeating: 0x22), bs = SIMD32<UInt8>(repeating: 0x5C)
        while i + 32 <= n {
            let v = b.loadUnaligned(fromByteOffset: i, as: SIMD32<UInt8>.self)
            var bits = movemask((v .== comma) .| (v .== nl))
            let special = movemask((v .== quote) .| (v .== bs))
            if special == 0 && !st.inQuote {
                while bits != 0 {
                    let pos = i &+ bits.trailingZeroBitCount
                    bits &= bits &- 1
                    let isNewline = b[pos] == 0x0A
                    out.add(UInt32(truncatingIfNeeded: pos) | (isNewline ? newlineFlag : 0))
                    if isNewline { st.lastRowEnd = pos &+ 1 }
                    st.fieldStart = pos &+ 1
                }
            } else {
                bits |= special
                while bits != 0 {
                    let k = bits.trailingZeroBitCount
                    bits &= bits &- 1
                    st.step(b[i &+ k], at: i &+ k, &out)
                }
            }
            i += 32
        }
        while i < n {
            let c = b[i]
            if c == 0x2C || c == 0x0A || c == 0x22 || c == 0x5C { st.step(c, at: i, &out) }
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

/// Where a scan writes its entries: the scalar reference appends to an array; the SIMD scan
/// writes through `EntryPointer`.
protocol EntrySink {
    mutating func add(_ entry: UInt32)
}

extension ContiguousArray: EntrySink where Element == UInt32 {
    @inline(__always) mutating func add(_ entry: UInt32) { append(entry) }
}

/// Entries written through a pointer whose owner guarantees the room (`CSVScanner.scanSIMD`:
/// one slot per scanned byte).
struct EntryPointer: EntrySink {
    let base: UnsafeMutablePointer<UInt32>
    private(set) var count = 0

    init(base: UnsafeMutablePointer<UInt32>) { self.base = base }

    @inline(__always) mutating func add(_ entry: UInt32) {
        base[count] = entry
        count &+= 1
    }
}
