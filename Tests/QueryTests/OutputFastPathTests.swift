@testable import Query
import Columnar
import TestSupport
import XCTest

/// The CSV string fast path against its byte-at-a-time twin, and `OrderedChunkWriter`'s
/// ordering, memory bound and failure contract.
final class OutputFastPathTests: XCTestCase {
    /// Random strings over an alphabet rich in the special bytes (separators, quotes,
    /// backslashes, whitespace, CR/LF, non-ASCII), every length 0…40: same bytes both ways.
    func testStringFastPathMatchesGeneralTwin() {
        var rng = SeededRandom(seed: 11)
        let alphabet: [UInt8] = [0x2C, 0x22, 0x5C, 0x0D, 0x0A, 0x20, 0x09, 0x00, 0x7F, 0xC3, 0xA9, 0x61, 0x62, 0x2E, 0x31, 0x21]
        var verbatim = 0
        for _ in 0..<40_000 {
            let n = Int(rng.next() % 41)
            // Mostly plain letters, so both the fast and the slow path are exercised.
            let bytes = (0..<n).map { _ in rng.next() % 4 == 0 ? alphabet[Int(rng.next() % UInt64(alphabet.count))] : UInt8(0x61 + rng.next() % 26) }
            var fast = ContiguousArray<UInt8>(), general = ContiguousArray<UInt8>()
            bytes.withUnsafeBytes { raw in
                CSVText.appendString(raw, to: &fast)
                CSVText.appendStringGeneral(raw, to: &general)
                if CSVText.isVerbatim(raw) { verbatim += 1 }
            }
            XCTAssertEqual(fast, general, "\(bytes)")
        }
        XCTAssertGreaterThan(verbatim, 1000)
    }

    /// Each special byte at each position of a word-sized scan (including the tail) is found.
    func testVerbatimCheckFindsEverySpecialByteAtEveryPosition() {
        for special: UInt8 in [0x2C, 0x22, 0x0D, 0x0A] {
            for n in 3...24 {
                for position in 1..<(n - 1) {
                    var bytes = [UInt8](repeating: 0x61, count: n)
                    bytes[position] = special
                    bytes.withUnsafeBytes { XCTAssertFalse(CSVText.isVerbatim($0), "\(special) at \(position) of \(n)") }
                }
                let plain = [UInt8](repeating: 0x61, count: n)
                plain.withUnsafeBytes { XCTAssertTrue(CSVText.isVerbatim($0)) }
            }
        }
        for b: UInt8 in [0x20, 0x09, 0x00] {
            [b, 0x61].withUnsafeBytes { XCTAssertFalse(CSVText.isVerbatim($0)) }
            [0x61, b].withUnsafeBytes { XCTAssertFalse(CSVText.isVerbatim($0)) }
        }
        [UInt8]().withUnsafeBytes { XCTAssertFalse(CSVText.isVerbatim($0)) }
    }

