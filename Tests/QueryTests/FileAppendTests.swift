import Columnar
import Foundation
@testable import Query
import TestSupport
import XCTest

/// The in-kernel concatenation of the workers' CSV parts.
final class FileAppendTests: XCTestCase {
    func testAppendsWholeFilesIncludingEmptyAndLargeOnes() throws {
        let dir = try TestPaths.temporaryDirectory(self, "append")
        let a = dir.appendingPathComponent("a").path, b = dir.appendingPathComponent("b").path
        let empty = dir.appendingPathComponent("e").path
        var rng = SeededRandom(seed: 9)
        let first = (0..<1000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let second = (0..<(5 << 20) + 17).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        try Data(first).write(to: URL(fileURLWithPath: a))
        try Data(second).write(to: URL(fileURLWithPath: b))
        try Data().write(to: URL(fileURLWithPath: empty))
        try FileAppend.append(empty, to: a)
        try FileAppend.append(b, to: a)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: a)), Data(first + second))
        XCTAssertThrowsError(try FileAppend.append(dir.appendingPathComponent("missing").path, to: a))
    }
}
