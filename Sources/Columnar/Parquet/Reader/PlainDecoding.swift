/// PLAIN decoding of page values (Parquet Encodings.md) from `bytes[start..<end]`.
///
/// Each function checks that the values fit in the window before touching memory and returns
/// the position after the last value. INT32/INT64/FLOAT/DOUBLE are little-endian; BOOLEAN is
/// bit-packed LSB-first; BYTE_ARRAY is `u32 LE length + bytes`; FIXED_LEN_BYTE_ARRAY is raw.
/// The fixed-width copy is the one unsafe spot (`copyMemory` after the bounds check);
/// `fixedWidthScalar` is their safe twin, compared in the tests.
enum PlainDecoding {
    static func window(_ start: Int, _ end: Int, need: Int, _ what: String) throws(DecodeError) {
        guard need >= 0, end - start >= need else {
            throw DecodeError("PLAIN \(what): need \(need) bytes, page has \(end - start)")
        }
    }

    static func fixedWidth<T: FixedWidthInteger>(_ bytes: [UInt8], start: Int, end: Int, count: Int,
                                                 into out: inout ContiguousArray<T>) throws(DecodeError) -> Int {
        let size = MemoryLayout<T>.size
        let (need, overflow) = count.multipliedReportingOverflow(by: size)
        guard !overflow else { throw DecodeError("PLAIN count \(count) overflows") }
        try window(start, end, need: need, "\(T.self)")
        guard count > 0 else { return start }
        let base = out.count
        out.append(contentsOf: repeatElement(0, count: count))
        bytes.withUnsafeBytes { raw in
            out.withUnsafeMutableBytes { dst in
                // Little-endian storage: the PLAIN bytes are the values' memory image.
                dst.baseAddress!.advanced(by: base * size).copyMemory(from: raw.baseAddress! + start, byteCount: need)
            }
        }
        #if _endian(big)
        for i in base..<out.count { out[i] = T(littleEndian: out[i]) }
        #endif
        return start + need
    }

    /// Safe twin of `fixedWidth` (byte-by-byte little-endian assembly).
    static func fixedWidthScalar<T: FixedWidthInteger>(_ bytes: [UInt8], start: Int, end: Int, count: Int,
                                                       into out: inout ContiguousArray<T>) throws(DecodeError) -> Int {
        let size = MemoryLayout<T>.size
        try window(start, end, need: count * size, "\(T.self)")
        for i in 0..<count {
            var v: T = 0
            for k in 0..<size { v |= T(truncatingIfNeeded: bytes[start + i * size + k]) << T(8 * k) }
            out.append(v)
        }
        return start + count * size
    }

    static func floats(_ bytes: [UInt8], start: Int, end: Int, count: Int,
                       into out: inout ContiguousArray<Double>) throws(DecodeError) -> Int {
        var raw = ContiguousArray<UInt32>()
        let pos = try fixedWidth(bytes, start: start, end: end, count: count, into: &raw)
        for bits in raw { out.append(Double(Float(bitPattern: bits))) }
        return pos
    }

    static func doubles(_ bytes: [UInt8], start: Int, end: Int, count: Int,
                        into out: inout ContiguousArray<Double>) throws(DecodeError) -> Int {
        var raw = ContiguousArray<UInt64>()
        let pos = try fixedWidth(bytes, start: start, end: end, count: count, into: &raw)
        for bits in raw { out.append(Double(bitPattern: bits)) }
        return pos
    }

    static func bools(_ bytes: [UInt8], start: Int, end: Int, count: Int,
                      into out: inout ContiguousArray<Bool>) throws(DecodeError) -> Int {
        let need = (count + 7) / 8
        try window(start, end, need: need, "BOOLEAN")
        for i in 0..<count { out.append(bytes[start + (i >> 3)] & (1 << UInt8(i & 7)) != 0) }
        return start + need
    }

    /// Appends `count` BYTE_ARRAY values to `out` (no validity changes).
    static func byteArrays(_ bytes: [UInt8], start: Int, end: Int, count: Int,
                           into out: inout StringColumn) throws(DecodeError) -> Int {
        try window(start, end, need: count.multipliedReportingOverflow(by: 4).overflow ? -1 : count * 4, "BYTE_ARRAY")
        var r = ByteReader(bytes, start: start, end: end)
        for _ in 0..<count {
            let n = Int(try r.readUInt32LE())
            let range = try r.take(n)
            try appendString(&out, bytes, range)
        }
        return r.position
    }

    static func appendString(_ out: inout StringColumn, _ bytes: [UInt8], _ range: Range<Int>) throws(DecodeError) {
        guard out.bytes.count + range.count < Int(Int32.max) else {
            throw DecodeError("more than 2 GiB of string data in one column chunk")
        }
        bytes.withUnsafeBytes { raw in out.appendBytes(UnsafeRawBufferPointer(rebasing: raw[range])) }
    }

    static func fixedBytes(_ bytes: [UInt8], start: Int, end: Int, count: Int, width: Int,
                           into out: inout ContiguousArray<UInt8>) throws(DecodeError) -> Int {
        let (need, overflow) = count.multipliedReportingOverflow(by: width)
        guard !overflow else { throw DecodeError("FIXED_LEN_BYTE_ARRAY count overflows") }
        try window(start, end, need: need, "FIXED_LEN_BYTE_ARRAY")
        out.append(contentsOf: bytes[start..<(start + need)])
        return start + need
    }
}
