import Foundation
import Query
import TestSupport
import XCTest

/// Outputs never destroy what `extract` did not write (issue #13, defects 1, 3, 12, 18):
/// `star-schema --output` replaces only a lake it wrote (`_extract_lake.json`), never the store,
/// anything in it or around it; a learning base never lands inside the store; `generate`
/// refuses a directory and absurd scales. Every refusal is exit 5 (2 for a bad option value),
/// one line, and leaves the disk exactly as it was. Run with the real binary.
final class OutputTargetSafetyTests: XCTestCase {
    // MARK: star-schema (defect 1)

    func testStarSchemaRefusesTheStoreAnythingInsideItAndAnythingContainingIt() throws {
        let root = try TestPaths.temporaryDirectory(self, "lake-store").path
        let store = try CLIFixtures.sparkifyStore(self, in: root)
        let anyDay = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: store + "/sparkify_log")
            .first { $0.hasPrefix("date=") })
        try FileManager.default.createSymbolicLink(atPath: root + "/link-to-store", withDestinationPath: store)
        let before = try CLIFixtures.snapshot(root)
        let cases: [(output: String, cwd: String?, says: String)] = [
            (store, nil, "is the store itself"),
            (store + "/", nil, "is the store itself"),
            (root + "/x/../store", nil, "is the store itself"),
            (root + "/link-to-store", nil, "is the store itself"),
            (store + "/songs", nil, "is inside the store"),
            (store + "/sparkify_log/" + anyDay, nil, "is inside the store"),
            (store + "/new-lake", nil, "is inside the store"),
            (root, nil, "contains the store"),
            (".", root, "contains the store"),
            ("/", nil, "contains the store"),
        ]
        for c in cases {
            let r = try CLITests.run(["star-schema", "--store", store, "--output", c.output, "--quiet"], cwd: c.cwd)
            XCTAssertEqual(r.status, 5, "\(c.output): \(r.err)")
            CLIFixtures.assertOneCleanLine(r.err, mentions: c.says)
            XCTAssertEqual(try CLIFixtures.snapshot(root), before, "\(c.output): nothing touched")
        }
        // The store is intact and still usable.
        XCTAssertEqual(try CLITests.run(["star-schema", "--store", store, "--output", root + "/lake", "--quiet"]).status, 0)
    }

    func testStarSchemaReplacesOnlyItsOwnLake() throws {
        let root = try TestPaths.temporaryDirectory(self, "lake-marker").path
        let store = try CLIFixtures.sparkifyStore(self, in: root)
        let fm = FileManager.default
        // A user's folder: refused, untouched.
        let folder = root + "/my-photos"
        try fm.createDirectory(atPath: folder + "/2019", withIntermediateDirectories: true)
        try Data("precious".utf8).write(to: URL(fileURLWithPath: folder + "/2019/a.jpg"))
        let before = try CLIFixtures.snapshot(folder)
        let refused = try CLITests.run(["star-schema", "--store", store, "-o", folder, "--quiet"])
        XCTAssertEqual(refused.status, 5, refused.err)
        CLIFixtures.assertOneCleanLine(refused.err, mentions: "_extract_lake.json")
        XCTAssertEqual(try CLIFixtures.snapshot(folder), before)
        XCTAssertEqual(try CLIFixtures.names(root), ["store", "my-photos"], "no hidden lake left beside it")
        // A file in the way: refused.
        try Data("x".utf8).write(to: URL(fileURLWithPath: root + "/file"))
        XCTAssertEqual(try CLITests.run(["star-schema", "--store", store, "-o", root + "/file", "--quiet"]).status, 5)
        XCTAssertEqual(try String(contentsOfFile: root + "/file", encoding: .utf8), "x")
        // An empty folder and an absent one are fine; every lake carries the marker.
        try fm.createDirectory(atPath: root + "/empty", withIntermediateDirectories: true)
        for lake in [root + "/empty", root + "/new"] {
            let r = try CLITests.run(["star-schema", "--store", store, "-o", lake, "--quiet"])
            XCTAssertEqual(r.status, 0, r.err)
            let marker = try String(contentsOfFile: lake + "/_extract_lake.json", encoding: .utf8)
            XCTAssertTrue(marker.contains("\"tool\":\"extract\""), marker)
            XCTAssertTrue(fm.fileExists(atPath: lake + "/users/part-00000.parquet"))
        }
        // Its own lake is replaced (a stray file in it disappears with the old lake).
        try Data().write(to: URL(fileURLWithPath: root + "/new/songplays/stray"))
        XCTAssertEqual(try CLITests.run(["star-schema", "--store", store, "-o", root + "/new", "--quiet"]).status, 0)
        XCTAssertFalse(fm.fileExists(atPath: root + "/new/songplays/stray"))
        // The same lake without its marker is no longer recognised: refused, kept.
        try fm.removeItem(atPath: root + "/new/_extract_lake.json")
        let unmarked = try CLIFixtures.snapshot(root + "/new")
        XCTAssertEqual(try CLITests.run(["star-schema", "--store", store, "-o", root + "/new", "--quiet"]).status, 5)
        XCTAssertEqual(try CLIFixtures.snapshot(root + "/new"), unmarked)
    }

    func testCanonicalPathsResolveLinksDotDotAndNamesNotYetCreated() throws {
        let root = OutputSafety.canonical(try TestPaths.temporaryDirectory(self, "canonical").path)
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/a/b", withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: root + "/link", withDestinationPath: root + "/a/b")
        XCTAssertEqual(OutputSafety.canonical(root + "/a/b/"), root + "/a/b")
        XCTAssertEqual(OutputSafety.canonical(root + "/a/./b/../b"), root + "/a/b")
        XCTAssertEqual(OutputSafety.canonical(root + "/link/new/x.csv"), root + "/a/b/new/x.csv")
        XCTAssertEqual(OutputSafety.canonical(root + "/link/new/../../c"), root + "/a/c")
        XCTAssertEqual(OutputSafety.canonical("/"), "/")
        XCTAssertTrue(OutputSafety.isSameOrInside(root + "/a/b", root + "/a"))
        XCTAssertTrue(OutputSafety.isSameOrInside(root + "/a", root + "/a"))
        XCTAssertFalse(OutputSafety.isSameOrInside(root + "/ab", root + "/a"), "a sibling sharing a prefix is not inside")
        XCTAssertTrue(OutputSafety.isSameOrInside(root, "/"))
    }

    // MARK: learning base (defect 3)

    func testLearningBaseRefusesEveryOutputInsideTheStore() throws {
        let root = try TestPaths.temporaryDirectory(self, "lb-in-store").path
        let store = try CLIFixtures.eventsStore(self, in: root)
        let fm = FileManager.default
        let day = try XCTUnwrap(try fm.contentsOfDirectory(atPath: store + "/events").sorted().first { $0.hasPrefix("date=") })
        let part = try XCTUnwrap(try fm.contentsOfDirectory(atPath: store + "/events/" + day).first { $0.hasSuffix(".parquet") })
        if !fm.fileExists(atPath: store + "/.lock") { XCTAssertTrue(fm.createFile(atPath: store + "/.lock", contents: Data())) }
        try fm.createSymbolicLink(atPath: root + "/link.csv", withDestinationPath: store + "/events/_manifest.json")
        try fm.createSymbolicLink(atPath: root + "/store-link", withDestinationPath: store)
        let before = try CLIFixtures.snapshot(store)
        let outputs = [
            store + "/events/" + day + "/" + part,
            store + "/events/_manifest.json",
            store + "/.lock",
            store + "/events/" + day + "/new.parquet",
            store + "/new.csv",
            root + "/elsewhere/../store/events/_manifest.json",
            root + "/link.csv",
            root + "/store-link/events/x.csv",
        ]
        for output in outputs {
            let r = try CLITests.run(CLIFixtures.learningBase(store: store, output: output))
            XCTAssertEqual(r.status, 5, "\(output): \(r.err)")
            CLIFixtures.assertOneCleanLine(r.err, mentions: "inside the store")
            XCTAssertEqual(try CLIFixtures.snapshot(store), before, "\(output): the store is untouched")
        }
        // The same run with an output outside the store works.
        let ok = try CLITests.run(CLIFixtures.learningBase(store: store, output: root + "/lb.csv"))
        XCTAssertEqual(ok.status, 0, ok.err)
    }

    // MARK: generate (defects 12, 18)

    func testGenerateIntoADirectoryIsAnOutputErrorNamingIt() throws {
        let root = try TestPaths.temporaryDirectory(self, "gen-dir").path
        try FileManager.default.createDirectory(atPath: root + "/d", withIntermediateDirectories: true)
        let r = try CLITests.run(["generate", "--scale", "0.0001", "-o", root + "/d", "--quiet"])
        XCTAssertEqual(r.status, 5, r.err)
        CLIFixtures.assertOneCleanLine(r.err, mentions: root + "/d: is a directory")
        XCTAssertEqual(try CLIFixtures.names(root), ["d"])
        XCTAssertEqual(try CLIFixtures.names(root + "/d"), [])
    }

    func testGenerateRefusesAbsurdScalesWithoutTrappingOrLeavingATemporary() throws {
        let root = try TestPaths.temporaryDirectory(self, "gen-scale").path
        for scale in ["inf", "-inf", "nan", "1e12", "1e300", "1001", "0", "-1"] {
            for format in ["rees46", "sparkify-logs"] {
                let r = try CLITests.run(["generate", "--format", format, "--scale=\(scale)", "-o", root + "/out", "--quiet"])
                XCTAssertEqual(r.status, 2, "\(format) --scale \(scale): \(r.err)")
                CLIFixtures.assertOneCleanLine(r.err, mentions: "--scale")
                XCTAssertEqual(try CLIFixtures.names(root), [], "\(format) --scale \(scale): nothing written")
            }
        }
        // A valid scale still works, and leaves only its output.
        let ok = try CLITests.run(["generate", "--scale", "0.0001", "-o", root + "/out.csv", "--quiet"])
        XCTAssertEqual(ok.status, 0, ok.err)
        XCTAssertEqual(try CLIFixtures.names(root), ["out.csv"])
    }
}
