import Columnar
import Foundation
import TestSupport
@testable import Query
import XCTest

/// Issue 18, the pieces of long-window decode passes: `EventBatch.slice` against the batch it
/// slices, field by field (NULL users, plain and dictionary strings, raw sessions, a window
/// selection); `Bitmap.copying` against bit reads; and `SharedBatches` with passes over many
/// in-memory days: the same rows as without passes, every day decoded once per pass, and the
/// decoded rows held at once (`HeldRows`) bounded by the budget, not by the day count.
final class DecodePassesTests: XCTestCase {
    /// Events over `days` days, `perDay` rows each, users 1...`users` and a few NULL users,
    /// every tenth session a non-uuid text.
    static func events(days: Int, perDay: Int, users: Int, seed: UInt64) -> [Ev] {
        var rng = SeededRandom(seed: seed)
        let base = CivilTime.parseStrict("2019-10-01 00:00:00")!
        var out: [Ev] = []
        for d in 0..<days {
            for i in 0..<perDay {
                let user: Int64? = rng.next() % 50 == 0 ? nil : Int64(rng.next() % UInt64(users)) + 1
                let session = i % 10 == 0 ? "raw-\(rng.next() % 7)"
                    : String(format: "%08x-0000-4000-8000-%012x", Int(rng.next() % 1000), Int(user ?? 0))
                out.append(Ev(time: base + Int64(d) * 86_400_000_000 + Int64(rng.next() % 86_400) * 1_000_000,
                              type: ["view", "cart", "purchase"][Int(rng.next() % 3)], product: Int64(rng.next() % 40),
                              category: rng.next() % 3 == 0 ? nil : "c\(rng.next() % 5)",
                              brand: rng.next() % 4 == 0 ? nil : "b,\(rng.next() % 9)",
                              price: rng.next() % 9 == 0 ? nil : Double(rng.next() % 10_000) / 100,
                              user: user, session: session))
            }
        }
        return out
    }

    func testSliceHoldsTheSameRowsAsItsBatch() throws {
        // A window ending mid-day: the batch carries a selection, which the slices recompute.
        let window = try TimeWindow(start: "2019-10-01 00:00:00", end: "2019-10-01 13:00:00")
        for dictionary in [false, true] {
            let run = EventFixture.runs(Self.events(days: 1, perDay: 700, users: 90, seed: 3), dictionary: dictionary)[0]
            let full = try SharedBatches.decode(run: run, batch: 0, window: window)
            XCTAssertNotNil(full.selection)
            for rows in [0..<0, 0..<full.count, 0..<1, 5..<70, 63..<64, 64..<129, 100..<full.count, full.count - 1..<full.count] {
                let s = full.slice(rows, window: window)
                XCTAssertEqual(s.count, rows.count)
                for (i, r) in rows.enumerated() {
                    let at = "dictionary \(dictionary), rows \(rows), row \(r)"
                    XCTAssertEqual(s.userValid.isSet(i), full.userValid.isSet(r), at)
                    XCTAssertEqual(s.userIds[i], full.userIds[r], at)
                    XCTAssertEqual(s.times[i], full.times[r], at)
                    XCTAssertEqual(s.selection.isSelected(i), full.selection.isSelected(r), at)
                    XCTAssertEqual(s.kinds[i], full.kinds[r], at)
                    XCTAssertEqual(s.productValid.isSet(i), full.productValid.isSet(r), at)
                    XCTAssertEqual(s.productIds[i], full.productIds[r], at)
                    XCTAssertEqual(s.priceValid.isSet(i), full.priceValid.isSet(r), at)
                    XCTAssertEqual(s.prices[i].bitPattern, full.prices[r].bitPattern, at)
                    XCTAssertEqual(Array(s.sessionBytes[i * 16 ..< i * 16 + 16]), Array(full.sessionBytes[r * 16 ..< r * 16 + 16]), at)
                    XCTAssertEqual(s.sessionValid.isSet(i), full.sessionValid.isSet(r), at)
                    for (a, b) in [(s.category, full.category), (s.brand, full.brand), (s.sessionRaw, full.sessionRaw)] {
                        XCTAssertEqual(a.isValid(i), b.isValid(r), at)
                        if b.isValid(r) {
                            XCTAssertEqual(a.withBytes(i) { Array($0) }, b.withBytes(r) { Array($0) }, at)
                            XCTAssertEqual(a.knownVerbatim(i), b.knownVerbatim(r), at)
                        }
                    }
                }
            }
            // rows(users:) is the contiguous run of non-NULL users in the range.
            let users: Range<Int64> = 20..<41
            let rows = full.rows(users: users)
            for r in 0..<full.count {
                XCTAssertEqual(rows.contains(r), full.userValid.isSet(r) && users.contains(full.userIds[r]), "row \(r)")
            }
        }
    }

