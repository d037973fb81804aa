import CZstd

/// zstd compression through the system libzstd (one frame per call).
///
/// Memory: `compress` allocates `ZSTD_compressBound(n)` bytes for its output; `decompress`
/// allocates at most `maxOutput` bytes and fails rather than grow past it.
public enum Zstd {
    /// Default level for store files: a good ratio at well over 100 MB/s per core.
    public static let defaultLevel: Int32 = 3

    /// Compresses `input` into one zstd frame.
    public static func compress(_ input: UnsafeRawBufferPointer, level: Int32 = defaultLevel) throws(ColumnarError) -> [UInt8] {
        let bound = ZSTD_compressBound(input.count)
        var failure: String?
        let out = [UInt8](unsafeUninitializedCapacity: bound) { buffer, initialized in
            let written = ZSTD_compress(buffer.baseAddress, bound, input.baseAddress, input.count, level)
            if ZSTD_isError(written) != 0 {
                failure = String(cString: ZSTD_getErrorName(written))
                initialized = 0
            } else {
                initialized = written
            }
        }
        if let failure { throw .codec(codec: "ZSTD", reason: "compression failed: \(failure)") }
        return out
    }

    public static func compress(_ input: [UInt8], level: Int32 = defaultLevel) throws(ColumnarError) -> [UInt8] {
        do {
            return try input.withUnsafeBytes { raw in try compress(raw, level: level) }
        } catch let e as ColumnarError { throw e } catch { throw .codec(codec: "ZSTD", reason: "\(error)") }
    }

    /// Decompresses one or more concatenated frames whose total content is exactly
    /// `expectedSize` bytes (Parquet's `uncompressed_page_size`). Throws on corrupt input or a
    /// size mismatch.
    public static func decompress(_ input: UnsafeRawBufferPointer, expectedSize: Int) throws(ColumnarError) -> [UInt8] {
        guard expectedSize >= 0 else { throw .codec(codec: "ZSTD", reason: "negative expected size") }
        var failure: String?
        let out = [UInt8](unsafeUninitializedCapacity: expectedSize) { buffer, initialized in
            let written = ZSTD_decompress(buffer.baseAddress, expectedSize, input.baseAddress, input.count)
            if ZSTD_isError(written) != 0 {
                failure = String(cString: ZSTD_getErrorName(written))
                initialized = 0
            } else if written != expectedSize {
                failure = "decompressed \(written) bytes, expected \(expectedSize)"
                initialized = 0
            } else {
                initialized = written
            }
        }
        if let failure { throw .codec(codec: "ZSTD", reason: "corrupt data: \(failure)") }
        return out
    }

    public static func decompress(_ input: [UInt8], expectedSize: Int) throws(ColumnarError) -> [UInt8] {
        do {
            return try input.withUnsafeBytes { raw in try decompress(raw, expectedSize: expectedSize) }
        } catch let e as ColumnarError { throw e } catch { throw .codec(codec: "ZSTD", reason: "\(error)") }
    }
}
