import CZstd

/// zstd compression through the system libzstd (one frame per call).
///
/// Memory: `compress` allocates `ZSTD_compressBound(n)` bytes for its output; `decompress`
/// allocates at most `maxOutput` bytes and fails rather than grow past it.
package enum Zstd {
    /// Default level for store files: a good ratio at well over 100 MB/s per core.
    package static let defaultLevel: Int32 = 3

    /// Compresses `input` into one zstd frame.
    package static func compress(_ input: UnsafeRawBufferPointer, level: Int32 = defaultLevel) throws(ColumnarError) -> [UInt8] {
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

    /// A reusable compression context: `compress(_:into:)` writes one frame into a caller-kept
    /// buffer, so a writer compressing page after page allocates neither a context nor an output
    /// array per page. The output bytes are identical to `Zstd.compress(_:level:)`.
    ///
    /// Memory: the zstd context (sized by the level and the largest input seen) plus the
    /// caller's buffer. Owned by one thread at a time; not `Sendable`.
    package final class Compressor {
        package let level: Int32
        private let context: OpaquePointer

        /// Throws `.codec` when libzstd cannot allocate a context.
        package init(level: Int32 = Zstd.defaultLevel) throws(ColumnarError) {
            guard let cctx = ZSTD_createCCtx() else {
                throw .codec(codec: "ZSTD", reason: "cannot allocate a compression context")
            }
            self.level = level
            context = cctx
        }

        deinit { ZSTD_freeCCtx(context) }

        /// Writes one zstd frame of `input` to the front of `output` and returns its length.
        /// `output` is grown (zero-filled) to `ZSTD_compressBound(input.count)` bytes when shorter
        /// and never shrunk, so a kept buffer stops allocating once it fits the largest page.
        package func compress(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) throws(ColumnarError) -> Int {
            let bound = ZSTD_compressBound(input.count)
            if output.count < bound { output.append(contentsOf: repeatElement(0, count: bound - output.count)) }
            let written = output.withUnsafeMutableBytes { out in
                ZSTD_compressCCtx(context, out.baseAddress, out.count, input.baseAddress, input.count, level)
            }
            if ZSTD_isError(written) != 0 {
                throw .codec(codec: "ZSTD", reason: "compression failed: \(String(cString: ZSTD_getErrorName(written)))")
            }
            return written
        }
    }

    package static func compress(_ input: [UInt8], level: Int32 = defaultLevel) throws(ColumnarError) -> [UInt8] {
        do {
            return try input.withUnsafeBytes { raw in try compress(raw, level: level) }
        } catch let e as ColumnarError { throw e } catch { throw .codec(codec: "ZSTD", reason: "\(error)") }
    }

    /// Decompresses one or more concatenated frames whose total content is exactly
    /// `expectedSize` bytes (Parquet's `uncompressed_page_size`). Throws on corrupt input or a
    /// size mismatch.
    package static func decompress(_ input: UnsafeRawBufferPointer, expectedSize: Int) throws(ColumnarError) -> [UInt8] {
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

    package static func decompress(_ input: [UInt8], expectedSize: Int) throws(ColumnarError) -> [UInt8] {
        do {
            return try input.withUnsafeBytes { raw in try decompress(raw, expectedSize: expectedSize) }
        } catch let e as ColumnarError { throw e } catch { throw .codec(codec: "ZSTD", reason: "\(error)") }
    }
}