    func testBitmapCopyingMatchesBitReads() {
        var rng = SeededRandom(seed: 8)
        for count in [0, 1, 63, 64, 65, 200, 513] {
            var b = Bitmap(reservingCapacity: count)
            for _ in 0..<count { b.append(rng.next() % 3 != 0) }
            for lo in Set([0, 1, count / 3, max(0, count - 1), count]) where lo <= count {
                for hi in Set([lo, min(count, lo + 1), min(count, lo + 64), min(count, lo + 65), count]) where hi >= lo {
                    let c = b.copying(lo..<hi)
                    XCTAssertEqual(c.count, hi - lo)
                    for i in 0..<(hi - lo) { XCTAssertEqual(c[i], b[lo + i], "count \(count) \(lo)..<\(hi) bit \(i)") }
                    // Bits past the end stay zero (the `Bitmap` invariant `setCount` relies on).
                    XCTAssertEqual(c.setCount, (lo..<hi).filter { b[$0] }.count)
                }
            }
        }
    }

    /// Many small days, chunks computed one after another as the store path does (one worker):
    /// with a budget of `budget` rows the window is decoded in passes, the output is the same,
    /// and the rows held at once stay under a bound that the same window without passes exceeds.
    func testPassesBoundHeldRowsAndKeepTheOutput() throws {
        let perDay = 300, budget = 1_500
        for days in [6, 40] {
            let window = try TimeWindow(start: "2019-10-01 00:00:00", end: "2019-12-31 23:59:59")
            let runs = EventFixture.runs(Self.events(days: days, perDay: perDay, users: 400, seed: UInt64(days)), dictionary: true)
                .map { CountingRun($0) }
            let chunks = UserSplit.ranges(runs: runs, window: window, workers: 64)
            func execute(maxHeldRows: Int) throws -> (csv: [UInt8], peak: Int, passes: Int) {
                let shared = SharedBatches(runs: runs, window: window, ranges: chunks, maxHeldRows: maxHeldRows)
                HeldRows.resetPeak()
                var text = ContiguousArray<UInt8>()
                for (c, users) in chunks.enumerated() {
                    shared.warm(throughRange: c + 4, current: c)
                    var sink = BufferSink()
                    _ = try MergeEngine.execute(runs: runs, window: window, users: users, shared: shared, sink: &sink)
                    text.append(contentsOf: sink.buffer)
                }
                return (Array(text), HeldRows.peak, shared.passCount)
            }
            for run in runs { run.reset() }
            let plain = try execute(maxHeldRows: .max)
            XCTAssertEqual(plain.passes, 1)
            XCTAssertTrue(runs.allSatisfy { $0.loadCounts.allSatisfy { $0 == 1 } }, "one decode per day without passes")
            for run in runs { run.reset() }
            let bounded = try execute(maxHeldRows: budget)
            let expectedPasses = min(chunks.count, (days * perDay + budget - 1) / budget)
            XCTAssertEqual(bounded.passes, expectedPasses, "\(days) days")
            XCTAssertGreaterThan(bounded.passes, 1)
            XCTAssertEqual(bounded.csv, plain.csv, "\(days) days: the same bytes with passes")
            XCTAssertFalse(plain.csv.isEmpty)
            for run in runs {
                for n in run.loadCounts { XCTAssertLessThanOrEqual(n, bounded.passes, "a day is decoded at most once per pass") }
            }
            // Held: the current pass's slices (about `budget`, the chunks being balanced by
            // statistics) plus the day decoded whole before it is sliced.
            let bound = 2 * budget + perDay
            XCTAssertLessThanOrEqual(bounded.peak, bound, "\(days) days")
            if days == 40 { XCTAssertGreaterThan(plain.peak, bound, "without passes every day is held: the bound means something") }
        }
    }
}
