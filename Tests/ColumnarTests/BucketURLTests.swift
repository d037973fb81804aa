import XCTest
@testable import Columnar

/// `BucketURL.parse`: what `s3://` and `gs://` arguments mean, and which are usage errors.
final class BucketURLTests: XCTestCase {
    func testParsesBucketAndPrefix() throws {
        XCTAssertEqual(try BucketURL.parse("s3://my-bucket/raw/2019-Oct.csv.gz"),
                       BucketURL(scheme: .s3, bucket: "my-bucket", prefix: "raw/2019-Oct.csv.gz"))
        XCTAssertEqual(try BucketURL.parse("gs://data_lake.eu/store/"), BucketURL(scheme: .gs, bucket: "data_lake.eu", prefix: "store"))
        XCTAssertEqual(try BucketURL.parse("s3://udacity-dend"), BucketURL(scheme: .s3, bucket: "udacity-dend", prefix: ""))
        XCTAssertEqual(try BucketURL.parse("s3://b12/"), BucketURL(scheme: .s3, bucket: "b12", prefix: ""))
        let u = try BucketURL.parse("s3://b12/store")
        XCTAssertEqual(u.description, "s3://b12/store")
        XCTAssertEqual(u.key("events/_manifest.json"), "store/events/_manifest.json")
        XCTAssertEqual(try BucketURL.parse("s3://b12").key("x"), "x")
        XCTAssertTrue(BucketURL.isBucketURL("gs://x"))
        XCTAssertFalse(BucketURL.isBucketURL("./s3://x"))
        XCTAssertFalse(BucketURL.isBucketURL("S3://x"))
    }

    func testMalformedURLsAreUsageErrorsNamingTheURL() {
        let bad = ["s3://", "s3:///key", "s3://ab/x", "s3://My-Bucket/x", "s3://-bucket/x", "s3://bucket-/x",
                   "s3://bu cket/x", "s3://bucket//x", "s3://bucket/a/../x", "s3://bucket/./x", "s3://bucket/x?versionId=1",
                   "s3://bucket/x#y", "s3://bucket/a\nb", "http://bucket/x", String(repeating: "a", count: 64).withScheme]
        for text in bad {
            XCTAssertThrowsError(try BucketURL.parse(text), text) { error in
                guard case ColumnarError.invalidArgument(let message) = error else { return XCTFail("\(text): \(error)") }
                XCTAssertTrue(message.contains("invalid bucket URL '\(text)'"), message)
            }
        }
    }
}

private extension String {
    var withScheme: String { "s3://" + self + "/x" }
}
