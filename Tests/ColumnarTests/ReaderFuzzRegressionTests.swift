import Foundation
import XCTest
@testable import Columnar
import TestSupport

/// Inputs found by (or crafted while running) the libFuzzer targets in `Fuzz/` (see
/// Fuzz/README.md), kept as inline bytes. Each must end in a typed `ColumnarError`, never a
/// trap, hang or runaway allocation.
final class ReaderFuzzRegressionTests: XCTestCase {
    /// Writes `base64` to a temporary file and returns its path.
    func file(_ base64: String, _ name: String) throws -> String {
        let dir = try TestPaths.temporaryDirectory(self, "fuzz-regression")
        let path = dir.appendingPathComponent(name).path
        try FileIO.writeAll(path, Array(try XCTUnwrap(Data(base64Encoded: base64))))
        return path
    }

    /// Opens and reads every column of every row group, like the fuzz target.
    func readEverything(_ path: String) throws(ColumnarError) -> [AnyColumn] {
        let pf = try ParquetFile(path: path)
        var out: [AnyColumn] = []
        for g in 0..<pf.rowGroupCount {
            for field in pf.schema.fields { out.append(try pf.read(rowGroup: g, columns: [field.name]).columns[0]) }
        }
        return out
    }

    /// Expects `readEverything` to throw `.unsupported` for row group 0 naming the row limit.
    func assertRowLimit(_ path: String, file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try readEverything(path)
            XCTFail("expected the row group limit to reject \(path)", file: file, line: line)
        } catch {
            guard case .unsupported(let loc, let feature) = error else {
                return XCTFail("unexpected error \(error)", file: file, line: line)
            }
            XCTAssertEqual(loc, ParquetLocation(file: path, rowGroup: 0), file: file, line: line)
            XCTAssertTrue(feature.contains("limit \(ParquetFile.maxRowGroupRows)"), feature, file: file, line: line)
        }
    }

    // MARK: OOM: a 115-byte file declaring Int32.max rows

    // One OPTIONAL INT64 column "x", UNCOMPRESSED, one v1 data page whose definition levels are a
    // single RLE run of N zeros (all null). Before the row-group limit, N = Int32.max made the
    // level decoder grow an 8 GiB array (libFuzzer: out-of-memory (malloc(8589934620))), then
    // 16 GiB of values. Crafted with parquet-lab's minwriter Thrift helpers.
    static let allNullInt32Max = "UEFSMRUAFRQVFCwV/v///w8VABUGFQYAAAYAAAD+////DwAVAhksSAZzY2hlbWEVAgAVBCUCGAF4ABb+////DxkcGRwmABwVBBklAAYZGAF4FQAW/v///w8WPhY+JggAABY+Fv7///8PAABIAAAAUEFSMQ=="
    // The same layout with N = 1000 (reads as 1000 nulls), 2^26 (the limit: opens) and 2^26 + 1.
    static let allNull1000 = "UEFSMRUAFQ4VDiwV0A8VABUGFQYAAAMAAADQDwAVAhksSAZzY2hlbWEVAgAVBCUCGAF4ABbQDxkcGRwmABwVBBklAAYZGAF4FQAW0A8WMhYyJggAABYyFtAPAAA/AAAAUEFSMQ=="
    static let allNullAtLimit = "UEFSMRUAFRIVEiwVgICAQBUAFQYVBgAABQAAAICAgEAAFQIZLEgGc2NoZW1hFQIAFQQlAhgBeAAWgICAQBkcGRwmABwVBBklAAYZGAF4FQAWgICAQBY6FjomCAAAFjoWgICAQAAARQAAAFBBUjE="
    static let allNullOverLimit = "UEFSMRUAFRIVEiwVgoCAQBUAFQYVBgAABQAAAIKAgEAAFQIZLEgGc2NoZW1hFQIAFQQlAhgBeAAWgoCAQBkcGRwmABwVBBklAAYZGAF4FQAWgoCAQBY6FjomCAAAFjoWgoCAQAAARQAAAFBBUjE="
    // REQUIRED INT64 "x": a one-entry dictionary page (42) and one RLE_DICTIONARY page whose
    // indices are a single RLE run of N zeros; N = Int32.max and N = 1000.
    static let dictionaryRunInt32Max = "UEFSMRUEFRAVEEwVAhUAAAAqAAAAAAAAABUAFQ4VDiwV/v///w8VEBUGFQYAAAH+////DwAVAhksSAZzY2hlbWEVAgAVBCUAGAF4ABb+////DxkcGRwmABwVBBklAAYZGAF4FQAW/v///w8WYhZiJjImCAAAFmIW/v///w8AAEoAAABQQVIx"
    static let dictionaryRun1000 = "UEFSMRUEFRAVEEwVAhUAAAAqAAAAAAAAABUAFQgVCCwV0A8VEBUGFQYAAAHQDwAVAhksSAZzY2hlbWEVAgAVBCUAGAF4ABbQDxkcGRwmABwVBBklAAYZGAF4FQAW0A8WVhZWJjImCAAAFlYW0A8AAEEAAABQQVIx"

    func testCraftedLayoutsAreValidAtASmallRowCount() throws {
        let nulls = try readEverything(try file(Self.allNull1000, "allnull-1000.parquet"))
        guard case .int64(let n) = try XCTUnwrap(nulls.first) else { return XCTFail("\(nulls)") }
        XCTAssertEqual(n.count, 1000)
        XCTAssertEqual(n.nullCount, 1000)

        let runs = try readEverything(try file(Self.dictionaryRun1000, "dictrle-1000.parquet"))
        guard case .int64(let d) = try XCTUnwrap(runs.first) else { return XCTFail("\(runs)") }
        XCTAssertEqual(d.values, ContiguousArray(repeating: 42, count: 1000))
        XCTAssertNil(d.validity)
    }

    func testRowGroupDeclaringInt32MaxRowsIsRejectedBeforeDecoding() throws {
        assertRowLimit(try file(Self.allNullInt32Max, "allnull-int32max.parquet"))
        assertRowLimit(try file(Self.dictionaryRunInt32Max, "dictrle-int32max.parquet"))
    }

    func testRowGroupLimitIsInclusive() throws {
        XCTAssertEqual(ParquetFile.maxRowGroupRows, 1 << 26, "pyarrow's old default row group size must stay readable")
        // Opening only checks the footer; no column is decoded here.
        let atLimit = try ParquetFile(path: try file(Self.allNullAtLimit, "at-limit.parquet"))
        XCTAssertEqual(atLimit.rowCount(rowGroup: 0), 1 << 26)
        assertRowLimit(try file(Self.allNullOverLimit, "over-limit.parquet"))
    }
}
