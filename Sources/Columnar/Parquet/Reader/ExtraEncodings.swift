/// The optional value encodings of Encodings.md that Spark's v2 writer and pyarrow (opt-in)
/// produce: DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY (strings), BYTE_STREAM_SPLIT
/// (FLOAT, DOUBLE, INT32, INT64, FIXED_LEN_BYTE_ARRAY). Each decodes `count` dense (non-null)
/// values from `bytes[start..<end]`; lengths and prefixes are validated against the data, so a
/// hostile stream throws `DecodeError` instead of reading out of bounds.
enum ExtraEncodings {
    /// DELTA_LENGTH_BYTE_ARRAY: delta-packed lengths, then the concatenated bytes.
    static func deltaLengthByteArrays(_ bytes: [UInt8], start: Int, end: Int, count: Int) throws(DecodeError) -> StringColumn {
        var lengths = ContiguousArray<Int64>()
        var pos = try DeltaBinaryPackedDecoder.decode(bytes, start: start, end: end, count: count, into: &lengths)
        var out = StringColumn()
        for n in lengths {
            guard n >= 0, n <= Int64(end - pos) else { throw DecodeError("DELTA_LENGTH_BYTE_ARRAY length \(n) exceeds the page") }
            try PlainDecoding.appendString(&out, bytes, pos..<(pos + Int(n)))
            pos += Int(n)
        }
        return out
    }

    /// DELTA_BYTE_ARRAY: delta-packed prefix lengths, then DELTA_LENGTH_BYTE_ARRAY suffixes;
    /// value i = prefix of value i-1 + suffix i. The decoded bytes of one page are capped at
    /// `ParquetFile.maxPageSize` (prefix sharing could otherwise expand quadratically).
    static func deltaByteArrays(_ bytes: [UInt8], start: Int, end: Int, count: Int) throws(DecodeError) -> StringColumn {
        var prefixes = ContiguousArray<Int64>()
        let pos = try DeltaBinaryPackedDecoder.decode(bytes, start: start, end: end, count: count, into: &prefixes)
        let suffixes = try deltaLengthByteArrays(bytes, start: pos, end: end, count: count)
        var out = StringColumn()
        var previous: [UInt8] = []
        var total = 0
        for i in 0..<count {
            let p = prefixes[i]
            guard p >= 0, p <= Int64(previous.count) else { throw DecodeError("DELTA_BYTE_ARRAY prefix \(p) longer than the previous value") }
            total += Int(p) + suffixes.range(i).count
            guard total <= ParquetFile.maxPageSize else { throw DecodeError("DELTA_BYTE_ARRAY page expands beyond \(ParquetFile.maxPageSize) bytes") }
            var value = Array(previous[0..<Int(p)])
            value.append(contentsOf: suffixes.bytes[suffixes.range(i)])
            try PlainDecoding.appendString(&out, value, 0..<value.count)
            previous = value
        }
        return out
    }

    /// BYTE_STREAM_SPLIT: `width` streams of `count` bytes; byte k of value i is stream k[i].
    /// Returns the values re-interleaved (PLAIN layout), `count * width` bytes.
    static func byteStreamSplit(_ bytes: [UInt8], start: Int, end: Int, count: Int, width: Int) throws(DecodeError) -> [UInt8] {
        let (need, overflow) = count.multipliedReportingOverflow(by: width)
        guard !overflow, width > 0, need <= end - start else {
            throw DecodeError("BYTE_STREAM_SPLIT needs \(count) × \(width) bytes, page has \(end - start)")
        }
        var out = [UInt8](repeating: 0, count: need)
        for k in 0..<width {
            let stream = start + k * count
            for i in 0..<count { out[i * width + k] = bytes[stream + i] }
        }
        return out
    }
}
