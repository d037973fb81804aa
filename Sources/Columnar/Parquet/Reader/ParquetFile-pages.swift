/// Column-chunk reading: the chunk's bytes (one ranged read, or a window of a coalesced read of
/// several chunks of one row group), then the page walk.
///
/// Chunk start = `dictionary_page_offset ?? data_page_offset` (a dictionary page found as the
/// first page at `data_page_offset`, as legacy writers produce, is accepted too); length =
/// `total_compressed_size`, checked to lie inside the data region. Pages are walked until the
/// data pages have delivered `num_values` level entries: DICTIONARY_PAGE (first, at most one),
/// DATA_PAGE (v1), DATA_PAGE_V2; INDEX_PAGE and unknown page types are skipped by
/// `compressed_page_size`. A present `crc` is verified over the page body as stored. A page
/// never reads past its chunk's end, also inside a coalesced buffer.
extension ParquetFile {
    /// A column chunk located and checked against its row group, not yet read.
    struct ChunkPlan {
        let meta: ColumnMetaData
        /// Its bytes in the file, inside the data region.
        let range: Range<Int>
    }

    func readColumn(rowGroup: Int, descriptor d: ParquetColumnDescriptor) throws(ColumnarError) -> AnyColumn {
        try readColumn(rowGroup: rowGroup, descriptor: d, uuidText: false).column
    }

    /// Reads (one ranged read) and decodes one chunk.
    func readColumn(rowGroup: Int, descriptor d: ParquetColumnDescriptor,
                    uuidText: Bool) throws(ColumnarError) -> (column: AnyColumn, raw: AnyColumn?) {
        let plan = try plan(rowGroup: rowGroup, descriptor: d)
        let (bytes, base) = try fetch(plan.range)
        return try decode(plan, rowGroup: rowGroup, descriptor: d, uuidText: uuidText,
                          bytes: bytes, start: plan.range.lowerBound - base)
    }

    /// Locates the chunk of `d` in `rowGroup` and checks its metadata; throws what reading it
    /// would throw before any byte is read.
    func plan(rowGroup: Int, descriptor d: ParquetColumnDescriptor) throws(ColumnarError) -> ChunkPlan {
        let location = ParquetLocation(file: path, rowGroup: rowGroup, column: d.name)
        let group = metadata.rowGroups[rowGroup]
        let chunk = group.columns[d.leafIndex]
        guard chunk.filePath == nil else {
            throw .unsupported(location, feature: "column chunk in an external file")
        }
        guard let meta = chunk.metaData else { throw .corrupt(location, reason: "column chunk without meta_data") }
        guard meta.type == d.physical else {
            throw .corrupt(location, reason: "chunk type \(meta.type) differs from schema type \(d.physical)")
        }
        guard meta.numValues == group.numRows else {
            throw .corrupt(location, reason: "num_values \(meta.numValues) differs from the row group's \(group.numRows) rows")
        }
        var start = meta.dataPageOffset
        if let dict = meta.dictionaryPageOffset, dict > 0, dict < meta.dataPageOffset { start = dict }
        let length = meta.totalCompressedSize
        guard start >= 4, length >= 0, start <= Int64(dataEnd), length <= Int64(dataEnd) - start else {
            throw .corrupt(location, reason: "column chunk [\(start), +\(length)) outside the data region (4..<\(dataEnd))")
        }
        return ChunkPlan(meta: meta, range: Int(start)..<Int(start + length))
    }

    /// Reads `range` of the file; returns the bytes and the file offset of their first byte.
    /// When the leading magic was not checked at open, a range starting at byte 4 (the first
    /// chunk) is read from byte 0 and the magic checked: no extra request.
    func fetch(_ range: Range<Int>) throws(ColumnarError) -> (bytes: [UInt8], base: Int) {
        if !headVerified && range.lowerBound == 4 {
            let bytes = try handle.read(offset: 0, count: range.upperBound)
            guard bytes[0..<4].elementsEqual("PAR1".utf8) else {
                throw .corrupt(ParquetLocation(file: path), reason: "missing PAR1 magic")
            }
            return (bytes, 0)
        }
        return (try handle.read(offset: range.lowerBound, count: range.count), range.lowerBound)
    }

