@testable import Columnar
import Foundation
import XCTest

/// `UUIDFormatter` (the session texts of ingest and the learning base) against Foundation.
final class UUIDFormatterTests: XCTestCase {
    /// The session uuid text equals Foundation's (lowercased) for random uuids.
    func testUUIDTextMatchesFoundation() {
        let fixed = [UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                     UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255)),
                     UUID(uuid: (0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0x9A, 0x0F, 0xF0, 0xA9, 0x10, 0x32, 0x54, 0x76))]
        for uuid in fixed + (0..<2000).map({ _ in UUID() }) {
            let bytes = withUnsafeBytes(of: uuid.uuid) { Array($0) }
            let h = bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let l = bytes[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            var text = [UInt8](repeating: 0, count: 36)
            text.withUnsafeMutableBufferPointer { UUIDFormatter.format(high: h, low: l, into: $0.baseAddress!) }
            XCTAssertEqual(String(decoding: text, as: UTF8.self), uuid.uuidString.lowercased())
        }
    }

}
