/// BYTE_ARRAY column chunks of UUID texts (the store's `user_session`, events schema version 2)
/// decoded straight to 16 bytes per row, for a reader that asked for it (`UUIDTextSplit`).
///
/// A canonical text (`UUIDParser`: 36 bytes, lowercase, `8-4-4-4-12`) becomes its 16 bytes;
/// any other non-NULL text is kept verbatim in the raw texts (`rawColumn`), its 16 bytes zero.
/// NULL rows are 16 zero bytes. `finish` returns the 16 bytes as a `.fixedBytes` column whose
/// validity is "canonical" (clear for NULL and raw rows): the layout of events schema
/// version 1, so a reader of both versions works on one representation.
///
/// Decodes PLAIN (the store's encoding), dictionary (each entry parsed once) and the delta
/// encodings, in any mix of pages. The PLAIN loop reads the page through a raw pointer after
/// checking every length against the page end: the one unsafe spot; its safe twin is the
/// ordinary `ByteArrayColumnBuilder` (texts) followed by a per-row `UUIDParser` pass, compared
/// in `UUIDTextColumnBuilderTests`. A text equal to the previous row's canonical text (rows
/// sorted by user, so sessions come in runs) copies its 16 bytes instead of parsing again.
/// Memory: 16 bytes per row, plus the raw texts and the dictionary (17 bytes per entry more).
/// Errors: `DecodeError` for a value running past the page or an unknown encoding.
struct UUIDTextColumnBuilder: PhysicalColumnBuilder {
    private var values = ContiguousArray<UInt8>()
    private var rows = 0
    /// Non-canonical, non-NULL rows and their texts.
    private var rawRows = ContiguousArray<Int>()
    private var rawTexts = StringColumn()
    private var dictionary = StringColumn()
    private var dictionaryBytes = ContiguousArray<UInt8>()
    private var dictionaryCanonical = ContiguousArray<Bool>()

    mutating func reserve(rows: Int) { values.reserveCapacity(rows &* 16) }

    mutating func setDictionary(_ bytes: [UInt8], start: Int, end: Int, count: Int) throws(DecodeError) {
        _ = try PlainDecoding.byteArrays(bytes, start: start, end: end, count: count, into: &dictionary)
        dictionaryBytes = ContiguousArray(repeating: 0, count: dictionary.count &* 16)
        dictionaryCanonical = ContiguousArray(repeating: false, count: dictionary.count)
        dictionary.bytes.withUnsafeBytes { raw in
            dictionaryBytes.withUnsafeMutableBytes { out in
                for i in 0..<dictionary.count {
                    dictionaryCanonical[i] = UUIDParser.parse(UnsafeRawBufferPointer(rebasing: raw[dictionary.range(i)]),
                                                              into: UnsafeMutableRawBufferPointer(rebasing: out[i &* 16 ..< i &* 16 &+ 16]))
                }
            }
        }
    }

    mutating func appendPage(_ page: DataPageValues, indices: ContiguousArray<UInt32>, validity: LevelBits) throws(DecodeError) {
        let levels = page.levels
        let total = levels?.count ?? page.present
        let base = values.count
        values.append(contentsOf: repeatElement(0, count: total &* 16))
        defer { rows &+= total }
        switch page.encoding {
        case .plain:
            try appendPlain(page, total: total, base: base)
        case .rleDictionary, .plainDictionary:
            guard indices.count == page.present else { throw DecodeError("dictionary index count \(indices.count) for \(page.present) values") }
            var k = 0
            for i in 0..<total {
                if let levels, levels[i] == 0 { continue }
                let e = Int(indices[k])
                k &+= 1
                if dictionaryCanonical[e] {
                    let at = base &+ i &* 16, from = e &* 16
                    for b in 0..<16 { values[at &+ b] = dictionaryBytes[from &+ b] }
                } else {
                    rawRows.append(rows &+ i)
                    rawTexts.appendBytes(dictionary.bytes[dictionary.range(e)])
                }
            }
        case .deltaLengthByteArray, .deltaByteArray:
            let dense = page.encoding == .deltaByteArray
                ? try ExtraEncodings.deltaByteArrays(page.bytes, start: page.start, end: page.end, count: page.present)
                : try ExtraEncodings.deltaLengthByteArrays(page.bytes, start: page.start, end: page.end, count: page.present)
            var k = 0
            var decoded = ContiguousArray<UInt8>()
            swap(&decoded, &values)  // a local, so the closure below may append raw texts to self
            defer { swap(&decoded, &values) }
            dense.bytes.withUnsafeBytes { raw in
                decoded.withUnsafeMutableBytes { out in
                    for i in 0..<total {
                        if let levels, levels[i] == 0 { continue }
                        let text = UnsafeRawBufferPointer(rebasing: raw[dense.range(k)])
                        k &+= 1
                        if !UUIDParser.parse(text, into: UnsafeMutableRawBufferPointer(rebasing: out[(base &+ i &* 16)...])) {
                            rawRows.append(rows &+ i)
                            rawTexts.appendBytes(text)
                        }
                    }
                }
            }
        default:
            throw DecodeError("encoding \(page.encoding.rawValue) for \(PhysicalType.byteArray)")
        }
    }

