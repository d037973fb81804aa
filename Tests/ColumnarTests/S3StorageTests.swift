import Foundation
import XCTest
@testable import Columnar
import TestSupport

/// `S3Storage` against a real S3 server on 127.0.0.1 (moto, signature checking on; see
/// `S3TestServer`): every `ObjectStorage` method, the error kinds, a 20 MiB multipart upload,
/// concurrent `putIfAbsent`, and faults injected by the proxy (503 storms, truncated bodies,
/// dropped connections) and a server killed mid-run. Each test works below its own prefix.
final class S3StorageTests: XCTestCase {
    var server: S3TestServer!
    var prefix = ""

    override func setUpWithError() throws {
        server = try S3TestServer.shared()
        prefix = "t-\(UUID().uuidString.lowercased())"
    }

    override func tearDownWithError() throws {
        try server?.command("clear")
    }

    /// Retries fast enough for tests: 4 attempts, 10–80 ms waits.
    static let fastRetry = RetryPolicy(maxAttempts: 4, baseDelay: 0.01, maxDelay: 0.08, totalTime: 20)

    func configuration(endpoint: String? = nil, secret: String? = nil) -> S3Configuration {
        var c = S3Configuration(
            credentials: .accessKey(id: server.accessKey, secret: secret ?? server.secretKey, sessionToken: nil),
            region: server.region, endpoint: endpoint ?? server.endpoint, pathStyle: true, retry: Self.fastRetry,
            credentialSource: "test key")
        c.stallTimeout = 5
        return c
    }

    func storage(_ sub: String = "", endpoint: String? = nil, secret: String? = nil, bucket: String? = nil,
                 partSize: Int = 5 << 20, listPageSize: Int? = nil) throws -> S3Storage {
        let url = BucketURL(scheme: .s3, bucket: bucket ?? server.bucket, prefix: sub.isEmpty ? prefix : prefix + "/" + sub)
        return try S3Storage(url: url, configuration: configuration(endpoint: endpoint, secret: secret),
                             partSize: partSize, listPageSize: listPageSize)
    }

