import XCTest
#if canImport(Glibc)
import Glibc
#endif
import Columnar
import TestSupport
@testable import Ingest

/// Hostile CSV input (issue #13): open quotes, duplicate or CR-only headers, out-of-range
/// prices, gzip arriving one byte at a time. Each test fails without its fix.
final class HostileCSVTests: XCTestCase {
    static let header = "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n"

    private func write(_ dir: String, _ name: String, _ bytes: [UInt8]) throws -> String {
        let path = dir + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func row(_ second: Int, user: Int, brand: String = "brand") -> String {
        let t = String(format: "2019-10-01 %02d:%02d:%02d UTC", second / 3600, second / 60 % 60, second % 60)
        return "\(t),view,\(second),2053013555631882655,a.b,\(brand),1.50,\(user),72d76fde-8bb3-4e00-8c23-a032dfed738c\n"
    }

    private func rejectsText(_ store: String) throws -> String {
        let st = try Store(path: store)
        guard let file = try st.manifest(dataset: "events")?.sources.first?.rejectsFile else { return "" }
        return try String(contentsOfFile: st.path + "/" + file, encoding: .utf8)
    }

    /// #5: a quote left open at the end of its line (in a middle field, in the last field, or a
    /// `\"` ending a quoted field) rejects that line only; a quote closing 100 lines later does
    /// not glue them into one field; every valid line after the bad ones is stored, and
    /// stored + rejected = data lines, for several read sizes.
    func testOpenQuoteRejectsOnlyItsOwnLine() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        var text = Self.header
        var valid = 0, line = 1
        var badLines: [Int] = []
        func good(_ n: Int) { for _ in 0..<n { line += 1; valid += 1; text += row(valid, user: valid % 97) } }
        func bad(_ s: String) { line += 1; badLines.append(line); text += s }
        good(500)
        bad("2019-10-01 01:00:00 UTC,view,1,2,a.b,\"open brand,1.5,7,72d76fde-8bb3-4e00-8c23-a032dfed738c\n")
        good(100)
        bad("2019-10-01 01:00:00 UTC,view,1,2,a.b,b,1.5,7,\"session \\\"\n")        // `\"` ends the field
        good(100)
        bad("2019-10-01 01:00:00 UTC,view,1,2,a.b,b,1.5,7,\"opens here\r\n")     // CRLF
        good(100)
        // A quote closed 100 lines later: each line stands alone (the closing one is a plain line
        // whose stray quote is data), so they are all stored.
        bad("2019-10-01 01:00:00 UTC,view,1,2,a.b,\"opens,1.5,7,s\n")
        good(100)
        line += 1; valid += 1; text += row(valid, user: 5, brand: "closes\"")
        good(2000)
        bad("2019-10-01 01:00:00 UTC,view,1,2,a.b,b,1.5,7,\"unterminated last line")  // no final newline
        let path = try write(dir, "q.csv", Array(text.utf8))
        let dataLines = line - 1
        for (k, chunk) in [4096, 65536, 4 << 20].enumerated() {
            let store = dir + "/s\(k)"
            let r = try IngestFixture.ingest([path], store: store) { $0.chunkBytes = chunk }
            XCTAssertEqual(r.rowsStored, valid, "chunk \(chunk)")
            XCTAssertEqual(r.rowsRejected, badLines.count, "chunk \(chunk)")
            XCTAssertEqual(r.rowsStored + r.rowsRejected, dataLines, "chunk \(chunk)")
            XCTAssertEqual(r.sources[0].reasons[RejectReason.unterminatedQuote.rawValue], badLines.count)
            let rows = try IngestFixture.readStore(store)
            XCTAssertEqual(rows.count, valid)
            XCTAssertEqual(rows.filter { $0.brand == "closes\"" }.count, 1)
            let rejects = try rejectsText(store)
            for l in badLines {
                XCTAssertTrue(rejects.contains(",\(l),REJECTED,\"unterminated quoted field\""), "line \(l): \(rejects)")
            }
        }
    }

