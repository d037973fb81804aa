import CZlib

/// Streaming gzip decompression of several concatenated members (as `gzip -c a b` or
/// parallel gzip tools produce), for inputs too large to hold in memory.
///
/// Feed compressed bytes with `inflate(_:into:)`; decoded bytes are appended to the output
/// array. `finish()` throws when the stream ended in the middle of a member (truncated file).
/// Memory: zlib's 32 KiB window plus what the caller's output array holds.
package final class GzipInflater {
    private var stream = z_stream()
    private var active = false
    /// True once at least one member has been fully decoded and no other is in progress.
    private var betweenMembers = true
    private var decodedAny = false
    private var chunk = [UInt8](repeating: 0, count: 1 << 17)

    package init() {}

    deinit { if active { inflateEnd(&stream) } }

    private func start() throws(ColumnarError) {
        stream = z_stream()
        let rc = inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else { throw .codec(codec: "GZIP", reason: "inflateInit2 failed (\(rc))") }
        active = true
    }

    /// Decodes all of `input`, appending to `output`.
    package func inflate(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) throws(ColumnarError) {
        var offset = 0
        while offset < input.count {
            if !active {
                // Padding zeros after the last member are ignored, like gzip(1).
                if input[offset] == 0 && decodedAny { offset += 1; continue }
                try start()
                betweenMembers = false
            }
            stream.next_in = UnsafeMutablePointer(mutating: (input.baseAddress! + offset).assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(input.count - offset)
            var rc: Int32 = Z_OK
            repeat {
                let produced: Int = chunk.withUnsafeMutableBytes { raw in
                    stream.next_out = raw.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(raw.count)
                    rc = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return raw.count - Int(stream.avail_out)
                }
                if rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR {
                    let msg = stream.msg.map { String(cString: $0) } ?? "zlib \(rc)"
                    throw .codec(codec: "GZIP", reason: "corrupt data (\(msg))")
                }
                output.append(contentsOf: chunk[0..<produced])
                if rc == Z_STREAM_END || rc == Z_BUF_ERROR { break }
            } while stream.avail_in > 0 || stream.avail_out == 0
            let consumed = (input.count - offset) - Int(stream.avail_in)
            offset += consumed
            if rc == Z_STREAM_END {
                inflateEnd(&stream)
                active = false
                betweenMembers = true
                decodedAny = true
            } else if consumed == 0 {
                break
            }
        }
    }

    /// Checks that the input ended at a member boundary.
    package func finish() throws(ColumnarError) {
        if active || !betweenMembers {
            throw .codec(codec: "GZIP", reason: "truncated gzip stream (the input ends inside a member)")
        }
    }
}