    /// Decodes the chunk `plan` from `bytes[start..<start + plan.range.count]`.
    /// `uuidText`: decode a BYTE_ARRAY column with `UUIDTextColumnBuilder` (`column` is then
    /// `.fixedBytes` of width 16 and `raw` the non-canonical texts, nil when there is none).
    func decode(_ plan: ChunkPlan, rowGroup: Int, descriptor d: ParquetColumnDescriptor, uuidText: Bool,
                bytes: [UInt8], start: Int) throws(ColumnarError) -> (column: AnyColumn, raw: AnyColumn?) {
        var location = ParquetLocation(file: path, rowGroup: rowGroup, column: d.name)
        let meta = plan.meta
        let chunkSize = plan.range.count
        var builder = ColumnBuilder(d, uuidText: uuidText)
        let expected = Int(meta.numValues)
        // A hint only: bounded by the chunk's size so a hostile row count cannot reserve much.
        builder.reserve(rows: min(expected, chunkSize * 16 + 4096))
        var reader = ByteReader(bytes, start: start, end: start + chunkSize)
        var page = 0
        var sawDataPage = false
        while builder.rows < expected {
            location.page = page
            guard !reader.isAtEnd else {
                throw .corrupt(location, reason: "column chunk ends after \(builder.rows) of \(expected) values")
            }
            do throws(DecodeError) {
                var thrift = CompactReader(reader)
                let header = try PageHeader.decode(from: &thrift)
                reader = thrift.input
                let c = Int(header.compressedPageSize), u = Int(header.uncompressedPageSize)
                guard c >= 0, u >= 0 else { throw DecodeError("negative page size") }
                guard u <= Self.maxPageSize else { throw DecodeError("uncompressed page size \(u) above the \(Self.maxPageSize) limit") }
                let body = try reader.take(c)
                if let crc = header.crc {
                    let actual = bytes.withUnsafeBytes { CRC32.parquetValue(UnsafeRawBufferPointer(rebasing: $0[body])) }
                    guard actual == crc else { throw DecodeError("page CRC mismatch") }
                }
                switch header.type {
                case .dictionaryPage:
                    guard !sawDataPage else { throw DecodeError("dictionary page after a data page") }
                    guard let dh = header.dictionaryPageHeader else { throw DecodeError("dictionary page without its header") }
                    guard dh.encoding == .plain || dh.encoding == .plainDictionary else {
                        throw DecodeError("dictionary page encoding \(dh.encoding.rawValue)")
                    }
                    let (buf, range) = try decompress(meta.codec, bytes, body, uncompressedSize: u, location)
                    try builder.setDictionary(buf, start: range.lowerBound, end: range.upperBound, count: Int(dh.numValues))
                case .dataPage:
                    sawDataPage = true
                    guard let dh = header.dataPageHeader else { throw DecodeError("data page without its header") }
                    let n = Int(dh.numValues)
                    guard n >= 0, n <= expected - builder.rows else {
                        throw DecodeError("page of \(n) values exceeds the chunk's remaining \(expected - builder.rows)")
                    }
                    try checkEncoding(builder, dh.encoding, location)
                    let (buf, range) = try decompress(meta.codec, bytes, body, uncompressedSize: u, location)
                    var pos = range.lowerBound
                    var levels: ContiguousArray<UInt32>?
                    if d.nullable {
                        guard dh.definitionLevelEncoding == .rle else {
                            throw DecodeError.unsupported("definition level encoding \(dh.definitionLevelEncoding.rawValue)")
                        }
                        do throws(DecodeError) {
                            var r = ByteReader(buf, start: pos, end: range.upperBound)
                            let len = Int(try r.readUInt32LE())
                            let lv = try r.take(len)
                            var l = ContiguousArray<UInt32>()
                            try RLEHybridDecoder.decode(buf, start: lv.lowerBound, end: lv.upperBound, bitWidth: 1, count: n, into: &l)
                            levels = l
                            pos = lv.upperBound
                        } catch {
                            throw DecodeError("definition levels: \(error.reason)")
                        }
                    }
                    try builder.appendPage(buf, start: pos, end: range.upperBound, encoding: dh.encoding, levels: levels, rows: n)
                case .dataPageV2:
                    sawDataPage = true
                    guard let dh = header.dataPageHeaderV2 else { throw DecodeError("data page v2 without its header") }
                    let n = Int(dh.numValues)
                    guard n >= 0, n <= expected - builder.rows else {
                        throw DecodeError("page of \(n) values exceeds the chunk's remaining \(expected - builder.rows)")
                    }
                    let defLen = Int(dh.definitionLevelsByteLength), repLen = Int(dh.repetitionLevelsByteLength)
                    guard defLen >= 0, repLen >= 0, defLen + repLen <= c, defLen + repLen <= u else {
                        throw DecodeError("v2 level lengths \(repLen)+\(defLen) exceed the page")
                    }
                    try checkEncoding(builder, dh.encoding, location)
                    var levels: ContiguousArray<UInt32>?
                    let levelStart = body.lowerBound + repLen
                    if d.nullable {
                        var l = ContiguousArray<UInt32>()
                        do throws(DecodeError) {
                            try RLEHybridDecoder.decode(bytes, start: levelStart, end: levelStart + defLen, bitWidth: 1, count: n, into: &l)
                        } catch {
                            throw DecodeError("definition levels: \(error.reason)")
                        }
                        levels = l
                    }
                    let valuesBody = (levelStart + defLen)..<body.upperBound
                    let valuesSize = u - defLen - repLen
                    let (buf, range): ([UInt8], Range<Int>)
                    if dh.isCompressed {
                        (buf, range) = try decompress(meta.codec, bytes, valuesBody, uncompressedSize: valuesSize, location)
                    } else {
                        guard valuesSize == valuesBody.count else { throw DecodeError("uncompressed v2 page sizes disagree") }
                        (buf, range) = (bytes, valuesBody)
                    }
                    try builder.appendPage(buf, start: range.lowerBound, end: range.upperBound, encoding: dh.encoding, levels: levels, rows: n)
                default:
                    break  // INDEX_PAGE or unknown: skipped by its size
                }
            } catch {
                if error.isUnsupported { throw .unsupported(location, feature: error.reason) }
                throw .corrupt(location, reason: error.reason)
            }
            page += 1
        }
        location.page = nil
        do throws(DecodeError) {
            let column = try builder.finish()
            return (column, builder.uuidRawColumn())
        } catch {
            throw .corrupt(location, reason: error.reason)
        }
    }

