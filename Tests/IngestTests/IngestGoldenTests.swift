import XCTest
import Columnar
import TestSupport
@testable import Ingest

/// Golden rows in → exact typed values out, and the real REES46 samples.
final class IngestGoldenTests: XCTestCase {
    func testGoldenEdgeCasesStoredExactly() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let golden = TestPaths.fixture("golden/learning-base/events.csv").path
        let report = try IngestFixture.ingest([golden], store: dir)
        let rows = try IngestFixture.readStore(dir)
        let lines = try IngestFixture.dataLines(golden)
        XCTAssertEqual(report.rowsRead, lines.count)
        // Rejected: the two ISO 'T' times, the empty time, 2019-02-29 and 24:00:00.
        XCTAssertEqual(report.rowsRejected, 5)
        XCTAssertEqual(rows.count, lines.count - 5)
        XCTAssertEqual(report.rowsStored, rows.count)
        func find(_ session: String) -> [StoredEvent] { rows.filter { $0.sessionRaw == session }.sorted { $0.time < $1.time } }

        let commas = find("e13-commas")
        XCTAssertEqual(commas.count, 2)
        XCTAssertEqual(commas.first?.categoryCode, "home,garden.tools")
        XCTAssertEqual(commas.first?.brand, "acme, inc.")
        XCTAssertEqual(commas.first?.price, 12.34)

        let times = find("e14-time-formats")
        XCTAssertEqual(times.map(\.time), [IngestFixture.micros("2019-10-02 11:05:00"), IngestFixture.micros("2019-10-02 11:06:00")])
        XCTAssertTrue(find("e14-only-iso").isEmpty)

        XCTAssertEqual(find("e04-overflow-a").first?.userId, 3_000_000_000)  // 32-bit rule is the query's job
        XCTAssertEqual(find("e04-overflow-b").first?.userId, 2_147_483_648)
        XCTAssertEqual(find("e04-maxint").first?.userId, 2_147_483_647)
        XCTAssertEqual(find("e04-missing-user").count, 1)
        XCTAssertNil(find("e04-missing-user").first?.userId)

        let prices = find("e03-price-session")
        XCTAssertEqual(prices.count, 9)
        XCTAssertEqual(prices.map(\.price), [54.06, 54.07, nil, nil, nil, nil, 0.1, 0.2, 0.3])
        XCTAssertNil(prices.first?.session)
        XCTAssertEqual(prices.first?.categoryId, 2_053_013_555_631_882_655)

