import Columnar
import TestSupport
import XCTest

/// The shared row gather `ColumnGather` (the Sparkify ingest's parts, the star schema's tables
/// and files): its unsafe string copy against its safe twin, and the batch gather's contract
/// (nulls, dictionaries, projection, sharing).
final class ColumnGatherTests: XCTestCase {
    /// Random string columns (plain and dictionary-encoded, with and without NULLs and empty
    /// strings), rows drawn from several of them: the unsafe two-pass copy equals the
    /// per-row appends, and both give each selected row's text.
    func testGatherStringsMatchesScalarTwin() {
        var rng = SeededRandom(seed: 41)
        for round in 0..<60 {
            var sources: [AnyColumn] = []
            for s in 0..<3 {
                let rows = Int(rng.next() % 50)
                let texts: [String?] = (0..<rows).map { _ in
                    let r = rng.next() % 10
                    if round % 2 == 0, r == 0 { return nil }
                    return r == 1 ? "" : String(repeating: "é\(r)x", count: Int(rng.next() % 5))
                }
                let plain = StringColumn(texts)
                if s == 2, rows > 0 {
                    let codes = ContiguousArray((0..<rows).map { UInt32($0) })
                    sources.append(.dictionary(DictionaryColumn(codes: codes, dictionary: plain, validity: plain.validity)))
                } else {
                    sources.append(.string(plain))
                }
            }
            let access = sources.map { StringAccess($0)! }
            let counts = sources.map(\.count)
            let picks: [(Int, Int)] = (0..<Int(rng.next() % 80)).compactMap { _ in
                let s = Int(rng.next() % 3)
                return counts[s] == 0 ? nil : (s, Int(rng.next() % UInt64(counts[s])))
            }
            let fast = ColumnGather.gatherStrings(access, count: picks.count, source: { picks[$0].0 }, row: { picks[$0].1 })
            let safe = ColumnGather.gatherStringsScalar(access, count: picks.count, source: { picks[$0].0 }, row: { picks[$0].1 })
            XCTAssertEqual(fast, safe, "round \(round)")
            for (k, (s, r)) in picks.enumerated() { XCTAssertEqual(fast[k], access[s].string(r), "round \(round) row \(k)") }
        }
    }

    /// The batch gather the Sparkify ingest cuts its parts with (it had its own copy before):
    /// selected rows in the given order, validity only when a selected row is NULL, dictionary
    /// strings materialised, a projection in the order asked, all rows in order shared, and an
    /// unknown column refused.
    func testBatchGatherContract() throws {
        let schema = Schema([Field("i", .int64), Field("s", .string), Field("d", .string), Field("b", .bool, nullable: false)])
        var ints = FixedWidthColumn<Int64>(values: [10, 0, 30, 40])
        var bits = Bitmap()
        for v in [true, false, true, true] { bits.append(v) }
        ints.validity = bits
        let dictionary = DictionaryColumn(codes: [1, 0, 1, 0], dictionary: StringColumn(["x", "yy"]))
        let batch = try RecordBatch(schema: schema, columns: [
            .int64(ints), .string(StringColumn(["a", nil, "ccc", ""])), .dictionary(dictionary),
            .bool(FixedWidthColumn(values: [true, false, false, true])),
        ])
        let picked = try ColumnGather.gather(batch, [3, 0, 2])
        XCTAssertEqual(picked.schema, schema)
        XCTAssertEqual(picked.rowCount, 3)
        XCTAssertEqual(picked.columns[0].int64Column?.values, [40, 10, 30])
        XCTAssertNil(picked.columns[0].int64Column?.validity, "no NULL selected: no bitmap")
        guard case .string(let s) = picked.columns[1], case .string(let d) = picked.columns[2] else {
            return XCTFail("strings expected, dictionaries materialised")
        }
        XCTAssertEqual((0..<3).map { s[$0] }, ["", "a", "ccc"])
        XCTAssertNil(s.validity)
        XCTAssertEqual((0..<3).map { d[$0] }, ["x", "yy", "yy"])
        XCTAssertEqual(picked.columns[3].boolColumn?.values, [true, true, false])

        let withNull = try ColumnGather.gather(batch, [1, 2], names: ["s", "i"])
        XCTAssertEqual(withNull.schema.names, ["s", "i"])
        XCTAssertEqual(withNull.columns[1].int64Column?.validity.map { [$0[0], $0[1]] }, [false, true])
        guard case .string(let s2) = withNull.columns[0] else { return XCTFail("string expected") }
        XCTAssertEqual([s2[0], s2[1]], [nil, "ccc"])

        let all = try ColumnGather.gather(batch, [0, 1, 2, 3])
        guard case .dictionary(let kept) = all.columns[2] else { return XCTFail("all rows in order: the columns themselves") }
        XCTAssertEqual(kept.codes, dictionary.codes)
        XCTAssertEqual(all.columns[0].int64Column?.values, ints.values)

        XCTAssertThrowsError(try ColumnGather.gather(batch, [0], names: ["nope"])) { error in
            XCTAssertEqual(error as? ColumnarError, .invalidArgument("no column 'nope' to gather"))
        }
    }
}
