import Columnar

/// The per-user pass of the learning base (learning-base.md §5–§6): receives one user's
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
    // Sessions (non-NULL only).
    var sStart = ContiguousArray<Int64>()
    var sEnd = ContiguousArray<Int64>()
    var sTextOffset = ContiguousArray<Int32>()
    var sTextLength = ContiguousArray<Int32>()
    var sProducts = ContiguousArray<Int64>()
    var sRank = ContiguousArray<Int32>()
    var hasNullSession = false
    var nullSessionStart: Int64 = .max

    // Groups (session, product).
    var gSession = ContiguousArray<Int32>()
    var gProduct = ContiguousArray<UInt64>()
    var gViews = ContiguousArray<Int64>()
    var gPurchased = ContiguousArray<Bool>()
    var gPriceSum = ContiguousArray<Double>()
    var gPriceCount = ContiguousArray<Int64>()
    var gCategory = ContiguousArray<TextRef>()
    var gBrand = ContiguousArray<TextRef>()

    /// Text bytes of the sessions and of the first category/brand values.
    let pool = BytePool()

    /// Output: group indices in output order and their running sums (same order).
    var outGroups = ContiguousArray<Int32>()
    var outCumulative = ContiguousArray<Int64>()

    private(set) var userId: Int32 = 0
    private var uuidSessions = KeyTable()
    private var rawSessions = KeyTable()
    private var groups = KeyTable()
    private var productSums = KeyTable()
    private var productTotals = ContiguousArray<Int64>()
    private var sessionOrder = ContiguousArray<Int32>()
    private var groupKeys = ContiguousArray<(UInt64, Int32)>()
    private var lastSessionHi: UInt64 = 0, lastSessionLo: UInt64 = 0
    private var lastSessionRaw = false
    private var lastSession: Int32 = -1
    private var lastGroupSession: Int32 = -1, lastGroupProduct: UInt64 = 0, lastGroup: Int32 = -1

    /// An optional text in `pool`: `length < 0` means NULL.
    struct TextRef { var offset: Int32; var length: Int32 }

    /// The NULL-product key; product `p` has key `p - Int32.min + 1` (so NULL sorts first).
    static let nullProduct: UInt64 = 0

    var isEmpty: Bool { sStart.isEmpty && !hasNullSession }

    mutating func reset(user: Int32) {
        userId = user
        sStart.removeAll(keepingCapacity: true)
        sEnd.removeAll(keepingCapacity: true)
        sTextOffset.removeAll(keepingCapacity: true)
        sTextLength.removeAll(keepingCapacity: true)
        sProducts.removeAll(keepingCapacity: true)
        sRank.removeAll(keepingCapacity: true)
        hasNullSession = false
        nullSessionStart = .max
        gSession.removeAll(keepingCapacity: true)
        gProduct.removeAll(keepingCapacity: true)
        gViews.removeAll(keepingCapacity: true)
        gPurchased.removeAll(keepingCapacity: true)
        gPriceSum.removeAll(keepingCapacity: true)
        gPriceCount.removeAll(keepingCapacity: true)
        gCategory.removeAll(keepingCapacity: true)
        gBrand.removeAll(keepingCapacity: true)
        pool.removeAll()
        outGroups.removeAll(keepingCapacity: true)
        outCumulative.removeAll(keepingCapacity: true)
        uuidSessions.clear()
        rawSessions.clear()
        groups.clear()
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
        if time < sStart[s] { sStart[s] = time }
        if time > sEnd[s] { sEnd[s] = time }

        let pid = batch.productIds[row]
        let product: UInt64 = batch.productValid.isSet(row) && Int32Rule.fits(pid)
            ? UInt64(bitPattern: pid &- Int64(Int32.min) &+ 1) : Self.nullProduct
        let group: Int
        if lastGroup >= 0 && lastGroupSession == session && lastGroupProduct == product {
            group = Int(lastGroup)
        } else {
            let key = UInt64(UInt32(bitPattern: session)) << 33 | product
            if let g = groups.find(0, key) {
                group = Int(g)
            } else {
                group = gSession.count
                groups.insert(0, key, Int32(group))
                gSession.append(session)
                gProduct.append(product)
                gViews.append(0)
                gPurchased.append(false)
                gPriceSum.append(0)
                gPriceCount.append(0)
                gCategory.append(copyText(batch.category, row))
                gBrand.append(copyText(batch.brand, row))
                if product != Self.nullProduct { sProducts[s] &+= 1 }
            }
            lastGroup = Int32(group); lastGroupSession = session; lastGroupProduct = product
        }
        let kind = batch.kinds[row]
        if kind == EventBatch.Kind.view { gViews[group] &+= 1 }
        if kind == EventBatch.Kind.purchase { gPurchased[group] = true }
        if batch.priceValid.isSet(row) {
            gPriceSum[group] += batch.prices[row]
            gPriceCount[group] &+= 1
        }
    }

    private mutating func copyText(_ source: StringSource, _ row: Int) -> TextRef {
        guard source.isValid(row) else { return TextRef(offset: 0, length: -1) }
        let offset = Int32(truncatingIfNeeded: pool.count)
        let length = source.withBytes(row) { bytes in
            pool.append(contentsOf: bytes)
            return Int32(truncatingIfNeeded: bytes.count)
        }
        return TextRef(offset: offset, length: length)
    }

    private mutating func newSession() -> Int32 {
        let index = Int32(sStart.count)
        sStart.append(.max)
        sEnd.append(.min)
        sProducts.append(0)
        return index
    }

    private mutating func uuidSession(_ h: UInt64, _ l: UInt64) -> Int32 {
        if let s = uuidSessions.find(h, l) { return s }
        let s = newSession()
        uuidSessions.insert(h, l, s)
        sTextOffset.append(Int32(truncatingIfNeeded: pool.count))
        sTextLength.append(36)
        pool.appendUninitialized(36) { out in UserAccumulator.formatUUID(h, l, into: out) }
        return s
    }

    /// Writes the 36-byte canonical lowercase text of the uuid `(h, l)` (big-endian halves).
    @inline(__always)
    static func formatUUID(_ h: UInt64, _ l: UInt64, into out: UnsafeMutablePointer<UInt8>) {
        var o = 0
        for i in 0..<16 {
            if i == 4 || i == 6 || i == 8 || i == 10 { out[o] = 0x2D; o &+= 1 }
            let byte = i < 8 ? UInt8(truncatingIfNeeded: h >> UInt64(56 &- 8 &* i))
                             : UInt8(truncatingIfNeeded: l >> UInt64(56 &- 8 &* (i &- 8)))
            let hiNibble = byte >> 4, loNibble = byte & 15
            out[o] = hiNibble < 10 ? hiNibble &+ 48 : hiNibble &+ 87
            out[o &+ 1] = loNibble < 10 ? loNibble &+ 48 : loNibble &+ 87
            o &+= 2
        }
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
            for t in 0..<Int32(sStart.count) where textEquals(t, bytes) { return t }
        }
        let s = newSession()
        if hit == nil { rawSessions.insert(h1, h2, s) }
        sTextOffset.append(Int32(truncatingIfNeeded: pool.count))
        sTextLength.append(Int32(truncatingIfNeeded: bytes.count))
        pool.append(contentsOf: bytes)
        return s
    }

    private func textEquals(_ session: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let o = Int(sTextOffset[Int(session)]), n = Int(sTextLength[Int(session)])
        guard n == bytes.count else { return false }
        return pool.withUnsafeBytes { UnsafeRawBufferPointer(rebasing: $0[o ..< o + n]).elementsEqual(bytes) }
    }

    /// Compares the texts of two sessions as UTF-8 bytes.
    private func textLess(_ a: Int32, _ b: Int32) -> Bool {
        let oa = Int(sTextOffset[Int(a)]), na = Int(sTextLength[Int(a)])
        let ob = Int(sTextOffset[Int(b)]), nb = Int(sTextLength[Int(b)])
        return pool.withUnsafeBytes { raw in
            UnsafeRawBufferPointer(rebasing: raw[oa ..< oa + na])
                .lexicographicallyPrecedes(UnsafeRawBufferPointer(rebasing: raw[ob ..< ob + nb]))
        }
    }

    /// Ranks the sessions and orders the output rows; fills `sRank`, `outGroups`, `outCumulative`.
    mutating func finish() {
        let sessionCount = sStart.count
        // Session order: (start, text); the NULL session is placed first among its start peers.
        var order = sessionOrder
        sessionOrder = []
        order.removeAll(keepingCapacity: true)
        for s in 0..<Int32(sessionCount) { order.append(s) }
        let starts = sStart
        order.sort { a, b in
            let sa = starts[Int(a)], sb = starts[Int(b)]
            if sa != sb { return sa < sb }
            return textLess(a, b)
        }
        sessionOrder = order
        sRank.removeAll(keepingCapacity: true)
        sRank.append(contentsOf: repeatElement(0, count: sessionCount))
        for (position, s) in sessionOrder.enumerated() {
            var rank = Int32(position)
            if hasNullSession && nullSessionStart <= starts[Int(s)] { rank += 1 }
            sRank[Int(s)] = rank
        }
        // Output order: (session rank, product key NULL first).
        groupKeys.removeAll(keepingCapacity: true)
        for g in 0..<gSession.count {
            groupKeys.append((UInt64(UInt32(bitPattern: sRank[Int(gSession[g])])) << 33 | gProduct[g], Int32(g)))
        }
        groupKeys.sort { $0.0 < $1.0 }
        // RANGE frame: add a whole block of sessions sharing a start time, then read the sums.
        productSums.clear()
        productTotals.removeAll(keepingCapacity: true)
        outGroups.removeAll(keepingCapacity: true)
        outCumulative.removeAll(keepingCapacity: true)
        outCumulative.append(contentsOf: repeatElement(0, count: groupKeys.count))
        for (_, g) in groupKeys { outGroups.append(g) }
        var blockStart = 0
        while blockStart < outGroups.count {
            let start = sStart[Int(gSession[Int(outGroups[blockStart])])]
            var blockEnd = blockStart
            while blockEnd < outGroups.count && sStart[Int(gSession[Int(outGroups[blockEnd])])] == start {
                let g = Int(outGroups[blockEnd])
                let slot: Int
                if let found = productSums.find(0, gProduct[g]) {
                    slot = Int(found)
                } else {
                    slot = productTotals.count
                    productSums.insert(0, gProduct[g], Int32(slot))
                    productTotals.append(0)
                }
                productTotals[slot] &+= gViews[g]
                blockEnd += 1
            }
            for i in blockStart..<blockEnd {
                let g = Int(outGroups[i])
                outCumulative[i] = productTotals[Int(productSums.find(0, gProduct[g])!)]
            }
            blockStart = blockEnd
        }
    }
}
