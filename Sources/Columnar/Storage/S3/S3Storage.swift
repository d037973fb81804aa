/// `ObjectStorage` on an S3 bucket (Amazon S3, any S3-compatible server, or Google Cloud Storage's
/// XML API) below `s3://bucket/prefix` or `gs://bucket/prefix`: a key `k` is the object
/// `prefix/k`. HTTP and SigV4 signing by libcurl (`CurlTransfer`), retries and error kinds by
/// `S3Client`, configuration by `S3Configuration` (docs/object-storage.md).
///
/// Operations: `list` is ListObjectsV2, paginated; `size` a HEAD; `openForReading` a HEAD, then
/// ranged GETs pinned to the ETag seen (`S3ObjectReader`); `put` one PUT; `putIfAbsent` a PUT
/// with `If-None-Match: *` (412 → false, unless a HEAD finds this call's own token: a re-sent PUT); `delete` a DELETE; `move` CopyObject + DELETE (objects up
/// to 5 GiB, CopyObject's limit); `makeWriter` a single PUT below `partSize`, a multipart upload
/// above (`S3ObjectWriter`). Memory: a whole-object call holds the object; a writer one part.
/// Immutable after init, safe to share between threads.
public final class S3Storage: ObjectStorage, Sendable {
    public let url: BucketURL
    let client: S3Client
    /// Bytes per multipart part (≥ 5 MiB, S3's minimum); objects smaller go in one PUT.
    public let partSize: Int

    public var location: String { url.description }

    /// Keys per ListObjectsV2 page (nil: the server's default, 1000 on S3); small in tests.
    let listPageSize: Int?

    public static let minimumPartSize = 5 << 20

    /// A storage for `url` with an explicit configuration. Loads libcurl (throws
    /// `.remote(kind: .unavailable)` when it cannot).
    public init(url: BucketURL, configuration: S3Configuration, partSize: Int = 8 << 20,
                listPageSize: Int? = nil) throws(ColumnarError) {
        try CurlTransfer.load(for: url.description)
        self.url = url
        self.listPageSize = listPageSize
        self.client = S3Client(bucket: url, configuration: configuration)
        self.partSize = max(partSize, Self.minimumPartSize)
    }

    /// A storage for a bucket URL text, configured from the environment and `~/.aws` (usage
    /// error for a malformed URL).
    public convenience init(url text: String) throws(ColumnarError) {
        let url = try BucketURL.parse(text)
        try self.init(url: url, configuration: try S3Configuration.fromEnvironment(for: url))
    }

    /// The bucket key of `key`.
    func full(_ key: String) -> String { url.key(key) }

    public func list(prefix: String) throws(ColumnarError) -> [ObjectInfo] {
        let root = url.prefix.isEmpty ? "" : url.prefix + "/"
        let wanted = root + prefix
        var token: String?
        var out: [ObjectInfo] = []
        repeat {
            var query = ""
            if let token { query += "continuation-token=\(S3Configuration.percentEncode(token, keepSlash: false))&" }
            query += "list-type=2&"
            if let listPageSize { query += "max-keys=\(listPageSize)&" }
            query += "prefix=\(S3Configuration.percentEncode(wanted, keepSlash: false))"
            let name = describe(prefix)
            let answer = try client.send(HTTPRequest(method: "GET", url: client.url("", query: query)), name: name)
            guard answer.response.status == 200 else { throw client.failure(answer.response, name: name) }
            let page: S3Answers.ListingPage
            do {
                page = try S3Answers.listing(answer.response.body)
            } catch {
                throw .remote(url: name, kind: .invalid, reason: "unreadable listing: \(error)")
            }
            for object in page.objects where object.key.hasPrefix(wanted) && object.key.count > root.count {
                out.append(ObjectInfo(key: String(object.key.dropFirst(root.count)), size: object.size))
            }
            token = page.continuationToken
        } while token != nil
        return out.sorted { $0.key < $1.key }
    }