    /// #5 in the scan: a row end inside an open quote is flagged (`openQuoteFlag`), by the SSE2
    /// scan and its scalar twin alike, at every alignment; the following row is not.
    func testScannerFlagsRowEndsInsideAnOpenQuote() {
        for shift in 0..<70 {
            let text = String(repeating: "x", count: shift) + ",\"open\nnext,\"ok\"\n\"esc\\\"\nlast\n"
            let bytes = Array(text.utf8)
            var simd = ContiguousArray<UInt32>(), scalar = ContiguousArray<UInt32>()
            bytes.withUnsafeBytes { raw in
                _ = CSVScanner.scanSIMD(raw, start: 0, into: &simd)
                _ = CSVScanner.scanScalar(raw, start: 0, into: &scalar)
            }
            XCTAssertEqual(simd, scalar, "shift \(shift)")
            let rowEnds = simd.filter { $0 & CSVScanner.newlineFlag != 0 }
            XCTAssertEqual(rowEnds.map { $0 & CSVScanner.openQuoteFlag != 0 }, [true, false, true, false], "shift \(shift)")
            XCTAssertEqual(rowEnds.map { Int($0 & CSVScanner.offsetMask) }, bytes.indices.filter { bytes[$0] == 0x0A })
        }
    }

    /// #5 at the CLI-facing level: the summary names the reason.
    func testSummaryCountsTheUnterminatedQuote() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let path = try write(dir, "s.csv", Array((Self.header + "2019-10-01 00:00:00 UTC,view,1,2,\"x,b,1,2,s\n" + row(1, user: 1)).utf8))
        let r = try IngestFixture.ingest([path], store: dir + "/s")
        XCTAssertEqual(r.sources[0].rowsStored, 1)
        XCTAssertEqual(r.sources[0].reasons, [RejectReason.unterminatedQuote.rawValue: 1])
    }

    /// #23: a duplicated column name is refused, naming the file and the column; nothing written.
    func testDuplicateHeaderColumnIsRefused() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let path = try write(dir, "dup.csv", Array(("event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session,price\n"
            + "2019-10-01 00:00:00 UTC,view,1,2,a.b,b,1.5,7,s,9.9\n").utf8))
        XCTAssertThrowsError(try IngestFixture.ingest([path], store: dir + "/s")) { error in
            guard case IngestError.badHeader(let source, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(source, path)
            XCTAssertTrue(reason.contains("\"price\" appears twice"), reason)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/s/events"))
    }

    /// #24: CR-only line ends are named as such (not "missing column"), also when the file is
    /// larger than the 16 MiB header window.
    func testCROnlyLineEndsAreNamed() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let cr = (Self.header + row(1, user: 1) + row(2, user: 2)).replacingOccurrences(of: "\n", with: "\r")
        let small = try write(dir, "cr.csv", Array(cr.utf8))
        var big = Array(cr.utf8)
        let one = Array(row(3, user: 3).replacingOccurrences(of: "\n", with: "\r").utf8)
        while big.count < 17 << 20 { big += one }
        let large = try write(dir, "cr-big.csv", big)
        for path in [small, large] {
            XCTAssertThrowsError(try IngestFixture.ingest([path], store: dir + "/s")) { error in
                guard case IngestError.badHeader(let source, let reason) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(source, path)
                XCTAssertTrue(reason.contains("CR only"), reason)
            }
        }
        // CRLF is still fine.
        let crlf = try write(dir, "crlf.csv", Array((Self.header + row(1, user: 1)).replacingOccurrences(of: "\n", with: "\r\n").utf8))
        XCTAssertEqual(try IngestFixture.ingest([crlf], store: dir + "/s2").rowsStored, 1)
    }

    /// #25: prices beyond the double range are stored as parseDouble converts them (±Infinity,
    /// 0.0) and recorded as COERCED with their own reason.
    func testOutOfRangePricesAreCoerced() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let huge = String(repeating: "9", count: 400)
        var text = Self.header
        for (k, price) in ["1e309", "-1e309", "4.9e-325", huge, "1e308", "0e-999"].enumerated() {
            text += "2019-10-01 00:00:0\(k) UTC,view,\(k),2,a.b,b,\(price),7,72d76fde-8bb3-4e00-8c23-a032dfed738c\n"
        }
        let path = try write(dir, "p.csv", Array(text.utf8))
        let r = try IngestFixture.ingest([path], store: dir + "/s")
        XCTAssertEqual(r.rowsStored, 6)
        XCTAssertEqual(r.rowsCoerced, 4)
        XCTAssertEqual(r.sources[0].reasons, [RejectReason.priceOutOfRange.rawValue: 4])
        let prices = try IngestFixture.readStore(dir + "/s").sorted { $0.time < $1.time }.map(\.price)
        XCTAssertEqual(prices, [.infinity, -.infinity, 0.0, .infinity, 1e308, 0.0])
        let rejects = try rejectsText(dir + "/s")
        XCTAssertTrue(rejects.contains(",2,COERCED,\"price: beyond the double range"), rejects)
        XCTAssertFalse(rejects.contains(",6,COERCED"), rejects)
        XCTAssertFalse(rejects.contains(",7,COERCED"), rejects)
    }

    func testDoubleParserOutOfRangeOutcomes() {
        XCTAssertEqual(DoubleParser.parse("1e309"), .outOfRange(.infinity))
        XCTAssertEqual(DoubleParser.parse("-1E309"), .outOfRange(-.infinity))
        XCTAssertEqual(DoubleParser.parse("4.9e-325"), .outOfRange(0.0))
        XCTAssertEqual(DoubleParser.parse("-4.9e-325"), .outOfRange(-0.0))
        XCTAssertEqual(DoubleParser.parse(String(repeating: "9", count: 400)), .outOfRange(.infinity))
        XCTAssertEqual(DoubleParser.parse("0." + String(repeating: "0", count: 400) + "1"), .outOfRange(0.0))
        XCTAssertEqual(DoubleParser.parse("4.9e-324"), .exact(.leastNonzeroMagnitude))
        XCTAssertEqual(DoubleParser.parse("0e-999"), .exact(0))
        XCTAssertEqual(DoubleParser.parse("0.000"), .exact(0))
        XCTAssertEqual(DoubleParser.parse("1.7976931348623157e308"), .exact(.greatestFiniteMagnitude))
        XCTAssertEqual(DoubleParser.parse("Infinity"), .coerced(.infinity))
        XCTAssertEqual(DoubleParser.parse(" 1e309 "), .outOfRange(.infinity))
    }

    /// #22: gzip is recognised when the first read of a pipe returns a single byte.
    func testGzipRecognisedWhenTheFirstReadIsOneByte() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let plain = Array((Self.header + row(1, user: 1) + row(2, user: 2)).utf8)
        let plainPath = try write(dir, "g.csv", plain)
        let gz = Process()
        gz.executableURL = URL(fileURLWithPath: "/bin/sh")
        gz.arguments = ["-c", "gzip -c \"$0\" > \"$0.gz\"", plainPath]
        try gz.run()
        gz.waitUntilExit()
        let compressed = try Data(contentsOf: URL(fileURLWithPath: plainPath + ".gz"))
        XCTAssertEqual(Array(compressed.prefix(2)), [0x1F, 0x8B])
        let fifo = dir + "/g.fifo"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let writer = Thread {
            let fd = open(fifo, O_WRONLY)
            guard fd >= 0 else { return }
            compressed.withUnsafeBytes { b in
                _ = Glibc.write(fd, b.baseAddress!, 1)
                usleep(300_000)  // the reader's first read gets the one byte
                _ = Glibc.write(fd, b.baseAddress! + 1, b.count - 1)
            }
            close(fd)
        }
        writer.start()
        let reader = try InputReader(.file(fifo), readSize: 4096)
        let buf = ScanBuffer(capacity: 1 << 16)
        while try reader.read(into: buf) {}
        XCTAssertEqual(Array(buf.bytes), plain)
        XCTAssertEqual(reader.rawBytesRead, compressed.count)
        XCTAssertNil(reader.fileSize)
    }
}
