import Columnar

/// The reference job's CSV text of learning-base rows (docs/learning-base.md §5.3): the header
/// and one finished user's lines, appended to any `ByteOutput` (`RawBytes` in the writer,
/// `ContiguousArray` in tests and in-memory uses). The columns are those of
/// `LearningBaseColumns` in its order, each spelled as its `csv` says; the row writer below is
/// written out by hand for speed and `LearningBaseColumnsTests` checks it against the table.
enum CSVSink {
    /// The header line, `LearningBaseColumns.csvHeader`.
    static func appendHeader<O: ByteOutput & ~Copyable>(to out: inout O) {
        var line = LearningBaseColumns.csvHeader
        line.withUTF8 { out.append(contentsOf: UnsafeRawBufferPointer($0)) }
    }

    @inline(__always)
    static func appendText<O: ByteOutput & ~Copyable>(_ ref: UserAccumulator.TextRef, _ column: UserAccumulator.TextColumn,
                                          of u: UserAccumulator, to out: inout O) {
        guard ref.length >= 0 else { return }
        u.withText(ref, column) { appendField($0, verbatim: ref.verbatim, to: &out) }
    }

    /// A string field: `text` as is when known `verbatim` (`CSVText.isVerbatim`), else encoded.
    @inline(__always)
    static func appendField<O: ByteOutput & ~Copyable>(_ text: UnsafeRawBufferPointer, verbatim: Bool, to out: inout O) {
        if verbatim { out.append(contentsOf: text) } else { CSVText.appendString(text, to: &out) }
    }

    /// Appends the CSV lines of one finished user. Rows come grouped by session, so the
    /// session's leading (`user_id,user_session,`) and middle (columns 9–16) texts are formatted
    /// once per session and copied for each of its rows.
    static func appendRows<O: ByteOutput & ~Copyable>(_ u: UserAccumulator, to out: inout O) {
        var lead = RawBytes(capacity: 256), middle = RawBytes(capacity: 256)
        appendRows(u, to: &out, lead: &lead, middle: &middle)
    }

    /// `appendRows` with caller-owned scratch buffers for the per-session texts (reused).
    /// Every append is capacity-checked: the safe twin of the `RawBytes` overload, which
    /// tests compare it with.
    static func appendRows<O: ByteOutput & ~Copyable>(_ u: UserAccumulator, to out: inout O, lead: inout RawBytes, middle: inout RawBytes) {
        var current = -1
        for i in 0..<u.outGroups.count {
            let group = u.groups[Int(u.outGroups[i])]
            if Int(group.session) != current {
                current = Int(group.session)
                formatSession(u, current, lead: &lead, middle: &middle)
            }
            appendRow(u, i, group, lead: lead, middle: middle, to: &out)
        }
    }

    /// `appendRows` into a `RawBytes` (the CSV writer's buffers): room for a whole row is
    /// reserved once (`rowBound`) and the row is written through an unchecked cursor
    /// (`RawBytes.appendBounded`), instead of a capacity check per field and byte. The loop
    /// repeats the generic overload's on purpose: sharing it through a closure made the
    /// compiler stop inlining the number formatting (+1.5 % instructions, cachegrind).
    static func appendRows(_ u: UserAccumulator, to out: inout RawBytes, lead: inout RawBytes, middle: inout RawBytes) {
        var current = -1
        let count = u.outGroups.count
        for i in 0 ..< min(count, textPrefetchDistance) { u.prefetchTexts(ofGroup: Int(u.outGroups[i])) }
        for i in 0..<count {
            if i &+ textPrefetchDistance < count { u.prefetchTexts(ofGroup: Int(u.outGroups[i &+ textPrefetchDistance])) }
            let group = u.groups[Int(u.outGroups[i])]
            if Int(group.session) != current {
                current = Int(group.session)
                formatSession(u, current, lead: &lead, middle: &middle)
            }
            let bound = rowBound(group, lead: lead, middle: middle)
            out.appendBounded(bound) { w in appendRow(u, i, group, lead: lead, middle: middle, to: &w) }
        }
    }

    /// Rows ahead whose category/brand bytes `appendRows` asks the CPU to load.
    static let textPrefetchDistance = 4

