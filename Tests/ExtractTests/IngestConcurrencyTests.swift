import XCTest
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Columnar
import TestSupport

/// `extract ingest` run as real processes against streams and each other (issue #13: #4, #6,
/// #10; issue #17 §4): ingests of different files into one store run at once and store each
/// once; two ingests of one file started together commit once; a writer killed beside a live
/// one loses nothing; named pipes and `<(...)` are read as streams (CSV and Sparkify logs),
/// never hang; an ingest that waits for the lock (held exclusive by an older `extract`) says so
/// and for whom.
final class IngestConcurrencyTests: XCTestCase {
    static let octHead = TestPaths.fixture("rees46/2019-Oct-head.csv").path
    static let logs = TestPaths.fixture("sparkify/log_data/2018/11/2018-11-30-events.json").path

    /// Waits for `p` at most `seconds`; kills it (and fails) when it is still running.
    private func wait(_ p: Process, _ seconds: Double, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let deadline = Date().addingTimeInterval(seconds)
        while p.isRunning && Date() < deadline { usleep(20_000) }
        if p.isRunning {
            XCTFail("\(what) still running after \(seconds) s (hung)", file: file, line: line)
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
        }
    }

    private func shell(_ script: String, _ args: [String] = []) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", script, "bash"] + args
        try p.run()
        return p
    }

    private func dataRows(_ path: String) throws -> Int {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        return bytes.split(separator: 0x0A, omittingEmptySubsequences: true).count - 1
    }

    /// #4: two `ingest` processes of the same file started together: one stores it, the other
    /// skips it; the store holds every row once. Several rounds, a larger file so they overlap.
    func testConcurrentIngestsOfOneFileCommitOnce() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let input = dir + "/big.csv"
        let lines = try Data(contentsOf: URL(fileURLWithPath: Self.octHead))
        let header = lines.prefix { $0 != 0x0A } + [0x0A]
        let body = lines.dropFirst(header.count).prefix(upTo: lines.lastIndex(of: 0x0A)! + 1)
        var big = Data(header)
        for _ in 0..<8 { big.append(body) }
        try big.write(to: URL(fileURLWithPath: input))
        for round in 0..<3 {
            let store = dir + "/store\(round)"
            let a = try CLITests.start(["ingest", "--store", store, "--quiet", input])
            let b = try CLITests.start(["ingest", "--store", store, "--quiet", input])
            let errA = String(decoding: a.err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let errB = String(decoding: b.err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            _ = a.out.fileHandleForReading.readDataToEndOfFile()
            _ = b.out.fileHandleForReading.readDataToEndOfFile()
            a.process.waitUntilExit()
            b.process.waitUntilExit()
            XCTAssertEqual(a.process.terminationStatus, 0, errA)
            XCTAssertEqual(b.process.terminationStatus, 0, errB)
            let m = try XCTUnwrap(try Store(path: store).manifest(dataset: "events"))
            XCTAssertEqual(m.sources.count, 1, "round \(round): the same file committed \(m.sources.count) times")
            XCTAssertEqual(m.totalRows, m.sources[0].rowsStored, "round \(round)")
            XCTAssertTrue((errA + errB).contains("already ingested"), "round \(round): \(errA) \(errB)")
        }
    }

    /// Three files whose lines interleave (so they share every day), each big enough that the
    /// ingests overlap: lines k, k+3, k+6, … of the sample, repeated `copies` times.
    private func interleavedInputs(_ dir: String, copies: Int) throws -> [String] {
        let lines = try Data(contentsOf: URL(fileURLWithPath: Self.octHead)).split(separator: 0x0A)
        let header = lines[0]
        let body = lines.dropFirst().dropLast()  // the sample's last line is cut off (rejected)
        return try (0..<3).map { k in
            var out = Data(header + [0x0A])
            for _ in 0..<copies {
                for (i, line) in body.enumerated() where i % 3 == k { out.append(line); out.append(0x0A) }
            }
            let path = dir + "/part\(k).csv"
            try out.write(to: URL(fileURLWithPath: path))
            return path
        }
    }

    /// Runs `extract ingest` of each input into `store`, all at once; returns their stderr.
    private func ingestConcurrently(_ inputs: [String], store: String, env: [String: String] = [:]) throws
        -> [(status: Int32, err: String)] {
        let runs = try inputs.map { try CLITests.start(["ingest", "--store", store, "--quiet", $0], env: env) }
        return runs.map { r in
            let err = String(decoding: r.err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            _ = r.out.fileHandleForReading.readDataToEndOfFile()
            r.process.waitUntilExit()
            return (r.process.terminationStatus, err)
        }
    }

    /// Rows per partition, from the manifest.
    private func rowsPerDay(_ m: DatasetManifest) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: m.partitions.map { ($0.key, $0.rows) })
    }

    /// Three `extract ingest` of different files into one store at once, several rounds: every
    /// source exactly once, rows = their sum, the same rows per day as ingesting them one after
    /// the other, and `info --check` finds nothing wrong. (Before the versioned commit they took
    /// turns on the lock; now they commit concurrently and rebase.)
    func testConcurrentIngestsOfDifferentFilesStoreEachOnce() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let inputs = try interleavedInputs(dir, copies: 3)
        let sequential = dir + "/sequential"
        for input in inputs { XCTAssertEqual(try CLITests.run(["ingest", "--store", sequential, "--quiet", input]).status, 0) }
        let expected = try XCTUnwrap(try Store(readingAt: sequential).manifest(dataset: "events"))
        XCTAssertEqual(expected.sources.count, 3)
        for round in 0..<3 {
            let store = dir + "/store\(round)"
            for r in try ingestConcurrently(inputs, store: store) { XCTAssertEqual(r.status, 0, "round \(round): \(r.err)") }
            let m = try XCTUnwrap(try Store(readingAt: store).manifest(dataset: "events"))
            XCTAssertEqual(m.sources.map(\.path).sorted(), inputs.sorted(), "round \(round): every source once")
            XCTAssertEqual(m.totalRows, m.sources.reduce(0) { $0 + $1.rowsStored }, "round \(round)")
            XCTAssertEqual(m.totalRows, expected.totalRows, "round \(round)")
            XCTAssertEqual(rowsPerDay(m), rowsPerDay(expected), "round \(round)")
            XCTAssertNil(m.pending, "round \(round): the last committer cleaned up")
            let check = try CLITests.run(["info", "--store", store, "--check"])
            XCTAssertEqual(check.status, 0, "round \(round): \(check.err)")
            let hidden = (FileManager.default.enumerator(atPath: store)?.allObjects as? [String] ?? []).filter { $0.contains(".tmp") }
            XCTAssertEqual(hidden, [], "round \(round): temporaries left")
        }
    }

    /// A writer killed (kill -9) before its commit point while another ingests beside it: the
    /// other's commit is whole, the store is at a committed version, the dead writer's
    /// temporaries are never read and are removed once no writer is alive; its re-run stores it.
    func testKilledWriterBesideALiveOneLosesNothing() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let inputs = try interleavedInputs(dir, copies: 3)
        let store = dir + "/s"
        let killed = try CLITests.start(["ingest", "--store", store, "--quiet", inputs[0]],
                                        env: ["EXTRACT_TEST_ABORT_AT": "commit-before-manifest"])
        let live = try ingestConcurrently([inputs[1]], store: store)
        _ = killed.err.fileHandleForReading.readDataToEndOfFile()
        killed.process.waitUntilExit()
        XCTAssertEqual(killed.process.terminationReason, .uncaughtSignal)
        XCTAssertEqual(live[0].status, 0, live[0].err)
        var m = try XCTUnwrap(try Store(readingAt: store).manifest(dataset: "events"))
        XCTAssertEqual(m.sources.map(\.path), [inputs[1]])
        XCTAssertEqual(m.totalRows, m.sources[0].rowsStored)
        XCTAssertEqual(try CLITests.run(["info", "--store", store, "--check"]).status, 0)
        let rerun = try CLITests.run(["ingest", "--store", store, "--quiet", inputs[0]])
        XCTAssertEqual(rerun.status, 0, rerun.err)
        m = try XCTUnwrap(try Store(readingAt: store).manifest(dataset: "events"))
        XCTAssertEqual(m.sources.map(\.path).sorted(), [inputs[0], inputs[1]].sorted())
        XCTAssertEqual(m.totalRows, m.sources.reduce(0) { $0 + $1.rowsStored })
        let hidden = (FileManager.default.enumerator(atPath: store)?.allObjects as? [String] ?? []).filter { $0.contains(".tmp") }
        XCTAssertEqual(hidden, [], "the dead writer's temporaries are removed")
    }

    /// #10: a CSV named pipe is read once, as a stream: all rows stored, no hang.
    func testCSVNamedPipeIsReadAsAStream() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let fifo = dir + "/events.fifo"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let writer = try shell("cat \"$1\" > \"$2\"", [Self.octHead, fifo])
        let r = try CLITests.start(["ingest", "--store", dir + "/s", "--quiet", fifo])
        wait(r.process, 60, "ingest of a named pipe")
        wait(writer, 5, "the pipe's writer")
        let err = String(decoding: r.err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(r.process.terminationStatus, 0, err)
        let m = try XCTUnwrap(try Store(path: dir + "/s").manifest(dataset: "events"))
        let expected = try dataRows(Self.octHead)
        XCTAssertEqual(m.sources.first?.rowsRead, expected)
        XCTAssertEqual(m.sources.first?.size, try FileIO.size(Self.octHead))
    }

    /// #10: `<(cat file)` is ingested (was refused with "missing required column(s)").
    func testProcessSubstitutionCSV() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let p = try shell("exec \"$1\" ingest --store \"$2\" --quiet <(cat \"$3\") 2>\"$2.err\"",
                          [CLITests.binary.path, dir + "/s", Self.octHead])
        wait(p, 60, "ingest of <(cat file)")
        let err = (try? String(contentsOfFile: dir + "/s.err", encoding: .utf8)) ?? ""
        XCTAssertEqual(p.terminationStatus, 0, err)
        let m = try XCTUnwrap(try Store(path: dir + "/s").manifest(dataset: "events"))
        XCTAssertEqual(m.totalRows + m.sources[0].rowsRejected, try dataRows(Self.octHead))
    }

    /// #6: Sparkify logs from a named pipe and from `<(...)`: every record read (not 0 from an
    /// fstat size), and the content hash is the file's (the plain file is then a duplicate).
    func testSparkifyLogsFromPipes() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let records = try Data(contentsOf: URL(fileURLWithPath: Self.logs)).split(separator: 0x0A).count
        let fifo = dir + "/logs.fifo"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let writer = try shell("cat \"$1\" > \"$2\"", [Self.logs, fifo])
        let r = try CLITests.start(["ingest", "--format", "sparkify-logs", "--store", dir + "/s", "--quiet", fifo])
        wait(r.process, 60, "sparkify ingest of a named pipe")
        wait(writer, 5, "the pipe's writer")
        let err = String(decoding: r.err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(r.process.terminationStatus, 0, err)
        let m = try XCTUnwrap(try Store(path: dir + "/s").manifest(dataset: "sparkify_log"))
        XCTAssertEqual(m.totalRows, records)
        let again = try CLITests.run(["ingest", "--format", "sparkify-logs", "--store", dir + "/s", Self.logs])
        XCTAssertEqual(again.status, 0, again.err)
        XCTAssertTrue(again.err.contains("already ingested"), again.err)

        let p = try shell("exec \"$1\" ingest --format sparkify-logs --store \"$2\" --quiet <(cat \"$3\") 2>\"$2.err\"",
                          [CLITests.binary.path, dir + "/s2", Self.logs])
        wait(p, 60, "sparkify ingest of <(cat file)")
        XCTAssertEqual(p.terminationStatus, 0, (try? String(contentsOfFile: dir + "/s2.err", encoding: .utf8)) ?? "")
        XCTAssertEqual(try Store(path: dir + "/s2").manifest(dataset: "sparkify_log")?.totalRows, records)
    }

    /// #10: a named pipe nobody writes to yet does not block other ingests: it is opened before
    /// the store lock is taken.
    func testPipeWithoutWriterDoesNotHoldTheStoreLock() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let store = dir + "/s"
        let fifo = dir + "/idle.fifo"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let idle = try CLITests.start(["ingest", "--store", store, "--quiet", fifo])
        usleep(500_000)
        let other = try CLITests.start(["ingest", "--store", store, "--quiet", Self.octHead])
        wait(other.process, 60, "an ingest next to one waiting for its pipe's writer")
        XCTAssertEqual(other.process.terminationStatus, 0)
        // Now give the idle one its data: it finishes too.
        let writer = try shell("cat \"$1\" > \"$2\"", [Self.octHead, fifo])
        wait(idle.process, 60, "the ingest of the pipe")
        wait(writer, 5, "the pipe's writer")
        XCTAssertEqual(idle.process.terminationStatus, 0)
        let m = try XCTUnwrap(try Store(path: store).manifest(dataset: "events"))
        XCTAssertEqual(m.sources.count, 1, "same content through the pipe: recognised as already ingested")
    }

    /// #10: an ingest that finds the store locked exclusive (an older `extract`, one writer at a
    /// time) says on stderr that it waits, and for whom (the holder's pid and host from the lock
    /// file), also with --quiet and for Sparkify logs; the lock file then names the new holder.
    func testWaitingIngestNamesTheLockHolder() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        for (k, args) in [["--quiet", Self.octHead], ["--format", "sparkify-logs", "--quiet", Self.logs]].enumerated() {
            let store = dir + "/s\(k)"
            try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
            let fd = open(store + "/.lock", O_RDWR | O_CREAT, 0o644)
            XCTAssertGreaterThanOrEqual(fd, 0)
            defer { close(fd) }
            XCTAssertEqual(flock(fd, LOCK_EX), 0)
            let holder = Array("pid \(getpid()) on testhost\n".utf8)
            _ = holder.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
            let r = try CLITests.start(["ingest", "--store", store] + args)
            usleep(1_500_000)
            XCTAssertTrue(r.process.isRunning, "\(args): the ingest must wait for the lock")
            flock(fd, LOCK_UN)
            wait(r.process, 60, "the waiting ingest")
            let err = String(decoding: r.err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            XCTAssertEqual(r.process.terminationStatus, 0, err)
            XCTAssertTrue(err.contains("waiting"), "\(args): \(err)")
            XCTAssertTrue(err.contains("pid \(getpid()) on testhost"), "\(args): \(err)")
            let after = try String(contentsOfFile: store + "/.lock", encoding: .utf8)
            XCTAssertTrue(after.hasPrefix("pid \(r.process.processIdentifier) on "), after)
        }
    }
}
