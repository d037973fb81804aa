import Foundation
import TestSupport
import XCTest

/// Argument errors exit 2, the documented usage code, never ArgumentParser's 64 (issue #13,
/// defects 16 and 17); an unknown verb is named as such; option values out of range are refused
/// before anything runs, with a message naming the option. Run with the real binary.
final class ArgumentErrorTests: XCTestCase {
    func testParseErrorsExitTwoNotSixtyFour() throws {
        let cases: [(args: [String], says: String)] = [
            (["--store", "/nonexistent"], "--start"),                                    // missing --start
            (["--store", "s", "--start", CLIFixtures.start], "--end"),                   // missing --end
            (["ingest", "--bogus", "x.csv"], "--bogus"),                                 // unknown option
            (["--start", CLIFixtures.start, "--end", CLIFixtures.end, "--workers", "abc"], "abc"),  // bad number
            (["ingest", "--max-rejects", "many", "x.csv"], "many"),
            (["generate", "--scale", "big", "-o", "x.csv"], "big"),
            (["generate", "--seed", "-3", "-o", "x.csv"], "--seed"),
            (["info", "--store"], "--store"),                                            // missing value
        ]
        for c in cases {
            let r = try CLITests.run(c.args)
            XCTAssertEqual(r.status, 2, "\(c.args): \(r.err)")
            XCTAssertTrue(r.err.contains(c.says), "\(c.args): \(r.err)")
            XCTAssertFalse(r.err.contains("Fatal error"), r.err)
        }
    }

    /// `ingest --format` is an enum (`InputFormat`): an unknown spelling is a usage error with
    /// the formats in words (exactly the text of the former string option), both option forms,
    /// and a known one is not refused by the check (it reaches the verb: a missing input, exit 3).
    func testAnUnknownIngestFormatIsAUsageErrorListingTheFormats() throws {
        let root = try TestPaths.temporaryDirectory(self, "bad-format").path
        for args in [["ingest", "--format", "sparkify-xml", "x.json"], ["ingest", "x.json", "--format=CSV"],
                     ["ingest", "--quiet", "--format", "", "--store", root + "/s"]] {
            let value = args.first { $0.hasPrefix("--format=") }.map { String($0.dropFirst(9)) }
                ?? args[args.firstIndex(of: "--format")! + 1]
            let r = try CLITests.run(args)
            XCTAssertEqual(r.status, 2, "\(args): \(r.err)")
            XCTAssertEqual(r.err, "extract: unknown --format '\(value)' (rees46, sparkify-logs or sparkify-songs)\n", "\(args)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/s"), "nothing created")
        }
        for format in ["rees46", "sparkify-logs", "sparkify-songs"] {
            let r = try CLITests.run(["ingest", "--format", format, root + "/missing.input", "--store", root + "/s-" + format])
            XCTAssertEqual(r.status, 3, "\(format): \(r.err)")
        }
    }

    func testAnUnknownVerbIsNamedWithTheListOfVerbs() throws {
        for verb in ["frobnicate", "ingset", "lerning-base"] {
            let r = try CLITests.run([verb, "--store", "/nonexistent"])
            XCTAssertEqual(r.status, 2, r.err)
            XCTAssertTrue(r.err.contains("unknown verb '\(verb)'"), r.err)
            for known in ["learning-base", "ingest", "info", "bench", "generate", "star-schema"] {
                XCTAssertTrue(r.err.contains(known), "lists \(known): \(r.err)")
            }
            XCTAssertFalse(r.err.contains("--start"), "not the default verb's missing option: \(r.err)")
            XCTAssertEqual(r.err.split(separator: "\n").count, 1, r.err)
        }
        // Known verbs and help still work.
        XCTAssertEqual(try CLITests.run(["help"]).status, 0)
        XCTAssertEqual(try CLITests.run(["info", "--help"]).status, 0)
    }

    /// An unknown learning-base `--format` is a usage error (exit 2) with its one-line message,
    /// found before the store is opened (a missing store would be exit 3) or the output created.
    func testAnUnknownOutputFormatIsAUsageErrorBeforeAnythingIsReadOrWritten() throws {
        let root = try TestPaths.temporaryDirectory(self, "format").path
        let r = try CLITests.run(["--store", root + "/no-store", "--start", CLIFixtures.start, "--end", CLIFixtures.end,
                                  "-o", root + "/out.csv", "--format", "xlsx"])
        XCTAssertEqual(r.status, 2, r.err)
        XCTAssertEqual(r.err, "extract: --format 'xlsx' is not one of: csv, parquet, arrow\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/out.csv"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root), [])
    }

    func testOutOfRangeOptionValuesAreUsageErrorsNamingTheOption() throws {
        let root = try TestPaths.temporaryDirectory(self, "args").path
        let csv = TestPaths.fixture("rees46/2019-Oct-head.csv").path
        let window = ["--start", CLIFixtures.start, "--end", CLIFixtures.end]
        let cases: [(args: [String], option: String)] = [
            (["ingest", "--max-rejects=-1", csv, "--store", root + "/s1"], "--max-rejects"),
            (["ingest", "--format", "sparkify-logs", "--max-rejects=-5", TestPaths.fixture("sparkify/log_data").path,
              "--store", root + "/s2"], "--max-rejects"),
            (["ingest", "--max-buffered-rows", "0", csv, "--store", root + "/s3"], "--max-buffered-rows"),
            (["ingest", "--max-buffered-rows=-10", csv, "--store", root + "/s4"], "--max-buffered-rows"),
            (["--store", root + "/s5", "--workers", "0", "-o", root + "/a.csv"] + window, "--workers"),
            (["--store", root + "/s5", "--workers=-2", "-o", root + "/a.csv"] + window, "--workers"),
            (["--store", root + "/s5", "--workers", "100000", "-o", root + "/a.csv"] + window, "--workers"),
            (["generate", "--scale", "0", "-o", root + "/g.csv"], "--scale"),
            (["generate", "--scale=-0.5", "-o", root + "/g.csv"], "--scale"),
        ]
        for c in cases {
            let r = try CLITests.run(c.args)
            XCTAssertEqual(r.status, 2, "\(c.args): \(r.err)")
            CLIFixtures.assertOneCleanLine(r.err, mentions: c.option)
        }
        XCTAssertEqual(try CLIFixtures.names(root), [], "nothing created by a refused command")
        // --max-rejects 0 is valid (and not the old "every ingest fails" behaviour of -1).
        let ok = try CLITests.run(["ingest", "--max-rejects", "0", csv, "--store", root + "/ok", "--quiet"])
        XCTAssertNotEqual(ok.status, 2, ok.err)
    }
}
