import Foundation
import XCTest
@testable import Columnar
import TestSupport

/// The `ObjectStorage` contract as assertions over any implementation: `run(make)` takes a
/// factory of fresh, empty storages and exercises every protocol method (list by prefix over
/// nested keys, size, ranged reads incl. past the end, whole reads, put replacing, the
/// putIfAbsent race, writer finish/abort/drop, delete, move). `ObjectStorageContractTests` runs
/// it on `LocalStorage`; a bucket backend's tests call `ObjectStorageContract.run` with a
/// factory of its own (a fresh prefix per call) and get the same assertions.
struct ObjectStorageContract {
    let make: () throws -> any ObjectStorage
    let file: StaticString
    let line: UInt

    init(file: StaticString = #filePath, line: UInt = #line, _ make: @escaping () throws -> any ObjectStorage) {
        self.make = make
        self.file = file
        self.line = line
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    func check(_ ok: Bool, _ message: @autoclosure () -> String) {
        XCTAssertTrue(ok, message(), file: file, line: line)
    }

    func equal<T: Equatable>(_ a: T, _ b: T, _ what: String) {
        XCTAssertEqual(a, b, what, file: file, line: line)
    }

    /// The error `body` throws (fails the test when it throws nothing or not a `ColumnarError`).
    func failure<T>(_ what: String, _ body: () throws -> T) -> ColumnarError? {
        do {
            _ = try body()
            XCTFail("\(what): no error", file: file, line: line)
        } catch let e as ColumnarError {
            return e
        } catch {
            XCTFail("\(what): \(error) is not a ColumnarError", file: file, line: line)
        }
        return nil
    }

    func isMissing(_ e: ColumnarError?) -> Bool {
        switch e {
        case .io(_, _, let code)?: code == ENOENT
        case .remote(_, .missing, _)?: true
        default: false
        }
    }

    func keys(_ s: any ObjectStorage, _ prefix: String = "") throws -> [String] { try s.list(prefix: prefix).map(\.key) }

    func run() throws {
        try listing()
        try sizesAndReads()
        try puts()
        try putIfAbsentRace()
        try writers()
        try deletes()
        try moves()
        try keyValidation()
    }

    func listing() throws {
        let s = try make()
        equal(try s.list(prefix: ""), [], "a fresh storage lists nothing")
        equal(try s.list(prefix: "no/such/"), [], "an absent prefix lists nothing")
        for (k, v) in [("dir/sub/c", "ccc"), ("a.txt", "a"), ("dir/b", "bb"), ("dirx/d", "dddd"), ("di", ""), ("dir/sub/deeper/e", "e")] {
            try s.put(k, Self.bytes(v))
        }
        equal(try s.list(prefix: ""), [ObjectInfo(key: "a.txt", size: 1), ObjectInfo(key: "di", size: 0), ObjectInfo(key: "dir/b", size: 2),
                                       ObjectInfo(key: "dir/sub/c", size: 3), ObjectInfo(key: "dir/sub/deeper/e", size: 1),
                                       ObjectInfo(key: "dirx/d", size: 4)], "everything, sorted, recursively")
        equal(try keys(s, "dir/"), ["dir/b", "dir/sub/c", "dir/sub/deeper/e"], "a folder prefix")
        equal(try keys(s, "dir"), ["dir/b", "dir/sub/c", "dir/sub/deeper/e", "dirx/d"], "a plain prefix crosses folders")
        equal(try keys(s, "di"), ["di", "dir/b", "dir/sub/c", "dir/sub/deeper/e", "dirx/d"], "a prefix that is also a key")
        equal(try keys(s, "dir/sub/d"), ["dir/sub/deeper/e"], "a prefix ending inside a name")
        equal(try keys(s, "dir/sub/deeper/e"), ["dir/sub/deeper/e"], "a whole key")
        equal(try keys(s, "a.txt/"), [], "below an object")
        equal(try keys(s, "e"), [], "no key starts with it")
    }

    func sizesAndReads() throws {
        let s = try make()
        let data = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try s.put("x/data.bin", data)
        try s.put("x/empty", [])
        equal(try s.size(of: "x/data.bin"), 1000, "size")
        equal(try s.size(of: "x/empty"), 0, "empty size")
        equal(try s.size(of: "x/missing"), nil, "missing size")
        equal(try s.size(of: "x"), nil, "a folder/prefix is no object")
        equal(try s.read("x/data.bin"), data, "whole read")
        equal(try s.read("x/empty"), [], "whole read of an empty object")
        check(isMissing(failure("read of a missing object") { try s.read("x/missing") }), "read of a missing object: missing")
        check(isMissing(failure("open of a missing object") { try s.openForReading("x/missing") }), "open of a missing object: missing")

        let o = try s.openForReading("x/data.bin")
        defer { o.close() }
        equal(o.size, 1000, "opened size")
        check(o.name.hasSuffix("x/data.bin"), "the name \(o.name) ends with the key")
        equal(try o.read(offset: 0, count: 1000), data, "ranged read of all")
        equal(try o.read(offset: 10, count: 5), Array(data[10..<15]), "ranged read inside")
        equal(try o.read(offset: 995, count: 5), Array(data[995...]), "ranged read up to the end")
        equal(try o.read(offset: 1000, count: 0), [], "empty read at the end")
        for (offset, count) in [(996, 5), (1000, 1), (1001, 0), (2000, 10), (-1, 2)] {
            let e = failure("read of \(count) at \(offset)") { try o.read(offset: offset, count: count) }
            if case .corrupt? = e {} else { XCTFail("read of \(count) at \(offset): \(String(describing: e)) is not .corrupt", file: file, line: line) }
        }
        // Concurrent reads of one opened object.
        let results = UnsafeSendableBox<[[UInt8]]>(Array(repeating: [], count: 8))
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            let r = try? o.read(offset: i * 100, count: 100)
            results.withLock { $0[i] = r ?? [] }
        }
        results.withLock { got in
            for i in 0..<8 { equal(got[i], Array(data[(i * 100)..<(i * 100 + 100)]), "concurrent read \(i)") }
        }
    }