    /// HEAD of `key`: nil when absent, else size and ETag.
    func head(_ key: String) throws(ColumnarError) -> (size: Int, etag: String, headers: [String: String])? {
        let name = describe(key)
        let answer = try client.send(HTTPRequest(method: "HEAD", url: client.url(full(key))), name: name)
        let r = answer.response
        if r.status == 404 { return nil }
        guard r.status == 200 else { throw client.failure(r, name: name) }
        guard let length = r.header("content-length").flatMap({ Int($0) }), length >= 0 else {
            throw .remote(url: name, kind: .invalid, reason: "HEAD answered without a Content-Length")
        }
        return (length, r.header("etag") ?? "", r.headers)
    }

    public func size(of key: String) throws(ColumnarError) -> Int? {
        try head(key)?.size
    }

    public func openForReading(_ key: String) throws(ColumnarError) -> any RandomAccessObject {
        guard let info = try head(key) else {
            throw .remote(url: describe(key), kind: .missing, reason: "not found (HTTP 404)")
        }
        return S3ObjectReader(client: client, key: full(key), name: describe(key), size: info.size, etag: info.etag)
    }

    public func read(_ key: String) throws(ColumnarError) -> [UInt8] {
        let name = describe(key)
        let r = try client.send(HTTPRequest(method: "GET", url: client.url(full(key))), name: name).response
        guard r.status == 200 else { throw client.failure(r, name: name) }
        if let length = r.header("content-length").flatMap({ Int($0) }), length != r.body.count {
            throw .remote(url: name, kind: .invalid,
                          reason: "truncated response: \(r.body.count) of \(length) bytes")
        }
        return r.body
    }

    public func put(_ key: String, _ bytes: [UInt8]) throws(ColumnarError) {
        let name = describe(key)
        let r = try client.send(HTTPRequest(method: "PUT", url: client.url(full(key)), body: bytes), name: name).response
        guard r.status == 200 else { throw client.failure(r, name: name) }
    }

    public func putIfAbsent(_ key: String, _ bytes: [UInt8]) throws(ColumnarError) -> Bool {
        let name = describe(key)
        // A token of this call: a 412 may answer a re-sent PUT whose first copy landed and lost
        // its answer — re-sent by our retry, or silently by libcurl itself (it repeats a request
        // whose reused connection died before an answer) — so every 412 checks the token.
        let token = WriterToken.make()
        let request = HTTPRequest(method: "PUT", url: client.url(full(key)),
                                  headers: ["If-None-Match: *", "\(WriterToken.header): \(token)"], body: bytes)
        let answer = try client.send(request, name: name)
        switch answer.response.status {
        case 200: return true
        case 412:
            if let info = try head(key), info.headers[WriterToken.header] == token { return true }
            return false
        default: throw client.failure(answer.response, name: name)
        }
    }

    public func makeWriter(_ key: String) throws(ColumnarError) -> any ObjectWriter {
        S3ObjectWriter(client: client, key: full(key), name: describe(key), partSize: partSize)
    }

    public func delete(_ key: String) throws(ColumnarError) {
        let name = describe(key)
        let r = try client.send(HTTPRequest(method: "DELETE", url: client.url(full(key))), name: name).response
        if r.status == 204 || r.status == 200 { return }
        if r.status == 404, S3Answers.error(r.body)?.code != "NoSuchBucket" { return }
        throw client.failure(r, name: name)
    }

    public func move(_ from: String, to: String) throws(ColumnarError) {
        let name = describe(from)
        let source = "/\(url.bucket)/\(S3Configuration.percentEncode(full(from), keepSlash: true))"
        let request = HTTPRequest(method: "PUT", url: client.url(full(to)),
                                  headers: ["x-amz-copy-source: \(source)"], body: [])
        let r = try client.send(request, name: name, errorIn200: true).response
        if r.status != 200 {
            // Already moved (a redo after a crash between the copy and the delete): no error.
            if r.status == 404, S3Answers.error(r.body)?.code != "NoSuchBucket", try head(to) != nil { return }
            throw client.failure(r, name: name)
        }
        try delete(from)
    }
}

/// The metadata header a conditional write carries to recognise its own object afterwards.
enum WriterToken {
    static let header = "x-amz-meta-extract-writer"

    /// 128 random bits in hex.
    static func make() -> String {
        var g = SystemRandomNumberGenerator()
        let a = g.next(), b = g.next()
        return String(a, radix: 16) + String(b, radix: 16)
    }
}
