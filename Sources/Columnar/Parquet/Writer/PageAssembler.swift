/// Frames the pages of one column chunk: compresses a page body with the chunk codec, fills in
/// the header's sizes and (optionally) CRC, and appends header + stored body to the chunk's data
/// pages or its dictionary page (docs/parquet.md §4, §5). Data and dictionary pages go through the
/// same `append(header:body:to:)`.
///
/// Also keeps the chunk's `total_compressed_size` / `total_uncompressed_size` (headers
/// included). Memory: the chunk's framed pages, one header scratch and the compressor's output
/// buffer, all kept between chunks (`reset()`).
struct PageAssembler {
    /// Which byte stream of the chunk a page goes to.
    enum Target { case data, dictionary }

    private let columnName: String
    private let pageCRC: Bool
    private var compressor: PageCompressor
    private var headerBytes = ByteSink(capacity: 64)
    /// Framed data pages, back to back.
    private(set) var dataPages = ByteSink()
    /// The framed dictionary page (empty when the chunk has none).
    private(set) var dictionaryPage = ByteSink()
    private(set) var totalUncompressed: Int64 = 0
    private(set) var totalCompressed: Int64 = 0

    init(columnName: String, options: ParquetWriterOptions) {
        self.columnName = columnName
        pageCRC = options.pageCRC
        compressor = PageCompressor(codec: options.codec, level: options.effectiveLevel)
    }

    /// Starts a new chunk, keeping buffer capacity.
    mutating func reset() {
        dataPages.removeAll()
        dictionaryPage.removeAll()
        totalUncompressed = 0
        totalCompressed = 0
    }

    /// Compresses `body`, sets `uncompressedPageSize`, `compressedPageSize` and (when page CRCs
    /// are on) `crc` of `header` (the CRC covers the stored, i.e. compressed, bytes), and appends
    /// the serialized header followed by the stored body to `target`. Throws
    /// `.invalidArgument` when the body or the compressed body exceeds 2 GiB, and the
    /// compressor's error when compression fails; nothing is appended then.
    mutating func append(header: PageHeader, body: ByteSink, to target: Target) throws(ColumnarError) {
        guard body.count <= Int(Int32.max) else {
            throw .invalidArgument("column '\(columnName)': a page body of \(body.count) bytes exceeds 2 GiB")
        }
        var header = header
        let bodyBytes = body.bytes   // shares the storage, no copy
        var failure: ColumnarError?
        let compressedLength: Int? = bodyBytes.withUnsafeBytes { raw in
            do throws(ColumnarError) { return try compressor.compress(raw) } catch {
                failure = error
                return nil
            }
        }
        if let failure { throw failure }
        let storedLength = compressedLength ?? body.count
        guard storedLength <= Int(Int32.max) else {
            throw .invalidArgument("column '\(columnName)': a compressed page exceeds 2 GiB")
        }
        header.uncompressedPageSize = Int32(body.count)
        header.compressedPageSize = Int32(storedLength)
        let crc = pageCRC
        if compressedLength != nil {
            compressor.output.withUnsafeBytes { raw in
                let stored = UnsafeRawBufferPointer(rebasing: raw[0..<storedLength])
                switch target {
                case .data: Self.frame(&header, stored: stored, crc: crc, scratch: &headerBytes, into: &dataPages)
                case .dictionary: Self.frame(&header, stored: stored, crc: crc, scratch: &headerBytes, into: &dictionaryPage)
                }
            }
        } else {
            bodyBytes.withUnsafeBytes { stored in
                switch target {
                case .data: Self.frame(&header, stored: stored, crc: crc, scratch: &headerBytes, into: &dataPages)
                case .dictionary: Self.frame(&header, stored: stored, crc: crc, scratch: &headerBytes, into: &dictionaryPage)
                }
            }
        }
        totalCompressed &+= Int64(headerBytes.count + storedLength)
        totalUncompressed &+= Int64(headerBytes.count + body.count)
    }

    /// Sets the CRC of `stored` (when `crc`), serializes `header` into `scratch` and appends
    /// header and `stored` to `sink`. (Static so that the caller may hold the compressor's
    /// output while the sinks, other stored properties, are written.)
    private static func frame(_ header: inout PageHeader, stored: UnsafeRawBufferPointer, crc: Bool,
                              scratch: inout ByteSink, into sink: inout ByteSink) {
        if crc { header.crc = CRC32.parquetValue(stored) }
        scratch.removeAll()
        header.serialize(into: &scratch)
        sink.append(contentsOf: scratch.bytes)
        sink.append(stored)
    }
}
