@testable import Query
import TestSupport
import XCTest

/// `KeyTable` against a `Dictionary` twin over many reuse cycles: users of every size, a huge
/// one followed by small ones, and keys sharing `hi` or differing only in `lo`.
final class KeyTableTests: XCTestCase {
    func testMatchesDictionaryTwinAcrossClearsAndSizes() {
        var rng = SeededRandom(seed: 21)
        var table = KeyTable()
        let sizes = [0, 1, 3, 31, 32, 33, 5000, 2, 7, 64, 65, 200, 1, 20_000, 0, 9, 130]
        for (round, n) in (sizes + (0..<300).map { _ in Int(rng.next() % 80) }).enumerated() {
            table.clear()
            var twin: [String: Int32] = [:]
            var keys: [(UInt64, UInt64)] = []
            for i in 0..<n {
                // Some keys share `hi` (group keys use hi = 0), some differ only in `lo`.
                let h = rng.next() % 3 == 0 ? 0 : rng.next()
                let l = rng.next() % 4 == 0 ? UInt64(i) : rng.next()
                let key = "\(h)-\(l)"
                if twin[key] != nil { continue }
                XCTAssertNil(table.find(h, l), "round \(round): absent key found")
                table.insert(h, l, Int32(i))
                twin[key] = Int32(i)
                keys.append((h, l))
            }
            XCTAssertEqual(table.count, twin.count, "round \(round)")
            for (h, l) in keys { XCTAssertEqual(table.find(h, l), twin["\(h)-\(l)"], "round \(round)") }
            for _ in 0..<50 {
                let (h, l) = (rng.next(), rng.next())
                if twin["\(h)-\(l)"] == nil { XCTAssertNil(table.find(h, l)) }
            }
        }
    }
}
