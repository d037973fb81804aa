#if canImport(Glibc)
import Glibc
#endif

/// How to reach a bucket: endpoint, addressing style, region, credentials and the retry policy,
/// resolved from the environment and the shared AWS files exactly as the AWS CLI does (and the
/// same for `gs://`, see below). Documented for users in docs/object-storage.md.
///
/// `s3://` (first match wins):
/// - credentials: `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`); else the
///   profile `AWS_PROFILE` (default `default`) in `AWS_SHARED_CREDENTIALS_FILE` (default
///   `~/.aws/credentials`, section `[name]`), then in `AWS_CONFIG_FILE` (default `~/.aws/config`,
///   section `[profile name]`, `[default]`); else none: requests go unsigned (public buckets);
/// - region: `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`, else `us-east-1`;
/// - endpoint: `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`, the profile's `s3 = endpoint_url = …`
///   or `endpoint_url`; a custom endpoint is addressed path-style (`ENDPOINT/bucket/key`),
///   Amazon's own virtual-hosted (`https://bucket.s3.REGION.amazonaws.com/key`; path-style for
///   bucket names with a dot, which the wildcard certificate does not cover).
/// `gs://`: `https://storage.googleapis.com/bucket/key` (or `STORAGE_EMULATOR_HOST`, the Google
/// client libraries' emulator variable), region `auto`; `GOOGLE_OAUTH_ACCESS_TOKEN` gives
/// `Authorization: Bearer …`, else the HMAC key found as for `s3://` signs with SigV4.
public struct S3Configuration: Sendable {
    public enum Credentials: Sendable, Equatable {
        /// Unsigned requests (public buckets).
        case anonymous
        /// SigV4 signing by libcurl (`CURLOPT_AWS_SIGV4`).
        case accessKey(id: String, secret: String, sessionToken: String?)
        /// `Authorization: Bearer <token>` (GCS OAuth2 access token).
        case bearer(String)
    }

    public var credentials: Credentials
    public var region: String
    /// `scheme://host[:port]`, no trailing slash.
    public var endpoint: String
    /// True: `endpoint/bucket/key`; false: `scheme://bucket.host/key`.
    public var pathStyle: Bool
    public var retry: RetryPolicy
    /// Seconds to establish a connection.
    public var connectTimeout: Int = 10
    /// A transfer slower than 1 byte/s for this many seconds is a dropped connection.
    public var stallTimeout: Int = 30
    /// Where the credentials came from, for messages ("environment", "profile default in ~/.aws/credentials").
    public var credentialSource: String

    public init(credentials: Credentials, region: String, endpoint: String, pathStyle: Bool,
                retry: RetryPolicy = RetryPolicy(), credentialSource: String = "given") {
        self.credentials = credentials
        self.region = region
        var e = endpoint
        while e.hasSuffix("/") { e.removeLast() }
        self.endpoint = e
        self.pathStyle = pathStyle
        self.retry = retry
        self.credentialSource = credentialSource
    }