    /// Decimal and timestamp fast paths against their general twins: every value below 10⁵,
    /// powers of ten ± 1, random 64-bit values; timestamps over ±10 000 years around 1970 and
    /// densely over 2019 (seconds, millisecond fractions, negative micros).
    func testNumberAndTimestampFastPathsMatchGeneralTwins() {
        var rng = SeededRandom(seed: 12)
        var values: [UInt64] = Array(0..<100_000) + [UInt64.max, UInt64.max - 1]
        var p: UInt64 = 1
        for _ in 0..<19 { p *= 10; values += [p - 1, p, p + 1] }
        for _ in 0..<100_000 { values.append(rng.next() >> (rng.next() % 64)) }
        for v in values {
            var fast = ContiguousArray<UInt8>(), general = ContiguousArray<UInt8>()
            CSVText.appendDecimal(v, to: &fast)
            CSVText.appendDecimalGeneral(v, to: &general)
            XCTAssertEqual(fast, general, "\(v)")
            XCTAssertEqual(Self.rawText { CSVText.appendDecimal(v, to: &$0) }, general + general + general, "\(v)")
            XCTAssertEqual(String(decoding: fast, as: UTF8.self), String(v))
        }
        let year2019: Int64 = 1_546_300_800_000_000
        var times: [Int64] = [0, -1, 1, -86_400_000_000, 253_402_300_799_999_999, 253_402_300_800_000_000, -30_610_224_000_000_000,
                              -30_610_224_000_000_001]
        for _ in 0..<100_000 {
            times.append(year2019 + Int64(rng.next() % 31_536_000_000_000))
            times.append(Int64(bitPattern: rng.next()) % 315_569_520_000_000_000)
        }
        for t in times {
            var fast = ContiguousArray<UInt8>(), general = ContiguousArray<UInt8>()
            CSVText.appendTimestamp(t, to: &fast)
            CSVText.appendTimestampGeneral(t, to: &general)
            XCTAssertEqual(fast, general, "\(t)")
            XCTAssertEqual(Self.rawText { CSVText.appendTimestamp(t, to: &$0) }, general + general + general, "\(t)")
        }
    }

    /// Dictionary strings: the per-entry verbatim flag carried into `TextRef` gives the same CSV
    /// field as the general string encoding, for entries needing trimming, quoting, escaping,
    /// empty and plain ones, and for the same values read from a plain column (flag unknown).
    func testDictionaryVerbatimFlagMatchesGeneralStringText() {
        var rng = SeededRandom(seed: 31)
        let alphabet: [String] = ["a", "b", "é", " ", ",", "\"", "\\", "\r", "\n", "\t", ".", "x"]
        var entries: [String?] = ["", "samsung", " samsung ", "home,garden", "a\"b", "electronics.smartphone"]
        for _ in 0..<300 {
            entries.append((0..<Int(rng.next() % 12)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }.joined())
        }
        let dictionary = StringColumn(entries)
        let codes = ContiguousArray((0..<2000).map { _ in UInt32(rng.next() % UInt64(entries.count)) })
        let dictSource = StringSource(.dictionary(DictionaryColumn(codes: codes, dictionary: dictionary)), count: codes.count,
                                      viewable: true)
        let plainSource = StringSource(.string(StringColumn(codes.map { entries[Int($0)] })), count: codes.count)
        var verbatimSeen = 0
        for row in 0..<codes.count {
            XCTAssertFalse(plainSource.knownVerbatim(row))
            let value = Array(entries[Int(codes[row])]!.utf8)
            var general = ContiguousArray<UInt8>()
            value.withUnsafeBytes { CSVText.appendStringGeneral($0, to: &general) }
            for source in [dictSource, plainSource] {
                var out = ContiguousArray<UInt8>()
                source.withBytes(row) { bytes in CSVSink.appendField(bytes, verbatim: source.knownVerbatim(row), to: &out) }
                XCTAssertEqual(out, general, "row \(row) \(value)")
            }
            // The accumulator's no-copy path: the dictionary entry and its per-entry flag.
            XCTAssertNil(plainSource.dictionaryEntry(row))
            let entry = dictSource.dictionaryEntry(row)!
            XCTAssertEqual(entry, Int(codes[row]))
            XCTAssertEqual(dictSource.entryIsVerbatim(entry), dictSource.knownVerbatim(row))
            var viaEntry = ContiguousArray<UInt8>()
            dictSource.withEntryBytes(entry) { CSVSink.appendField($0, verbatim: dictSource.entryIsVerbatim(entry), to: &viaEntry) }
            XCTAssertEqual(viaEntry, general, "entry path, row \(row) \(value)")
            XCTAssertEqual(Array(dictSource.dictionaryView.entry(entry)), value, "unsafe dictionary view, row \(row)")
            XCTAssertEqual(dictSource.dictionaryView.span(entry).verbatim, dictSource.entryIsVerbatim(entry), "span flag, row \(row)")
            if dictSource.knownVerbatim(row) { verbatimSeen += 1 }
        }
        XCTAssertGreaterThan(verbatimSeen, 20)
    }