    private func checkEncoding(_ builder: ColumnBuilder, _ encoding: Encoding, _ location: ParquetLocation) throws(DecodeError) {
        if !builder.supports(encoding) {
            throw .unsupported("value encoding \(encoding.rawValue) for \(builder.descriptor.physical)")
        }
    }

    /// Decompresses `bytes[body]` with `codec` into exactly `uncompressedSize` bytes. For
    /// UNCOMPRESSED the body is returned in place (no copy).
    func decompress(_ codec: CompressionCodec, _ bytes: [UInt8], _ body: Range<Int>, uncompressedSize u: Int,
                    _ location: ParquetLocation) throws(DecodeError) -> ([UInt8], Range<Int>) {
        if codec == .uncompressed {
            guard u == body.count else { throw DecodeError("uncompressed page: sizes \(u) and \(body.count) differ") }
            return (bytes, body)
        }
        if u == 0 && body.isEmpty { return ([], 0..<0) }
        let input = Array(bytes[body])
        let out: [UInt8]
        do throws(ColumnarError) {
            switch codec {
            case .snappy:
                out = try Snappy.decompress(input, expectedSize: u, maxOutput: Self.maxPageSize)
            case .gzip:
                guard u <= input.count &* 1032 &+ 1024 else {
                    throw .codec(codec: "GZIP", reason: "cannot expand \(input.count) bytes to \(u)")
                }
                out = try Gzip.decompress(input, expectedSize: u, maxOutput: u)
            case .zstd:
                out = try Zstd.decompress(input, expectedSize: u)
            default:
                throw .unsupported(location, feature: "compression codec \(codec)")
            }
        } catch {
            if case .unsupported(_, let feature) = error { throw .unsupported(feature) }
            throw DecodeError("\(codec) page: \(error)")
        }
        return (out, 0..<out.count)
    }
}