    /// The most bytes `appendRow` writes for `group`: the session texts, each string field
    /// at worst fully escaped and quoted (2 × length + 2), and 160 for the numbers, booleans
    /// and separators (at most 11 + 32 + 3 × 20 + 6 + 9 bytes).
    @inline(__always)
    static func rowBound(_ group: UserAccumulator.Group, lead: borrowing RawBytes, middle: borrowing RawBytes) -> Int {
        let texts = max(Int(group.category.length), 0) &+ max(Int(group.brand.length), 0)
        return lead.count &+ middle.count &+ 2 &* texts &+ 4 &+ 160
    }

    /// Formats session `s`'s leading (`user_id,user_session,`) and middle (columns 9–16) texts,
    /// each through one bounded unchecked append: the lead is at most 11 + 2 × text + 4 bytes,
    /// the middle at most 2 × 28 (timestamps of any year) + 20 + 4 × 11 + 8 < 160.
    static func formatSession(_ u: UserAccumulator, _ s: Int, lead: inout RawBytes, middle: inout RawBytes) {
        let comma: UInt8 = 0x2C
        let session = u.sessions[s]
        lead.removeAll()
        let so = Int(session.textOffset), sl = Int(session.textLength)
        u.pool.withUnsafeBytes { pool in
            lead.appendBounded(2 &* sl &+ 16) { w in
                CSVText.appendInt(Int64(u.userId), to: &w); w.append(comma)
                appendField(UnsafeRawBufferPointer(rebasing: pool[so ..< so + sl]), verbatim: session.verbatim, to: &w)
                w.append(comma)
            }
        }
        middle.removeAll()
        middle.appendBounded(160) { w in
            let start = session.start, end = session.end
            CSVText.appendTimestamp(start, to: &w); w.append(comma)
            CSVText.appendTimestamp(end, to: &w); w.append(comma)
            CSVText.appendInt(session.products, to: &w); w.append(comma)
            CSVText.appendInt(Int64(SessionClock.seconds(from: start, to: end)), to: &w); w.append(comma)
            let clock = SessionClock.fields(start)
            CSVText.appendInt(Int64(clock.hour), to: &w); w.append(comma)
            CSVText.appendInt(Int64(clock.minute), to: &w); w.append(comma)
            CSVText.appendInt(Int64(clock.dayOfWeek), to: &w); w.append(comma)
            CSVText.appendInt(Int64(session.rank), to: &w); w.append(comma)
        }
    }

    /// Appends output row `i` (of `group`, in session order) after its session's texts.
    @inline(__always)
    static func appendRow<O: ByteOutput & ~Copyable>(_ u: UserAccumulator, _ i: Int, _ group: UserAccumulator.Group,
                                         lead: borrowing RawBytes, middle: borrowing RawBytes, to out: inout O) {
        let comma: UInt8 = 0x2C
        out.append(contentsOf: lead.bytes)
        if let p = UserAccumulator.productId(group.product) { CSVText.appendInt(Int64(p), to: &out) }
        out.append(comma)
        if let price = group.price { JavaDouble.append(price, to: &out) }
        out.append(comma)
        appendText(group.category, .category, of: u, to: &out); out.append(comma)
        appendText(group.brand, .brand, of: u, to: &out); out.append(comma)
        let views = group.views
        CSVText.appendInt(views, to: &out); out.append(comma)
        out.append(group.purchased ? "true," : "false,")
        out.append(contentsOf: middle.bytes)
        let cumulative = u.outCumulative[i]
        CSVText.appendInt(cumulative, to: &out); out.append(comma)
        CSVText.appendInt(cumulative &- views, to: &out)
        out.append(0x0A)
    }
}

/// Appends CSV rows (no header) into one output chunk's buffer, with the worker's reused
/// per-session scratch texts. Owned by one worker for one chunk; past `flushBytes` it offers
/// the text to `writer` (written at once only while the chunk is the head of the output).
/// Memory: the chunk's text, or about `flushBytes` for the head chunk. Non-copyable: it owns
/// the chunk's buffer and the scratch texts, freed with it unless moved out (`complete`).
struct CSVChunkSink: LearningBaseSink, ~Copyable {
    var buffer: RawBytes
    var lead: RawBytes
    var middle: RawBytes
    let index: Int
    let writer: OrderedChunkWriter
    static let flushBytes = 1 << 20

    mutating func consume(_ user: UserAccumulator) throws(QueryError) {
        CSVSink.appendRows(user, to: &buffer, lead: &lead, middle: &middle)
        if buffer.count >= Self.flushBytes { try writer.flushIfHead(index, &buffer) }
    }
}