    func bytes(_ n: Int, seed: UInt64 = 1) -> [UInt8] {
        var rng = SeededRandom(seed: seed)
        return (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    /// The `.remote` kind of the error `body` throws, failing when it throws something else or nothing.
    func remoteKind(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line)
        -> (kind: RemoteFailure, url: String, reason: String)? {
        do {
            try body()
            XCTFail("expected a .remote error", file: file, line: line)
        } catch ColumnarError.remote(let url, let kind, let reason) {
            return (kind, url, reason)
        } catch {
            XCTFail("expected a .remote error, got \(error)", file: file, line: line)
        }
        return nil
    }

    // MARK: - the contract, method by method

    func testPutReadSizeDelete() throws {
        let s = try storage()
        let data = bytes(1000)
        try s.put("a/b.bin", data)
        XCTAssertEqual(try s.read("a/b.bin"), data)
        XCTAssertEqual(try s.size(of: "a/b.bin"), 1000)
        XCTAssertNil(try s.size(of: "a/missing.bin"))
        try s.put("a/b.bin", [1, 2, 3])  // replaces
        XCTAssertEqual(try s.read("a/b.bin"), [1, 2, 3])
        try s.put("empty", [])
        XCTAssertEqual(try s.read("empty"), [])
        XCTAssertEqual(try s.size(of: "empty"), 0)
        try s.delete("a/b.bin")
        XCTAssertNil(try s.size(of: "a/b.bin"))
        try s.delete("a/b.bin")  // a missing object is not an error
        XCTAssertEqual(s.describe("x/y"), "s3://\(server.bucket)/\(prefix)/x/y")
    }

    func testKeysWithSpacesAndUnicodeRoundTrip() throws {
        let s = try storage()
        let keys = ["date=2019-10-01/part 0.parquet", "sources/2019-Oct (copy)+x.csv", "ünï/çødé~€.txt"]
        for (i, k) in keys.enumerated() { try s.put(k, [UInt8(i)]) }
        XCTAssertEqual(try s.list(prefix: "").map(\.key), keys.sorted())
        for (i, k) in keys.enumerated() { XCTAssertEqual(try s.read(k), [UInt8(i)]) }
    }

    func testListIsRecursiveSortedPaginatedAndStaysBelowItsPrefix() throws {
        let s = try storage("store", listPageSize: 2)
        let sibling = try storage("store-other")
        try sibling.put("x", [9])  // shares the text prefix "store" but is not below "store/"
        let keys = ["events/date=2019-10-02/p.parquet", "events/date=2019-10-01/p.parquet", "_manifest.json",
                    "events/_manifest.json", "rejects/r.csv"]
        for k in keys { try s.put(k, Array(k.utf8)) }
        let all = try s.list(prefix: "")
        XCTAssertEqual(all.map(\.key), keys.sorted())
        XCTAssertEqual(all.map(\.size), keys.sorted().map { $0.utf8.count })
        XCTAssertEqual(try s.list(prefix: "events/").map(\.key),
                       ["events/_manifest.json", "events/date=2019-10-01/p.parquet", "events/date=2019-10-02/p.parquet"])
        XCTAssertEqual(try s.list(prefix: "events/date=2019-10-0").count, 2)
        XCTAssertEqual(try s.list(prefix: "nothing/"), [])
    }

    func testPutIfAbsentWritesOnceAndNeverReplaces() throws {
        let s = try storage()
        XCTAssertTrue(try s.putIfAbsent("_manifest.json.1", Array("first".utf8)))
        XCTAssertFalse(try s.putIfAbsent("_manifest.json.1", Array("second".utf8)))
        XCTAssertEqual(try s.read("_manifest.json.1"), Array("first".utf8))
    }

    func testConcurrentPutIfAbsentFromTwoThreadsExactlyOneWins() throws {
        let s = try storage()
        let rounds = 12
        final class Wins: @unchecked Sendable {
            var value = [[Bool]](repeating: [false, false], count: 12)
            var errors: [String] = []
            let lock = NSLock()
        }
        let wins = Wins()
        DispatchQueue.concurrentPerform(iterations: 2 * rounds) { i in
            let round = i / 2, writer = i % 2
            do {
                let won = try s.putIfAbsent("commit/\(round)", [UInt8(writer)])
                wins.lock.lock(); wins.value[round][writer] = won; wins.lock.unlock()
            } catch {
                wins.lock.lock(); wins.errors.append("\(error)"); wins.lock.unlock()
            }
        }
        XCTAssertEqual(wins.errors, [])
        for round in 0..<rounds {
            let w = wins.value[round]
            XCTAssertEqual(w.filter { $0 }.count, 1, "round \(round): \(w)")
            let winner = w[0] ? 0 : 1
            XCTAssertEqual(try s.read("commit/\(round)"), [UInt8(winner)], "round \(round): the winner's bytes")
        }
    }

    func testMoveCopiesThenDeletesAndARedoIsNoError() throws {
        let s = try storage()
        try s.put("tmp/part.parquet", bytes(300))
        try s.put("final/part.parquet", [0])
        try s.move("tmp/part.parquet", to: "final/part.parquet")
        XCTAssertNil(try s.size(of: "tmp/part.parquet"))
        XCTAssertEqual(try s.read("final/part.parquet"), bytes(300))
        try s.move("tmp/part.parquet", to: "final/part.parquet")  // done already: no error
        let missing = remoteKind { try s.move("tmp/none", to: "final/none") }
        XCTAssertEqual(missing?.kind, .missing)
        XCTAssertEqual(missing?.url, s.describe("tmp/none"))
    }

    func testRangedReadsCheckBoundsAndArePinnedToTheETagSeenAtOpen() throws {
        let s = try storage()
        let data = bytes(100_000, seed: 7)
        try s.put("p.parquet", data)
        let r = try s.openForReading("p.parquet")
        XCTAssertEqual(r.size, 100_000)
        XCTAssertEqual(r.name, s.describe("p.parquet"))
        XCTAssertEqual(try r.read(offset: 0, count: 4), Array(data[0..<4]))
        XCTAssertEqual(try r.read(offset: 99_992, count: 8), Array(data[99_992...]))
        XCTAssertEqual(try r.read(offset: 12_345, count: 50_000), Array(data[12_345..<62_345]))
        XCTAssertEqual(try r.read(offset: 0, count: 100_000), data)
        XCTAssertEqual(try r.read(offset: 100_000, count: 0), [])
        XCTAssertThrowsError(try r.read(offset: 99_999, count: 2)) { error in
            guard case ColumnarError.corrupt(let loc, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(loc.file, r.name)
        }
        // Concurrent reads of one open object.
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            XCTAssertEqual(try? r.read(offset: i * 1000, count: 1000), Array(data[(i * 1000)..<(i * 1000 + 1000)]))
        }
        try s.put("p.parquet", bytes(100_000, seed: 8))  // replaced under the reader
        let changed = remoteKind { _ = try r.read(offset: 0, count: 10) }
        XCTAssertEqual(changed?.kind, .invalid)
        XCTAssertTrue(changed?.reason.contains("changed since it was opened") ?? false, changed?.reason ?? "")
        let missing = remoteKind { _ = try s.openForReading("nope.parquet") }
        XCTAssertEqual(missing?.kind, .missing)
    }

    func testGsURLSignsWithRegionAutoThroughTheEmulatorVariable() throws {
        // gs:// takes the same HMAC key path as s3:// (SigV4, region "auto"); STORAGE_EMULATOR_HOST
        // points it at the local server instead of storage.googleapis.com.
        let url = try BucketURL.parse("gs://\(server.bucket)/\(prefix)")
        var config = try S3Configuration.resolve(for: url, environment: [
            "AWS_ACCESS_KEY_ID": server.accessKey, "AWS_SECRET_ACCESS_KEY": server.secretKey,
            "STORAGE_EMULATOR_HOST": String(server.endpoint.dropFirst("http://".count)),
        ]) { _ in nil }
        XCTAssertEqual(config.region, "auto")
        config.retry = Self.fastRetry
        let s = try S3Storage(url: url, configuration: config)
        try s.put("a.csv", [1, 2])
        XCTAssertEqual(try s.read("a.csv"), [1, 2])
        XCTAssertEqual(s.describe("a.csv"), "gs://\(server.bucket)/\(prefix)/a.csv")
        XCTAssertEqual(try storage().read("a.csv"), [1, 2], "the same object seen through s3://")
    }

    // MARK: - the streaming writer

    func testMultipartUploadOf20MiBRoundTrips() throws {
        let s = try storage(partSize: 5 << 20)
        let data = bytes((20 << 20) + 12_345, seed: 3)
        let w = try s.makeWriter("big/part-0.parquet")
        var at = 0, step = 777_777
        while at < data.count {
            let n = min(step, data.count - at)
            try data[at..<(at + n)].withUnsafeBytes { try w.write($0) }
            at += n
            step = step * 3 % 1_999_999 + 1
        }
        XCTAssertEqual(w.offset, data.count)
        XCTAssertNil(try s.size(of: "big/part-0.parquet"), "nothing visible before finish()")
        try w.finish()
        XCTAssertEqual(try s.size(of: "big/part-0.parquet"), data.count)
        XCTAssertEqual(try s.read("big/part-0.parquet"), data)
        let r = try s.openForReading("big/part-0.parquet")
        XCTAssertEqual(try r.read(offset: (5 << 20) - 3, count: 6), Array(data[((5 << 20) - 3)..<((5 << 20) + 3)]))
    }

    func testSmallWriterIsOnePutAndAbortOrDropLeavesNoObject() throws {
        let s = try storage()
        let w = try s.makeWriter("small.csv")
        try Array("a,b\n1,2\n".utf8).withUnsafeBytes { try w.write($0) }
        try w.finish()
        XCTAssertEqual(try s.read("small.csv"), Array("a,b\n1,2\n".utf8))

        let big = bytes(6 << 20)
        let aborted = try s.makeWriter("aborted.bin")
        try big.withUnsafeBytes { try aborted.write($0) }  // one part uploaded: a multipart upload is open
        aborted.abort()
        XCTAssertNil(try s.size(of: "aborted.bin"))
        XCTAssertThrowsError(try big.withUnsafeBytes { try aborted.write($0) })

        do {
            let dropped = try s.makeWriter("dropped.bin")
            try big.withUnsafeBytes { try dropped.write($0) }
        }
        XCTAssertNil(try s.size(of: "dropped.bin"))
        XCTAssertEqual(try s.list(prefix: "").map(\.key), ["small.csv"])
    }

    // MARK: - errors

    func testWrongSecretIsDeniedNamingTheURL() throws {
        let s = try storage(secret: server.secretKey + "x")
        for call in [{ _ = try s.list(prefix: "") }, { _ = try s.read("k") }, { try s.put("k", [1]) }] as [() throws -> Void] {
            let e = remoteKind(call)
            XCTAssertEqual(e?.kind, .denied, e?.reason ?? "")
            XCTAssertTrue(e?.url.hasPrefix("s3://\(server.bucket)/\(prefix)") ?? false, e?.url ?? "")
            XCTAssertTrue(e?.reason.contains("SignatureDoesNotMatch") ?? false, e?.reason ?? "")
        }
        // The right key still works: the refusal was the signature, not the server.
        try storage().put("k", [1])
    }

    func testMissingBucketAndObjectAreMissing() throws {
        let s = try storage(bucket: "no-such-bucket-extract")
        let list = remoteKind { _ = try s.list(prefix: "") }
        XCTAssertEqual(list?.kind, .missing)
        XCTAssertTrue(list?.reason.contains("no such bucket") ?? false, list?.reason ?? "")
        XCTAssertEqual(remoteKind { try s.put("k", [1]) }?.kind, .missing)
        let object = remoteKind { _ = try self.storage().read("no/such/object") }
        XCTAssertEqual(object?.kind, .missing)
        XCTAssertEqual(object?.url, "s3://\(server.bucket)/\(prefix)/no/such/object")
    }

    // MARK: - faults (through the proxy)

    func testA503StormShorterThanTheRetriesSucceeds() throws {
        let s = try storage(endpoint: server.proxy)
        try server.command("fault 503 3")
        try s.put("k", [1, 2, 3])
        try server.command("fault 503 3")
        XCTAssertEqual(try s.read("k"), [1, 2, 3])
    }

    func testA503StormLongerThanTheRetriesIsUnavailable() throws {
        let s = try storage(endpoint: server.proxy)
        try server.command("fault 503 100")
        let e = remoteKind { _ = try s.read("k") }
        XCTAssertEqual(e?.kind, .unavailable)
        XCTAssertTrue(e?.reason.contains("503 SlowDown") ?? false, e?.reason ?? "")
        XCTAssertTrue(e?.reason.contains("4 attempts") ?? false, e?.reason ?? "")
    }

    func testTruncatedBodiesAreRetriedThenInvalid() throws {
        let s = try storage(endpoint: server.proxy)
        let data = bytes(50_000)
        try s.put("p", data)
        let r = try s.openForReading("p")
        try server.command("fault truncate 2")
        XCTAssertEqual(try r.read(offset: 100, count: 40_000), Array(data[100..<40_100]))
        try server.command("fault truncate 2")
        XCTAssertEqual(try s.read("p"), data)
        try server.command("fault truncate 100")
        let e = remoteKind { _ = try r.read(offset: 0, count: 50_000) }
        XCTAssertEqual(e?.kind, .invalid)
        XCTAssertTrue(e?.reason.contains("truncated") ?? false, e?.reason ?? "")
    }

    func testDroppedConnectionsAreRetriedThenUnavailable() throws {
        let s = try storage(endpoint: server.proxy)
        try server.command("fault drop 2")
        try s.put("k", [7])
        try server.command("fault drop 2")
        XCTAssertEqual(try s.list(prefix: "").map(\.key), ["k"])
        try server.command("fault drop 2")
        XCTAssertTrue(try s.putIfAbsent("once", [1]))
        try server.command("fault drop 100")
        let e = remoteKind { _ = try s.size(of: "k") }
        XCTAssertEqual(e?.kind, .unavailable, e?.reason ?? "")
    }

    func testAConditionalPutWhoseAnswerWasLostStillKnowsItWon() throws {
        // The first PUT lands but its answer is lost; the retry finds the key taken (412). The
        // writer token in the object's metadata tells it was this call: true, not false.
        let s = try storage(endpoint: server.proxy)
        try server.command("fault lose 1")
        XCTAssertTrue(try s.putIfAbsent("_manifest.json.7", [7]))
        XCTAssertEqual(try s.read("_manifest.json.7"), [7])
        // Another writer's object is still refused after a lost answer.
        try server.command("fault lose 1")
        XCTAssertFalse(try s.putIfAbsent("_manifest.json.7", [8]))
        XCTAssertEqual(try s.read("_manifest.json.7"), [7])
    }

    func testACompletedMultipartUploadWhoseAnswerWasLostIsDone() throws {
        // Exactly two parts: write() uploads both, finish() sends only CompleteMultipartUpload,
        // whose answer the proxy loses; the completion is re-sent. moto answers a repeated
        // completion 200 (idempotent); S3 may answer NoSuchUpload, which the writer accepts when
        // the object carries its token — that branch is not reached against moto.
        let s = try storage(endpoint: server.proxy, partSize: 5 << 20)
        let data = bytes(10 << 20, seed: 11)
        let w = try s.makeWriter("two-parts.bin")
        try data.withUnsafeBytes { try w.write($0) }
        try server.command("fault lose 1")
        try w.finish()
        XCTAssertEqual(try s.read("two-parts.bin"), data)
    }

    func testServerKilledMidRunIsAClearUnavailable() throws {
        let own = try S3TestServer.start()
        let url = BucketURL(scheme: .s3, bucket: own.bucket, prefix: prefix)
        let config = S3Configuration(credentials: .accessKey(id: own.accessKey, secret: own.secretKey, sessionToken: nil),
                                     region: own.region, endpoint: own.endpoint, pathStyle: true, retry: Self.fastRetry)
        let s = try S3Storage(url: url, configuration: config)
        try s.put("p", bytes(10_000))
        let r = try s.openForReading("p")
        XCTAssertEqual(try r.read(offset: 0, count: 10).count, 10)
        own.kill()
        let e = remoteKind { _ = try r.read(offset: 10, count: 10) }
        XCTAssertEqual(e?.kind, .unavailable)
        XCTAssertEqual(e?.url, "s3://\(own.bucket)/\(prefix)/p")
        XCTAssertTrue(e?.reason.contains("4 attempts") ?? false, e?.reason ?? "")
    }
}