    /// The configuration for `url` from `environment` (normally the process's) and the shared
    /// files read with `readFile` (nil when absent). Throws `.invalidArgument` for an endpoint
    /// that is not an http(s) URL.
    public static func resolve(for url: BucketURL, environment: [String: String],
                               readFile: (String) -> String?) throws(ColumnarError) -> S3Configuration {
        func env(_ name: String) -> String? {
            guard let v = environment[name], !v.isEmpty else { return nil }
            return v
        }
        let home = env("HOME") ?? ""
        let profile = env("AWS_PROFILE") ?? "default"
        let credentialsPath = env("AWS_SHARED_CREDENTIALS_FILE") ?? home + "/.aws/credentials"
        let configPath = env("AWS_CONFIG_FILE") ?? home + "/.aws/config"
        let credentialsFile = readFile(credentialsPath).map(IniFile.init(parsing:))
        let configFile = readFile(configPath).map(IniFile.init(parsing:))
        let configSection = profile == "default" ? "default" : "profile " + profile
        func config(_ key: String) -> String? {
            guard let v = configFile?.value(key, in: configSection), !v.isEmpty else { return nil }
            return v
        }

        var credentials = Credentials.anonymous
        var source = "none found (unsigned requests)"
        if let id = env("AWS_ACCESS_KEY_ID"), let secret = env("AWS_SECRET_ACCESS_KEY") {
            credentials = .accessKey(id: id, secret: secret, sessionToken: env("AWS_SESSION_TOKEN"))
            source = "AWS_ACCESS_KEY_ID"
        } else if let id = credentialsFile?.value("aws_access_key_id", in: profile),
                  let secret = credentialsFile?.value("aws_secret_access_key", in: profile) {
            credentials = .accessKey(id: id, secret: secret,
                                     sessionToken: credentialsFile?.value("aws_session_token", in: profile))
            source = "profile \(profile) in \(credentialsPath)"
        } else if let id = config("aws_access_key_id"), let secret = config("aws_secret_access_key") {
            credentials = .accessKey(id: id, secret: secret, sessionToken: config("aws_session_token"))
            source = "profile \(profile) in \(configPath)"
        }

        switch url.scheme {
        case .s3:
            let region = env("AWS_REGION") ?? env("AWS_DEFAULT_REGION") ?? config("region") ?? "us-east-1"
            if let custom = env("AWS_ENDPOINT_URL_S3") ?? env("AWS_ENDPOINT_URL")
                ?? config("s3.endpoint_url") ?? config("endpoint_url") {
                return S3Configuration(credentials: credentials, region: region,
                                       endpoint: try checkedEndpoint(custom), pathStyle: true, credentialSource: source)
            }
            let dotted = url.bucket.contains(".")
            return S3Configuration(credentials: credentials, region: region,
                                   endpoint: "https://s3.\(region).amazonaws.com", pathStyle: dotted,
                                   credentialSource: source)
        case .gs:
            if let token = env("GOOGLE_OAUTH_ACCESS_TOKEN") {
                credentials = .bearer(token)
                source = "GOOGLE_OAUTH_ACCESS_TOKEN"
            }
            var endpoint = "https://storage.googleapis.com"
            if let emulator = env("STORAGE_EMULATOR_HOST") {
                endpoint = try checkedEndpoint(emulator.contains("://") ? emulator : "http://" + emulator)
            }
            return S3Configuration(credentials: credentials, region: "auto", endpoint: endpoint, pathStyle: true,
                                   credentialSource: source)
        }
    }

    /// The configuration for `url` from this process's environment and the shared AWS files.
    public static func fromEnvironment(for url: BucketURL) throws(ColumnarError) -> S3Configuration {
        try resolve(for: url, environment: ProcessEnvironment.variables) { path in
            guard FileIO.fileType(path) == .regular, let bytes = try? FileIO.readAll(path) else { return nil }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    static func checkedEndpoint(_ text: String) throws(ColumnarError) -> String {
        guard text.hasPrefix("http://") || text.hasPrefix("https://"),
              text.split(separator: "/", omittingEmptySubsequences: false).count >= 3,
              !text.contains(" "), !text.contains("?") else {
            throw .invalidArgument("invalid endpoint URL '\(text)': expected http(s)://host[:port]")
        }
        return text
    }

    /// The URL of `key` in `bucket` (key percent-encoded, `/` kept), with an optional query.
    func objectURL(bucket: String, key: String, query: String = "") -> String {
        let path = Self.percentEncode(key, keepSlash: true)
        var url: String
        if pathStyle {
            url = "\(endpoint)/\(bucket)/\(path)"
        } else {
            let scheme = endpoint.hasPrefix("http://") ? "http://" : "https://"
            let host = endpoint.dropFirst(scheme.count)
            url = "\(scheme)\(bucket).\(host)/\(path)"
        }
        return query.isEmpty ? url : url + "?" + query
    }

    /// RFC 3986 percent-encoding of everything but the unreserved characters (and `/` if asked),
    /// as SigV4's canonical URI and query expect.
    static func percentEncode(_ text: String, keepSlash: Bool) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"):
                out.append(b)
            case UInt8(ascii: "/") where keepSlash:
                out.append(b)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 15)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// The process environment as a dictionary (read once per call; cheap, called per bucket URL).
enum ProcessEnvironment {
    static var variables: [String: String] {
        var out: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let text = String(cString: entry)
            if let eq = text.firstIndex(of: "=") {
                out[String(text[..<eq])] = String(text[text.index(after: eq)...])
            }
            p += 1
        }
        return out
    }
}