    /// PLAIN values (`u32 LE length + bytes` each) of one page. Every length is checked
    /// against the page end before its bytes are read.
    private mutating func appendPlain(_ page: DataPageValues, total: Int, base: Int) throws(DecodeError) {
        let levels = page.levels
        let firstRow = rows
        var failure: String? = nil
        var decoded = ContiguousArray<UInt8>()
        swap(&decoded, &values)  // a local, so the closure below may append raw texts to self
        defer { swap(&decoded, &values) }
        page.bytes.withUnsafeBytes { raw in
            decoded.withUnsafeMutableBytes { out in
                guard page.start >= 0, page.start <= page.end, page.end <= raw.count else {
                    failure = "PLAIN BYTE_ARRAY: page window \(page.start)..<\(page.end) outside its buffer"
                    return
                }
                let src = raw.baseAddress!
                let dst = out.baseAddress!
                var pos = page.start
                let end = page.end
                // The previous row's text when it was canonical (its 16 bytes are at row - 1).
                var previous: UnsafeRawPointer? = nil
                for i in 0..<total {
                    if let levels, levels[i] == 0 { previous = nil; continue }
                    guard end &- pos >= 4 else { failure = "PLAIN BYTE_ARRAY: length past the page end"; return }
                    let n = Int(UInt32(littleEndian: src.loadUnaligned(fromByteOffset: pos, as: UInt32.self)))
                    pos &+= 4
                    guard n <= end &- pos else { failure = "PLAIN BYTE_ARRAY: value of \(n) bytes past the page end"; return }
                    let text = src + pos
                    pos &+= n
                    let at = dst + (base &+ i &* 16)
                    if n == 36, let p = previous, SameText.equal36(p, text) {
                        at.copyMemory(from: at - 16, byteCount: 16)
                    } else if UUIDParser.parse(UnsafeRawBufferPointer(start: text, count: n),
                                               into: UnsafeMutableRawBufferPointer(start: at, count: 16)) {
                        previous = text
                    } else {
                        previous = nil
                        rawRows.append(firstRow &+ i)
                        rawTexts.appendBytes(UnsafeRawBufferPointer(start: text, count: n))
                    }
                }
            }
        }
        if let failure { throw DecodeError(failure) }
    }

    mutating func finish(_ descriptor: ParquetColumnDescriptor, type: ColumnType, valid: Bitmap?,
                         levels: LevelBits) throws(DecodeError) -> AnyColumn {
        guard type == .string else { throw DecodeError("UUID texts from a column of type \(type)") }
        var canonical = valid ?? Bitmap(count: rows, value: true)
        for row in rawRows { canonical[row] = false }
        return .fixedBytes(FixedBytesColumn(width: 16, bytes: values, validity: canonical.clearCount == 0 ? nil : canonical))
    }

    /// The non-canonical texts as a string column of every row (NULL elsewhere), nil when there
    /// is none (the usual case). Call after the last page.
    func rawColumn() -> AnyColumn? {
        guard !rawRows.isEmpty else { return nil }
        var out = StringColumn()
        out.reserveCapacity(rows: rows, bytes: rawTexts.bytes.count)
        var k = 0
        for row in 0..<rows {
            if k < rawRows.count && rawRows[k] == row {
                out.appendBytes(rawTexts.bytes[rawTexts.range(k)])
                k += 1
            } else {
                out.appendNull()
            }
        }
        return .string(out)
    }
}

/// Comparison of two 36-byte texts by five overlapping 8-byte words (the caller guarantees
/// both pointers have 36 readable bytes).
enum SameText {
    @inline(__always)
    static func equal36(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer) -> Bool {
        a.loadUnaligned(fromByteOffset: 0, as: UInt64.self) == b.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
            && a.loadUnaligned(fromByteOffset: 8, as: UInt64.self) == b.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            && a.loadUnaligned(fromByteOffset: 16, as: UInt64.self) == b.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
            && a.loadUnaligned(fromByteOffset: 24, as: UInt64.self) == b.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
            && a.loadUnaligned(fromByteOffset: 28, as: UInt64.self) == b.loadUnaligned(fromByteOffset: 28, as: UInt64.self)
    }
}
