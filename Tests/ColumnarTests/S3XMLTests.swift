import XCTest
@testable import Columnar

/// The small XML reader and the S3 answers read with it: listings, errors, upload ids; hostile
/// or malformed input throws, never traps.
final class S3XMLTests: XCTestCase {
    func testListingPageWithEntitiesAndContinuation() throws {
        let xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix>store/</Prefix>
          <KeyCount>2</KeyCount><MaxKeys>2</MaxKeys><IsTruncated>true</IsTruncated>
          <Contents><Key>store/a&amp;b &lt;c&gt; &#233;&#x20AC;.csv</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified>
            <ETag>&quot;abc&quot;</ETag><Size>1234</Size><StorageClass>STANDARD</StorageClass></Contents>
          <Contents><Key><![CDATA[store/<raw>]]></Key><Size>0</Size></Contents>
          <!-- a comment --><NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
        </ListBucketResult>
        """
        let page = try S3Answers.listing(Array(xml.utf8))
        XCTAssertEqual(page.objects.map(\.key), ["store/a&b <c> é€.csv", "store/<raw>"])
        XCTAssertEqual(page.objects.map(\.size), [1234, 0])
        XCTAssertEqual(page.continuationToken, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=")
        let last = try S3Answers.listing(Array("<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>".utf8))
        XCTAssertEqual(last, S3Answers.ListingPage(objects: [], continuationToken: nil))
        XCTAssertEqual(try S3Answers.listing(Array("<ListBucketResult/>".utf8)).objects.count, 0)
    }

    func testBadListingsThrow() {
        let bad = [
            "", "not xml", "<ListBucketResult>", "<ListBucketResult></ListBucket>", "<Error><Code>x</Code></Error>",
            "<ListBucketResult><Contents><Size>1</Size></Contents></ListBucketResult>",
            "<ListBucketResult><Contents><Key>k</Key><Size>-1</Size></Contents></ListBucketResult>",
            "<ListBucketResult><Contents><Key>k</Key><Size>1e3</Size></Contents></ListBucketResult>",
            "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>",
            "<ListBucketResult><IsTruncated>yes</IsTruncated></ListBucketResult>",
            "<ListBucketResult><Contents><Key>a&bogus;</Key><Size>1</Size></Contents></ListBucketResult>",
            "<ListBucketResult><Contents><Key>&#0;</Key><Size>1</Size></Contents></ListBucketResult>",
            "<!DOCTYPE x [<!ENTITY a \"b\">]><ListBucketResult/>",
            "<ListBucketResult/><ListBucketResult/>", "<ListBucketResult/>trailing",
            "<ListBucketResult><Contents><Key>k</Key><Size>1</Size></Contents>",
            "<ListBucketResult a=\"x></ListBucketResult>",
            "<ListBucketResult><![CDATA[x</ListBucketResult>",
            String(repeating: "<a>", count: 100) + String(repeating: "</a>", count: 100),
        ]
        for text in bad {
            XCTAssertThrowsError(try S3Answers.listing(Array(text.utf8)), text)
        }
    }

    func testRandomBytesNeverTrap() {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("<>/&;#x!-[]CDATA?=\"' ListBucketResultContentsKeySize0123".utf8)
        for _ in 0..<3000 {
            let n = Int.random(in: 0..<80, using: &rng)
            let bytes = (0..<n).map { _ in alphabet.randomElement(using: &rng)! }
            _ = try? XMLTree.parse(bytes)
            _ = try? S3Answers.listing(bytes)
            _ = S3Answers.error(bytes)
        }
    }

    func testErrorUploadIdAndCompleteBody() throws {
        let e = S3Answers.error(Array("<?xml version=\"1.0\"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>a</Key></Error>".utf8))
        XCTAssertEqual(e?.code, "NoSuchKey")
        XCTAssertEqual(e?.message, "The specified key does not exist.")
        XCTAssertNil(S3Answers.error([]))
        XCTAssertNil(S3Answers.error(Array("<CopyObjectResult><ETag>x</ETag></CopyObjectResult>".utf8)))
        XCTAssertEqual(try S3Answers.uploadID(Array("<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>VXBsb2Fk</UploadId></InitiateMultipartUploadResult>".utf8)), "VXBsb2Fk")
        XCTAssertThrowsError(try S3Answers.uploadID(Array("<InitiateMultipartUploadResult/>".utf8)))
        XCTAssertEqual(String(decoding: S3Answers.completeUploadBody(["\"e1\"", "\"e&2\""]), as: UTF8.self),
                       "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&quot;e1&quot;</ETag></Part>"
                       + "<Part><PartNumber>2</PartNumber><ETag>&quot;e&amp;2&quot;</ETag></Part></CompleteMultipartUpload>")
    }
}
