import Columnar

/// The content identity written by stores before the `xxh64:` format (see `ContentHasher`):
/// CRC-32 (zlib) and a 64-bit multiply-xor hash over 8-byte words, plus the byte count,
/// rendered as `"crc32:…-h64:…-n"`. Kept only to recognise sources recorded in that format
/// (computed when a manifest still holds such a digest). Independent of how the bytes are
/// split into reads. Memory: none.
struct LegacyContentHasher: Sendable {
    static let prefix = "crc32:"
    private var crc: UInt32 = 0
    private var h: UInt64 = 0x243F_6A88_85A3_08D3
    private var carry: UInt64 = 0
    private var carried = 0
    private(set) var count = 0

    init() {}

    mutating func update(_ b: UnsafeRawBufferPointer) {
        guard !b.isEmpty else { return }
        crc = CRC32.checksum(b, seed: crc)
        count += b.count
        var i = 0
        while carried != 0 && carried < 8 && i < b.count {
            carry |= UInt64(b[i]) << UInt64(carried * 8)
            carried += 1
            i += 1
        }
        if carried == 8 { mix(carry); carry = 0; carried = 0 }
        while i + 8 <= b.count {
            mix(b.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        while i < b.count {
            carry |= UInt64(b[i]) << UInt64(carried * 8)
            carried += 1
            i += 1
        }
    }

    @inline(__always) private mutating func mix(_ w: UInt64) {
        h = (h ^ w) &* 0x9E37_79B9_7F4A_7C15
        h = (h << 27 | h >> 37) &+ 0x632B_E59B_D9B4_E019
    }

    var digest: String {
        var f = self
        if f.carried > 0 { f.mix(f.carry ^ UInt64(f.carried) << 60) }
        f.mix(UInt64(count))
        let hex = { (v: UInt64, w: Int) -> String in
            let s = String(v, radix: 16)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return "crc32:\(hex(UInt64(crc), 8))-h64:\(hex(f.h, 16))-\(count)"
    }
}