    func puts() throws {
        let s = try make()
        try s.put("p/k", Self.bytes("first version"))
        try s.put("p/k", Self.bytes("2nd"))
        equal(try s.read("p/k"), Self.bytes("2nd"), "put replaces")
        equal(try s.size(of: "p/k"), 3, "the size follows")
        equal(try keys(s), ["p/k"], "no temporary left behind")
    }

    func putIfAbsentRace() throws {
        let s = try make()
        equal(try s.putIfAbsent("m/v1", Self.bytes("one")), true, "creates")
        equal(try s.putIfAbsent("m/v1", Self.bytes("two")), false, "refuses an existing key")
        equal(try s.read("m/v1"), Self.bytes("one"), "the first stays")
        for round in 0..<20 {
            let key = "race/v\(round)"
            let wins = UnsafeSendableBox<[Int]>([])
            let errors = UnsafeSendableBox<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 6) { i in
                do {
                    if try s.putIfAbsent(key, Self.bytes("writer \(i)")) { wins.withLock { $0.append(i) } }
                } catch {
                    errors.withLock { $0.append("\(error)") }
                }
            }
            errors.withLock { equal($0, [], "round \(round): no errors") }
            let winners = wins.withLock { $0 }
            equal(winners.count, 1, "round \(round): exactly one writer wins (\(winners))")
            if let w = winners.first { equal(try s.read(key), Self.bytes("writer \(w)"), "round \(round): the winner's bytes") }
        }
        equal(try keys(s, "race/").count, 20, "one object per round, no temporaries")
        equal(try keys(s), try keys(s, "m/") + (try keys(s, "race/")), "nothing else")
    }

    func writers() throws {
        let s = try make()
        let w = try s.makeWriter("w/new/folder/obj")
        check(w.name.hasSuffix("w/new/folder/obj"), "writer name \(w.name)")
        let part1 = Self.bytes("hello, "), part2 = Self.bytes(String(repeating: "world ", count: 5000))
        try part1.withUnsafeBytes { try w.write($0) }
        try part2.withUnsafeBytes { try w.write($0) }
        equal(w.offset, part1.count + part2.count, "offset counts the bytes")
        equal(try s.size(of: "w/new/folder/obj"), nil, "not visible before finish")
        equal(try keys(s), [], "nothing listed before finish")
        try w.finish()
        equal(try s.read("w/new/folder/obj"), part1 + part2, "whole at finish")
        equal(try keys(s), ["w/new/folder/obj"], "only the object")

        // Replacing through a writer: the old bytes stay until finish.
        let r = try s.makeWriter("w/new/folder/obj")
        try Self.bytes("v2").withUnsafeBytes { try r.write($0) }
        equal(try s.read("w/new/folder/obj"), part1 + part2, "old bytes until finish")
        try r.finish()
        equal(try s.read("w/new/folder/obj"), Self.bytes("v2"), "replaced at finish")

        let a = try s.makeWriter("w/aborted")
        try Self.bytes("partial").withUnsafeBytes { try a.write($0) }
        a.abort()
        a.abort()
        equal(try keys(s), ["w/new/folder/obj"], "abort leaves no trace")

        do {
            let d = try s.makeWriter("w/dropped")
            try Self.bytes("partial").withUnsafeBytes { try d.write($0) }
        }
        equal(try keys(s), ["w/new/folder/obj"], "dropping an unfinished writer leaves no trace")
    }

    func deletes() throws {
        let s = try make()
        try s.put("d/a", Self.bytes("a"))
        try s.put("d/b", Self.bytes("b"))
        try s.delete("d/a")
        equal(try keys(s), ["d/b"], "deleted")
        try s.delete("d/a")
        try s.delete("never/was")
        equal(try keys(s), ["d/b"], "deleting a missing object is no error")
    }

    func moves() throws {
        let s = try make()
        try s.put("mv/a", Self.bytes("A"))
        try s.move("mv/a", to: "mv/sub/b")
        equal(try keys(s), ["mv/sub/b"], "moved")
        equal(try s.read("mv/sub/b"), Self.bytes("A"), "bytes moved")
        try s.put("mv/c", Self.bytes("C"))
        try s.move("mv/c", to: "mv/sub/b")
        equal(try s.read("mv/sub/b"), Self.bytes("C"), "move replaces")
        equal(try keys(s), ["mv/sub/b"], "the source is gone")
        try s.move("mv/c", to: "mv/sub/b")
        equal(try s.read("mv/sub/b"), Self.bytes("C"), "a move already done is no error (redo)")
        check(isMissing(failure("move of nothing") { try s.move("mv/none", to: "mv/none2") }), "moving nothing: missing")
    }

    func keyValidation() throws {
        let s = try make()
        for bad in ["", "/abs", "a//b", "../up", "a/../b", "a/./b", "trailing/", "."] {
            let e = failure("key '\(bad)'") { try s.put(bad, [1]) }
            if case .invalidArgument? = e {} else { XCTFail("key '\(bad)': \(String(describing: e))", file: file, line: line) }
        }
        equal(try keys(s), [], "nothing written for a bad key")
        equal(s.describe("k/x"), s.location + "/k/x", "describe")
    }
}

