import Columnar

/// The `user_session` column of events schema version 2 (see `EventsDataset`): per row the
/// session text as ingested — the canonical lowercase text of its UUID (36 bytes, formatted
/// back from the 16 bytes the parser kept, which gives the input text byte for byte since only
/// canonical text is parsed), the raw text of a non-canonical session, or NULL.
///
/// Unsafe code: `column` writes the texts through the uninitialized storage of the result (one
/// allocation, no per-row append); `columnScalar` is its safe twin, compared in tests.
/// Contract: `words.count == validity.count` (when given) and every `raw` row is a row of
/// `words` whose UUID is NULL; `perm` (sorted row → buffer row) covers `words` once.
/// Memory: the column (4 + 36 bytes per UUID row, 4 + its length per raw row), plus 4 bytes a
/// row for the raw lookup when there are raw texts.
enum SessionText {
    /// `words`/`validity` are already in sorted order; `raw` is in buffer order, mapped through
    /// `perm` (nil: sorted order is buffer order).
    static func column(words: ContiguousArray<UUIDWords>, validity: Bitmap?, raw: SparseStringBuilder,
                       perm: ContiguousArray<Int32>?) -> StringColumn {
        let n = words.count
        let slots = rawSlots(raw, count: n, perm: perm)
        let uuidRows = n - (validity?.clearCount ?? 0)
        let total = uuidRows &* 36 &+ raw.bytes.count
        var outValidity: Bitmap? = slots == nil ? validity : Bitmap(count: n, value: true)
        var offsets = ContiguousArray<Int32>(repeating: 0, count: n &+ 1)
        let bytes = ContiguousArray<UInt8>(unsafeUninitializedCapacity: total) { buf, initialized in
            var at = 0
            words.withUnsafeBufferPointer { w in
                raw.bytes.withUnsafeBytes { rawBytes in
                    offsets.withUnsafeMutableBufferPointer { off in
                        for j in 0..<n {
                            if validity?[j] ?? true {
                                precondition(at &+ 36 <= total, "session text past its computed size")
                                format(w[j], into: buf.baseAddress! + at)
                                at &+= 36
                            } else if let k = slots?[j], k >= 0 {
                                let lo = Int(raw.offsets[Int(k)]), hi = Int(raw.offsets[Int(k) &+ 1])
                                precondition(at &+ (hi &- lo) <= total, "session text past its computed size")
                                if hi > lo {
                                    (buf.baseAddress! + at).initialize(
                                        from: rawBytes.baseAddress!.assumingMemoryBound(to: UInt8.self) + lo, count: hi &- lo)
                                }
                                at &+= hi &- lo
                            } else if slots != nil {
                                outValidity![j] = false
                            }
                            off[j &+ 1] = Int32(truncatingIfNeeded: at)
                        }
                    }
                }
            }
            precondition(at == total, "session texts do not fill their computed size")
            initialized = at
        }
        if outValidity?.clearCount == 0 { outValidity = nil }
        return StringColumn(offsets: offsets, bytes: bytes, validity: outValidity)
    }

    /// Safe twin of `column` (tests): the same column built with `StringColumn`'s appends.
    static func columnScalar(words: ContiguousArray<UUIDWords>, validity: Bitmap?, raw: SparseStringBuilder,
                             perm: ContiguousArray<Int32>?) -> StringColumn {
        let slots = rawSlots(raw, count: words.count, perm: perm)
        var out = StringColumn()
        for j in 0..<words.count {
            if validity?[j] ?? true {
                var w = words[j]
                let text = withUnsafeBytes(of: &w) { UUIDParser.format($0) }
                out.append(text)
            } else if let k = slots?[j], k >= 0 {
                out.appendBytes(Array(raw.bytes[Int(raw.offsets[Int(k)]) ..< Int(raw.offsets[Int(k) + 1])]))
            } else {
                out.appendNull()
            }
        }
        return out
    }

    /// Per sorted row, the index of its raw text in `raw` (-1: none); nil when there is none.
    private static func rawSlots(_ raw: SparseStringBuilder, count n: Int, perm: ContiguousArray<Int32>?) -> ContiguousArray<Int32>? {
        guard !raw.rows.isEmpty else { return nil }
        var byBufferRow = ContiguousArray<Int32>(repeating: -1, count: n)
        for (k, r) in raw.rows.enumerated() { byBufferRow[Int(r)] = Int32(k) }
        guard let perm else { return byBufferRow }
        return ContiguousArray(perm.lazy.map { byBufferRow[Int($0)] })
    }

    /// Writes the 36-byte canonical lowercase text of `w` (the UUID's bytes in memory order)
    /// through the project's one formatter, `UUIDFormatter`.
    @inline(__always)
    static func format(_ w: UUIDWords, into out: UnsafeMutablePointer<UInt8>) {
        UUIDFormatter.format(high: UInt64(bigEndian: w.a), low: UInt64(bigEndian: w.b), into: out)
    }
}