    /// The bytes `body` appends to a small `RawBytes` (the in-place `appendUninitialized`
    /// path, three times so it grows past its minimum capacity), for comparison with `ContiguousArray` twins.
    static func rawText(_ body: (inout RawBytes) -> Void) -> ContiguousArray<UInt8> {
        var raw = RawBytes(capacity: 1)
        defer { raw.deallocate() }
        for _ in 0..<3 { body(&raw) }
        return ContiguousArray(raw.bytes)
    }

    /// The session uuid text equals Foundation's (lowercased) for random uuids.
    func testUUIDTextMatchesFoundation() {
        let fixed = [UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                     UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255)),
                     UUID(uuid: (0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0x9A, 0x0F, 0xF0, 0xA9, 0x10, 0x32, 0x54, 0x76))]
        for uuid in fixed + (0..<2000).map({ _ in UUID() }) {
            let bytes = withUnsafeBytes(of: uuid.uuid) { Array($0) }
            let h = bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let l = bytes[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            var text = [UInt8](repeating: 0, count: 36)
            text.withUnsafeMutableBufferPointer { UUIDFormatter.format(high: h, low: l, into: $0.baseAddress!) }
            XCTAssertEqual(String(decoding: text, as: UTF8.self), uuid.uuidString.lowercased())
        }
    }

    /// The group-order sort (insertion sort up to 16) against the standard sort on distinct
    /// random keys of every size around the switch.
    func testGroupKeySortMatchesStandardSort() {
        var rng = SeededRandom(seed: 33)
        for n in 0...40 {
            var seen = Set<UInt64>()
            var keys = ContiguousArray<(UInt64, Int32)>()
            while keys.count < n {
                let k = rng.next() % 1000
                if seen.insert(k).inserted { keys.append((k, Int32(keys.count))) }
            }
            var sorted = keys
            UserAccumulator.sortByKey(&sorted)
            XCTAssertEqual(sorted.map(\.0), keys.map(\.0).sorted(), "n \(n)")
            XCTAssertEqual(sorted.map(\.1), keys.sorted { $0.0 < $1.0 }.map(\.1), "n \(n)")
        }
    }

    /// Random one-session users (with and without a NULL session, NULL products, repeated
    /// products): the single-session finish gives the general pass's rows.
    func testSingleSessionFinishMatchesGeneral() throws {
        var rng = SeededRandom(seed: 21)
        let base = CivilTime.parseStrict("2019-10-01 00:00:00")!
        let window = try TimeWindow(start: "2019-10-01 00:00:00", end: "2019-10-02 00:00:00")
        var compared = 0
        for _ in 0..<400 {
            var events: [Ev] = []
            for _ in 0..<(Int(rng.next() % 30) + 1) {
                let p = Int64(rng.next() % 8)
                events.append(Ev(time: base + Int64(rng.next() % 3600) * 1_000_000,
                                 type: ["view", "cart", "purchase", nil][Int(rng.next() % 4)],
                                 product: p == 0 ? nil : p, category: "c\(p)", brand: nil, price: Double(p),
                                 user: 1, session: rng.next() % 5 == 0 ? nil : "s"))
            }
            var fast = UserAccumulator(), general = UserAccumulator()
            fast.reset(user: 1)
            general.reset(user: 1)
            for run in EventFixture.runs(events) {
                for b in 0..<run.batchCount {
                    let batch = try EventBatch(run.load(batch: b), window: window, needsFilter: false, source: "test")
                    for r in 0..<batch.count {
                        fast.add(batch, r)
                        general.add(batch, r)
                    }
                }
            }
            guard fast.sessions.count == 1 else { continue }
            fast.finishSingleSession()
            general.finishGeneral()
            XCTAssertEqual((0..<fast.outGroups.count).map { fast.row($0) }, (0..<general.outGroups.count).map { general.row($0) })
            compared += 1
        }
        XCTAssertGreaterThan(compared, 300)
    }

    /// Byte `k` of chunk `index` in the ordering test (a letter, never the `|` separator).
    private static func byte(_ index: Int, _ k: Int) -> UInt8 { UInt8(0x41 + (index &+ k) % 26) }

    private func temporaryFile() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("ocw-\(UUID().uuidString)").path
    }

    /// Three threads fill 200 chunks of random sizes, finishing out of order: the file is the
    /// chunks in index order, and no more than `window` chunks were ever outstanding.
    func testChunksAreWrittenInOrderWithinTheWindow() throws {
        let path = temporaryFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let handle = try WriteHandle(path: path)
        let chunks = 200, window = 5
        let writer = OrderedChunkWriter(handle: handle, chunks: chunks, window: window, bufferCapacity: 16)
        let probe = WindowProbe()
        DispatchQueue.concurrentPerform(iterations: 3) { worker in
            var rng = SeededRandom(seed: UInt64(worker + 1))
            while let (index, buffer) = writer.next() {
                probe.enter()
                var b = buffer
                XCTAssertEqual(b.count, 0)
                var produced = 0
                for _ in 0..<Int(rng.next() % 300) { b.append(Self.byte(index, produced)); produced += 1 }
                if rng.next() % 3 == 0 { usleep(UInt32(rng.next() % 500)) }
                // Part of the text may be streamed early (only while this chunk is the head).
                if rng.next() % 2 == 0 {
                    do { try writer.flushIfHead(index, &b) } catch { XCTFail("\(error)") }
                }
                for _ in 0..<Int(rng.next() % 50) { b.append(Self.byte(index, produced)); produced += 1 }
                b.append("|")
                probe.leave()
                writer.complete(index, b)
            }
        }
        XCTAssertNoThrow(try writer.finish())
        try handle.close()
        let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let parts = written.split(separator: UInt8(ascii: "|"), omittingEmptySubsequences: false).dropLast()
        XCTAssertEqual(parts.count, chunks)
        for (index, part) in parts.enumerated() {
            for (k, byte) in part.enumerated() { XCTAssertEqual(byte, Self.byte(index, k)) }
        }
        XCTAssertLessThanOrEqual(probe.maxInside, 3)
        XCTAssertLessThanOrEqual(writer.maxOutstanding, window)
        XCTAssertGreaterThan(writer.maxOutstanding, 1)
    }

    /// A failing worker stops the others (no further chunk is handed out) and `finish` throws
    /// its error; zero chunks write nothing and succeed.
    func testFailureStopsEveryWorkerAndIsReported() throws {
        let path = temporaryFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let handle = try WriteHandle(path: path)
        let writer = OrderedChunkWriter(handle: handle, chunks: 1000, window: 3)
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            while let (index, buffer) = writer.next() {
                if index == 10 {
                    buffer.deallocate()
                    writer.fail(.outputNotWritable(path: path, reason: "boom"))
                } else {
                    writer.complete(index, buffer)
                }
            }
        }
        XCTAssertThrowsError(try writer.finish()) { error in
            XCTAssertEqual("\(error)".contains("boom"), true, "\(error)")
        }
        let empty = OrderedChunkWriter(handle: handle, chunks: 0, window: 2)
        XCTAssertNil(empty.next())
        XCTAssertNoThrow(try empty.finish())
        try handle.close()
    }
}

