/// UTF-8 validation and repair for string fields.
///
/// `isASCII` is the fast chunk-level check (8 bytes at a time); only chunks with a high bit
/// set validate each string field. `repair` replaces each invalid sequence with U+FFFD (the
/// standard library's decoding rule). Memory: `repair` allocates the repaired copy.
public enum UTF8Check {
    public static func isASCII(_ b: UnsafeRawBufferPointer) -> Bool {
        var acc: UInt64 = 0
        var i = 0
        let n = b.count
        while i + 8 <= n {
            acc |= b.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < n { acc |= UInt64(b[i]); i += 1 }
        return acc & 0x8080_8080_8080_8080 == 0
    }

    public static func isValid(_ b: UnsafeRawBufferPointer) -> Bool {
        var it = b.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&it) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    public static func repair(_ b: UnsafeRawBufferPointer) -> [UInt8] {
        Array(String(decoding: b, as: UTF8.self).utf8)
    }
}
