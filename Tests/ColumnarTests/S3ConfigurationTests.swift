import XCTest
@testable import Columnar

/// How a bucket URL is configured from the environment and the shared AWS files (as the AWS CLI
/// does), and the INI reader of those files.
final class S3ConfigurationTests: XCTestCase {
    let s3 = BucketURL(scheme: .s3, bucket: "bucket", prefix: "store")
    let gs = BucketURL(scheme: .gs, bucket: "bucket", prefix: "store")

    func resolve(_ url: BucketURL, _ env: [String: String], files: [String: String] = [:]) throws -> S3Configuration {
        try S3Configuration.resolve(for: url, environment: env.merging(["HOME": "/home/u"]) { a, _ in a }) { files[$0] }
    }

    func testEnvironmentVariablesComeFirst() throws {
        let c = try resolve(s3, ["AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": "SK", "AWS_SESSION_TOKEN": "TOK",
                                 "AWS_REGION": "eu-west-3", "AWS_DEFAULT_REGION": "us-west-2"],
                            files: ["/home/u/.aws/credentials": "[default]\naws_access_key_id = FILE\naws_secret_access_key = F\n"])
        XCTAssertEqual(c.credentials, .accessKey(id: "AK", secret: "SK", sessionToken: "TOK"))
        XCTAssertEqual(c.region, "eu-west-3")
        XCTAssertEqual(c.endpoint, "https://s3.eu-west-3.amazonaws.com")
        XCTAssertFalse(c.pathStyle)
        XCTAssertEqual(c.objectURL(bucket: "bucket", key: "store/a b+c/ü.csv", query: "list-type=2"),
                       "https://bucket.s3.eu-west-3.amazonaws.com/store/a%20b%2Bc/%C3%BC.csv?list-type=2")
    }

    func testDefaultsWithoutAnything() throws {
        let c = try resolve(s3, [:])
        XCTAssertEqual(c.credentials, .anonymous)
        XCTAssertEqual(c.region, "us-east-1")
        XCTAssertEqual(try resolve(BucketURL(scheme: .s3, bucket: "a.b.c", prefix: ""), [:]).pathStyle, true,
                       "a dotted bucket name is addressed path-style (the TLS wildcard does not cover it)")
    }

    func testProfilesFromTheSharedFiles() throws {
        let credentials = """
        # comment
        [default]
        aws_access_key_id = DEF
        aws_secret_access_key = DEFSECRET

        [work]
        aws_access_key_id=WORK
        aws_secret_access_key = a=b/c
        aws_session_token = T
        """
        let config = """
        [default]
        region = ap-south-1
        [profile work]
        region = eu-central-1
        s3 =
          endpoint_url = http://minio.local:9000
        [profile keys-in-config]
        aws_access_key_id = CFG
        aws_secret_access_key = CFGSECRET
        endpoint_url = https://storage.example
        """
        let files = ["/home/u/.aws/credentials": credentials, "/home/u/.aws/config": config]
        let def = try resolve(s3, [:], files: files)
        XCTAssertEqual(def.credentials, .accessKey(id: "DEF", secret: "DEFSECRET", sessionToken: nil))
        XCTAssertEqual(def.region, "ap-south-1")
        let work = try resolve(s3, ["AWS_PROFILE": "work"], files: files)
        XCTAssertEqual(work.credentials, .accessKey(id: "WORK", secret: "a=b/c", sessionToken: "T"))
        XCTAssertEqual(work.region, "eu-central-1")
        XCTAssertEqual(work.endpoint, "http://minio.local:9000")
        XCTAssertTrue(work.pathStyle)
        XCTAssertEqual(work.objectURL(bucket: "bucket", key: "k"), "http://minio.local:9000/bucket/k")
        let cfg = try resolve(s3, ["AWS_PROFILE": "keys-in-config"], files: files)
        XCTAssertEqual(cfg.credentials, .accessKey(id: "CFG", secret: "CFGSECRET", sessionToken: nil))
        XCTAssertEqual(cfg.endpoint, "https://storage.example")
        // Other file locations.
        let moved = try resolve(s3, ["AWS_SHARED_CREDENTIALS_FILE": "/etc/c", "AWS_CONFIG_FILE": "/etc/k"],
                                files: ["/etc/c": "[default]\naws_access_key_id=X\naws_secret_access_key=Y", "/etc/k": "[default]\nregion=sa-east-1"])
        XCTAssertEqual(moved.credentials, .accessKey(id: "X", secret: "Y", sessionToken: nil))
        XCTAssertEqual(moved.region, "sa-east-1")
    }

