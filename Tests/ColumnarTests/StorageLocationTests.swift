import XCTest
@testable import Columnar
import TestSupport

/// The one resolver of path arguments: local paths verbatim, s3:// and gs:// URLs parsed and
/// refused clearly until a bucket backend is registered, which is then what `Storage.open` uses.
final class StorageLocationTests: XCTestCase {
    func testParsing() throws {
        XCTAssertEqual(try StorageLocation.parse("./store"), .local("./store"))
        XCTAssertEqual(try StorageLocation.parse("/data/out.csv"), .local("/data/out.csv"))
        XCTAssertEqual(try StorageLocation.parse("dir/a:b"), .local("dir/a:b"))
        XCTAssertEqual(try StorageLocation.parse("./s3://x"), .local("./s3://x"))
        let s3 = try StorageLocation.parse("s3://bucket/raw/2019//")
        XCTAssertEqual(s3.scheme, .s3)
        XCTAssertEqual(s3.bucket, "bucket")
        XCTAssertEqual(s3.path, "raw/2019")
        XCTAssertEqual(s3.description, "s3://bucket/raw/2019")
        let gs = try StorageLocation.parse("gs://b")
        XCTAssertEqual(gs.scheme, .gs)
        XCTAssertEqual(gs.path, "")
        XCTAssertEqual(gs.description, "gs://b")
        for bad in ["s3://", "s3:///key", "gs://b/a//c", "s3://b/../x", "http://host/x", "file:///tmp/x"] {
            XCTAssertThrowsError(try StorageLocation.parse(bad), bad) { e in
                guard case ColumnarError.invalidArgument(let m) = e else { return XCTFail("\(bad): \(e)") }
                XCTAssertTrue(m.hasPrefix(bad + ": "), m)
            }
        }
    }

    func testSplitName() throws {
        XCTAssertEqual(try StorageLocation.parse("s3://b/out/base.csv").splitName()?.folder.description, "s3://b/out")
        XCTAssertEqual(try StorageLocation.parse("s3://b/out/base.csv").splitName()?.name, "base.csv")
        XCTAssertEqual(try StorageLocation.parse("s3://b/base.csv").splitName()?.folder.description, "s3://b")
        XCTAssertEqual(StorageLocation.local("base.csv").splitName()?.folder, .local("."))
        XCTAssertEqual(StorageLocation.local("/base.csv").splitName()?.folder, .local("/"))
        XCTAssertEqual(StorageLocation.local("a/b/c.csv").splitName()?.folder, .local("a/b"))
        XCTAssertNil(try StorageLocation.parse("s3://b").splitName())
        XCTAssertNil(StorageLocation.local("dir/").splitName())
    }

    func testBucketsRefusedUntilABackendIsRegistered() throws {
        XCTAssertThrowsError(try Storage.open(url: "s3://bucket/store")) { e in
            XCTAssertEqual(e as? ColumnarError, .invalidArgument("s3:// storage is not available in this build"))
        }
        XCTAssertThrowsError(try Storage.object("gs://bucket/out.csv")) { e in
            XCTAssertEqual(e as? ColumnarError, .invalidArgument("gs:// storage is not available in this build"))
        }
        // The hook: one registration, and s3:// locations reach it (prefix as the root).
        let dir = try TestPaths.temporaryDirectory(self, "storage-hook")
        Storage.register(.s3) { location throws(ColumnarError) in
            LocalStorage(root: dir.path + "/" + location.bucket + (location.path.isEmpty ? "" : "/" + location.path))
        }
        defer { Storage.register(.s3, nil) }
        let (storage, key) = try Storage.object("s3://bkt/out/base.csv")
        XCTAssertEqual(key, "base.csv")
        try storage.put(key, Array("x".utf8))
        XCTAssertEqual(try FileIO.readAll(dir.path + "/bkt/out/base.csv"), Array("x".utf8))
        XCTAssertThrowsError(try Storage.open(url: "gs://bkt"))  // only the registered scheme
    }

    func testLocalPathsOpenLocalStorage() throws {
        let dir = try TestPaths.temporaryDirectory(self, "storage-local")
        let store = try Storage.open(url: dir.path + "/store/")
        XCTAssertEqual(store.location, dir.path + "/store")
        let (folder, key) = try Storage.object(dir.path + "/o.csv", durable: false)
        XCTAssertEqual(folder.location, dir.path)
        XCTAssertEqual(key, "o.csv")
        XCTAssertEqual((folder as? LocalStorage)?.durable, false)
        XCTAssertThrowsError(try Storage.object(dir.path + "/sub/"))
    }
}
