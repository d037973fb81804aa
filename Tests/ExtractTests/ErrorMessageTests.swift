import Columnar
import Foundation
import Query
import TestSupport
import XCTest

/// Messages say what failed in words and name the user's path, never a raw errno number nor a
/// hidden temporary (issue #13, defect 26).
final class ErrorMessageTests: XCTestCase {
    func testSystemErrorsAreSpelledOutInWords() {
        let cases: [(Int32, String)] = [(ENOSPC, "no space left on device"), (EROFS, "read-only file system"),
                                        (EISDIR, "is a directory"), (EACCES, "permission denied"),
                                        (ENOENT, "no such file or directory"), (EMFILE, "too many open files")]
        for (code, words) in cases {
            XCTAssertEqual(FileIO.errorText(code), words)
            let e = ColumnarError.io(path: "/data/out.csv", operation: "write", errno: code)
            XCTAssertEqual(e.description, "/data/out.csv: write failed: \(words)")
            XCTAssertEqual(e.reason, "write failed: \(words)")
        }
        XCTAssertEqual(FileIO.errorText(99_999), "system error 99999")
    }

    func testTemporaryPathsAreRewrittenToTheUsersPath() {
        let tmp = "/d/.lake.tmp-42", lake = "/d/lake"
        let io = ColumnarError.io(path: tmp + "/songs/part-00000.parquet", operation: "create", errno: ENOSPC)
        XCTAssertEqual(io.relocated(from: tmp, to: lake).description,
                       "/d/lake/songs/part-00000.parquet: create failed: no space left on device")
        let q = QueryError.outputNotWritable(path: "/d/.x.csv.tmp-42", reason: "/d/.x.csv.tmp-42: write failed: no space left on device")
        XCTAssertEqual(q.relocated(from: "/d/.x.csv.tmp-42", to: "/d/x.csv").description,
                       "/d/x.csv: cannot write output: /d/x.csv: write failed: no space left on device")
        XCTAssertEqual(ColumnarError.invalidArgument("writer failed: \(io.description)").relocated(from: tmp, to: lake),
                       .invalidArgument("writer failed: /d/lake/songs/part-00000.parquet: create failed: no space left on device"))
        XCTAssertEqual(ColumnarError.io(path: "/other", operation: "open", errno: EACCES).relocated(from: tmp, to: lake),
                       .io(path: "/other", operation: "open", errno: EACCES))
    }

    func testCLIOutputErrorsNameTheUsersPathInWords() throws {
        let root = try TestPaths.temporaryDirectory(self, "messages").path
        let store = try CLIFixtures.eventsStore(self, in: root)
        try Data("x".utf8).write(to: URL(fileURLWithPath: root + "/file"))
        // The output's folder is a file: the temporary beside it cannot be created.
        let r = try CLITests.run(CLIFixtures.learningBase(store: store, output: root + "/file/lb.csv"))
        XCTAssertEqual(r.status, 5, r.err)
        CLIFixtures.assertOneCleanLine(r.err, mentions: root + "/file/lb.csv")
        XCTAssertTrue(r.err.contains("not a directory"), r.err)
        // A full device, written in place: the user's path and "no space left on device".
        if FileManager.default.fileExists(atPath: "/dev/full") {
            let full = try CLITests.run(CLIFixtures.learningBase(store: store, output: "/dev/full"))
            XCTAssertEqual(full.status, 5, full.err)
            CLIFixtures.assertOneCleanLine(full.err, mentions: "/dev/full")
            XCTAssertTrue(full.err.contains("no space left on device"), full.err)
            let gen = try CLITests.run(["generate", "--scale", "0.0001", "-o", "/dev/full", "--quiet"])
            XCTAssertEqual(gen.status, 5, gen.err)
            CLIFixtures.assertOneCleanLine(gen.err, mentions: "/dev/full: write failed: no space left on device")
        }
        // generate into a missing folder: the user's path, in words.
        let missing = try CLITests.run(["generate", "--scale", "0.0001", "-o", root + "/nope/g.csv", "--quiet"])
        XCTAssertEqual(missing.status, 5, missing.err)
        CLIFixtures.assertOneCleanLine(missing.err, mentions: root + "/nope/g.csv: create failed: no such file or directory")
    }
}