    func testCustomEndpointIsPathStyleAndValidated() throws {
        let c = try resolve(s3, ["AWS_ENDPOINT_URL": "http://127.0.0.1:9000/", "AWS_DEFAULT_REGION": "eu-north-1"])
        XCTAssertEqual(c.endpoint, "http://127.0.0.1:9000")
        XCTAssertTrue(c.pathStyle)
        XCTAssertEqual(c.region, "eu-north-1")
        XCTAssertEqual(try resolve(s3, ["AWS_ENDPOINT_URL": "http://a:1", "AWS_ENDPOINT_URL_S3": "http://b:2"]).endpoint, "http://b:2")
        XCTAssertThrowsError(try resolve(s3, ["AWS_ENDPOINT_URL": "127.0.0.1:9000"])) { error in
            guard case ColumnarError.invalidArgument(let m) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(m.contains("127.0.0.1:9000"), m)
        }
    }

    func testGoogleCloudStorage() throws {
        let hmac = try resolve(gs, ["AWS_ACCESS_KEY_ID": "GOOG1", "AWS_SECRET_ACCESS_KEY": "S", "AWS_REGION": "eu-west-1"])
        XCTAssertEqual(hmac.endpoint, "https://storage.googleapis.com")
        XCTAssertEqual(hmac.region, "auto")
        XCTAssertTrue(hmac.pathStyle)
        XCTAssertEqual(hmac.credentials, .accessKey(id: "GOOG1", secret: "S", sessionToken: nil))
        XCTAssertEqual(hmac.objectURL(bucket: "bucket", key: "store/x"), "https://storage.googleapis.com/bucket/store/x")
        let bearer = try resolve(gs, ["GOOGLE_OAUTH_ACCESS_TOKEN": "ya29.x", "AWS_ACCESS_KEY_ID": "GOOG1", "AWS_SECRET_ACCESS_KEY": "S"])
        XCTAssertEqual(bearer.credentials, .bearer("ya29.x"))
        XCTAssertEqual(try resolve(gs, ["STORAGE_EMULATOR_HOST": "localhost:4443"]).endpoint, "http://localhost:4443")
        // AWS_ENDPOINT_URL is for s3:// only.
        XCTAssertEqual(try resolve(gs, ["AWS_ENDPOINT_URL": "http://a:1"]).endpoint, "https://storage.googleapis.com")
    }

    func testIniFileDialect() {
        let ini = IniFile(parsing: "orphan = 1\r\n[a]\r\n  key = v1 \r\n; c\n#c\nKey=v2\nnot a setting\n[ b ]\nx = = y\n[broken\nz = 1\n[c]\nparent =\n  child = 3\nnext = 4\n")
        XCTAssertEqual(ini.value("key", in: "a"), "v2", "keys are lowercased; the last wins")
        XCTAssertNil(ini.value("orphan", in: ""))
        XCTAssertEqual(ini.value("x", in: "b"), "= y")
        XCTAssertNil(ini.value("z", in: "broken"))
        XCTAssertEqual(ini.value("parent.child", in: "c"), "3")
        XCTAssertEqual(ini.value("next", in: "c"), "4")
        XCTAssertEqual(IniFile(parsing: "").sections, [:])
    }

    func testPercentEncodingIsRFC3986() {
        XCTAssertEqual(S3Configuration.percentEncode("a-z_A.Z~0/9 +=&?%ü", keepSlash: true), "a-z_A.Z~0/9%20%2B%3D%26%3F%25%C3%BC")
        XCTAssertEqual(S3Configuration.percentEncode("a/b", keepSlash: false), "a%2Fb")
    }

    func testRetryDelaysGrowAndStayWithinTheirCap() {
        let p = RetryPolicy(maxAttempts: 5, baseDelay: 0.1, maxDelay: 0.5, totalTime: 10)
        for attempt in 1...8 {
            let cap = min(0.5, 0.1 * Double(1 << (attempt - 1)))
            for _ in 0..<50 { XCTAssertTrue((0...cap).contains(p.delay(after: attempt))) }
        }
        XCTAssertEqual(RetryPolicy(maxAttempts: 0).maxAttempts, 1)
    }
}
