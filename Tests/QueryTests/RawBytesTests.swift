@testable import Query
import TestSupport
import XCTest

/// `RawBytes` (the unsafe output buffer of the CSV writer) against its safe twin
/// `ContiguousArray<UInt8>`: the same encoder calls give the same bytes, across growth.
final class RawBytesTests: XCTestCase {
    func testRawBytesMatchesContiguousArrayTwin() {
        var rng = SeededRandom(seed: 5)
        var raw = RawBytes(capacity: 16)
        var safe = ContiguousArray<UInt8>()
        let strings = ["", " a ", "x,y", "q\"\\", "plain", String(repeating: "long,", count: 100)]
        for _ in 0..<20_000 {
            switch rng.next() % 5 {
            case 0:
                let v = Int64(bitPattern: rng.next())
                CSVText.appendInt(v, to: &raw); CSVText.appendInt(v, to: &safe)
            case 1:
                let d = Double(bitPattern: rng.next())
                JavaDouble.append(d, to: &raw); JavaDouble.append(d, to: &safe)
            case 2:
                let t = Int64(rng.next() % (4_000_000_000_000_000))
                CSVText.appendTimestamp(t, to: &raw); CSVText.appendTimestamp(t, to: &safe)
            case 3:
                let s = strings[Int(rng.next() % UInt64(strings.count))]
                CSVText.appendString(s, to: &raw); CSVText.appendString(s, to: &safe)
            default:
                raw.append("true,"); safe.append("true,")
                raw.append(0x0A); safe.append(0x0A)
            }
        }
        XCTAssertEqual(Array(raw.bytes), Array(safe))
        XCTAssertGreaterThan(raw.capacity, 16)
    }
}
