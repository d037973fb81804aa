import XCTest
import TestSupport
@testable import Columnar

/// `FileIO.replaceFile`: the new file ends under the final name, the old one is gone without a
/// trace, and a failure keeps the old file where it was.
final class FileReplaceTests: XCTestCase {
    private func names(_ dir: String) throws -> [String] { try FileIO.list(dir).sorted() }

    func testReplacesAnExistingFileAndLeavesNothingAside() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        try FileIO.writeAll(dir + "/out.csv", Array("old".utf8))
        try FileIO.writeAll(dir + "/.out.csv.tmp", Array("new".utf8))
        try FileIO.replaceFile(dir + "/.out.csv.tmp", dir + "/out.csv")
        XCTAssertEqual(try FileIO.readAll(dir + "/out.csv"), Array("new".utf8))
        XCTAssertEqual(try names(dir), ["out.csv"])
    }

    func testCreatesTheFileWhenAbsent() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        try FileIO.writeAll(dir + "/t", Array("x".utf8))
        try FileIO.replaceFile(dir + "/t", dir + "/final")
        XCTAssertEqual(try FileIO.readAll(dir + "/final"), Array("x".utf8))
        XCTAssertEqual(try names(dir), ["final"])
    }

    func testWorksWithARelativeTargetInTheCurrentDirectory() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(dir))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        try FileIO.writeAll("plain", Array("old".utf8))
        try FileIO.writeAll(".plain.tmp", Array("new".utf8))
        try FileIO.replaceFile(".plain.tmp", "plain")
        XCTAssertEqual(try FileIO.readAll(dir + "/plain"), Array("new".utf8))
        XCTAssertEqual(try names(dir), ["plain"])
    }

    func testAFailedReplaceKeepsTheOldFile() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        try FileIO.writeAll(dir + "/out.csv", Array("old".utf8))
        XCTAssertThrowsError(try FileIO.replaceFile(dir + "/missing.tmp", dir + "/out.csv")) { error in
            XCTAssertTrue("\(error)".contains("rename"), "\(error)")
        }
        XCTAssertEqual(try FileIO.readAll(dir + "/out.csv"), Array("old".utf8))
        XCTAssertEqual(try names(dir), ["out.csv"])
    }

    func testADirectoryInTheWayIsAnErrorAndStaysIntact() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        try FileIO.makeDirectories(dir + "/out.csv/inner")
        try FileIO.writeAll(dir + "/t", Array("x".utf8))
        XCTAssertThrowsError(try FileIO.replaceFile(dir + "/t", dir + "/out.csv"))
        XCTAssertTrue(FileIO.isDirectory(dir + "/out.csv/inner"))
        XCTAssertEqual(try FileIO.readAll(dir + "/t"), Array("x".utf8))
    }

    /// Abandoning a write handle on a device (an output written in place) never unlinks it.
    func testAbandonRemovesRegularFilesButNeverADevice() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let file = try WriteHandle(path: dir + "/partial")
        try file.write(Array("x".utf8))
        file.abandon()
        XCTAssertFalse(FileIO.exists(dir + "/partial"))
        let device = try WriteHandle(path: "/dev/null")
        try device.write(Array("x".utf8))
        device.abandon()
        XCTAssertEqual(FileIO.fileType("/dev/null"), .other)
    }
}
