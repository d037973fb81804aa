/// Compresses page bodies with the chunk codec (parquet.md §5): a zstd frame, one gzip member
/// (RFC 1952, never raw zlib), or nothing.
struct PageCompressor {
    let codec: CompressionCodec
    let level: Int32

    /// The compressed body; nil for UNCOMPRESSED (the caller writes the body as is).
    func compress(_ body: UnsafeRawBufferPointer) throws(ColumnarError) -> [UInt8]? {
        switch codec {
        case .zstd: try Zstd.compress(body, level: level)
        case .gzip: try Gzip.compress(body, level: level)
        default: nil
        }
    }
}
