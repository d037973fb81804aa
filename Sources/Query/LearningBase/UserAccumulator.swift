import CSIMD
import Columnar

/// The per-user pass of the learning base (docs/learning-base.md §5–§6): receives one user's
/// in-window events, builds the user's sessions and (session, product) groups, then ranks the
/// sessions (`sessions_precedentes`) and computes the RANGE-frame running view counts.
///
/// Rules implemented here:
/// * a NULL `user_session` is one hidden session of the user: it takes a rank slot but has no
///   output rows and contributes nothing to the running sums (§5.2 col 16, §6);
/// * a NULL (or out-of-Int32) `product_id` is one product, sorted first (§5.1, §3.2);
/// * sessions are ranked by (start_time, user_session text as UTF-8 bytes), the NULL session
///   first among equal start times — a deterministic choice inside the tolerance of §7.2;
/// * `num_prev_and_current_product_views` sums the views of the user's rows with the same
///   product whose session starts at or before this row's session (peers included, §5.2 col 17);
/// * `category_code`/`brand` are the first row's value (NULL kept), `price` the plain sequential
///   sum of non-NULL prices over their count, in the order rows are added.
///
/// Memory: proportional to one user's sessions and groups (not events); arrays are reused
/// across users, so steady state allocates nothing.
struct UserAccumulator {
    /// One non-NULL session of the user: its time span, text in `pool`, distinct non-NULL
    /// products and rank (`sessions_precedentes`, set by `finish`).
    struct Session {
        var start: Int64 = .max
        var end: Int64 = .min
        var products: Int64 = 0
        var textOffset: Int32
        var textLength: Int32
        var rank: Int32 = 0
        /// The text is known to be its own CSV field (a formatted uuid); false = unknown.
        var verbatim = false
    }

    /// One (session, product) group: its key, counters and first category/brand texts.
    struct Group {
        var session: Int32
        var product: UInt64
        var views: Int64 = 0
        var purchased = false
        var priceSum: Double = 0
        var priceCount: Int64 = 0
        var category: TextRef
        var brand: TextRef

        /// The mean price, nil when no row had one.
        @inline(__always) var price: Double? { priceCount == 0 ? nil : priceSum / Double(priceCount) }
    }

    // Sessions (non-NULL only) and groups, one record each (one uniqueness check per update).
    var sessions = ContiguousArray<Session>()
    var hasNullSession = false
    var nullSessionStart: Int64 = .max
    var groups = ContiguousArray<Group>()

    /// Text bytes of the sessions and of the first category/brand values.
    let pool = BytePool()

    /// Output: group indices in output order and their running sums (same order).
    var outGroups = ContiguousArray<Int32>()
    var outCumulative = ContiguousArray<Int64>()

    private(set) var userId: Int32 = 0
    private var uuidSessions = KeyTable()
    private var rawSessions = KeyTable()
    private var groupTable = KeyTable()
    private var productSums = KeyTable()
    private var productTotals = ContiguousArray<Int64>()
    private var sessionOrder = ContiguousArray<Int32>()
    private var groupKeys = ContiguousArray<(UInt64, Int32)>()
    private var lastSessionHi: UInt64 = 0, lastSessionLo: UInt64 = 0
    private var lastSessionRaw = false
    private var lastSession: Int32 = -1
    private var lastGroupSession: Int32 = -1, lastGroupProduct: UInt64 = 0, lastGroup: Int32 = -1

    /// An optional text of `length` bytes (`length < 0` means NULL): at `offset` in `pool` with
    /// `batch < 0`, else at `offset` in the column's dictionary in `pinned[batch]` (no copy). `verbatim`: the text is known to be its own CSV field
    /// (`CSVText.isVerbatim`); false = unknown, the writer checks. Read it with `withText`.
    struct TextRef { var offset: Int32; var length: Int32; var verbatim = false; var batch: Int32 = -1 }

    /// Which string column of a batch a category/brand `TextRef` refers to.
    enum TextColumn { case category, brand }

