import Columnar
import Foundation
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Interrupted runs leave no temporaries (issue #13, defect 21). Real processes, real signals:
/// the binary is paused at a known point (`EXTRACT_TEST_PAUSE_AT`, after its temporary exists),
/// then sent SIGINT, SIGTERM or SIGKILL. SIGINT/SIGTERM remove the hidden output at once; what a
/// SIGKILL leaves is removed by the next run writing to the same place; a live process's
/// temporaries are never touched.
final class SignalCleanupTests: XCTestCase {
    /// Starts `args` paused at `point`; returns once it says so (its temporary then exists).
    func startPaused(_ args: [String], at point: String) throws -> (Process, Pipe) {
        let (p, _, err) = try CLITests.start(args, env: ["EXTRACT_TEST_PAUSE_AT": point])
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("paused at \(point)") {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty {
                p.waitUntilExit()
                XCTFail("exited (\(p.terminationStatus)) before pausing: \(String(decoding: seen, as: UTF8.self))")
                throw CocoaError(.fileReadUnknown)
            }
            seen += chunk
        }
        return (p, err)
    }

    /// Sends `sig` and waits; returns the rest of standard error.
    func interrupt(_ p: Process, _ err: Pipe, with sig: Int32) -> String {
        kill(p.processIdentifier, sig)
        let rest = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .uncaughtSignal, "dies of the signal, as the shell expects")
        XCTAssertEqual(p.terminationStatus, sig)
        return String(decoding: rest, as: UTF8.self)
    }

    func testSIGINTAndSIGTERMOfALearningBaseRemoveItsTemporaryAndKeepThePreviousOutput() throws {
        let root = try TestPaths.temporaryDirectory(self, "sig-lb").path
        let store = try CLIFixtures.eventsStore(self, in: root)
        let out = root + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        for (name, sig) in [("lb.csv", SIGINT), ("lb.parquet", SIGTERM), ("lb2.csv", SIGTERM)] {
            try Data("previous".utf8).write(to: URL(fileURLWithPath: out + "/" + name))
            let (p, err) = try startPaused(CLIFixtures.learningBase(store: store, output: out + "/" + name),
                                           at: "learning-base-before-rename")
            XCTAssertTrue(try CLIFixtures.names(out).contains(".\(name).tmp-\(p.processIdentifier)"), "the temporary exists while it runs")
            let message = interrupt(p, err, with: sig)
            XCTAssertTrue(message.contains("interrupted"), message)
            let left = try CLIFixtures.names(out)
            XCTAssertFalse(left.contains { $0.hasPrefix(".") }, "\(name): no hidden file left: \(left)")
            XCTAssertEqual(try String(contentsOfFile: out + "/" + name, encoding: .utf8), "previous", "the previous output is kept")
        }
    }

    func testWhatASIGKILLLeavesIsRemovedByTheNextRunButALiveRunsTemporaryIsKept() throws {
        let root = try TestPaths.temporaryDirectory(self, "sig-kill").path
        let store = try CLIFixtures.eventsStore(self, in: root)
        let out = root + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let (p, err) = try startPaused(CLIFixtures.learningBase(store: store, output: out + "/lb.csv"),
                                       at: "learning-base-before-rename")
        let killedTemp = ".lb.csv.tmp-\(p.processIdentifier)"
        kill(p.processIdentifier, SIGKILL)
        _ = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertTrue(try CLIFixtures.names(out).contains(killedTemp), "SIGKILL cannot be caught: the temporary stays")
        // A live process's temporary (this test process) and a user's look-alike are not the tool's to remove.
        let live = ".lb.csv.tmp-\(getpid())", lookalike = ".lb.csv.tmp-notapid", other = ".other.csv.tmp-4194311"
        for name in [live, lookalike, other] { try Data("x".utf8).write(to: URL(fileURLWithPath: out + "/" + name)) }
        let r = try CLITests.run(CLIFixtures.learningBase(store: store, output: out + "/lb.csv"))
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(try CLIFixtures.names(out), ["lb.csv", live, lookalike, other], "the dead run's temporary is gone")
        // The output is byte-identical to a clean run's.
        let clean = try CLITests.run(CLIFixtures.learningBase(store: store, output: root + "/clean.csv"))
        XCTAssertEqual(clean.status, 0, clean.err)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out + "/lb.csv")),
                       try Data(contentsOf: URL(fileURLWithPath: root + "/clean.csv")))
    }

    func testSIGINTOfAStarSchemaRunRemovesTheHiddenLakeAndKeepsTheOldOne() throws {
        let root = try TestPaths.temporaryDirectory(self, "sig-lake").path
        let store = try CLIFixtures.sparkifyStore(self, in: root)
        let out = root + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let lake = out + "/lake"
        XCTAssertEqual(try CLITests.run(["star-schema", "--store", store, "-o", lake, "--quiet"]).status, 0)
        let old = try CLIFixtures.snapshot(lake)
        for sig in [SIGINT, SIGTERM] {
            let (p, err) = try startPaused(["star-schema", "--store", store, "-o", lake, "--quiet"], at: "lake-after-first-table")
            XCTAssertTrue(try CLIFixtures.names(out).contains(".lake.tmp-\(p.processIdentifier)"))
            _ = interrupt(p, err, with: sig)
            XCTAssertEqual(try CLIFixtures.names(out), ["lake"], "no hidden lake left")
            XCTAssertEqual(try CLIFixtures.snapshot(lake), old, "the previous lake is intact")
        }
        // SIGKILL: the hidden lake stays until the next run writing the same lake removes it.
        let (p, err) = try startPaused(["star-schema", "--store", store, "-o", lake + "/", "--quiet"], at: "lake-after-first-table")
        kill(p.processIdentifier, SIGKILL)
        _ = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(try CLIFixtures.names(out), ["lake", ".lake.tmp-\(p.processIdentifier)"])
        XCTAssertEqual(try CLITests.run(["star-schema", "--store", store, "-o", lake, "--quiet"]).status, 0)
        XCTAssertEqual(try CLIFixtures.names(out), ["lake"], "the next run removed what SIGKILL left")
        XCTAssertEqual(try CLIFixtures.snapshot(lake), old, "and wrote the same lake")
    }

    func testStaleTemporariesOfDeadRunsAreRemovedAndAnAsideOutputIsPutBack() throws {
        let dir = try TestPaths.temporaryDirectory(self, "stale").path
        let dead = 4_194_304 + 11  // above Linux's pid_max: no such process
        XCTAssertTrue(StaleTemporaries.isDead(Int32(dead)))
        XCTAssertFalse(StaleTemporaries.isDead(getpid()))
        func write(_ name: String, _ text: String) throws { try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/" + name)) }
        // Killed between "rename the old output aside" and "rename the new one in": put back.
        try write(".out.csv.old-\(dead)", "previous")
        try write(".out.csv.tmp-\(dead)", "half")
        try write(".out.csv.tmp-\(getpid())", "live")
        try FileManager.default.createDirectory(atPath: dir + "/.out.csv.tmp-\(dead + 1)", withIntermediateDirectories: true)
        let cleaned = StaleTemporaries.removeFiles(beside: dir + "/out.csv")
        XCTAssertEqual(Set(cleaned), [".out.csv.old-\(dead)", ".out.csv.tmp-\(dead)"])
        XCTAssertEqual(try String(contentsOfFile: dir + "/out.csv", encoding: .utf8), "previous")
        XCTAssertEqual(try CLIFixtures.names(dir), ["out.csv", ".out.csv.tmp-\(getpid())", ".out.csv.tmp-\(dead + 1)"],
                       "a live run's file and a folder (not a file this writer makes) are kept")
        // With the output present, a stale aside copy is just deleted.
        try write(".out.csv.old-\(dead)", "older")
        StaleTemporaries.removeFiles(beside: dir + "/out.csv")
        XCTAssertEqual(try String(contentsOfFile: dir + "/out.csv", encoding: .utf8), "previous")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/.out.csv.old-\(dead)"))
    }
}
