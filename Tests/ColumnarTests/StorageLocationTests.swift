import XCTest
@testable import Columnar
import TestSupport

/// The one resolver of path arguments: local paths verbatim, s3:// and gs:// URLs parsed by
/// BucketURL's rules and opened as `S3Storage`, or by the backend a test registered.
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
        let gs = try StorageLocation.parse("gs://bkt")
        XCTAssertEqual(gs.scheme, .gs)
        XCTAssertEqual(gs.path, "")
        XCTAssertEqual(gs.description, "gs://bkt")
        for bad in ["s3://", "s3:///key", "gs://b/a//c", "s3://b/../x", "http://host/x", "file:///tmp/x"] {
            XCTAssertThrowsError(try StorageLocation.parse(bad), bad) { e in
                guard case ColumnarError.invalidArgument(let m) = e else { return XCTFail("\(bad): \(e)") }
                XCTAssertTrue(m.contains(bad), m)  // names the argument
            }
        }
    }

    func testSplitName() throws {
        XCTAssertEqual(try StorageLocation.parse("s3://bkt/out/base.csv").splitName()?.folder.description, "s3://bkt/out")
        XCTAssertEqual(try StorageLocation.parse("s3://bkt/out/base.csv").splitName()?.name, "base.csv")
        XCTAssertEqual(try StorageLocation.parse("s3://bkt/base.csv").splitName()?.folder.description, "s3://bkt")
        XCTAssertEqual(StorageLocation.local("base.csv").splitName()?.folder, .local("."))
        XCTAssertEqual(StorageLocation.local("/base.csv").splitName()?.folder, .local("/"))
        XCTAssertEqual(StorageLocation.local("a/b/c.csv").splitName()?.folder, .local("a/b"))
        XCTAssertNil(try StorageLocation.parse("s3://bkt").splitName())
        XCTAssertNil(StorageLocation.local("dir/").splitName())
    }

    func testBucketURLsOpenS3StorageUnlessABackendIsRegistered() throws {
        // No request is sent by opening: the storage is configured and libcurl loaded.
        let s3 = try Storage.open(url: "s3://bucket/store/")
        XCTAssertEqual((s3 as? S3Storage)?.url, BucketURL(scheme: .s3, bucket: "bucket", prefix: "store"))
        XCTAssertEqual(s3.location, "s3://bucket/store")
        let (gs, gsKey) = try Storage.object("gs://bucket/out/base.csv")
        XCTAssertEqual((gs as? S3Storage)?.url, BucketURL(scheme: .gs, bucket: "bucket", prefix: "out"))
        XCTAssertEqual(gsKey, "base.csv")
        // Bucket names follow BucketURL's rules.
        XCTAssertThrowsError(try Storage.open(url: "s3://Bucket_A/x")) { e in
            guard case .invalidArgument(let m)? = e as? ColumnarError else { return XCTFail("\(e)") }
            XCTAssertTrue(m.contains("s3://Bucket_A/x"), m)
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
        XCTAssertTrue(try Storage.open(url: "gs://bkt") is S3Storage)  // only the registered scheme
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
