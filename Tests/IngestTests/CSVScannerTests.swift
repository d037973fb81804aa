import XCTest
import TestSupport
@testable import Ingest

/// The SIMD structural scan against its scalar twin, and the dialect rules.
final class CSVScannerTests: XCTestCase {
    private func both(_ bytes: [UInt8], start: Int = 0) -> (ContiguousArray<UInt32>, Int, ContiguousArray<UInt32>, Int) {
        var a = ContiguousArray<UInt32>(), b = ContiguousArray<UInt32>()
        let (ea, eb) = bytes.withUnsafeBytes { raw in
            (CSVScanner.scanSIMD(raw, start: start, into: &a), CSVScanner.scanScalar(raw, start: start, into: &b))
        }
        return (a, ea, b, eb)
    }

    func testSIMDEqualsScalarOnRandomInputsAtEveryOffset() {
        var rng = SeededRandom(seed: 42)
        let alphabet: [UInt8] = Array("ab,\"\n\r\\ 1".utf8)
        for length in 0..<200 {
            for _ in 0..<20 {
                let bytes = (0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
                for start in [0, min(length, 1), length / 2] {
                    let (a, ea, b, eb) = both(bytes, start: start)
                    XCTAssertEqual(a, b, "entries differ for \(bytes) from \(start)")
                    XCTAssertEqual(ea, eb)
                }
            }
        }
        // Sparse quotes and backslashes: most 64-byte blocks take the quote-free fast path, some
        // open a quote in one block and close it blocks later.
        let sparse: [UInt8] = Array("abcdefgh12345678,,,\n".utf8)
        for length in stride(from: 0, to: 3000, by: 37) {
            for _ in 0..<4 {
                let bytes: [UInt8] = (0..<length).map { _ in
                    switch rng.next() % 300 {
                    case 0: return 0x22
                    case 1: return 0x5C
                    default: return sparse[Int(rng.next() % UInt64(sparse.count))]
                    }
                }
                for start in [0, min(length, 5)] {
                    let (a, ea, b, eb) = both(bytes, start: start)
                    XCTAssertEqual(a, b, "entries differ (length \(length), from \(start))")
                    XCTAssertEqual(ea, eb)
                }
            }
        }
        // Long realistic rows with the structural byte at every offset modulo 64.
        for shift in 0..<64 {
            let row = String(repeating: "x", count: shift) + ",\"q,\\\"u\n\"\r\n" + "2019-10-01 00:00:00 UTC,view,1,2,,b,1.5,3,s\n"
            let bytes = Array(String(repeating: row, count: 5).utf8)
            let (a, ea, b, eb) = both(bytes)
            XCTAssertEqual(a, b)
            XCTAssertEqual(ea, eb)
        }
    }

    /// The C kernel's masks against the Swift byte-at-a-time twin: every byte value, the four
    /// interesting bytes densely, at every alignment.
    func testClassifyKernelEqualsScalarTwin() {
        var rng = SeededRandom(seed: 7)
        let dense: [UInt8] = Array(",\n\"\\ax".utf8)
        for round in 0..<400 {
            let bytes: [UInt8] = (0..<(64 + 16)).map { _ in
                round % 2 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : dense[Int(rng.next() % UInt64(dense.count))]
            }
            bytes.withUnsafeBytes { raw in
                for offset in 0..<16 {
                    let p = raw.baseAddress! + offset
                    let fast = CSVScanner.classify(p), slow = CSVScanner.classifyScalar(p)
                    XCTAssertEqual(fast.structural, slow.structural, "round \(round) offset \(offset)")
                    XCTAssertEqual(fast.special, slow.special, "round \(round) offset \(offset)")
                }
            }
        }
        let all = (0..<256).map { UInt8($0) }
        all.withUnsafeBytes { raw in
            for block in 0..<4 {
                let p = raw.baseAddress! + 64 * block
                XCTAssertEqual(CSVScanner.classify(p).structural, CSVScanner.classifyScalar(p).structural)
                XCTAssertEqual(CSVScanner.classify(p).special, CSVScanner.classifyScalar(p).special)
            }
        }
        // Bit k is byte k: the block of byte values 0..<64 has ',' (44) and '\n' (10) only.
        all.withUnsafeBytes { raw in
            XCTAssertEqual(CSVScanner.classify(raw.baseAddress!).structural, 1 << 44 | 1 << 10)
            XCTAssertEqual(CSVScanner.classify(raw.baseAddress! + 64).special, 1 << (0x5C - 64))
            XCTAssertEqual(CSVScanner.classify(raw.baseAddress!).special, 1 << 0x22)
        }
    }

    private func fields(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        let bytes = Array(text.utf8)
        var entries = ContiguousArray<UInt32>()
        bytes.withUnsafeBytes { raw in
            _ = CSVScanner.scanSIMD(raw, start: 0, into: &entries)
            var start = 0
            var row: [String] = []
            var scratch: [UInt8] = []
            for e in entries {
                let end = Int(e & CSVScanner.offsetMask)
                row.append(String(decoding: CSVField.content(raw, start, end, &scratch), as: UTF8.self))
                start = end + 1
                if e & CSVScanner.newlineFlag != 0 { rows.append(row); row = [] }
            }
        }
        return rows
    }

    func testDialect() {
        XCTAssertEqual(fields("a,b\n"), [["a", "b"]])
        XCTAssertEqual(fields("\"a,b\",c\n"), [["a,b", "c"]])
        // multiLine=false: a newline ends the row inside quotes too; the open quote is kept raw
        // (the parser rejects such a row, see HostileCSVTests), the next line stands alone.
        XCTAssertEqual(fields("\"line\none\",x\n"), [["\"line"], ["one\"", "x"]])
        XCTAssertEqual(fields("\"a\\\n\"b\",c\n"), [["\"a\\"], ["b", "c"]])
        XCTAssertEqual(fields("\"a \\\"q\\\" b\",x\n"), [["a \"q\" b", "x"]])
        XCTAssertEqual(fields("\"a \\\",\\\" b\",x\n"), [["a \",\" b", "x"]])
        // RFC-4180 doubled quotes are not unescaped: the raw text is kept (Spark quirk).
        XCTAssertEqual(fields("\"a \"\"q\"\" b\",x\n"), [["\"a \"\"q\"\" b\"", "x"]])
        XCTAssertEqual(fields("\"\",x\n"), [["", "x"]])
        // A quote that does not start the field is data.
        XCTAssertEqual(fields("ab\"c,d\n"), [["ab\"c", "d"]])
        XCTAssertEqual(fields(" \"a,b\"\n"), [[" \"a", "b\""]])
    }

    func testIncompleteLastRowIsLeftForTheNextChunk() {
        let bytes = Array("a,b\nc,d".utf8)
        var entries = ContiguousArray<UInt32>()
        let end = bytes.withUnsafeBytes { CSVScanner.scanSIMD($0, start: 0, into: &entries) }
        XCTAssertEqual(end, 4)
        // An open quote does not hold the row open past its newline.
        let quoted = Array("a,b\nc,\"d\ne".utf8)
        entries.removeAll()
        XCTAssertEqual(quoted.withUnsafeBytes { CSVScanner.scanSIMD($0, start: 0, into: &entries) }, 9)
    }
}
