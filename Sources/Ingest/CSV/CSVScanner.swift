import CSIMD

/// The structural scan of CSV bytes: finds the separators (`,`) and row ends (`\n`) that lie
/// outside quoted fields, in Spark's dialect (`docs/learning-base.md` §2):
///
/// * a `"` opens a quoted field only at the very start of a field; inside, `\` escapes the next
///   byte (so `\"` never closes) and the next bare `"` closes; after the close, the field runs
///   on as plain bytes up to the next separator (univocity's STOP_AT_DELIMITER);
/// * commas inside a quoted field are data; a newline always ends the row, inside quotes too
///   (Spark's default `multiLine=false`: the reference reads one physical line per record). A
///   row end reached with a quote still open carries `openQuoteFlag`: the consumer rejects
///   that line, so one bad quote costs one line, never the rest of the file.
///
/// Output: `entries` receives one `UInt32` per structural byte, its offset in the buffer, with
/// `newlineFlag` set for row ends (and `openQuoteFlag` for those inside an open quote). The state is reset at `start` (a row start). `scan` returns
/// the offset just past the last row end found (`start` if none): bytes after it are the
/// incomplete last row, rescanned with the next chunk.
///
/// Two implementations with identical output: `scanSIMD` classifies 64 bytes per step
/// (`csimd_classify64`: SSE2 compares and movemasks) and runs the quote state machine only on
/// the interesting bytes; `scanScalar` is its byte-at-a-time twin, the reference the tests
/// compare against.
/// Memory: the entries array (≈ 4 bytes per field; `scanSIMD` allocates room for 4 bytes per
/// scanned byte, touched only as filled). Buffers must be smaller than 1 GiB (offsets use 30
/// bits; the ingest's buffers stay under 64 MiB plus a chunk).
public enum CSVScanner {
    public static let newlineFlag: UInt32 = 1 << 31
    /// Set (with `newlineFlag`) on a row end reached inside a quoted field: a quote left open
    /// at the end of its line (also a `\"` ending a quoted field).
    public static let openQuoteFlag: UInt32 = 1 << 30
    /// The offset bits of an entry.
    public static let offsetMask: UInt32 = (1 << 30) - 1

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
                if c == 0x0A {
                    // multiLine=false: a newline ends the row even inside quotes (and even
                    // right after a `\`), flagged so that the consumer rejects the row.
                    inQuote = false
                    entries.add(UInt32(truncatingIfNeeded: pos) | CSVScanner.newlineFlag | CSVScanner.openQuoteFlag)
                    fieldStart = pos + 1
                    lastRowEnd = pos + 1
                    return
                }
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

    /// SIMD scan: 64-byte blocks, a bitmask of the interesting bytes, the state machine on set bits.
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
    /// 64-byte blocks classified by `csimd_classify64` (SSE2 compares and movemasks; its twin is
    /// `classifyScalar`, compared in the tests).
    private static func scanBlocks(_ b: UnsafeRawBufferPointer, start: Int, into out: inout EntryPointer) -> Int {
        var st = State(start: start)
        var i = start
        let n = b.count
        guard let base = b.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return start }
        while i + 64 <= n {
            let m = csimd_classify64(base + i)
            var bits = m.structural
            if m.special == 0 && !st.inQuote {
                while bits != 0 {
                    let pos = i &+ bits.trailingZeroBitCount
                    bits &= bits &- 1
                    let isNewline = base[pos] == 0x0A
                    out.add(UInt32(truncatingIfNeeded: pos) | (isNewline ? newlineFlag : 0))
                    if isNewline { st.lastRowEnd = pos &+ 1 }
                    st.fieldStart = pos &+ 1
                }
            } else {
                bits |= m.special
                while bits != 0 {
                    let k = bits.trailingZeroBitCount
                    bits &= bits &- 1
                    st.step(base[i &+ k], at: i &+ k, &out)
                }
            }
            i += 64
        }
        while i < n {
            let c = b[i]
            if c == 0x2C || c == 0x0A || c == 0x22 || c == 0x5C { st.step(c, at: i, &out) }
            i += 1
        }
        return st.lastRowEnd
    }

    /// The masks `csimd_classify64` computes, byte at a time: the reference the tests compare
    /// it against. `p[0..<64]` must be readable.
    static func classifyScalar(_ p: UnsafeRawPointer) -> (structural: UInt64, special: UInt64) {
        var s: UInt64 = 0, q: UInt64 = 0
        for k in 0..<64 {
            let c = p.load(fromByteOffset: k, as: UInt8.self)
            if c == 0x2C || c == 0x0A { s |= 1 << UInt64(k) }
            if c == 0x22 || c == 0x5C { q |= 1 << UInt64(k) }
        }
        return (s, q)
    }

    /// `csimd_classify64` as a tuple (for the tests). `p[0..<64]` must be readable.
    static func classify(_ p: UnsafeRawPointer) -> (structural: UInt64, special: UInt64) {
        let m = csimd_classify64(p.assumingMemoryBound(to: UInt8.self))
        return (m.structural, m.special)
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