/// A value guarded by a lock, for collecting results from concurrent test closures.
final class UnsafeSendableBox<T>: @unchecked Sendable {
    private var value: T
    private let lock = NSLock()
    init(_ value: T) { self.value = value }
    func withLock<R>(_ body: (inout T) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

final class ObjectStorageContractTests: XCTestCase {
    func testLocalStorageMeetsTheContract() throws {
        let root = try TestPaths.temporaryDirectory(self, "storage-contract")
        var n = 0
        try ObjectStorageContract {
            n += 1
            return LocalStorage(root: root.appendingPathComponent("s\(n)").path)
        }.run()
    }

    /// Local only: symbolic links are neither listed nor followed out of the tree, and hidden
    /// temporaries of writers in progress are not listed.
    func testLocalListingSkipsLinksAndTemporaries() throws {
        let base = try TestPaths.temporaryDirectory(self, "storage-links")
        let outside = base.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try Data("secret".utf8).write(to: outside.appendingPathComponent("secret.txt"))
        let root = base.appendingPathComponent("root")
        let s = LocalStorage(root: root.path)
        try s.put("in/real.txt", Array("r".utf8))
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("in/link.txt").path,
                                                   withDestinationPath: outside.appendingPathComponent("secret.txt").path)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("linkdir").path, withDestinationPath: outside.path)
        let w = try s.makeWriter("in/pending")
        try Array("x".utf8).withUnsafeBytes { try w.write($0) }
        XCTAssertEqual(try s.list(prefix: "").map(\.key), ["in/real.txt"])
        XCTAssertEqual(try s.list(prefix: "linkdir/").map(\.key), [])
        XCTAssertEqual(try s.list(prefix: "in/").map(\.key), ["in/real.txt"])
        w.abort()
        // A storage rooted at a link to a folder lists that folder (the root is the user's choice).
        XCTAssertEqual(try LocalStorage(root: root.appendingPathComponent("linkdir").path).list(prefix: "").map(\.key), ["secret.txt"])
    }

    /// Local only: two processes racing `link(2)` onto one name: exactly one wins, every time.
    func testPutIfAbsentAcrossProcesses() throws {
        let python = ProcessInfo.processInfo.environment["EXTRACT_TEST_PYTHON"] ?? "/usr/bin/python3"
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: python), "no \(python) to run the second process")
        let root = try TestPaths.temporaryDirectory(self, "storage-race")
        let s = LocalStorage(root: root.path)
        // The other process creates its object the way LocalStorage does: a temporary, then link(2).
        let script = """
        import os, sys
        root, n = sys.argv[1], int(sys.argv[2])
        wins = 0
        print("ready", flush=True)
        for i in range(n):
            tmp = os.path.join(root, f".py-{os.getpid()}-{i}")
            with open(tmp, "wb") as f: f.write(b"python")
            try:
                os.link(tmp, os.path.join(root, f"v{i}")); wins += 1
            except FileExistsError:
                pass
            os.unlink(tmp)
        print(wins)
        """
        let scriptURL = root.appendingPathComponent("race.py")
        try Data(script.utf8).write(to: scriptURL)
        let rounds = 3000
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [scriptURL.path, root.path, "\(rounds)"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        // Start racing when the other process does.
        var heard = Data()
        while !heard.contains(UInt8(ascii: "\n")) {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            heard += chunk
        }
        XCTAssertEqual(String(decoding: heard, as: UTF8.self), "ready\n")
        var ours = 0
        for i in 0..<rounds where try s.putIfAbsent("v\(i)", Array("swift".utf8)) { ours += 1 }
        process.waitUntilExit()
        let theirs = Int(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertEqual(ours + theirs, rounds, "each name created exactly once (swift \(ours), python \(theirs))")
        XCTAssertGreaterThan(theirs, 0, "the processes raced")
        var swiftBytes = 0
        for i in 0..<rounds where try s.read("v\(i)") == Array("swift".utf8) { swiftBytes += 1 }
        XCTAssertEqual(swiftBytes, ours, "every name holds its winner's bytes")
    }
}