extension OutputFastPathTests {
    /// The CSV writer's unchecked row path (`RawBytes` overload, `appendBounded`) against the
    /// checked generic twin on rows made to be as long as possible: texts that are all quotes,
    /// backslashes, commas and blanks, extreme and non-finite prices, the widest ids. Every row
    /// fits the bound reserved for it.
    func testUncheckedRowsMatchCheckedTwinAndStayWithinTheirBound() throws {
        let texts: [String?] = [String(repeating: "\"", count: 40), String(repeating: "\\", count: 33), " a,\"b\"\n ",
                                "", "   ", nil, "plain.text", String(repeating: "é,", count: 50)]
        let prices: [Double?] = [-1.2345678901234567e-300, 1e300, 123_456_789.123, -0.0, .nan, -.infinity, 0.01, nil]
        var events: [Ev] = []
        for i in 0..<64 {
            let product: Int64? = i == 3 ? Int64(Int32.min) : i == 1 ? Int64(Int32.max) : i == 2 ? nil : Int64(i)
            events.append(Ev(time: CivilTime.parseStrict("2019-10-01 00:00:00")! + Int64(i) * 61_000_000, type: i % 5 == 0 ? "purchase" : "view",
                             product: product, category: texts[i % texts.count],
                             brand: texts[(i / 3) % texts.count], price: prices[i % prices.count],
                             user: [Int64(Int32.max), Int64(Int32.min), 5][i % 3], session: i % 7 == 0 ? nil : "s\(i % 4) ,\"\(i % 2)"))
        }
        let window = try TimeWindow(start: "2019-10-01 00:00:00", end: "2019-10-02 00:00:00")
        var sink = TwinSink()
        defer { sink.release() }
        _ = try MergeEngine.execute(runs: EventFixture.runs(events, dictionary: true), window: window, users: UserSplit.all, sink: &sink)
        XCTAssertGreaterThan(sink.rows, 20)
        XCTAssertEqual(ContiguousArray(sink.raw.bytes), sink.checked)
        XCTAssertGreaterThanOrEqual(sink.slack, 0, "a row longer than its reserved bound")
        let text = String(decoding: sink.checked, as: UTF8.self)
        XCTAssertTrue(text.contains("\"" + String(repeating: "\\\"", count: 40) + "\""), "quotes escaped inside quotes")
        XCTAssertTrue(text.contains(",NaN,") && text.contains(",-Infinity,") && text.contains(",1.0E300,"))
        XCTAssertTrue(text.contains("\n-2147483648,") && text.contains(",-2147483648,") && text.contains(",2147483647,"), "widest ids")
    }
}

