import XCTest
import Columnar
import TestSupport
@testable import Query

/// Session texts (events schema version 2) to the learning base's 16 bytes + raw texts, from a
/// plain and from a dictionary column (what other writers, e.g. Spark or pyarrow, produce),
/// against `UUIDParser` row by row.
final class SessionBytesTests: XCTestCase {
    func testPlainAndDictionaryColumnsDecodeAlike() {
        var rng = SeededRandom(seed: 41)
        let uuids = (0..<6).map { _ in UUIDParser.format((0..<16).map { _ in UInt8(truncatingIfNeeded: rng.next()) }) }
        let others = ["E4A0C0D6-1B2C-4D5E-8F90-A1B2C3D4E5F6", "{\(uuids[0])}", "x", uuids[1] + " ", ""]
        var texts: [String?] = []
        for _ in 0..<300 {
            // Runs of the same session, as in a sorted store, with NULLs and raw texts between.
            let pick = rng.next() % 10
            let text: String? = pick == 0 ? nil : pick == 1 ? others[Int(rng.next() % UInt64(others.count))]
                : uuids[Int(rng.next() % UInt64(uuids.count))]
            for _ in 0 ..< Int(rng.next() % 4) + 1 { texts.append(text) }
        }
        let plain = StringColumn(texts)
        var entries: [String] = []
        var codes = ContiguousArray<UInt32>()
        for t in texts {
            if let t {
                if let i = entries.firstIndex(of: t) { codes.append(UInt32(i)) } else { codes.append(UInt32(entries.count)); entries.append(t) }
            } else {
                codes.append(0)
            }
        }
        let dict = DictionaryColumn(codes: codes, dictionary: StringColumn(entries.map { Optional($0) }), validity: plain.validity)
        for column in [AnyColumn.string(plain), .dictionary(dict)] {
            let (bytes, valid) = SessionBytes.decode(column, count: texts.count)
            let raw = SessionBytes.rawTexts(column, valid: valid, count: texts.count)?.stringColumn
            XCTAssertNotNil(raw)
            for (row, text) in texts.enumerated() {
                let expected = text.flatMap { UUIDParser.parse($0) }
                XCTAssertEqual(valid[row], expected != nil, "row \(row) \(text ?? "NULL")")
                if let expected { XCTAssertEqual(Array(bytes[row * 16 ..< row * 16 + 16]), expected, "row \(row)") }
                XCTAssertEqual(raw?[row], expected == nil ? text : nil, "row \(row)")
            }
        }
        // Only canonical texts and NULLs: no raw column is kept.
        let clean = StringColumn([uuids[0], nil, uuids[0], uuids[2]])
        let (_, valid) = SessionBytes.decode(.string(clean), count: 4)
        XCTAssertNil(SessionBytes.rawTexts(.string(clean), valid: valid, count: 4))
    }
}
