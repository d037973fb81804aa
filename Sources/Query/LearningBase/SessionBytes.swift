import Columnar

/// The learning base's form of `user_session` (16 bytes per row, valid for canonical UUIDs;
/// other texts are read through `StringSource`) made from a session *text* column, the layout of
/// events schema version 2. Version 1 files store those 16 bytes as they are. (Store files of
/// version 2 do not come here: `ParquetEventRun` has the reader split their texts while the
/// pages are decoded, `UUIDTextSplit`; this is the path of session texts in memory.)
///
/// The per-user pass then works as with version 1 (a UUID is a two-word key, formatted back to
/// its text on output), so both versions give the same learning base byte for byte: a
/// canonical text parses to the bytes version 1 would have stored, and any other text is a
/// raw session in both.
/// Memory: 16 bytes per row plus the bitmap; for a dictionary column 17 bytes per entry.
enum SessionBytes {
    /// 16 bytes per row (zero where not a UUID) and the bitmap of the rows that are canonical
    /// UUIDs. `column` is a plain or dictionary string column of `count` rows.
    static func decode(_ column: AnyColumn, count: Int) -> (bytes: ContiguousArray<UInt8>, valid: Bitmap) {
        var bytes = ContiguousArray<UInt8>(repeating: 0, count: count &* 16)
        var valid = Bitmap(count: count, value: true)
        switch column {
        case .dictionary(let c):
            // Each entry parsed once, then copied to its rows by code.
            let dict = c.dictionary
            var entries = ContiguousArray<UInt8>(repeating: 0, count: dict.count &* 16)
            var canonical = ContiguousArray<Bool>(repeating: false, count: dict.count)
            dict.bytes.withUnsafeBytes { raw in
                entries.withUnsafeMutableBytes { out in
                    for i in 0..<dict.count {
                        canonical[i] = UUIDParser.parse(UnsafeRawBufferPointer(rebasing: raw[dict.range(i)]),
                                                        into: UnsafeMutableRawBufferPointer(rebasing: out[i &* 16 ..< i &* 16 &+ 16]))
                    }
                }
            }
            entries.withUnsafeBytes { src in
                bytes.withUnsafeMutableBytes { out in
                    c.codes.withUnsafeBufferPointer { codes in
                        for row in 0..<count {
                            let e = Int(codes[row])
                            if c.isValid(row) && e < canonical.count && canonical[e] {
                                out.baseAddress!.advanced(by: row &* 16).copyMemory(from: src.baseAddress! + e &* 16, byteCount: 16)
                            } else {
                                valid[row] = false
                            }
                        }
                    }
                }
            }
        case .string(let c):
            // Rows are sorted by user then time, so most rows repeat the previous row's session:
            // those copy its 16 bytes instead of parsing the text again.
            var previous: Range<Int>? = nil
            c.bytes.withUnsafeBytes { raw in
                bytes.withUnsafeMutableBytes { out in
                    for row in 0..<count {
                        let range = c.range(row)
                        let text = UnsafeRawBufferPointer(rebasing: raw[range])
                        if let p = previous, c.isValid(row), sameUUIDText(UnsafeRawBufferPointer(rebasing: raw[p]), text) {
                            out.baseAddress!.advanced(by: row &* 16).copyMemory(from: out.baseAddress! + (row &- 1) &* 16, byteCount: 16)
                        } else if c.isValid(row) && UUIDParser.parse(text, into: UnsafeMutableRawBufferPointer(rebasing: out[row &* 16 ..< row &* 16 &+ 16])) {
                            previous = range
                        } else {
                            valid[row] = false
                            previous = nil
                        }
                    }
                }
            }
        default:
            valid = Bitmap(count: count, value: false)
        }
        return (bytes, valid)
    }

    /// True when `b` has the 36 bytes of `a` (a text that parsed as a canonical UUID).
    @inline(__always)
    static func sameUUIDText(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == 36, b.count == 36 else { return false }
        return a.loadUnaligned(fromByteOffset: 0, as: UInt64.self) == b.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
            && a.loadUnaligned(fromByteOffset: 8, as: UInt64.self) == b.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            && a.loadUnaligned(fromByteOffset: 16, as: UInt64.self) == b.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
            && a.loadUnaligned(fromByteOffset: 24, as: UInt64.self) == b.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
            && a.loadUnaligned(fromByteOffset: 28, as: UInt64.self) == b.loadUnaligned(fromByteOffset: 28, as: UInt64.self)
    }

    /// The rows of a session text column that are not canonical UUIDs (`valid` clear) and not
    /// NULL, as a column NULL everywhere else; nil when there is none (the usual case), so a
    /// batch does not keep the whole text column alive for the rare raw session.
    static func rawTexts(_ column: AnyColumn, valid: Bitmap, count: Int) -> AnyColumn? {
        // NULL rows are never valid: raw texts exist when more rows are invalid than NULL.
        let nulls = column.validity?.clearCount ?? 0
        guard valid.clearCount > nulls, let text = column.stringColumn else { return nil }
        var out = StringColumn()
        for row in 0..<count {
            if !valid[row], text.isValid(row) {
                text.bytes.withUnsafeBytes { out.appendBytes(UnsafeRawBufferPointer(rebasing: $0[text.range(row)])) }
            } else {
                out.appendNull()
            }
        }
        return .string(out)
    }
}
