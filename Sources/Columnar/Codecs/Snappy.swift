/// Raw (block-format) Snappy decompression in pure Swift, as Parquet's SNAPPY codec uses it
/// (no framing format). Format: a varint uncompressed length, then elements tagged by the low
/// two bits of their first byte: 00 literal (length in the tag or 1-4 following bytes),
/// 01 copy with 1-byte offset (length 4...11), 10 copy with 2-byte offset, 11 copy with
/// 4-byte offset (length 1...64). Copies may overlap their output (offset < length).
///
/// Errors are `ColumnarError.codec(codec: "SNAPPY", …)`: bad varint, a length above `maxOutput`
/// or `expectedSize` mismatch, a literal past the input, a copy offset of 0 or before the
/// start of the output, output overflow or underflow. Memory: one output buffer of the declared
/// length, which is checked first (≤ `maxOutput`, and ≤ 22 × input + 64: no snappy stream
/// expands more, so a tiny input cannot make us allocate a huge buffer).
package enum Snappy {
    @inline(never)
    static func failure(_ reason: String) -> ColumnarError { .codec(codec: "SNAPPY", reason: reason) }

    /// The uncompressed length stored at the start of a snappy block, and the header size.
    package static func decompressedLength(_ input: [UInt8]) throws(ColumnarError) -> (length: Int, headerSize: Int) {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var i = 0
        while true {
            guard i < input.count else { throw failure("truncated length varint") }
            let b = input[i]
            i += 1
            result |= UInt64(b & 0x7f) << shift
            if b & 0x80 == 0 { break }
            shift += 7
            guard shift < 35 else { throw failure("length varint longer than 5 bytes") }
        }
        guard result <= UInt64(UInt32.max) else { throw failure("length \(result) exceeds 32 bits") }
        return (Int(result), i)
    }

    package static func decompress(_ input: [UInt8], expectedSize: Int? = nil,
                                  maxOutput: Int = 1 << 28) throws(ColumnarError) -> [UInt8] {
        let (length, headerSize) = try decompressedLength(input)
        if let expectedSize, expectedSize != length {
            throw failure("block declares \(length) bytes, expected \(expectedSize)")
        }
        guard length <= maxOutput else { throw failure("block declares \(length) bytes, above the \(maxOutput) limit") }
        guard length <= input.count * 22 + 64 else {
            throw failure("block declares \(length) bytes, impossible for \(input.count) input bytes")
        }
        var out = [UInt8](repeating: 0, count: length)
        var error: ColumnarError?
        out.withUnsafeMutableBufferPointer { dst in
            input.withUnsafeBufferPointer { src in
                error = decode(src, from: headerSize, into: dst)
            }
        }
        if let error { throw error }
        return out
    }

    /// The decoding loop. Every index is checked against `src.count`/`dst.count` before use.
    private static func decode(_ src: UnsafeBufferPointer<UInt8>, from start: Int,
                               into dst: UnsafeMutableBufferPointer<UInt8>) -> ColumnarError? {
        var ip = start
        var op = 0
        let inEnd = src.count
        let outEnd = dst.count
        while ip < inEnd {
            let tag = src[ip]
            ip += 1
            switch tag & 3 {
            case 0:
                var len = Int(tag >> 2)
                if len >= 60 {
                    let extra = len - 59
                    guard ip + extra <= inEnd else { return failure("truncated literal length") }
                    len = 0
                    for k in 0..<extra { len |= Int(src[ip + k]) << (8 * k) }
                    ip += extra
                }
                len += 1
                guard len <= inEnd - ip else { return failure("literal of \(len) bytes past end of input") }
                guard len <= outEnd - op else { return failure("literal overflows output") }
                (dst.baseAddress! + op).update(from: src.baseAddress! + ip, count: len)
                ip += len
                op += len
            default:
                var len: Int
                var offset: Int
                switch tag & 3 {
                case 1:
                    guard ip < inEnd else { return failure("truncated copy") }
                    len = 4 + Int((tag >> 2) & 7)
                    offset = (Int(tag >> 5) << 8) | Int(src[ip])
                    ip += 1
                case 2:
                    guard ip + 2 <= inEnd else { return failure("truncated copy") }
                    len = Int(tag >> 2) + 1
                    offset = Int(src[ip]) | Int(src[ip + 1]) << 8
                    ip += 2
                default:
                    guard ip + 4 <= inEnd else { return failure("truncated copy") }
                    len = Int(tag >> 2) + 1
                    offset = Int(src[ip]) | Int(src[ip + 1]) << 8 | Int(src[ip + 2]) << 16 | Int(src[ip + 3]) << 24
                    ip += 4
                }
                guard offset > 0 && offset <= op else { return failure("copy offset \(offset) before start of output (at \(op))") }
                guard len <= outEnd - op else { return failure("copy overflows output") }
                var from = op - offset
                if offset >= len {
                    (dst.baseAddress! + op).update(from: dst.baseAddress! + from, count: len)
                    op += len
                } else {
                    for _ in 0..<len {  // overlapping: byte by byte repeats the pattern
                        dst[op] = dst[from]
                        op += 1
                        from += 1
                    }
                }
            }
        }
        guard op == outEnd else { return failure("decoded \(op) bytes, block declares \(outEnd)") }
        return nil
    }
}
