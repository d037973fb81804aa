import Foundation
import TestSupport
import XCTest

/// Stores and snapshots shared by the output-safety, argument and signal tests, all built with
/// the real `extract` binary (`CLITests.run`), as a user would.
enum CLIFixtures {
    static let start = "2019-10-01 00:00:00", end = "2019-10-03 23:59:59"

    /// An events store of the golden learning-base events (`extract ingest`).
    static func eventsStore(_ test: XCTestCase, in dir: String) throws -> String {
        let store = dir + "/store"
        let r = try CLITests.run(["ingest", TestPaths.fixture("golden/learning-base/events.csv").path, "--store", store, "--quiet"])
        XCTAssertEqual(r.status, 0, r.err)
        return store
    }

    /// A Sparkify store (songs + logs of `Tests/Fixtures/sparkify`).
    static func sparkifyStore(_ test: XCTestCase, in dir: String) throws -> String {
        let store = dir + "/store"
        let sample = TestPaths.fixture("sparkify").path
        for (format, input) in [("sparkify-songs", "/song_data"), ("sparkify-logs", "/log_data")] {
            let r = try CLITests.run(["ingest", "--format", format, sample + input, "--store", store, "--quiet"])
            XCTAssertEqual(r.status, 0, r.err)
        }
        return store
    }

    /// Every entry under `root` (hidden ones included, relative paths) with the bytes of each file.
    static func snapshot(_ root: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: root) else { return out }
        while let rel = walker.nextObject() as? String {
            var isDir: ObjCBool = false
            _ = fm.fileExists(atPath: root + "/" + rel, isDirectory: &isDir)
            out[rel] = isDir.boolValue ? Data("<dir>".utf8) : try Data(contentsOf: URL(fileURLWithPath: root + "/" + rel))
        }
        return out
    }

    /// Names in `dir`, hidden ones included.
    static func names(_ dir: String) throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: dir))
    }

    /// The learning-base arguments for the golden window.
    static func learningBase(store: String, output: String) -> [String] {
        ["--store", store, "--start", start, "--end", end, "-o", output]
    }

    /// A message a refusal prints: one line, no raw errno, no hidden temporary named.
    static func assertOneCleanLine(_ err: String, mentions: String, file: StaticString = #filePath, line: UInt = #line) {
        let lines = err.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "one line: \(err)", file: file, line: line)
        XCTAssertTrue(err.contains(mentions), "'\(mentions)' in: \(err)", file: file, line: line)
        XCTAssertFalse(err.contains("errno"), err, file: file, line: line)
        XCTAssertFalse(err.contains(".tmp-"), err, file: file, line: line)
    }
}