/// Feeds each finished user to both CSV row paths and measures how close rows come to `rowBound`.
private struct TwinSink: LearningBaseSink {
    var checked = ContiguousArray<UInt8>()
    var raw = RawBytes(capacity: 64)
    var lead = RawBytes(capacity: 16), middle = RawBytes(capacity: 16)
    var slack = Int.max
    var rows = 0

    mutating func consume(_ u: UserAccumulator) throws(QueryError) {
        CSVSink.appendRows(u, to: &checked, lead: &lead, middle: &middle)
        CSVSink.appendRows(u, to: &raw, lead: &lead, middle: &middle)
        var current = -1
        for i in 0..<u.outGroups.count {
            let group = u.groups[Int(u.outGroups[i])]
            if Int(group.session) != current {
                current = Int(group.session)
                CSVSink.formatSession(u, current, lead: &lead, middle: &middle)
            }
            var row = ContiguousArray<UInt8>()
            CSVSink.appendRow(u, i, group, lead: lead, middle: middle, to: &row)
            slack = min(slack, CSVSink.rowBound(group, lead: lead, middle: middle) - row.count)
            rows += 1
        }
    }

    func release() { raw.deallocate(); lead.deallocate(); middle.deallocate() }
}

/// Counts chunks being filled at once (under a lock).
private final class WindowProbe: @unchecked Sendable {
    private let lock = NSLock()
    private var inside = 0
    private(set) var maxInside = 0
    func enter() { lock.lock(); inside += 1; maxInside = max(maxInside, inside); lock.unlock() }
    func leave() { lock.lock(); inside -= 1; lock.unlock() }
}
