@testable import Query
import Columnar
import TestSupport
import XCTest

/// The dictionary text paths (`StringSource` entries, the unsafe `DictionaryView`) against the
/// general string encoding.
final class DictionaryTextTwinTests: XCTestCase {
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

}