        let odd = find("e21-odd-numbers").sorted { $0.time < $1.time }
        let byMinute = Dictionary(odd.map { (($0.time / 60_000_000) % 60, $0) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(byMinute[0]?.price, 12.5)          // ' 12.50 '
        XCTAssertEqual(byMinute[1]?.productId, 3018)       // ' 3018 '
        XCTAssertEqual(byMinute[1]?.price, 10)             // '1e1'
        XCTAssertEqual(byMinute[2]?.productId, 3018)       // '3018.9'
        XCTAssertEqual(byMinute[2]?.price, 12.5)           // '12.5d'
        XCTAssertTrue(byMinute[3]?.price?.isNaN ?? false)  // 'NaN'
        XCTAssertNil(byMinute[6]?.productId)               // '1e3'
        XCTAssertNotNil(byMinute[6])
        XCTAssertNil(byMinute[7]?.price)                   // '"1,5"'
        XCTAssertEqual(byMinute[8]?.time, IngestFixture.micros("2019-10-02 22:08:00"))  // '2019-10-2 22:8:0 UTC'
        XCTAssertEqual(byMinute[9]?.time, IngestFixture.micros("2019-10-02 22:09:00"))  // '+0300' ignored
        XCTAssertEqual(find("e21-fractional-user").first?.userId, 600_000_023)

        let types = find("e18-event-type").map(\.eventType)
        XCTAssertTrue(types.contains(nil))
        XCTAssertTrue(types.contains("VIEW"))
        XCTAssertTrue(types.contains("Purchase"))

        let nullProduct = find("e05-only-null-product")
        XCTAssertEqual(nullProduct.count, 1)
        XCTAssertNil(nullProduct[0].productId)
        XCTAssertNil(nullProduct[0].categoryCode)
        XCTAssertNil(nullProduct[0].price)

        // A canonical session is stored as 16 bytes, with no raw text.
        let uuidRow = rows.first { $0.session != nil }!
        XCTAssertNil(uuidRow.sessionRaw)
        XCTAssertEqual(UUIDParser.parse(UUIDParser.format(uuidRow.session!)), uuidRow.session)

        // The rejects file lists every rejected and coerced line with its raw text.
        let st = try Store(path: dir)
        let source = try st.manifest(dataset: "events")!.sources[0]
        let rejects = try String(contentsOfFile: dir + "/" + source.rejectsFile!, encoding: .utf8)
        XCTAssertTrue(rejects.contains(",622,REJECTED,\"unparseable event_time\",\"2019-10-02T11:00:00Z,view,"))
        XCTAssertTrue(rejects.contains("COERCED"))
        XCTAssertTrue(rejects.contains("\"\"1,5\"\""))
        XCTAssertEqual(source.rowsRejected + source.rowsStored, source.rowsRead)

        // pyarrow reads the same typed values from the Hive-partitioned dataset.
        let out = try InteropPython.run("""
            import pyarrow.dataset as ds, pyarrow.compute as pc, sys
            t = ds.dataset(sys.argv[1] + '/events', format='parquet', partitioning='hive').to_table()
            def rows(s): return t.filter(pc.equal(t['user_session'], s)).to_pylist()
            c = rows('e13-commas')[0]
            print(t.num_rows)
            print(c['category_code'] + '|' + c['brand'] + '|' + repr(c['price']))
            print(rows('e04-overflow-a')[0]['user_id'], rows('e04-missing-user')[0]['user_id'])
            print(sorted(str(r['event_time']) for r in rows('e14-time-formats')))
            print(t.schema.field('user_session').type)
            import re
            uuid = re.compile('[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}')
            print(sorted(s for s in t['user_session'].to_pylist() if s and uuid.fullmatch(s))[0])
            """, args: [dir])
        let py = out.split(separator: "\n").map(String.init)
        XCTAssertEqual(py[0], String(rows.count))
        XCTAssertEqual(py[1], "home,garden.tools|acme, inc.|12.34")
        XCTAssertEqual(py[2], "3000000000 None")
        XCTAssertEqual(py[3], "['2019-10-02 11:05:00+00:00', '2019-10-02 11:06:00+00:00']")
        // user_session is text (schema version 2), canonical sessions as their lowercase UUID.
        XCTAssertEqual(py[4], "string")
        let canonical = rows.compactMap(\.session).map { UUIDParser.format($0) }.sorted()
        XCTAssertEqual(py[5], canonical.first)
    }

    func testOctoberHeadSampleCRLFTruncatedLastRow() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let path = TestPaths.fixture("rees46/2019-Oct-head.csv").path
        let report = try IngestFixture.ingest([path], store: dir)
        XCTAssertEqual(report.rowsRejected, 1)
        XCTAssertEqual(report.rowsStored, 17_434)
        XCTAssertEqual(report.rowsCoerced, 0)
        let rows = try IngestFixture.readStore(dir)
        XCTAssertEqual(rows.count, 17_434)
        // No CR leaked into the last column, and every session is a canonical UUID.
        XCTAssertTrue(rows.allSatisfy { $0.session != nil && $0.sessionRaw == nil })
        // Independent check of the first data line's values.
        let first = try IngestFixture.dataLines(path)[0].split(separator: ",", omittingEmptySubsequences: false)
        let match = rows.first { $0.userId == Int64(first[7]) && $0.productId == Int64(first[2]) }
        XCTAssertEqual(match?.categoryId, Int64(first[3]))
        XCTAssertEqual(match?.price, Double(first[6]))
        XCTAssertEqual(match.map { UUIDParser.format($0.session!) }, String(first[8]))
    }

    func testCosmeticsSampleWithUnnamedIndexColumn() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let path = TestPaths.fixture("rees46/cosmetics-2019-Oct-sample.csv").path
        let report = try IngestFixture.ingest([path], store: dir)
        let lines = try IngestFixture.dataLines(path)
        XCTAssertEqual(report.rowsRejected, 0)
        XCTAssertEqual(report.rowsStored, lines.count)
        let rows = try IngestFixture.readStore(dir)
        XCTAssertEqual(rows.count, lines.count)
        let f = lines[0].split(separator: ",", omittingEmptySubsequences: false)
        let match = rows.first { $0.userId == Int64(f[8]) && $0.productId == Int64(f[3]) && $0.time == IngestFixture.micros(String(f[1].prefix(19))) }
        XCTAssertEqual(match?.eventType, String(f[2]))
        XCTAssertEqual(match?.brand, String(f[6]))
        XCTAssertEqual(match?.price, Double(f[7]))
    }

    /// The rejects file is standard CSV (read here by Python's csv module) and each raw field
    /// is byte for byte the input line at the recorded line number.
    func testRejectsFileIsLosslessStandardCSV() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let golden = TestPaths.fixture("golden/learning-base/events.csv").path
        let report = try IngestFixture.ingest([golden], store: dir)
        let rejects = dir + "/" + report.sources[0].rejectsFile!
        let out = try InteropPython.run("""
            import csv, json, sys
            rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')))
            print(json.dumps([[int(r['line']), r['kind'], r['raw']] for r in rows]))
            """, args: [rejects])
        let records = try JSONSerialization.jsonObject(with: Data(out.utf8)) as! [[Any]]
        XCTAssertEqual(records.count, report.rowsRejected + report.rowsCoerced)
        let text = try String(contentsOfFile: golden, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for r in records {
            let line = r[0] as! Int, raw = r[2] as! String
            XCTAssertEqual(raw, lines[line - 1], "line \(line)")
        }
        XCTAssertEqual(records.filter { ($0[1] as! String) == "REJECTED" }.count, report.rowsRejected)
    }
}
