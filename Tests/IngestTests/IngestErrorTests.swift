import XCTest
@testable import Ingest

/// The CLI prints these descriptions as they are: they must name the source and line.
final class IngestErrorTests: XCTestCase {
    func testMessagesNameSourceAndLine() {
        XCTAssertEqual(IngestError.malformed(source: "a.csv", line: 12, reason: "bad quote").description,
                       "a.csv:12: bad quote")
        XCTAssertEqual(IngestError.badHeader(source: "b.csv", reason: "missing column user_id").description,
                       "b.csv:1: missing column user_id")
        XCTAssertTrue(IngestError.tooManyRejects(source: "c.csv", rejected: 11, limit: 10).description
            .contains("store was left unchanged"))
    }
}