    /// The batches this user's dictionary `TextRef`s point into, kept alive until `reset`
    /// (about one per run the user has rows in; at most `maxPinned`, then texts are copied).
    private(set) var pinned = ContiguousArray<EventBatch>()
    static let maxPinned = 32
    /// The category/brand dictionaries of `pinned` (same index), read without reference counting.
    private var pinnedText = ContiguousArray<(category: DictionaryView, brand: DictionaryView)>()
    private var lastPinned: ObjectIdentifier?

    /// The NULL-product key; product `p` has key `p - Int32.min + 1` (so NULL sorts first).
    static let nullProduct: UInt64 = 0

    var isEmpty: Bool { sessions.isEmpty && !hasNullSession }

    mutating func reset(user: Int32) {
        userId = user
        sessions.removeAll(keepingCapacity: true)
        hasNullSession = false
        nullSessionStart = .max
        groups.removeAll(keepingCapacity: true)
        pool.removeAll()
        outGroups.removeAll(keepingCapacity: true)
        outCumulative.removeAll(keepingCapacity: true)
        uuidSessions.clear()
        rawSessions.clear()
        groupTable.clear()
        if !pinned.isEmpty {
            pinned.removeAll(keepingCapacity: true)
            pinnedText.removeAll(keepingCapacity: true)
        }
        lastPinned = nil
        lastSession = -1
        lastGroup = -1
    }

