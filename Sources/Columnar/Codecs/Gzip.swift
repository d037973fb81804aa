import CZlib

/// gzip (RFC 1952) through the system zlib.
///
/// `compress` writes one real gzip member (`windowBits = 15 + 16`), never a raw zlib stream:
/// DuckDB, Polars and Spark reject zlib-wrapped Parquet pages. `decompress` accepts several
/// concatenated members (`windowBits = 15 + 32`, restarted after each member's end).
/// Memory: output buffers only; `decompress` never grows past `maxOutput` bytes.
package enum Gzip {
    package static func compress(_ input: UnsafeRawBufferPointer, level: Int32 = 6) throws(ColumnarError) -> [UInt8] {
        var stream = z_stream()
        var rc = deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                               ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else { throw .codec(codec: "GZIP", reason: "deflateInit2 failed (\(rc))") }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count))) + 32
        var out = [UInt8](repeating: 0, count: bound)
        rc = out.withUnsafeMutableBytes { outRaw in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(input.count)
            stream.next_out = outRaw.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(bound)
            return deflate(&stream, Z_FINISH)
        }
        guard rc == Z_STREAM_END else { throw .codec(codec: "GZIP", reason: "deflate failed (\(rc))") }
        out.removeLast(bound - Int(stream.total_out))
        return out
    }

    package static func compress(_ input: [UInt8], level: Int32 = 6) throws(ColumnarError) -> [UInt8] {
        do {
            return try input.withUnsafeBytes { raw in try compress(raw, level: level) }
        } catch let e as ColumnarError { throw e } catch { throw .codec(codec: "GZIP", reason: "\(error)") }
    }

    /// Inflates every gzip member in `input`. `expectedSize`, when given, must match exactly
    /// (Parquet pages); `maxOutput` caps the output either way.
    package static func decompress(_ input: UnsafeRawBufferPointer, expectedSize: Int? = nil,
                                  maxOutput: Int = 1 << 31) throws(ColumnarError) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(expectedSize ?? min(maxOutput, max(64, input.count * 4)))
        var consumed = 0
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        repeat {
            var stream = z_stream()
            var rc = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
            guard rc == Z_OK else { throw .codec(codec: "GZIP", reason: "inflateInit2 failed (\(rc))") }
            defer { inflateEnd(&stream) }
            let remaining = input.count - consumed
            stream.next_in = UnsafeMutablePointer(
                mutating: input.baseAddress.map { ($0 + consumed).assumingMemoryBound(to: Bytef.self) })
            stream.avail_in = uInt(remaining)
            repeat {
                let produced: Int = chunk.withUnsafeMutableBytes { raw in
                    stream.next_out = raw.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(raw.count)
                    rc = inflate(&stream, Z_NO_FLUSH)
                    return raw.count - Int(stream.avail_out)
                }
                if rc != Z_OK && rc != Z_STREAM_END {
                    throw .codec(codec: "GZIP", reason: "corrupt data (zlib \(rc)\(stream.msg.map { ": " + String(cString: $0) } ?? ""))")
                }
                if out.count + produced > maxOutput {
                    throw .codec(codec: "GZIP", reason: "output exceeds \(maxOutput) bytes")
                }
                out.append(contentsOf: chunk[0..<produced])
                if rc == Z_OK && produced == 0 && stream.avail_in == 0 {
                    throw .codec(codec: "GZIP", reason: "truncated gzip member")
                }
            } while rc != Z_STREAM_END
            consumed += remaining - Int(stream.avail_in)
        } while consumed < input.count && input[consumed] == 0x1f
        if let expectedSize, out.count != expectedSize {
            throw .codec(codec: "GZIP", reason: "decompressed \(out.count) bytes, expected \(expectedSize)")
        }
        return out
    }

    package static func decompress(_ input: [UInt8], expectedSize: Int? = nil,
                                  maxOutput: Int = 1 << 31) throws(ColumnarError) -> [UInt8] {
        do {
            return try input.withUnsafeBytes { raw in
                try decompress(raw, expectedSize: expectedSize, maxOutput: maxOutput)
            }
        } catch let e as ColumnarError { throw e } catch { throw .codec(codec: "GZIP", reason: "\(error)") }
    }
}
