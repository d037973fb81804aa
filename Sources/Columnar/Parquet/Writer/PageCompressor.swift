/// Compresses page bodies with the chunk codec (docs/parquet.md §5): a zstd frame, one gzip member
/// (RFC 1952, never raw zlib), or nothing.
///
/// Memory: one output buffer kept between pages (grown to the largest page's compress bound)
/// and, for zstd, one compression context created on first use and reused for every page, so
/// steady-state compression allocates nothing.
struct PageCompressor {
    let codec: CompressionCodec
    let level: Int32
    private var zstd: Zstd.Compressor?
    /// The compressed body of the last `compress` call is `output[0..<length]`.
    private(set) var output: [UInt8] = []

    init(codec: CompressionCodec, level: Int32) {
        self.codec = codec
        self.level = level
    }

    /// Compresses `body` into `output` and returns the compressed length; nil for
    /// UNCOMPRESSED (the caller writes the body as is).
    mutating func compress(_ body: UnsafeRawBufferPointer) throws(ColumnarError) -> Int? {
        switch codec {
        case .zstd:
            let context: Zstd.Compressor
            if let zstd { context = zstd } else {
                context = try Zstd.Compressor(level: level)
                zstd = context
            }
            return try context.compress(body, into: &output)
        case .gzip:
            output = try Gzip.compress(body, level: level)
            return output.count
        default:
            return nil
        }
    }
}