    /// Adds row `row` of `batch` (already known to be this user's and inside the window).
    @inline(__always)
    mutating func add(_ batch: EventBatch, _ row: Int) {
        let time = batch.times[row]
        let session: Int32
        if batch.sessionValid.isSet(row) {
            let (h, l) = batch.sessionBytes.withUnsafeBytes { raw in
                (UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: row &* 16, as: UInt64.self)),
                 UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: row &* 16 &+ 8, as: UInt64.self)))
            }
            if lastSession >= 0 && !lastSessionRaw && h == lastSessionHi && l == lastSessionLo {
                session = lastSession
            } else {
                session = uuidSession(h, l)
                lastSession = session; lastSessionRaw = false; lastSessionHi = h; lastSessionLo = l
            }
        } else if batch.sessionRaw.isValid(row) {
            session = batch.sessionRaw.withBytes(row) { rawSession($0) }
            lastSession = -1
        } else {
            hasNullSession = true
            if time < nullSessionStart { nullSessionStart = time }
            return
        }
        let s = Int(session)
        sessions.withUnsafeMutableBufferPointer { all in
            if time < all[s].start { all[s].start = time }
            if time > all[s].end { all[s].end = time }
        }

        let pid = batch.productIds[row]
        let product: UInt64 = batch.productValid.isSet(row) && Int32Rule.fits(pid)
            ? UInt64(bitPattern: pid &- Int64(Int32.min) &+ 1) : Self.nullProduct
        let group: Int
        if lastGroup >= 0 && lastGroupSession == session && lastGroupProduct == product {
            group = Int(lastGroup)
        } else {
            let key = UInt64(UInt32(bitPattern: session)) << 33 | product
            if let g = groupTable.find(0, key) {
                group = Int(g)
            } else {
                group = groups.count
                groupTable.insert(0, key, Int32(group))
                // A user spread over many row groups (a bot) copies its texts instead of keeping
                // every one of those decoded batches alive until its output is written.
                let slot = pinned.count < Self.maxPinned || ObjectIdentifier(batch) == lastPinned ? pin(batch) : -1
                let views = slot >= 0 ? pinnedText[Int(slot)] : (DictionaryView.none, DictionaryView.none)
                groups.append(Group(session: session, product: product,
                                    category: textRef(batch.category, row, slot, views.0),
                                    brand: textRef(batch.brand, row, slot, views.1)))
                if product != Self.nullProduct { sessions[s].products &+= 1 }
            }
            lastGroup = Int32(group); lastGroupSession = session; lastGroupProduct = product
        }
        let kind = batch.kinds[row]
        let hasPrice = batch.priceValid.isSet(row)
        let price = hasPrice ? batch.prices[row] : 0
        groups.withUnsafeMutableBufferPointer { all in
            if kind == EventBatch.Kind.view { all[group].views &+= 1 }
            if kind == EventBatch.Kind.purchase { all[group].purchased = true }
            if hasPrice {
                all[group].priceSum += price
                all[group].priceCount &+= 1
            }
        }
    }

    /// The slot of `batch` in `pinned` (appended when it is not the last one pinned).
    @inline(__always)
    private mutating func pin(_ batch: EventBatch) -> Int32 {
        let id = ObjectIdentifier(batch)
        if id != lastPinned {
            pinned.append(batch)
            pinnedText.append((batch.category.dictionaryView, batch.brand.dictionaryView))
            lastPinned = id
        }
        return Int32(truncatingIfNeeded: pinned.count &- 1)
    }

    /// A reference to the value of `row` in `source` of the batch pinned at `slot` (whose
    /// dictionary view of this column is `view`): the dictionary entry's span when the column
    /// is dictionary encoded, else (or with `slot < 0`, not pinned) a copy in `pool`.
    @inline(__always)
    private mutating func textRef(_ source: StringSource, _ row: Int, _ slot: Int32, _ view: DictionaryView) -> TextRef {
        guard source.isValid(row) else { return TextRef(offset: 0, length: -1) }
        if slot >= 0, let entry = source.dictionaryEntry(row) {
            let span = view.span(entry)
            return TextRef(offset: span.offset, length: span.length, verbatim: span.verbatim, batch: slot)
        }
        return copyText(source, row)
    }

    /// Asks the CPU to load the dictionary bytes of group `g`'s category and brand, which the
    /// output is about to copy: each is a random place in some batch's dictionary, and waiting
    /// for them was most of the CSV writer's copying time. No effect on results.
    @inline(__always)
    func prefetchTexts(ofGroup g: Int) {
        let group = groups[g]
        if group.category.batch >= 0, let bytes = pinnedText[Int(group.category.batch)].category.bytes {
            csimd_prefetch(bytes + Int(group.category.offset))
        }
        if group.brand.batch >= 0, let bytes = pinnedText[Int(group.brand.batch)].brand.bytes {
            csimd_prefetch(bytes + Int(group.brand.offset))
        }
    }

    /// Calls `body` with the bytes of a non-NULL `ref` of column `column` (valid only during the call).
    @inline(__always)
    func withText<R>(_ ref: TextRef, _ column: TextColumn, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        if ref.batch >= 0 {
            let text = pinnedText[Int(ref.batch)]
            return body((column == .category ? text.category : text.brand).text(offset: ref.offset, length: ref.length))
        }
        let o = Int(ref.offset)
        return pool.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[o ..< o + Int(ref.length)])) }
    }

    private mutating func copyText(_ source: StringSource, _ row: Int) -> TextRef {
        guard source.isValid(row) else { return TextRef(offset: 0, length: -1) }
        let offset = Int32(truncatingIfNeeded: pool.count)
        let length = source.withBytes(row) { bytes in
            pool.append(contentsOf: bytes)
            return Int32(truncatingIfNeeded: bytes.count)
        }
        return TextRef(offset: offset, length: length, verbatim: source.knownVerbatim(row))
    }

    private mutating func newSession(textLength: Int, verbatim: Bool) -> Int32 {
        let index = Int32(sessions.count)
        sessions.append(Session(textOffset: Int32(truncatingIfNeeded: pool.count), textLength: Int32(truncatingIfNeeded: textLength),
                                verbatim: verbatim))
        return index
    }

    private mutating func uuidSession(_ h: UInt64, _ l: UInt64) -> Int32 {
        if let s = uuidSessions.find(h, l) { return s }
        // Lowercase hex digits and dashes: never trimmed or quoted in CSV.
        let s = newSession(textLength: 36, verbatim: true)
        uuidSessions.insert(h, l, s)
        pool.appendUninitialized(36) { out in UUIDFormatter.format(high: h, low: l, into: out) }
        return s
    }

    private mutating func rawSession(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        // Two independent 64-bit FNV-1a style hashes; the text is verified on a hit.
        var h1: UInt64 = 0xcbf2_9ce4_8422_2325, h2: UInt64 = 0x84222325_cbf29ce4
        for b in bytes {
            h1 = (h1 ^ UInt64(b)) &* 0x0000_0100_0000_01B3
            h2 = (h2 ^ UInt64(b)) &* 0x9E37_79B9_7F4A_7C15
        }
        h2 ^= UInt64(bytes.count)
        let hit = rawSessions.find(h1, h2)
        if let hit {
            if textEquals(hit, bytes) { return hit }
            // A (practically impossible) 128-bit collision: find the text by a linear scan.
            for t in 0..<Int32(sessions.count) where textEquals(t, bytes) { return t }
        }
        let s = newSession(textLength: bytes.count, verbatim: false)
        if hit == nil { rawSessions.insert(h1, h2, s) }
        pool.append(contentsOf: bytes)
        return s
    }

    private func textEquals(_ session: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let o = Int(sessions[Int(session)].textOffset), n = Int(sessions[Int(session)].textLength)
        guard n == bytes.count else { return false }
        return pool.withUnsafeBytes { UnsafeRawBufferPointer(rebasing: $0[o ..< o + n]).elementsEqual(bytes) }
    }

    /// Compares the texts of two sessions as UTF-8 bytes.
    private func textLess(_ a: Int32, _ b: Int32) -> Bool {
        let oa = Int(sessions[Int(a)].textOffset), na = Int(sessions[Int(a)].textLength)
        let ob = Int(sessions[Int(b)].textOffset), nb = Int(sessions[Int(b)].textLength)
        return pool.withUnsafeBytes { raw in
            UnsafeRawBufferPointer(rebasing: raw[oa ..< oa + na])
                .lexicographicallyPrecedes(UnsafeRawBufferPointer(rebasing: raw[ob ..< ob + nb]))
        }
    }

    /// Ranks the sessions and orders the output rows; fills the sessions' `rank`, `outGroups`, `outCumulative`.
    mutating func finish() {
        if sessions.count == 1 { finishSingleSession() } else { finishGeneral() }
    }

    /// `finish` for a user with one non-NULL session (plus perhaps the NULL one): its groups
    /// have distinct products and one start time, so rows go in product order and each row's
    /// RANGE sum is its own views — what `finishGeneral` computes, without sorting sessions or
    /// hashing products.
    mutating func finishSingleSession() {
        sessions[0].rank = hasNullSession && nullSessionStart <= sessions[0].start ? 1 : 0
        groupKeys.removeAll(keepingCapacity: true)
        for g in 0..<groups.count { groupKeys.append((groups[g].product, Int32(g))) }
        Self.sortByKey(&groupKeys)
        outGroups.removeAll(keepingCapacity: true)
        outCumulative.removeAll(keepingCapacity: true)
        for (_, g) in groupKeys {
            outGroups.append(g)
            outCumulative.append(groups[Int(g)].views)
        }
    }

    /// Sorts `keys` by their first element, which is distinct within a user (a product within
    /// a session, or a session rank and product), so any sort gives the same order: insertion
    /// sort in place for the usual handful of groups, the standard sort above 16.
    static func sortByKey(_ keys: inout ContiguousArray<(UInt64, Int32)>) {
        guard keys.count > 1 else { return }
        if keys.count > 16 { keys.sort { $0.0 < $1.0 }; return }
        keys.withUnsafeMutableBufferPointer { k in
            for i in 1 ..< k.count {
                let x = k[i]
                var j = i
                while j > 0 && k[j &- 1].0 > x.0 { k[j] = k[j &- 1]; j &-= 1 }
                k[j] = x
            }
        }
    }

    /// The general ranking and RANGE-frame pass (any number of sessions).
    mutating func finishGeneral() {
        let sessionCount = sessions.count
        // Session order: (start, text); the NULL session is placed first among its start peers.
        var order = sessionOrder
        sessionOrder = []
        order.removeAll(keepingCapacity: true)
        for s in 0..<Int32(sessionCount) { order.append(s) }
        if sessionCount > 1 {
            let all = sessions
            order.sort { a, b in
                let sa = all[Int(a)].start, sb = all[Int(b)].start
                if sa != sb { return sa < sb }
                return textLess(a, b)
            }
        }
        sessionOrder = order
        sessions.withUnsafeMutableBufferPointer { all in
            for (position, s) in sessionOrder.enumerated() {
                var rank = Int32(position)
                if hasNullSession && nullSessionStart <= all[Int(s)].start { rank += 1 }
                all[Int(s)].rank = rank
            }
        }
        // Output order: (session rank, product key NULL first).
        groupKeys.removeAll(keepingCapacity: true)
        groups.withUnsafeBufferPointer { gp in
            sessions.withUnsafeBufferPointer { sp in
                for g in 0 ..< gp.count {
                    let rank = UInt64(UInt32(bitPattern: sp[Int(gp[g].session)].rank))
                    groupKeys.append((rank << 33 | gp[g].product, Int32(g)))
                }
            }
        }
        Self.sortByKey(&groupKeys)
        let n = groupKeys.count
        outGroups.removeAll(keepingCapacity: true)
        for (_, g) in groupKeys { outGroups.append(g) }
        outCumulative.removeAll(keepingCapacity: true)
        outCumulative.append(contentsOf: repeatElement(0, count: n))
        productTotals.removeAll(keepingCapacity: true)
        productTotals.append(contentsOf: repeatElement(0, count: n))
        productSums.clear()
        outGroups.withUnsafeBufferPointer { order in
            groups.withUnsafeBufferPointer { gp in
                sessions.withUnsafeBufferPointer { sp in
                    outCumulative.withUnsafeMutableBufferPointer { out in
                        productTotals.withUnsafeMutableBufferPointer { totals in
                            Self.rangeSums(order: order, groups: gp, sessions: sp, products: &productSums, totals: totals, into: out)
                        }
                    }
                }
            }
        }
    }

    /// The RANGE-frame sums of the rows in `order` (sorted by session rank): for each block of
    /// rows whose sessions share a start time, adds the block's views to its products' running
    /// totals (slots in `totals`, found through `products`), then gives every row of the block
    /// its product's total. `totals` and `out` have one element per row.
    private static func rangeSums(order: UnsafeBufferPointer<Int32>, groups: UnsafeBufferPointer<Group>,
                                  sessions: UnsafeBufferPointer<Session>, products: inout KeyTable,
                                  totals: UnsafeMutableBufferPointer<Int64>, into out: UnsafeMutableBufferPointer<Int64>) {
        var slots: Int32 = 0
        var blockStart = 0
        while blockStart < order.count {
            let start = sessions[Int(groups[Int(order[blockStart])].session)].start
            var blockEnd = blockStart
            while blockEnd < order.count {
                let group = groups[Int(order[blockEnd])]
                if sessions[Int(group.session)].start != start { break }
                let slot: Int32
                if let found = products.find(0, group.product) {
                    slot = found
                } else {
                    slot = slots
                    products.insert(0, group.product, slot)
                    slots &+= 1
                }
                totals[Int(slot)] &+= group.views
                // The slot waits in the output until the block's sums are complete.
                out[blockEnd] = Int64(slot)
                blockEnd &+= 1
            }
            for i in blockStart ..< blockEnd { out[i] = totals[Int(out[i])] }
            blockStart = blockEnd
        }
    }
}
